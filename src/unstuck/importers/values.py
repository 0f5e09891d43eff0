"""The values CRM exports write: amounts, dates, yes/no, custom field values.

Every parser takes the raw cell (text from a CSV, or the typed value openpyxl gives for
an XLSX cell) and returns our value or raises ``ValueError`` with a message a user can
act on. Datetimes come back naive UTC (naive input is in the import's time zone, like
``document.parse_datetime``); calendar days come back as ``date`` without conversion,
because a close date is a day in the seller's calendar, not an instant.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import TypeVar
from zoneinfo import ZoneInfo

from unstuck.domain import FieldValue

Cell = str | int | float | bool | datetime | date | time | None
T = TypeVar("T")

_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2009": " "})
_CURRENCY_SYMBOLS = {"€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR", "$": None, "CHF": "CHF"}
_AMOUNT = re.compile(
    r"^(?P<pre>[A-Z]{3}|[€£¥₹$])?\s*(?P<num>[-+(]?[\d\s.,']+\)?)\s*(?P<post>[A-Z]{3}|[€£¥₹$])?$"
)
# Strict shapes for custom fields: only text that is unmistakably a number becomes one,
# so ids with leading zeros, phone numbers and postcodes stay text.
_PLAIN = {
    ".": re.compile(r"^-?(0|[1-9]\d{0,14})(\.\d+)?$|^-?[1-9]\d{0,2}(,\d{3})+(\.\d+)?$"),
    ",": re.compile(r"^-?(0|[1-9]\d{0,14})(,\d+)?$|^-?[1-9]\d{0,2}(\.\d{3})+(,\d+)?$"),
}


def text(cell: Cell) -> str | None:
    """The cell as stripped text, or None when empty."""
    if type(cell) is str:  # the hot path: every CSV cell
        return cell.strip() or None
    if cell is None:
        return None
    if isinstance(cell, bool):
        return "true" if cell else "false"
    if isinstance(cell, datetime):
        return cell.isoformat(sep=" ")
    if isinstance(cell, date | time):
        return cell.isoformat()
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    value = str(cell).strip()
    return value or None


def _number_text(raw: str, decimal: str) -> float:
    value = raw.translate(_SPACES).replace(" ", "").replace("'", "")
    negative = value.startswith("(") and value.endswith(")")
    value = value.strip("()")
    if not re.fullmatch(r"[-+]?[\d.,]+", value) or not re.search(r"\d", value):
        raise ValueError(f"not a number: {raw!r}")
    dots, commas = value.count("."), value.count(",")
    if dots and commas:
        point = "." if value.rfind(".") > value.rfind(",") else ","
    elif commas:
        grouped = re.fullmatch(r"[-+]?\d{1,3},\d{3}", value) is not None
        point = "." if commas > 1 else "," if decimal == "," or not grouped else "."
    elif dots:
        grouped = dots > 1 or bool(decimal == "," and re.fullmatch(r"[-+]?\d{1,3}\.\d{3}", value))
        point = "," if grouped else "."
    else:
        point = "."
    thousands = "," if point == "." else "."
    if value.count(point) > 1:
        raise ValueError(f"not a number: {raw!r}")
    number = float(value.replace(thousands, "").replace(point, "."))
    return -number if negative else number


def amount(cell: Cell, decimal: str = ".") -> tuple[float, str | None]:
    """'USD 12,000.00' -> (12000.0, 'USD'); '1.234,56 €' -> (1234.56, 'EUR')."""
    if isinstance(cell, bool) or cell is None:
        raise ValueError(f"not an amount: {cell!r}")
    if isinstance(cell, int | float):
        return float(cell), None
    raw = str(cell).translate(_SPACES).strip()
    match = _AMOUNT.match(raw)
    if match is None:
        raise ValueError(
            f"not an amount: {raw!r} (expected e.g. 12000, 12,000.00 or USD 12,000.00)"
        )
    code = match["pre"] or match["post"]
    currency = _CURRENCY_SYMBOLS.get(code, code) if code else None
    try:
        return _number_text(match["num"], decimal), currency
    except ValueError:
        raise ValueError(f"not an amount: {raw!r}") from None


def field_value(cell: Cell, decimal: str = ".") -> FieldValue:
    """A custom field: numbers become numbers, true/false booleans, the rest text."""
    if cell is None or isinstance(cell, bool | int | float):
        return cell
    if isinstance(cell, datetime | date | time):
        return text(cell)
    raw = str(cell).strip()
    if not raw:
        return None
    if raw in ("true", "TRUE", "True"):
        return True
    if raw in ("false", "FALSE", "False"):
        return False
    if _PLAIN[decimal].match(raw):
        number = _number_text(raw, decimal)
        return int(number) if number.is_integer() and abs(number) < 2**53 else number
    return raw


_TRUE = {"true", "yes", "y", "1", "x", "done", "checked", "ja", "oui", "sí", "si", "t"}
_FALSE = {"false", "no", "n", "0", "to do", "todo", "not done", "unchecked", "nein", "non", "f"}


def flag(cell: Cell) -> bool:
    if isinstance(cell, bool):
        return cell
    if isinstance(cell, int | float):
        return bool(cell)
    raw = (text(cell) or "").casefold()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ValueError(f"not yes/no: {cell!r} (expected true/false, yes/no or 1/0)")


# -- dates ------------------------------------------------------------------------------

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
            ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
            ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}  # fmt: skip
_TIME = (
    r"(?:(?:T|\s+|,\s*)(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2})(?:[.,](?P<f>\d+))?)?"
    r"\s*(?P<ampm>[AaPp]\.?[Mm]\.?)?)?\s*(?P<tz>Z|UTC|GMT|[+-]\d{2}:?\d{2})?$"
)
_ISO = re.compile(r"^(?P<y>\d{4})[-/](?P<m>\d{1,2})[-/](?P<d>\d{1,2})" + _TIME)
# ISO dates without a zone, as most exports write them: what fromisoformat reads exactly
# as _ISO does (it also reads other shapes, such as week dates, which _ISO does not).
_PLAIN_ISO = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?)?\Z", re.ASCII)
_NUMERIC = re.compile(
    r"^(?P<a>\d{1,2})(?P<sep>[/.\-])(?P<b>\d{1,2})(?P=sep)(?P<y>\d{4}|\d{2})" + _TIME
)
_WORDY = re.compile(
    r"^(?:(?P<d1>\d{1,2})[\s\-]+(?P<mon1>[A-Za-z]{3,9})\.?[\s\-]+(?P<y1>\d{4}|\d{2})"
    r"|(?P<mon2>[A-Za-z]{3,9})\.?\s+(?P<d2>\d{1,2}),?\s+(?P<y2>\d{4}))" + _TIME
)
MDY = "%m/%d/%Y"
DMY = "%d/%m/%Y"


def numeric_order_hint(cell: Cell) -> str | None:
    """For a day/month/year value: MDY or DMY when the value itself decides it, "?" when
    it could be either (both parts <= 12), None when it is not such a value."""
    if not isinstance(cell, str):
        return None
    match = _NUMERIC.match(cell.strip())
    if match is None or match["sep"] == ".":
        return None
    first, second = int(match["a"]), int(match["b"])
    if first > 12 >= second:
        return DMY
    if second > 12 >= first:
        return MDY
    return "?"


def _year(raw: str) -> int:
    year = int(raw)
    return year + 2000 if len(raw) == 2 else year


class DateParser:
    """Parses one file's dates. ``order`` settles D/M vs M/D for slash dates (MDY/DMY);
    ``fmt`` is the user's ``date_format`` and wins over everything but ISO."""

    def __init__(self, tz: ZoneInfo, order: str | None = None, fmt: str | None = None) -> None:
        self.tz = tz
        self.order = order
        self.fmt = fmt
        # Answers by the text as written: exports repeat dates (days above all), and a
        # million deals' rows parse several dates each.
        self._whens: dict[str, datetime] = {}
        self._utc = str(tz) in ("UTC", "Etc/UTC")  # local times are UTC already
        self._days: dict[str, date] = {}

    def when(self, cell: Cell) -> datetime:
        """An instant, as naive UTC."""
        return _remembered(self._whens, cell, self._when)

    def _when(self, cell: Cell) -> datetime:
        moment, zone = self._parse(cell)
        if zone is None and self._utc:
            return moment
        local = moment.replace(tzinfo=zone or self.tz)
        return local.astimezone(UTC).replace(tzinfo=None)

    def day(self, cell: Cell) -> date:
        """A calendar day, as written (no time zone shift)."""
        return _remembered(self._days, cell, self._day)

    def _day(self, cell: Cell) -> date:
        moment, zone = self._parse(cell)
        if zone is not None and moment.time() != time():
            return moment.replace(tzinfo=zone).astimezone(self.tz).date()
        return moment.date()

    def _parse(self, cell: Cell) -> tuple[datetime, timezone | None]:
        if isinstance(cell, datetime):
            return cell.replace(tzinfo=None), None
        if isinstance(cell, date):
            return datetime.combine(cell, time()), None
        raw = text(cell)
        if raw is None:
            raise ValueError("empty date")
        if _PLAIN_ISO.match(raw):  # the usual export form, read in C
            try:
                return datetime.fromisoformat(raw), None
            except ValueError:
                pass  # not a real day or time: the full reading below says so
        return self._parse_text(raw)

    def _parse_text(self, raw: str) -> tuple[datetime, timezone | None]:
        match = _ISO.match(raw)
        if match:
            return self._build(match, int(match["y"]), int(match["m"]), int(match["d"]), raw)
        if self.fmt:
            return self._formatted(raw)
        match = _NUMERIC.match(raw)
        if match:
            first, second, year = int(match["a"]), int(match["b"]), _year(match["y"])
            if match["sep"] == ".":
                return self._build(match, year, second, first, raw)
            order = self.order
            if order is None:
                hint = numeric_order_hint(raw)
                if hint == "?":
                    raise ValueError(
                        f"ambiguous date {raw!r}: day/month or month/day? "
                        f"set date_format (e.g. --date-format '{DMY}')"
                    )
                order = hint
            if order == DMY:
                return self._build(match, year, second, first, raw)
            return self._build(match, year, first, second, raw)
        match = _WORDY.match(raw)
        if match:
            month = _MONTHS.get((match["mon1"] or match["mon2"]).casefold())
            if month is not None:
                day = int(match["d1"] or match["d2"])
                return self._build(match, _year(match["y1"] or match["y2"]), month, day, raw)
        raise ValueError(f"not a date: {raw!r} (expected e.g. 2019-03-14, 3/14/2019 or 14.03.2019)")

    def _formatted(self, raw: str) -> tuple[datetime, timezone | None]:
        assert self.fmt is not None
        try:
            return datetime.strptime(raw, self.fmt), None
        except ValueError:
            pass
        head, _, rest = raw.partition(" ")
        try:
            day = datetime.strptime(head, self.fmt)
            clock = _TIME_ONLY.match(" " + rest.strip()) if rest else None
            if clock is None:
                raise ValueError
            return self._build(clock, day.year, day.month, day.day, raw)
        except ValueError:
            raise ValueError(f"not a date in date_format {self.fmt!r}: {raw!r}") from None

    @staticmethod
    def _build(
        match: re.Match[str], year: int, month: int, day: int, raw: str
    ) -> tuple[datetime, timezone | None]:
        try:
            hour = int(match["h"] or 0)
            ampm = (match["ampm"] or "").replace(".", "").casefold()
            if ampm == "pm" and hour < 12:
                hour += 12
            elif ampm == "am" and hour == 12:
                hour = 0
            micro = int((match["f"] or "0")[:6].ljust(6, "0"))
            moment = datetime(
                year, month, day, hour, int(match["mi"] or 0), int(match["s"] or 0), micro
            )
        except ValueError:
            raise ValueError(f"not a date: {raw!r}") from None
        zone = match["tz"]
        if not zone:
            return moment, None
        if zone in ("Z", "UTC", "GMT"):
            return moment, UTC
        sign = -1 if zone[0] == "-" else 1
        digits = zone[1:].replace(":", "")
        offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
        return moment, timezone(sign * offset)


_TIME_ONLY = re.compile(_TIME)
_REMEMBERED = 50_000  # answers kept per parser and kind, then forgotten all at once


def _remembered(memo: dict[str, T], cell: Cell, parse: Callable[[Cell], T]) -> T:
    """``parse(cell)``, remembered for texts (errors are not: they raise every time)."""
    if not isinstance(cell, str):
        return parse(cell)
    found = memo.get(cell)
    if found is None:
        found = parse(cell)
        if len(memo) >= _REMEMBERED:
            memo.clear()
        memo[cell] = found
    return found


__all__ = [
    "DMY",
    "MDY",
    "Cell",
    "DateParser",
    "amount",
    "field_value",
    "flag",
    "numeric_order_hint",
    "text",
]
