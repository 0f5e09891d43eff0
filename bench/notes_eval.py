"""Precision, recall and F1 of the notes detector on the labelled note sets.

    .venv/bin/python bench/notes_eval.py [--set dev|heldout|all] [--errors]

The sets live in ``tests/diagnosis/data``: ``notes_dev.jsonl`` is what the patterns are
tuned on; ``notes_heldout.jsonl`` was written before any pattern and is never tuned on,
so its figures are the honest estimate. Each line is ``{"text": ..., "signals": [...]}``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from unstuck.diagnosis.notes import NotesDetector, NoteSignal, default_detector

DATA_DIR = Path(__file__).resolve().parent.parent / "tests" / "diagnosis" / "data"
SETS = {"dev": "notes_dev.jsonl", "heldout": "notes_heldout.jsonl"}


@dataclass(frozen=True)
class Example:
    text: str
    signals: frozenset[NoteSignal]


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def support(self) -> int:
        return self.tp + self.fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Report:
    per_signal: dict[NoteSignal, Counts] = field(
        default_factory=lambda: {signal: Counts() for signal in NoteSignal}
    )
    errors: list[tuple[str, frozenset[NoteSignal], frozenset[NoteSignal]]] = field(
        default_factory=list
    )

    @property
    def micro(self) -> Counts:
        total = Counts()
        for c in self.per_signal.values():
            total.tp += c.tp
            total.fp += c.fp
            total.fn += c.fn
        return total


def load(path: Path) -> list[Example]:
    examples = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            signals = frozenset(NoteSignal(s) for s in row["signals"])
            examples.append(Example(row["text"], signals))
    return examples


def load_set(name: str) -> list[Example]:
    return load(DATA_DIR / SETS[name])


def evaluate(examples: Iterable[Example], detector: NotesDetector | None = None) -> Report:
    detector = detector or default_detector()
    report = Report()
    for ex in examples:
        got = frozenset(hit.signal for hit in detector.detect(ex.text))
        for signal in NoteSignal:
            counts = report.per_signal[signal]
            if signal in got and signal in ex.signals:
                counts.tp += 1
            elif signal in got:
                counts.fp += 1
            elif signal in ex.signals:
                counts.fn += 1
        if got != ex.signals:
            report.errors.append((ex.text, ex.signals, got))
    return report


def format_table(title: str, report: Report) -> str:
    lines = [title, f"{'signal':<24}{'precision':>10}{'recall':>8}{'f1':>7}{'support':>9}"]
    rows = [(str(s), c) for s, c in report.per_signal.items()]
    rows.append(("micro avg", report.micro))
    for name, c in rows:
        if name == "micro avg":
            lines.append("-" * 58)
        lines.append(f"{name:<24}{c.precision:>10.2f}{c.recall:>8.2f}{c.f1:>7.2f}{c.support:>9}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=["dev", "heldout", "all"], default="all")
    parser.add_argument("--errors", action="store_true", help="list misread notes")
    args = parser.parse_args(argv)
    names = list(SETS) if args.set == "all" else [args.set]
    for name in names:
        examples = load_set(name)
        report = evaluate(examples)
        print(format_table(f"{name} ({len(examples)} notes)", report))
        if args.errors:
            for text, want, got in report.errors:
                missing = ", ".join(sorted(want - got)) or "-"
                extra = ", ".join(sorted(got - want)) or "-"
                print(f"  missed: {missing:<30} extra: {extra:<30} {text}")
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
