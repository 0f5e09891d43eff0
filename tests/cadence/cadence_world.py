"""The cadence tests' small world: Birch Labs went quiet; Cedar and Dune share a contact.

Nina Ruiz (Birch's operations lead) answered once in September, then nothing; Omar
Haddad is Birch's COO. Pat Lee is a contact at both Cedar and Dune. Elm was won.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from unstuck.document import to_document
from unstuck.domain import (
    Channel,
    Deal,
    Direction,
    Role,
    StageChange,
    Stakeholder,
    Status,
    Touch,
    TouchKind,
)

NOW = datetime(2026, 11, 20, 9, 0)  # a Friday
TODAY = date(2026, 11, 20)
WHY = "Field teams retype every order twice; the COO wants one system before the spring launch"


def birch() -> Deal:
    out, inb = Direction.OUTBOUND, Direction.INBOUND
    return Deal(
        id="birch-quiet",
        name="Birch – order entry",
        stage="proposal",
        created=datetime(2026, 6, 1),
        account="Birch Labs",
        owner="sam@example.com",
        value=36000.0,
        currency="EUR",
        why=WHY + ".",
        stage_history=(StageChange("proposal", datetime(2026, 9, 1)),),
        stakeholders=(
            Stakeholder(
                "nina", "Nina Ruiz", "nina@birch.example", "Operations Lead", (Role.EVALUATION,)
            ),
            Stakeholder(
                "omar",
                "Omar Haddad",
                "Omar@Birch.example",
                "COO",
                (Role.DECISION_MAKER, Role.APPROVAL),
            ),
        ),
        touches=(
            Touch(datetime(2026, 9, 1), out, Channel.EMAIL, ("nina",), TouchKind.PROPOSAL_SENT),
            Touch(datetime(2026, 9, 10), inb, Channel.CALL, ("nina",), None, "Nina: reading it."),
            Touch(datetime(2026, 9, 24), out, Channel.EMAIL, ("nina",)),
            Touch(datetime(2026, 10, 8), out, Channel.CALL, ("nina",)),
        ),
    )


def shared(deal_id: str, account: str, owner: str) -> Deal:
    return Deal(
        id=deal_id,
        name=f"{account} – pilot",
        stage="discovery",
        created=datetime(2026, 8, 1),
        account=account,
        owner=owner,
        stakeholders=(Stakeholder("pat", "Pat Lee", "pat@shared.example", "Buyer"),),
    )


def elm() -> Deal:
    return Deal(
        id="elm-won",
        name="Elm – renewal",
        stage="negotiation",
        created=datetime(2026, 3, 1),
        account="Elm",
        status=Status.WON,
        closed_at=datetime(2026, 10, 1),
    )


def bare() -> Deal:
    """No why, nobody recorded: drafts must still differ from step to step."""
    return Deal(id="bare", name="Bare", stage="proposal", created=datetime(2026, 6, 1))


def world() -> list[Deal]:
    return [
        birch(),
        shared("cedar-pilot", "Cedar Co", "kim@example.com"),
        shared("dune-pilot", "Dune Co", "kim@example.com"),
        elm(),
    ]


def write_world(folder: Path) -> Path:
    path = folder / "world.json"
    path.write_text(json.dumps(to_document(world(), ZoneInfo("UTC"))))
    return path
