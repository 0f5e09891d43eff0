"""Small text helpers shared by the signals: normalising answers, words of the why, names."""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import lru_cache

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")

# Filler words that carry no meaning when comparing two answers or looking for the why.
_FILLER = (
    "a an and are as at be been but by can could did do does for from had has have he "
    "her him his i if in into is it its just let me more most my of on or our out over "
    "she so some such than that the their them then there these they this those to too "
    "up us very was we were what when where which who will with would you your about "
    "also all any because being each get got going how like make need needs only other "
    "should still want wants well year years day days week weeks month months time "
    "really think said says told"
)
STOPWORDS = frozenset(_FILLER.split())

# Words that flip an answer's meaning: "budget" and "no budget" never agree.
_FLIPS = (
    "no not none never nothing nobody cannot can't won't don't doesn't isn't aren't "
    "haven't hasn't without zero unclear unknown"
)
NEGATIONS = frozenset(_FLIPS.split())


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def normalise_answer(text: str) -> frozenset[str]:
    """The meaningful words of an answer, negations kept (order and filler ignored)."""
    return frozenset(w for w in words(text) if w not in STOPWORDS or w in NEGATIONS)


def answers_agree(first: frozenset[str], second: frozenset[str]) -> bool:
    """Same words, or one answer adds detail to the other with the same polarity.

    "approved" and "approved for Q4" agree; "approved" and "no budget" do not; nor do
    "budget" and "no budget", because only one of them is negated.
    """
    if first == second:
        return True
    if bool(first & NEGATIONS) != bool(second & NEGATIONS):
        return False
    return bool(first) and bool(second) and (first <= second or second <= first)


def stem(word: str) -> str:
    """A crude stem: the first five letters (driver/drivers, audit/audits, paper/papers)."""
    return word[:5]


def significant_stems(text: str) -> frozenset[str]:
    """Stems of the words that carry the meaning of a sentence (for spotting the why)."""
    return frozenset(stem(w) for w in words(text) if len(w) >= 4 and w not in STOPWORDS)


@lru_cache(maxsize=65536)
def _text_stems(text: str) -> frozenset[str]:
    # Cached per text: the same note is checked against the why on every scan.
    return frozenset(stem(w) for w in words(text) if len(w) >= 4)


def mentions(text: str, stems: frozenset[str]) -> bool:
    return not _text_stems(text).isdisjoint(stems)


def day(moment: datetime | date) -> str:
    """ISO calendar day, the way evidence sentences show dates."""
    return (moment.date() if isinstance(moment, datetime) else moment).isoformat()


def plural(count: int, noun: str, many: str | None = None) -> str:
    return f"{count} {noun if count == 1 else (many or noun + 's')}"


def times(count: int) -> str:
    return {1: "once", 2: "twice"}.get(count, f"{count} times")


def quoted(text: str) -> str:
    """Someone's words ready to sit inside quotes: one line, no closing full stop."""
    return " ".join(text.split()).rstrip(" .")


def short(text: str, limit: int = 160) -> str:
    """One line of a note, cut at a word boundary."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    return flat[: limit - 1].rsplit(" ", 1)[0] + "…"


def name_pattern(full_name: str) -> re.Pattern[str] | None:
    """Matches a person's full or first name as whole words, in any case."""
    parts = full_name.split()
    if not parts:
        return None
    options = sorted({re.escape(full_name.strip()), re.escape(parts[0])}, key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(options) + r")\b", re.IGNORECASE)


__all__ = [
    "NEGATIONS",
    "STOPWORDS",
    "answers_agree",
    "day",
    "mentions",
    "name_pattern",
    "normalise_answer",
    "plural",
    "quoted",
    "short",
    "significant_stems",
    "times",
    "words",
]
