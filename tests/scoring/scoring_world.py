"""A small generated pipeline for the scoring tests: closed deals with a pattern, open ones.

Won deals keep hearing back from the prospect and move through the stages; lost deals go
quiet and stall. Custom fields: ``region`` (a little signal), ``ref`` (a record id) and
``signed_on`` (a date) that a careless import would hand to a model, and ``close_value``
(filled in at closing, zero when lost: it gives the outcome away).
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from unstuck.domain import (
    Answer,
    Channel,
    CloseDateChange,
    Deal,
    Direction,
    Role,
    StageChange,
    Stakeholder,
    Status,
    Touch,
)

NOW = datetime(2026, 11, 20, 12, 0)
STAGES = ("lead", "qualified", "discovery", "proposal", "negotiation")
REGIONS = ("north", "south", "east", "west")


def touch(at: datetime, inbound: bool, who: str = "ana") -> Touch:
    direction = Direction.INBOUND if inbound else Direction.OUTBOUND
    return Touch(at, direction, Channel.EMAIL, (who,), None, "Checking in on the plan.")


def closed_deal(i: int, won: bool, rng: random.Random) -> Deal:
    created = NOW - timedelta(days=rng.randint(120, 400))
    life = rng.randint(40, 110)
    closed = created + timedelta(days=life)
    reached = rng.randint(3, 4) if won else rng.randint(1, 3)
    stages = tuple(
        StageChange(STAGES[k], created + timedelta(days=k * life // (reached + 1)))
        for k in range(reached + 1)
    )
    touches = []
    for day in range(3, life, 6):
        at = created + timedelta(days=day, hours=10)
        replied = rng.random() < (0.8 if won else 0.6 - day / life)
        touches.append(touch(at, replied))
    region = REGIONS[i % 4] if rng.random() < 0.7 else rng.choice(REGIONS)
    return Deal(
        id=f"closed-{i:03d}",
        name=f"Closed deal {i}",
        stage=stages[-1].stage,
        created=created,
        status=Status.WON if won else Status.LOST,
        value=float(rng.randint(5, 90) * 1000),
        expected_close=(created + timedelta(days=60)).date(),
        why="Cut the time spent on manual reports.",
        fields={
            "region": region,
            "ref": f"R-{rng.randint(10**6, 10**7)}",
            "signed_on": (closed.date()).isoformat(),
            "close_value": rng.randint(5, 90) * 1000 if won else 0,
        },
        stage_history=stages,
        close_date_history=(CloseDateChange((created + timedelta(days=60)).date(), created),),
        stakeholders=(Stakeholder("ana", "Ana Silva", roles=(Role.EVALUATION,)),),
        answers=(
            Answer("need", "Reports take two days a month.", created + timedelta(days=5), "ana"),
        ),
        touches=tuple(touches),
        lost_reason=None if won else "went quiet",
        closed_at=closed,
    )


def open_deal(i: int, rng: random.Random) -> Deal:
    created = NOW - timedelta(days=rng.randint(20, 90))
    touches = tuple(
        touch(created + timedelta(days=d, hours=9), rng.random() < 0.6)
        for d in range(2, (NOW - created).days, 7)
    )
    return Deal(
        id=f"open-{i:03d}",
        name=f"Open deal {i}",
        stage="proposal",
        created=created,
        value=25000.0,
        fields={"region": REGIONS[i % 4], "ref": f"R-{rng.randint(10**6, 10**7)}"},
        stage_history=(
            StageChange("lead", created),
            StageChange("proposal", created + timedelta(days=9)),
        ),
        stakeholders=(Stakeholder("ana", "Ana Silva", roles=(Role.EVALUATION,)),),
        touches=touches,
    )


def pipeline(
    closed: int = 60, won_share: float = 0.4, opened: int = 12, seed: int = 0
) -> list[Deal]:
    rng = random.Random(seed)
    wins = round(closed * won_share)
    deals = [closed_deal(i, i < wins, rng) for i in range(closed)]
    return deals + [open_deal(i, rng) for i in range(opened)]
