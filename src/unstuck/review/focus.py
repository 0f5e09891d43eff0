"""This week's focus: one or two stuck deals to push to a clear yes or no.

``score = value x chance x recoverability``, among stalled deals with a value, where

``recoverability = (1 - severity / 2) x 1 / (1 + overrun / 2) x engaged x let_go``

* ``severity`` is the diagnosis's overall severity (0.5..0.99 for a stalled deal), so the
  worst stalls keep about half their weight;
* ``overrun = max(0, days_in_stage / stage norm - 1)``: how many norms past the usual time
  in the stage: one norm over keeps two thirds of the weight, three norms over 40 %;
* ``engaged`` is 0.5 when nobody at the prospect is engaged (nobody to push), else 1;
* ``let_go`` is 0.25 when the diagnosis already proposes letting go, else 1.

So a big, likely deal with a live conversation and a fresh stall scores highest: the one
where a week's push is most likely to produce a decision worth having.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime

from unstuck.diagnosis import Play
from unstuck.diagnosis.evidence import names
from unstuck.domain import Deal, Status
from unstuck.review.chance import Chance
from unstuck.review.model import FocusItem, PreviousPick, Recoverability
from unstuck.review.records import FocusPick, FocusResult
from unstuck.review.state import Assessment

NOBODY_ENGAGED = 0.5
LET_GO_CASE = 0.25


def recoverability(diagnosis: Assessment, let_go: bool) -> Recoverability:
    s = diagnosis.signals
    overrun = max(0.0, s.days_in_stage / max(s.stage_norm_days, 1.0) - 1.0)
    factors = {
        "severity": 1.0 - diagnosis.severity / 2.0,
        "overrun": 1.0 / (1.0 + overrun / 2.0),
        "engaged": 1.0 if s.engaged else NOBODY_ENGAGED,
        "let_go": LET_GO_CASE if let_go else 1.0,
    }
    value = 1.0
    for factor in factors.values():
        value *= factor
    return Recoverability(value, diagnosis.severity, overrun, len(s.engaged), let_go, factors)


def _ordinal(n: int) -> str:
    return {1: "highest", 2: "second highest", 3: "third highest"}.get(n, f"{n}th highest")


def reason(
    deal: Deal,
    diagnosis: Assessment,
    chance: Chance,
    rec: Recoverability,
    score: float,
    rank: int,
    candidates: int,
) -> str:
    """Why this deal: the numbers, its place among the candidates, what holds it, who is there."""
    numbers = (
        f"{deal.value or 0:,.0f} × {chance.p:.0%} chance × {rec.value:.2f} recoverable "
        f"= {score:,.0f}"
    )
    place = f"the {_ordinal(rank)} of {candidates} stuck deals" if rank else "your own pick"
    text = f"{numbers}, {place}. {diagnosis.main_reason}"
    engaged = diagnosis.signals.engaged
    if engaged:
        text += f" Still talking: {names(deal, engaged[:3])}."
    else:
        text += " Nobody there is engaged right now: start by finding who can decide."
    if rec.let_go:
        text += " The numbers also say it may be time to let go: push for the no."
    return text


def score_deal(
    deal: Deal, diagnosis: Assessment, chance: Chance, let_go: bool
) -> tuple[float, Recoverability]:
    rec = recoverability(diagnosis, let_go)
    return (deal.value or 0.0) * chance.p * rec.value, rec


def focus_item(
    deal: Deal,
    diagnosis: Assessment,
    chance: Chance,
    let_go: bool,
    rank: int,
    candidates: int,
    picked_by: str,
    play: Play | None,
) -> FocusItem:
    score, rec = score_deal(deal, diagnosis, chance, let_go)
    return FocusItem(
        deal=deal.id,
        name=deal.name,
        owner=deal.owner,
        stage=deal.stage,
        value=deal.value or 0.0,
        currency=deal.currency,
        chance=chance,
        recoverability=rec,
        score=score,
        rank=rank,
        reason=reason(deal, diagnosis, chance, rec, score, rank, candidates),
        main_reason=diagnosis.main_reason,
        picked_by=picked_by,
        play=play,
    )


def rank_candidates(
    scored: Sequence[tuple[Deal, float]],
) -> list[str]:
    """Deal ids by score, best first (ties: bigger value, then id)."""
    ordered = sorted(scored, key=lambda pair: (-pair[1], -(pair[0].value or 0.0), pair[0].id))
    return [deal.id for deal, _ in ordered]


def assess_previous(
    pick: FocusPick, deal: Deal | None, week_start: date, now: datetime
) -> PreviousPick:
    """What the deal did since the week it was picked, and the result that suggests."""
    if deal is None:
        return PreviousPick(pick, "missing", None, None, "The deal is no longer in this view.")
    if deal.status is Status.WON:
        return PreviousPick(pick, "won", deal.stage, FocusResult.YES, "It was won.")
    if deal.status in (Status.LOST, Status.NURTURE):
        word = "lost" if deal.status is Status.LOST else "parked for later"
        return PreviousPick(pick, str(deal.status), deal.stage, FocusResult.NO, f"It was {word}.")
    moves = [
        c for c in deal.stage_history if pick.week <= c.at.date() <= now.date() and c.at <= now
    ]
    if moves:
        last = max(moves, key=lambda c: c.at)
        evidence = f"It moved to {last.stage} on {last.at:%Y-%m-%d}."
        return PreviousPick(pick, "open", deal.stage, FocusResult.MOVED, evidence)
    replies = [t for t in deal.touches if t.inbound and pick.week <= t.at.date() and t.at <= now]
    if replies:
        last_reply = max(t.at for t in replies)
        evidence = f"Still in {deal.stage}; they replied on {last_reply:%Y-%m-%d}."
        return PreviousPick(pick, "open", deal.stage, None, evidence)
    evidence = f"Still in {deal.stage}, no reply since the pick."
    return PreviousPick(pick, "open", deal.stage, FocusResult.NOTHING, evidence)


def assess_all(
    picks: Sequence[FocusPick], deals: Mapping[str, Deal], week_start: date, now: datetime
) -> tuple[PreviousPick, ...]:
    return tuple(assess_previous(p, deals.get(p.deal), week_start, now) for p in picks)


__all__ = [
    "LET_GO_CASE",
    "NOBODY_ENGAGED",
    "assess_all",
    "assess_previous",
    "focus_item",
    "rank_candidates",
    "reason",
    "recoverability",
    "score_deal",
]
