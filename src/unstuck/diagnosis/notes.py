"""Reading touch summaries and notes for the signals a seller would hear in them.

The detector is behind a small interface (:class:`NotesDetector`) so a statistical or
embedding classifier can replace the phrase-and-pattern one without touching the
diagnosis.

:class:`PatternNotesDetector` works in three steps:

1. :func:`normalise` folds case, curly quotes, dashes, whitespace and contractions
   ("isn't", "isnt", "is not" all become ``is not``) and keeps a map back to the
   original offsets, so every quote is the seller's own words.
2. One precompiled alternation per signal (the tables live in
   :mod:`unstuck.diagnosis.notes_patterns`) is searched over the normalised text.
3. A match is dropped when a negation ("not", "no", "never", "no longer", …) sits in
   the few words before it in the same clause, or "anymore" follows it — "not still
   thinking", "no pushback on price", "they did not decline".
"""

from __future__ import annotations

import itertools
import re
from bisect import bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from typing import Protocol

from unstuck.diagnosis.notes_patterns import PATTERNS

__all__ = [
    "NormalisedText",
    "NoteHit",
    "NoteSignal",
    "NotesDetector",
    "PatternNotesDetector",
    "default_detector",
    "normalise",
]


class NoteSignal(StrEnum):
    COMMITMENT_DECLINED = "commitment_declined"  # "we are not ready to commit"
    COMMITMENT_GIVEN = "commitment_given"  # "yes, let's set up the sessions"
    STILL_THINKING = "still_thinking"  # "still thinking about it", "need more time"
    RESISTANCE = "resistance"  # someone pushes back, blocks, does not want it
    FEAR_OF_LOOKING_BAD = "fear_of_looking_bad"  # worried about their reputation/blame
    STATUS_QUO_NOT_OPTION = "status_quo_not_option"  # "doing nothing is not an option"
    BAD_TIMING = "bad_timing"  # "not a good time", "after the reorg", "next quarter"
    MORE_INFO = "more_info"  # asks for more information, another demo, a case study
    PRICE_PUSHBACK = "price_pushback"  # wants a discount, too expensive
    NO_AUTHORITY = "no_authority"  # "I need to check with my boss", "not my call"
    # The close-out answers of the domain's "final call": they went with someone else,
    # will do it themselves, or decided to stay as they are.
    CHOSE_ALTERNATIVE = "chose_alternative"  # "went with a competitor", "doing it in-house"


@dataclass(frozen=True)
class NoteHit:
    signal: NoteSignal
    quote: str  # the words of the note that triggered it, as written


class NotesDetector(Protocol):
    def detect(self, text: str) -> list[NoteHit]:
        """Every signal found in one note, each at most once, with its quote."""
        ...


# --- normalisation -----------------------------------------------------------------

# One-for-one character folds, so str.translate keeps offsets unchanged.
_FOLD = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "`": "'",
        "\u00b4": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u2033": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u2026": ".",
    }
)

# Verbs whose "n't" / "nt" form is unambiguous enough to expand. Bare "cant" and "wont"
# are real words, but in CRM notes they are nearly always missing apostrophes.
_NT_VERBS = "is|are|was|were|do|does|did|has|have|had|would|could|should|must|need"
_REWRITE = re.compile(
    r"(?P<ws>\s{2,}|[^\S ])"
    r"|\b(?P<can>can'?t|cannot)\b"
    r"|\b(?P<wont>won'?t)\b"
    rf"|\b(?P<nt>{_NT_VERBS})n'?t\b"
    r"|\b(?P<lets>let's)\b"
    r"|\b(?P<is>it|that|there|what|he|she|who|here)'s\b"
    r"|\b(?P<base>\w+)'(?P<suffix>ll|re|ve|m|d)\b"
)
_SUFFIXES = {"ll": " will", "re": " are", "ve": " have", "m": " am", "d": " would"}


def _rewrite(m: re.Match[str]) -> str:
    kind = m.lastgroup
    if kind == "ws":
        return " "
    if kind == "can":
        return "can not"
    if kind == "wont":
        return "will not"
    if kind == "nt":
        return m["nt"] + " not"
    if kind == "lets":
        return "let us"
    if kind == "is":
        return m["is"] + " is"
    return m["base"] + _SUFFIXES[m["suffix"]]


