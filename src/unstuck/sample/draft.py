"""A mutable deal under construction, and the clock every sample date comes from.

Both generators work in *days ago* from ``now``: it makes "quiet for six weeks" or
"in this stage for three months" literal in the code, and keeps every date at or before
``now`` by construction.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from unstuck.document import touch_key
from unstuck.domain import (
    AccountType,
    Answer,
    Channel,
    CloseDateChange,
    Deal,
    Decision,
    Direction,
    FieldValue,
    StageChange,
    Stakeholder,
    Status,
    Touch,
    TouchKind,
)

# Business hours, 08:00 to 17:59, so sample touches look like a working week.
_DAY_START = 8 * 60
_DAY_MINUTES = 10 * 60
HORIZON = 1500  # days back (and PLANNING days ahead) covered by the lookup tables
PLANNING = 400


class Clock:
    """Whole-minute moments ``days`` before ``now``, inside business hours, never after now.

    Days and minutes come from tables built once: adding two precomputed values is
    several times cheaper than building a ``timedelta`` per touch, which matters when
    streaming millions of deals.
    """

    def __init__(self, now: datetime, rng: random.Random) -> None:
        self.now = now.replace(second=0, microsecond=0)
        self.today = now.date()
        midnight = datetime.combine(self.today, time())
        self.days = [midnight - timedelta(days=d) for d in range(HORIZON + 1)]
        self.minutes = [timedelta(minutes=_DAY_START + m) for m in range(_DAY_MINUTES)]
        self.dates = [self.today - timedelta(days=d) for d in range(-PLANNING, HORIZON + 1)]
        self._random = rng.random

    def at(self, days: int, minute: int | None = None) -> datetime:
        """A moment ``days`` ago; ``minute`` counts from the start of the working day."""
        if minute is None:
            minute = int(self._random() * _DAY_MINUTES)
        if 0 <= days <= HORIZON:
            moment = self.days[days] + self.minutes[minute]
        else:
            moment = self.days[0] - timedelta(days=days) + self.minutes[minute]
        return moment if moment <= self.now else self.now

    def day(self, days: int) -> date:
        """A calendar day ``days`` before today (negative: in the future)."""
        if -PLANNING <= days <= HORIZON:
            return self.dates[days + PLANNING]
        return self.today - timedelta(days=days)


def slug(text: str) -> str:
    out = "".join(c if c.isalnum() else "-" for c in text.lower())
    return "-".join(part for part in out.split("-") if part)


@dataclass
class Draft:
    id: str
    name: str
    stage: str
    created: datetime
    account: str
    account_type: AccountType | None
    owner: str
    value: float
    status: Status = Status.OPEN
    currency: str = "USD"
    why: str | None = None
    expected_close: date | None = None
    fields: dict[str, FieldValue] = field(default_factory=dict)
    people: list[Stakeholder] = field(default_factory=list)
    stages: list[StageChange] = field(default_factory=list)
    closes: list[CloseDateChange] = field(default_factory=list)
    answers: list[Answer] = field(default_factory=list)
    touches: list[Touch] = field(default_factory=list)
    lost_reason: str | None = None
    revisit_on: date | None = None
    decisions: list[Decision] = field(default_factory=list)

    def touch(
        self,
        at: datetime,
        direction: Direction,
        channel: Channel,
        who: tuple[str, ...],
        kind: TouchKind | None,
        summary: str,
    ) -> None:
        self.touches.append(Touch(at, direction, channel, who, kind, summary))

    def build(self) -> Deal:
        # The creation is the earliest thing known about the deal, whatever was jittered.
        moments = [c.at for c in self.stages] + [t.at for t in self.touches]
        moments += [a.at for a in self.answers] + [c.at for c in self.closes]
        created = min([self.created, *moments])
        stages = sorted(self.stages, key=lambda c: c.at)
        if stages and stages[0].at != created:
            stages[0] = StageChange(stages[0].stage, created)
        return Deal(
            id=self.id,
            name=self.name,
            stage=self.stage,
            created=created,
            status=self.status,
            account=self.account,
            account_type=self.account_type,
            owner=self.owner,
            value=self.value,
            currency=self.currency,
            expected_close=self.expected_close,
            why=self.why,
            fields=self.fields,
            stage_history=tuple(stages),
            close_date_history=tuple(sorted(self.closes, key=lambda c: c.at)),
            stakeholders=tuple(self.people),
            answers=tuple(sorted(self.answers, key=lambda a: (a.at, a.question, a.stakeholder))),
            touches=tuple(sorted(self.touches, key=touch_key)),
            lost_reason=self.lost_reason,
            revisit_on=self.revisit_on,
            decisions=tuple(sorted(self.decisions, key=lambda d: d.at)),
        )


def close_history(
    clock: Clock, rng: random.Random, age: int, final: int, pushes: int
) -> tuple[date, list[CloseDateChange]]:
    """Expected close ``final`` days from today, reached after ``pushes`` slips.

    Each earlier date sits three to five weeks before the next, and each slip is
    recorded around the time the previous date came due, as sellers usually do.
    """
    dates = [final]
    for _ in range(pushes):
        dates.append(dates[-1] - 21 - int(rng.random() * 15))
    dates.reverse()  # days from today, earliest first
    changes = [CloseDateChange(clock.day(-dates[0]), clock.at(age, 0))]
    previous_ago = age
    for index in range(1, len(dates)):
        due_ago = -dates[index - 1]  # days ago the previous date came due (negative: not yet)
        if 1 <= due_ago < previous_ago:
            ago = due_ago - int(rng.random() * 4)  # moved a few days after it slipped
        else:
            ago = 1 + int(rng.random() * max(1, previous_ago - 1))  # moved ahead of time
        ago = max(1, min(ago, previous_ago - 1))
        moment = clock.at(ago)
        if moment <= changes[-1].at:  # two slips on the same day: keep them in order
            moment = changes[-1].at + timedelta(minutes=1)
        changes.append(CloseDateChange(clock.day(-dates[index]), moment))
        previous_ago = ago
    return clock.day(-final), changes
