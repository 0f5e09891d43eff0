"""Random but realistic deals, fast enough to stream millions for benchmarks.

The shapes follow what small sales teams see: about 70% of deals open, most of them in
the early stages; time in the current stage with a long tail (some deals sit for
months); one to six people per deal; a prospect who answers within days on half the
deals and has been silent for weeks or months on the rest, with the seller still
chasing. Won deals spend two to five weeks per stage, so norms learned from them are
plausible.

Speed matters more than elegance here (the benchmark wants tens of thousands of deals a
second): dates come from precomputed day and minute tables rather than arithmetic per
touch, and random choices use ``random()`` with integer scaling rather than ``choice``.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime
from math import log
from operator import attrgetter

from unstuck.config import DEFAULT_STAGES
from unstuck.domain import (
    AccountType,
    Answer,
    Authority,
    Channel,
    CloseDateChange,
    Deal,
    Decision,
    DecisionKind,
    Direction,
    Role,
    StageChange,
    Stakeholder,
    Stance,
    Status,
    Touch,
    TouchKind,
)
from unstuck.sample import text
from unstuck.sample.draft import HORIZON, Clock, close_history, slug

IN, OUT = Direction.INBOUND, Direction.OUTBOUND
_STAGES = tuple(DEFAULT_STAGES)
# Cumulative shares: open deals by stage, people per deal (1 to 6), stance of a non-champion.
_OPEN_STAGE = (0.18, 0.42, 0.65, 0.87, 1.0)
_PEOPLE = (0.18, 0.38, 0.60, 0.78, 0.91, 1.0)
Seat = tuple[str, tuple[Role, ...], Authority, tuple[str, ...]]
_SEATS: tuple[Seat, ...] = tuple(
    (slot, roles, authority, text.TITLES[slot])
    for slot, roles, authority in (
        ("champion", (Role.EVALUATION, Role.CHAMPION), Authority.MEDIUM),
        ("approval", (Role.APPROVAL, Role.DECISION_MAKER), Authority.HIGH),
        ("purchasing", (Role.PURCHASING,), Authority.MEDIUM),
        ("end_user", (Role.END_USER, Role.SELECTION), Authority.LOW),
        ("problem_owner", (Role.PROBLEM_OWNER,), Authority.MEDIUM),
    )
)
# The sixth person, when there is one, is outside the buying group or guards the door.
_SIXTH: tuple[Seat, ...] = tuple(
    (slot, roles, authority, text.TITLES[slot])
    for slot, roles, authority in (
        ("insider", (Role.INSIDER,), Authority.HIGH),
        ("outsider", (Role.OUTSIDER,), Authority.MEDIUM),
        ("gatekeeper", (Role.GATEKEEPER,), Authority.LOW),
    )
)
_FIRSTS = tuple((name, name.lower()) for name in text.FIRST_NAMES)
_LASTS = tuple((name, name.lower()) for name in text.LAST_NAMES)
_ANSWER_OPTIONS = tuple((question, text.ANSWERS[question]) for question in text.BANT)
_ACCOUNTS = len(text.ACCOUNT_PREFIXES) * len(text.ACCOUNT_SUFFIXES)

Shape = tuple[Channel, TouchKind | None, str]
Row = tuple[Direction, Channel, TouchKind | None, str, str]
IdMaker = Callable[[int, str, str], str]


def _split(template: str) -> tuple[str, str]:
    """A template cut around its one ``{name}``, so filling it is a concatenation."""
    pre, _, post = template.replace("{product}", "the offer").partition("{name}")
    return pre, post


def _shape(direction: Direction, shape: Shape) -> Row:
    channel, kind, template = shape
    return (direction, channel, kind, *_split(template))


def _loop(direction: str) -> list[Row]:
    way = IN if direction == "inbound" else OUT
    return [_shape(way, (ch, kind, tpl)) for d, kind, ch, tpl in text.LOOP if d == direction]


# One weighted table for direction and content (repetition is weighting): ordinary work
# dominates, loop requests and concessions are rarer; a bit more outbound than inbound.
_SHAPES: tuple[Row, ...] = (
    *[_shape(OUT, shape) for shape in text.OUT_WORK * 4],
    _shape(OUT, text.STAGE_TOUCH["proposal"]),
    _shape(OUT, text.STAGE_TOUCH["discovery"]),
    _shape(OUT, (Channel.CALL, TouchKind.COMMITMENT_ASKED, text.COMMITMENT_ASK)),
    *_loop("outbound"),
    *[_shape(IN, shape) for shape in text.IN_WORK * 4],
    *_loop("inbound"),
    _shape(IN, (Channel.CALL, TouchKind.COMMITMENT_DECLINED, text.COMMITMENT_DECLINED[0])),
    _shape(IN, (Channel.CALL, TouchKind.COMMITMENT_GIVEN, text.COMMITMENT_GIVEN[0])),
    _shape(IN, (Channel.CALL, None, text.MISALIGNED_NOTES[0])),
)
_IN_REPLY = tuple(_shape(IN, shape) for shape in text.IN_WORK)
_CHASE = tuple((channel, kind, *_split(tpl)) for channel, kind, tpl in text.CADENCE)
_CLOSING: dict[Status, tuple[Row, ...]] = {
    Status.WON: (_shape(IN, (Channel.EMAIL, None, text.WON_TOUCH)),),
    Status.LOST: (_shape(IN, (Channel.EMAIL, None, text.LOST_TOUCH)),),
    Status.NURTURE: (
        _shape(OUT, (Channel.EMAIL, TouchKind.FINAL_CALL, text.FINAL_CALL)),
        _shape(IN, (Channel.EMAIL, None, "{name} replied: not now, but keep in touch.")),
    ),
}
# For n people, sixteen seat indexes to draw from: the champion about half the time.
_SEAT_PICKS = {
    n: tuple(0 if i % 2 == 0 or n == 1 else 1 + (i // 2) % (n - 1) for i in range(16))
    for n in range(1, 7)
}
_PRODUCTS = tuple((key, label, value, whys) for key, (label, value, whys) in text.PRODUCTS.items())


def owner_email(index: int) -> str:
    """A stable, unique sales rep address for the ``index``-th owner."""
    first = text.FIRST_NAMES[index % len(text.FIRST_NAMES)].lower()
    last = text.LAST_NAMES[(index // len(text.FIRST_NAMES)) % len(text.LAST_NAMES)].lower()
    rounds = index // (len(text.FIRST_NAMES) * len(text.LAST_NAMES))
    return f"{first}.{last}{rounds or ''}@example.com"


class DealFactory:
    """Makes one random deal per call; all randomness from the given ``rng``."""

    def __init__(
        self, now: datetime, rng: random.Random, owners: Sequence[str], touches: float, ids: IdMaker
    ) -> None:
        self._rng = rng
        self._r = rng.random
        self._clock = Clock(now, rng)
        self._days = self._clock.days
        self._minutes = self._clock.minutes
        self._owners = owners
        self._touches = touches
        self._ids = ids
        self._accounts: dict[int, tuple[str, str, str, AccountType | None]] = {}

    def _account(self, index: int) -> tuple[str, str, str, AccountType | None]:
        known = self._accounts.get(index)
        if known is None:
            prefix = text.ACCOUNT_PREFIXES[index // len(text.ACCOUNT_SUFFIXES)]
            suffix = text.ACCOUNT_SUFFIXES[index % len(text.ACCOUNT_SUFFIXES)]
            name = f"{prefix} {suffix}"
            # The account type belongs to the account, not the deal: derive it from the name.
            kind = (AccountType.LONG_TERM, AccountType.ONE_OFF, None)[(index * 7) % 20 // 8]
            where = "@" + slug(name).replace("-", "") + ".example"
            known = self._accounts[index] = (name, slug(name), where, kind)
        return known

    def _people(self, r: Callable[[], float], where: str) -> list[Stakeholder]:
        x, count = r(), 1
        while x > _PEOPLE[count - 1]:
            count += 1
        base = int(r() * len(_FIRSTS))
        faction = text.FACTIONS[int(r() * 3)] if count >= 4 and r() < 0.06 else None
        people = []
        for seat in range(count):
            _slot, roles, authority, titles = _SEATS[seat] if seat < 5 else _SIXTH[int(r() * 3)]
            first, ident = _FIRSTS[(base + 7 * seat) % len(_FIRSTS)]  # 7, 50 coprime: distinct
            last, last_id = _LASTS[int(r() * len(_LASTS))]
            y = r()
            stance = (
                Stance.SUPPORTIVE if seat == 0 or y < 0.4 else Stance.RESISTANT if y < 0.47
                else Stance.NEUTRAL if y < 0.8 else Stance.UNKNOWN
            )  # fmt: skip
            group = None
            if faction is not None and seat >= count - 2:
                group, stance = faction, Stance.RESISTANT
            people.append(
                Stakeholder(ident, first + " " + last, ident + "." + last_id + where,
                            titles[int(r() * len(titles))], roles, stance, authority, group)
            )  # fmt: skip
        return people

    def make(self, serial: int, status: Status | None = None) -> Deal:
        r, days, minutes, clock = self._r, self._days, self._minutes, self._clock
        if status is None:
            x = r()
            status = (
                Status.OPEN if x < 0.7 else Status.WON if x < 0.8
                else Status.LOST if x < 0.95 else Status.NURTURE
            )  # fmt: skip
        is_open = status is Status.OPEN
        # The stage reached, and the days spent in each stage up to it (current included).
        if status is Status.WON:
            k = 4
            spans = [14 + int(r() * 22) for _ in range(5)]
        else:
            if is_open:
                x, k = r(), 0
                while x > _OPEN_STAGE[k]:
                    k += 1
            else:
                k = int(r() * 5)
            spans = [7 + int(r() * 35) for _ in range(k)]
            # Time in the current stage has a long tail: some open deals sit for months.
            spans.append(1 + min(400, int(-30 * log(1.0 - r()))) if is_open
                         else 10 + int(r() * 60))  # fmt: skip
        end = 0 if is_open else 1 + int(r() * 365)
        created_day = min(max(end + sum(spans), end + 3), HORIZON)
        created = days[created_day] + minutes[0]
        stage_history = [StageChange(_STAGES[0], created)]
        entry = created_day
        for stage, span in zip(_STAGES[1 : k + 1], spans, strict=False):
            entry = max(end + 1, min(entry - span, created_day - 1))
            stage_history.append(StageChange(stage, days[entry] + minutes[int(r() * 600)]))

        account, account_slug, where, account_type = self._account(int(r() * _ACCOUNTS))
        product, label, base_value, whys = _PRODUCTS[int(r() * len(_PRODUCTS))]
        people = self._people(r, where)
        touches = self._conversation(status, people, created_day, end)
        answers = []
        answered = 0.25 + 0.17 * k
        spread = created_day - end - 1
        for question, options in _ANSWER_OPTIONS:
            if r() < answered:
                at = days[end + 1 + int(r() * spread)] + minutes[int(r() * 600)]
                person = people[int(r() * len(people))].id
                answers.append(Answer(question, options[int(r() * len(options))], at, person))
        if len(people) > 1 and r() < 0.06:
            question, first, second = text.CONFLICTS[int(r() * len(text.CONFLICTS))]
            for talker, said in ((people[0], first), (people[1], second)):
                answers.append(Answer(question, said, clock.at(end + 1), talker.id))
        answers.sort(key=attrgetter("at"))

        owner = self._owners[int(r() ** 1.3 * len(self._owners))]
        decisions: tuple[Decision, ...] = ()
        lost_reason = None
        revisit_on: date | None = None
        if is_open:
            x = r()
            pushes = 0 if x < 0.55 else 1 if x < 0.8 else 2 if x < 0.92 else 3 if x < 0.97 else 4
            final = -60 + int(r() * 180)
            if created_day < pushes * 36 - final + 10:
                pushes = 0
            if pushes:
                expected, closes = close_history(clock, self._rng, created_day, final, pushes)
            else:
                expected = clock.day(-final)
                closes = [CloseDateChange(expected, created)]
        else:
            expected = clock.day(end)
            closes = [CloseDateChange(expected, created)]
            closed_at = clock.at(end)
            if status is Status.LOST:
                lost_reason = text.LOST_REASONS[int(r() * len(text.LOST_REASONS))]
                decisions = (Decision(DecisionKind.LET_GO, lost_reason, closed_at, owner),)
            elif status is Status.NURTURE:
                reason = text.NURTURE_REASONS[int(r() * len(text.NURTURE_REASONS))]
                decisions = (Decision(DecisionKind.LET_GO, reason, closed_at, owner),)
                revisit_on = clock.day(end - 90 - int(r() * 31))
        return Deal(
            id=self._ids(serial, account_slug, product),
            name=account + " – " + label,
            stage=_STAGES[k],
            created=created,
            status=status,
            account=account,
            account_type=account_type,
            owner=owner,
            value=float(int(base_value * (0.4 + 1.6 * r()) / 100) * 100),
            currency="USD",
            expected_close=expected,
            why=whys[int(r() * len(whys))][0] if r() < 0.85 else None,
            fields={
                "region": text.REGIONS[int(r() * len(text.REGIONS))],
                "source": text.SOURCES[int(r() * len(text.SOURCES))],
            },
            stage_history=tuple(stage_history),
            close_date_history=tuple(closes),
            stakeholders=tuple(people),
            answers=tuple(answers),
            touches=tuple(touches),
            lost_reason=lost_reason,
            revisit_on=revisit_on,
            decisions=decisions,
            closed_at=None if is_open else clock.at(end),
        )

    def _conversation(
        self, status: Status, people: list[Stakeholder], created_day: int, end: int
    ) -> list[Touch]:
        r, days, minutes = self._r, self._days, self._minutes
        n = max(2, int(self._touches * (r() + r()) + 0.5))
        n = min(n, 2 + 2 * (created_day - end))  # at most about two touches a day
        ids = [(person.id,) for person in people]
        firsts = [person.name.split(" ", 1)[0] for person in people]
        # Who the touch is with: mostly the champion (seat 0), sometimes the others.
        seats = _SEAT_PICKS[len(people)]
        touches: list[Touch] = []
        append = touches.append

        if status is Status.OPEN:
            # Days since the prospect last replied: half answer within two weeks, the
            # rest have gone quiet for weeks or months.
            x = r()
            quiet = (1 + int(r() * 12) if x < 0.5 else 14 + int(r() * 46) if x < 0.8
                     else 60 + int(r() * 150))  # fmt: skip
            last = min(quiet, created_day - 1)
            chase = min(6, last // 7, n - 2) if last >= 14 and r() < 0.85 else 0
            first = int(r() * len(_CHASE))
            for index in range(chase):
                channel, kind, pre, post = _CHASE[(first + index) % len(_CHASE)]
                at = days[1 + int(r() * (last - 1))] + minutes[int(r() * 600)]
                append(Touch(at, OUT, channel, ids[0], kind, pre + firsts[0] + post))
            _, channel, kind, pre, post = _IN_REPLY[int(r() * len(_IN_REPLY))]
            seat = seats[int(r() * 16)]
            at = days[last] + minutes[int(r() * 600)]
            append(Touch(at, IN, channel, ids[seat], kind, pre + firsts[seat] + post))
            n -= chase + 1
        else:
            last = end
            for direction, channel, kind, pre, post in _CLOSING[status]:
                at = days[end] + minutes[int(r() * 600)]
                append(Touch(at, direction, channel, ids[0], kind, pre + firsts[0] + post))
            n -= 2
        # One draw picks the content and the person (16 seat slots per shape), another
        # the day and the minute: half the calls into the generator of the naive loop.
        span = (created_day - last + 1) * 600
        shapes, count = _SHAPES, len(_SHAPES) * 16
        for _ in range(n):
            pick = int(r() * count)
            direction, channel, kind, pre, post = shapes[pick >> 4]
            seat = seats[pick & 15]
            moment = int(r() * span)
            at = days[last + moment // 600] + minutes[moment % 600]
            append(Touch(at, direction, channel, ids[seat], kind, pre + firsts[seat] + post))
        touches.sort(key=attrgetter("at"))
        return touches


def iter_deals(
    count: int,
    now: datetime,
    seed: int = 0,
    touches_per_deal: float = 20.0,
    owners: int | None = None,
) -> Iterator[Deal]:
    """Stream ``count`` random deals: constant memory, ids ``s{seed}-{n}`` unique and stable.

    ``owners`` defaults to one sales rep per 500 deals, the load of a busy rep.
    """
    if owners is None:
        owners = max(1, -(-count // 500))
    emails = [owner_email(index) for index in range(max(1, owners))]
    factory = DealFactory(
        now, random.Random(seed), emails, touches_per_deal, lambda n, _a, _p: f"s{seed}-{n:08d}"
    )
    for serial in range(count):
        yield factory.make(serial)
