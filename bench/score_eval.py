"""Evaluate the Unstuck scorer and its baselines on a CSV of closed deals.

    python bench/score_eval.py PATH [--target COL] [--positive VALUE] [--id COL]
                               [--only VALUE,VALUE] [--drop COL ...] [--json]
                               [--json-out FILE]

Defaults fit the IBM sales win/loss table (WA_Fn-UseC_-Sales-Win-Loss.csv). ``--only``
keeps the rows whose target is one of the values, e.g. ``--only Won,Lost`` for the
closed deals of a pipeline export that also holds open ones (the Maven CRM table).
The printed report is the same as ``unstuck score evaluate``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

from rich.console import Console

from unstuck.cli.score import render_report
from unstuck.errors import UnstuckError
from unstuck.scoring.evaluate import evaluate_frame
from unstuck.scoring.table import read_csv


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path")
    parser.add_argument("--target", default="Opportunity Result")
    parser.add_argument("--positive", default="Won")
    parser.add_argument("--id", dest="id_col", default="Opportunity Number")
    parser.add_argument("--only", default=None, help="comma-separated target values to keep")
    parser.add_argument("--drop", action="append", default=[])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--train-sizes", default="100,200,400,1000")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--plot", default=None)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--json-out", default=None, help="also write the JSON report here")
    args = parser.parse_args(argv)

    import polars as pl

    try:
        frame = read_csv(args.path)
        if args.only:
            keep = args.only.split(",")
            frame = frame.filter(pl.col(args.target).cast(pl.String).is_in(keep))
        started = time.perf_counter()
        report = evaluate_frame(
            frame,
            args.target,
            args.positive,
            id_col=args.id_col or None,
            drop=args.drop,
            folds=args.folds,
            train_sizes=[int(s) for s in args.train_sizes.split(",") if s],
            seed=args.seed,
            plot=args.plot,
            source=args.path,
        )
        wall = time.perf_counter() - started
    except UnstuckError as error:
        print(f"Error: {error}", file=sys.stderr)
        return error.exit_code
    if args.json_out:
        with open(args.json_out, "w", encoding="utf-8") as out:
            json.dump(report.to_dict(), out, indent=2)
    if args.json:
        print(json.dumps(report.to_dict(), indent=2))
    else:
        render_report(report, Console(width=120))
        print(f"Wall time (evaluation, excluding CSV read): {wall:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
