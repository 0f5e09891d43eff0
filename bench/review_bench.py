"""How long the weekly review takes on a large pipeline.

    python -m bench.review_bench                 # builds 14,300 deals (~10,000 open) in a temp
                                                 # SQLite file, then times the review
    python -m bench.review_bench --db PATH_OR_URL --as-of 2026-11-20   # an existing database

The main bench runner calls :func:`run` with a database it has filled; it returns
(name, seconds, target) rows. The review's target: under 3 s for 10,000 open deals
(200,000 touches) on SQLite. The rows: the review in-process (everything read and
computed, as `unstuck review` does it), rendering its HTML report, and the command end to
end (process start included). A store filled
some other way than `unstuck import` (say, a raw bulk load) starts with an empty scan cache:
its first review diagnoses every deal once, about 4 s more at this size.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

from unstuck.config import default_config
from unstuck.domain import Deal, Pipeline
from unstuck.review import render_html
from unstuck.sample import iter_deals
from unstuck.service import Unstuck
from unstuck.store import Store

TARGET = "< 3 s at 10k open (SQLite), < 10 s at 1M"


def _as_of(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    return moment.replace(hour=23, minute=59, second=59) if len(text) == 10 else moment


def run(db_url: str, as_of: str) -> list[tuple[str, float, str]]:
    """Time one review of every open deal in ``db_url`` as of ``as_of``, the way
    `unstuck review` builds it (the stall scan's view of each deal; only the deals shown
    in detail read whole), then the HTML report and the command end to end."""
    from unstuck.cli.review import load_review

    now = _as_of(as_of)
    config = default_config()
    app = Unstuck(config, Store.open(db_url))
    rows: list[tuple[str, float, str]] = []
    try:
        with app.store.read() as tx:
            n = len(tx.scan_rows())
        start = time.perf_counter()
        review = load_review(app, now)
        t_review = time.perf_counter()
        render_html(review)
        t_html = time.perf_counter()
    finally:
        app.store.close()
    rows += [
        (f"review of {n:,} open deals in-process", t_review - start, TARGET),
        ("review: HTML report", t_html - t_review, ""),
    ]
    command = [sys.executable, "-m", "unstuck", "review", "--as-of", as_of, "--db", db_url]
    begin = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    rows.append(("`unstuck review` end to end", time.perf_counter() - begin, TARGET))
    return rows


def build(db_url: str, now: datetime, total: int = 14_300) -> None:
    """About 10,000 open deals with ~20 touches each, imported in batches of 5,000 the way
    `unstuck import` imports them (which also fills the stall scan's cache)."""
    app = Unstuck(default_config(), Store.open(db_url))
    batch: list[Deal] = []
    try:
        for deal in iter_deals(total, now, seed=1):
            batch.append(deal)
            if len(batch) == 5000:
                app.import_pipeline(Pipeline(tuple(batch)), now, dry_run=False)
                batch = []
        if batch:
            app.import_pipeline(Pipeline(tuple(batch)), now, dry_run=False)
    finally:
        app.store.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.review_bench", description=__doc__)
    parser.add_argument("--db", help="an existing database (default: build one)")
    parser.add_argument("--as-of", default="2026-11-20")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db
        if db is None:
            db = str(Path(tmp) / "review-bench.db")
            began = time.perf_counter()
            build(db, _as_of(args.as_of).replace(hour=12, minute=0, second=0))
            print(f"built {db} in {time.perf_counter() - began:.1f} s")
        for name, seconds, target in run(db, args.as_of):
            print(f"  {name:<52} {seconds:>8.2f} s  {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
