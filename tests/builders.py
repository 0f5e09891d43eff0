"""A small named test world: deals built in code, shared by the foundation tests.

Alice (Acme, long-term) has a proposal out and answers; Bob at Globex went quiet.
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

NOW = datetime(2026, 11, 20, 12, 0)


def acme() -> Deal:
    return Deal(
        id="acme-fleet",
        name="Acme – fleet tracking",
        stage="proposal",
        created=datetime(2026, 6, 1),
        account="Acme Corp",
        account_type=AccountType.LONG_TERM,
        owner="sam@example.com",
        value=48000.0,
        currency="USD",
        expected_close=date(2026, 10, 31),
        why="Drivers lose two hours a day to paper logs.",
        fields={"region": "EMEA", "seats": 40},
        stage_history=(
            StageChange("qualified", datetime(2026, 6, 1)),
            StageChange("proposal", datetime(2026, 9, 10)),
        ),
        close_date_history=(CloseDateChange(date(2026, 9, 30), datetime(2026, 6, 1)),),
        stakeholders=(
            Stakeholder(
                "alice",
                "Alice Park",
                "alice@acme.example",
                "IT Manager",
                (Role.EVALUATION, Role.END_USER),
                Stance.SUPPORTIVE,
                Authority.LOW,
            ),
            Stakeholder("dana", "Dana Cho", roles=(Role.APPROVAL,), stance=Stance.RESISTANT),
        ),
        answers=(Answer("budget", "approved for Q4", datetime(2026, 7, 2), "alice"),),
        touches=(
            Touch(
                datetime(2026, 9, 12, 10),
                Direction.OUTBOUND,
                Channel.EMAIL,
                ("alice",),
                TouchKind.PROPOSAL_SENT,
                "Sent proposal v2.",
            ),
            Touch(
                datetime(2026, 9, 20, 15, 30),
                Direction.INBOUND,
                Channel.CALL,
                ("alice",),
                None,
                "Alice: still thinking about it, boss not convinced.",
            ),
            Touch(datetime(2026, 10, 1), Direction.OUTBOUND, Channel.EMAIL, ("alice",)),
            Touch(datetime(2026, 10, 15), Direction.OUTBOUND, Channel.CALL, ("alice",)),
        ),
    )


def globex() -> Deal:
    return Deal(
        id="globex-crm",
        name="Globex CRM rollout",
        stage="qualified",
        created=datetime(2026, 8, 1),
        account="Globex",
        account_type=AccountType.ONE_OFF,
        owner="kim@example.com",
        value=12000.0,
        stakeholders=(Stakeholder("bob", "Bob Stone", "bob@globex.example"),),
        touches=(Touch(datetime(2026, 8, 3), Direction.OUTBOUND, Channel.EMAIL, ("bob",)),),
    )
