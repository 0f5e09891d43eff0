"""Every vocabulary of the contract (``shared/contract.md``) as an Enum.

The string values are the contract's identifiers: they appear unchanged in the JSON
document, the database and the ``--json`` output.
"""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    OPEN = "open"
    WON = "won"
    LOST = "lost"
    NURTURE = "nurture"


class AccountType(StrEnum):
    LONG_TERM = "long_term"
    ONE_OFF = "one_off"


class Role(StrEnum):
    EVALUATION = "evaluation"
    SELECTION = "selection"
    APPROVAL = "approval"
    PURCHASING = "purchasing"
    DECISION_MAKER = "decision_maker"
    PROBLEM_OWNER = "problem_owner"
    END_USER = "end_user"
    CHAMPION = "champion"
    GATEKEEPER = "gatekeeper"
    OUTSIDER = "outsider"
    INSIDER = "insider"


# The four buying roles every deal needs covered before it can close (domain.md §2).
BUYING_ROLES: tuple[Role, ...] = (
    Role.EVALUATION,
    Role.SELECTION,
    Role.APPROVAL,
    Role.PURCHASING,
)


class Stance(StrEnum):
    SUPPORTIVE = "supportive"
    NEUTRAL = "neutral"
    RESISTANT = "resistant"
    UNKNOWN = "unknown"


class Authority(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    UNKNOWN = "unknown"


class Direction(StrEnum):
    OUTBOUND = "outbound"
    INBOUND = "inbound"


class Channel(StrEnum):
    CALL = "call"
    VOICEMAIL = "voicemail"
    EMAIL = "email"
    MEETING = "meeting"
    VISIT = "visit"
    MESSAGE = "message"
    OTHER = "other"


class TouchKind(StrEnum):
    PROPOSAL_SENT = "proposal_sent"
    INFO_REQUEST = "info_request"
    MEETING_REQUEST = "meeting_request"
    DISCOUNT = "discount"
    SCOPE_ADDED = "scope_added"
    COMMITMENT_ASKED = "commitment_asked"
    COMMITMENT_GIVEN = "commitment_given"
    COMMITMENT_DECLINED = "commitment_declined"
    FINAL_CALL = "final_call"
    OTHER = "other"


class FindingKind(StrEnum):
    GONE_QUIET = "gone_quiet"
    DECISION_LOOP = "decision_loop"
    MISALIGNED_STAKEHOLDERS = "misaligned_stakeholders"
    NO_AUTHORITY = "no_authority"
    SINGLE_THREADED = "single_threaded"
    UNQUALIFIED = "unqualified"
    LOST_WHY = "lost_why"
    OVERDUE = "overdue"
    STAGE_STUCK = "stage_stuck"
    RESISTANCE = "resistance"


class Scenario(StrEnum):
    PURCHASER = "purchaser"
    END_USER = "end_user"
    PROBLEM_OWNER = "problem_owner"
    DECISION_MAKER = "decision_maker"
    OUTSIDER = "outsider"
    INSIDER = "insider"
    FACTION = "faction"


class PlayId(StrEnum):
    FOCUS_TO_DECISION = "focus_to_decision"
    PERMISSION_TO_SAY_NO = "permission_to_say_no"
    QUALIFY = "qualify"
    MUTUAL_DISCOVERY = "mutual_discovery"
    GO_HIGHER = "go_higher"
    MEET_BUYING_GROUP = "meet_buying_group"
    REVISIT_WHY = "revisit_why"
    FOLLOW_UP_CADENCE = "follow_up_cadence"
    FINAL_CALL = "final_call"
    GAUGE_SUPPORT = "gauge_support"
    FIND_LEVERAGE = "find_leverage"
    GO_AROUND = "go_around"
    WIN_OVER = "win_over"
    LET_GO = "let_go"


class DecisionKind(StrEnum):
    PURSUE = "pursue"
    LET_GO = "let_go"


__all__ = [
    "BUYING_ROLES",
    "AccountType",
    "Authority",
    "Channel",
    "DecisionKind",
    "Direction",
    "FindingKind",
    "PlayId",
    "Role",
    "Scenario",
    "Stance",
    "Status",
    "TouchKind",
]
