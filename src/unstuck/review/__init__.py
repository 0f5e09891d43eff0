"""The weekly review: at a glance, this week's focus, what is real, and what to let go.

A pure core: :func:`build_review` takes the open deals, the closed history, ``now``, the
diagnosis context and a :class:`ChanceModel`, and returns a :class:`Review` (plain data;
``to_dict()`` is the ``--json`` shape documented in ``docs/review.md``). The CLI and web
shells load the data and render; :func:`render_html` writes the printable report.
"""

from unstuck.review.build import build_review
from unstuck.review.chance import (
    NO_HISTORY,
    Chance,
    ChanceModel,
    StageWinRates,
    learn_win_rates,
    win_rates,
)
from unstuck.review.closed import ClosedFigures
from unstuck.review.html import render_html
from unstuck.review.model import (
    Change,
    Economics,
    Focus,
    FocusItem,
    Glance,
    LetGo,
    LetGoCase,
    PreviousPick,
    QualificationGap,
    Recoverability,
    Review,
    ReviewSettings,
    StageBar,
    WhatIsReal,
)
from unstuck.review.records import FocusPick, FocusResult, PickedBy, owner_key, week_start

__all__ = [
    "NO_HISTORY",
    "Chance",
    "ChanceModel",
    "Change",
    "ClosedFigures",
    "Economics",
    "Focus",
    "FocusItem",
    "FocusPick",
    "FocusResult",
    "Glance",
    "LetGo",
    "LetGoCase",
    "PickedBy",
    "PreviousPick",
    "QualificationGap",
    "Recoverability",
    "Review",
    "ReviewSettings",
    "StageBar",
    "StageWinRates",
    "WhatIsReal",
    "build_review",
    "learn_win_rates",
    "owner_key",
    "render_html",
    "week_start",
    "win_rates",
]