class NormalisedText:
    """Normalised text plus what is needed to map its offsets back to the original.

    The normalised text is a run of pieces: piece *k* starts at ``norm_starts[k]`` and
    is either copied verbatim (``verbatim[k]``) from ``orig_starts[k]`` or a rewrite of
    ``original[orig_starts[k]:orig_ends[k]]``. A plain slotted class rather than a frozen
    dataclass: it is built once per note and the frozen ``__init__`` was a measurable
    share of the detector's time.
    """

    __slots__ = ("norm_starts", "orig_ends", "orig_starts", "original", "text", "verbatim")

    def __init__(
        self,
        original: str,
        text: str,
        norm_starts: tuple[int, ...],
        orig_starts: tuple[int, ...],
        orig_ends: tuple[int, ...],
        verbatim: tuple[bool, ...],
    ) -> None:
        self.original = original
        self.text = text
        self.norm_starts = norm_starts
        self.orig_starts = orig_starts
        self.orig_ends = orig_ends
        self.verbatim = verbatim

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The span of the original text that produced ``text[start:end]``."""
        k = bisect_right(self.norm_starts, start) - 1
        if self.verbatim[k]:
            o_start = self.orig_starts[k] + start - self.norm_starts[k]
        else:
            o_start = self.orig_starts[k]
        k = bisect_right(self.norm_starts, end - 1) - 1
        if self.verbatim[k]:
            o_end = self.orig_starts[k] + end - self.norm_starts[k]
        else:
            o_end = self.orig_ends[k]
        return o_start, o_end

    def original_slice(self, start: int, end: int) -> str:
        o_start, o_end = self.original_span(start, end)
        return self.original[o_start:o_end]

    def __repr__(self) -> str:
        return f"NormalisedText({self.original!r} -> {self.text!r})"


def _fold_case(text: str) -> str:
    if text.isascii() and "`" not in text:
        return text.lower()  # the common case; translate() with a dict is per-character
    folded = text.translate(_FOLD).lower()
    if len(folded) == len(text):
        return folded
    # A few characters ("İ") lowercase to two; keep those as they are so offsets hold.
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text.translate(_FOLD))


def normalise(text: str) -> NormalisedText:
    """Fold ``text`` for matching, keeping a map back to the original offsets."""
    folded = _fold_case(text)
    if _REWRITE.search(folded) is None:
        # Most notes need no rewrite; skip building the offset map piece by piece.
        return NormalisedText(text, folded, (0,), (0,), (len(text),), (True,))
    pieces: list[str] = []
    norm_starts: list[int] = []
    orig_starts: list[int] = []
    orig_ends: list[int] = []
    verbatim: list[bool] = []
    n = 0
    pos = 0
    for m in _REWRITE.finditer(folded):
        start, end = m.span()
        if start > pos:
            pieces.append(folded[pos:start])
            norm_starts.append(n)
            orig_starts.append(pos)
            orig_ends.append(start)
            verbatim.append(True)
            n += start - pos
        replacement = _rewrite(m)
        pieces.append(replacement)
        norm_starts.append(n)
        orig_starts.append(start)
        orig_ends.append(end)
        verbatim.append(False)
        n += len(replacement)
        pos = end
    if pos < len(folded) or not pieces:
        pieces.append(folded[pos:])
        norm_starts.append(n)
        orig_starts.append(pos)
        orig_ends.append(len(folded))
        verbatim.append(True)
    return NormalisedText(
        original=text,
        text="".join(pieces),
        norm_starts=tuple(norm_starts),
        orig_starts=tuple(orig_starts),
        orig_ends=tuple(orig_ends),
        verbatim=tuple(verbatim),
    )


# --- negation ----------------------------------------------------------------------

# How far back a negation reaches: the current clause, and at most this many words.
# Five covers "they never said they were | not interested" while keeping "no" of an
# earlier, unrelated phrase out of reach.
_NEGATION_WINDOW_WORDS = 5
_NEGATION_LOOKBACK_CHARS = 60
_CLAUSE_BREAK = re.compile(
    r"[.;:!?,()\[\]\"/+]|\s-\s"
    # "until"/"unless" open a new scope: "can't commit | until after the reorg".
    r"|\b(?:but|and|though|although|however|yet|so|because|whereas|while|then|until|till"
    r"|unless)\b|&"
)
_NEGATOR = re.compile(
    r"\b(?:not|no|never|nobody|none|neither|nor|without|hardly|barely|stopped|ceased"
    r"|dropped|withdrew|overcame|removed)\b"
)
_TRAILING_NEGATOR = re.compile(r"\s*(?:any ?more|no longer)\b")


def _negated(norm: str, start: int, end: int) -> bool:
    before = norm[max(0, start - _NEGATION_LOOKBACK_CHARS) : start]
    clause = _CLAUSE_BREAK.split(before)[-1]
    words = clause.split()[-_NEGATION_WINDOW_WORDS:]
    if words and _NEGATOR.search(" ".join(words)):
        return True
    return _TRAILING_NEGATOR.match(norm, end) is not None


# --- detector ----------------------------------------------------------------------


def _compile(patterns: Sequence[str]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns))


class PatternNotesDetector:
    """Finds :class:`NoteSignal` s in a note with phrase patterns and negation rules.

    ``patterns`` maps each signal to regular expressions over normalised text (see
    :mod:`unstuck.diagnosis.notes_patterns` for the conventions); it defaults to the
    built-in tables. Patterns are compiled once, here, because the detector runs over
    every note of every deal.
    """

    def __init__(self, patterns: Mapping[NoteSignal, Sequence[str]] | None = None) -> None:
        if patterns is None:
            patterns = {NoteSignal(name): table for name, table in PATTERNS.items()}
        self._rules: tuple[tuple[NoteSignal, re.Pattern[str]], ...] = tuple(
            (signal, _compile(table)) for signal, table in patterns.items() if table
        )

    def detect(self, text: str) -> list[NoteHit]:
        norm = normalise(text)
        found: list[tuple[int, NoteHit]] = []
        for signal, pattern in self._rules:
            # search() first: most signals are absent, and finditer costs more to set up.
            first = pattern.search(norm.text)
            if first is None:
                continue
            for m in itertools.chain((first,), pattern.finditer(norm.text, first.end())):
                start, end = m.span()
                if _negated(norm.text, start, end):
                    continue
                o_start, o_end = norm.original_span(start, end)
                quote = text[o_start:o_end].strip(" \t\n,.;:!?")
                found.append((o_start, NoteHit(signal, quote or text[o_start:o_end])))
                break
        found.sort(key=lambda item: item[0])
        return [hit for _, hit in found]


@cache
def default_detector() -> PatternNotesDetector:
    """The built-in detector, compiled once per process and shared (it holds no state)."""
    return PatternNotesDetector()
