"""A sample deal with every signal present, for checking play templates at load time.

Rendering every play against it when the playbook is loaded turns a misspelt variable
in a user's template into an error that names the file, before any real deal is shown.
"""

from __future__ import annotations

from datetime import date, datetime

from unstuck.domain import (
    AccountType,
    Answer,
    Authority,
    Channel,
    CloseDateChange,
    Deal,
    Direction,
    Role,
    StageChange,
    Stakeholder,
    Stance,
    Touch,
    TouchKind,
)

SAMPLE_NOW = datetime(2026, 11, 20, 9, 0)


def sample_deal() -> Deal:
    out, inb = Direction.OUTBOUND, Direction.INBOUND
    return Deal(
        id="sample",
        name="Sample – route planning",
        stage="proposal",
        created=datetime(2026, 5, 4),
        account="Sample Freight",
        account_type=AccountType.ONE_OFF,
        owner="seller@example.com",
        value=30000.0,
        currency="EUR",
        expected_close=date(2026, 10, 15),
        why="Planners rebuild the routes by hand every night and miss the morning trucks.",
        stage_history=(
            StageChange("qualified", datetime(2026, 5, 4)),
            StageChange("proposal", datetime(2026, 7, 1)),
        ),
        close_date_history=(CloseDateChange(date(2026, 9, 1), datetime(2026, 5, 4)),),
        stakeholders=(
            Stakeholder(
                "ana",
                "Ana Ruiz",
                title="Planning Lead",
                roles=(Role.EVALUATION, Role.GATEKEEPER),
                stance=Stance.SUPPORTIVE,
                authority=Authority.LOW,
            ),
            Stakeholder(
                "bo",
                "Bo Lind",
                title="Night Planner",
                roles=(Role.END_USER,),
                stance=Stance.RESISTANT,
                faction="night shift",
            ),
            Stakeholder("cy", "Cy Dorn", title="COO", roles=(Role.DECISION_MAKER,)),
        ),
        answers=(
            Answer("budget", "approved for this year", datetime(2026, 7, 2), "ana"),
            Answer("budget", "no budget until spring", datetime(2026, 7, 20), "cy"),
        ),
        touches=(
            Touch(datetime(2026, 7, 3), out, Channel.EMAIL, ("ana",), TouchKind.PROPOSAL_SENT),
            Touch(datetime(2026, 7, 10), inb, Channel.CALL, ("ana",), TouchKind.INFO_REQUEST),
            Touch(datetime(2026, 9, 1), out, Channel.EMAIL, ("ana",)),
            Touch(datetime(2026, 9, 20), out, Channel.CALL, ("ana",)),
        ),
    )


__all__ = ["SAMPLE_NOW", "sample_deal"]
