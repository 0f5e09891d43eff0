"""Store functions of the weekly review: focus picks, their outcomes, and a light read of
the closed history.

Every function takes a :class:`~unstuck.store.Transaction`; the caller decides the
transaction's extent (``with store.write() as tx``), so a command writes all or nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, delete, func, insert, or_, select, update

from unstuck.domain import Deal, Status
from unstuck.errors import NotFound
from unstuck.review.records import FocusPick, FocusResult, PickedBy, owner_key
from unstuck.store import Transaction
from unstuck.store import schema as t
from unstuck.store.rows import load_deals
from unstuck.store.schema_review import focus_picks as fp
from unstuck.store.write import deal_pk

CLOSED = (Status.WON, Status.LOST, Status.NURTURE)


def _pick(row: Any) -> FocusPick:
    return FocusPick(
        week=row["week"],
        owner=row["owner"],
        deal=row["deal_id"],
        picked_by=PickedBy(row["picked_by"]),
        reason=row["reason"],
        picked_at=row["picked_at"],
        result=None if row["result"] is None else FocusResult(row["result"]),
        result_note=row["result_note"],
        result_at=row["result_at"],
    )


def _select() -> Any:
    return select(fp, t.deals.c.id.label("deal_id")).select_from(
        fp.join(t.deals, t.deals.c.pk == fp.c.deal_pk)
    )


def picks(tx: Transaction, week: date, owner: str | None) -> list[FocusPick]:
    """The picks of one week for one owner (or the whole pipeline), in the order made."""
    query = _select().where(fp.c.week == week, fp.c.owner == owner_key(owner)).order_by(fp.c.pk)
    return [_pick(r) for r in tx.conn.execute(query).mappings()]


def set_picks(
    tx: Transaction,
    week: date,
    owner: str | None,
    chosen: Sequence[tuple[str, PickedBy, str]],
    now: datetime,
) -> list[FocusPick]:
    """Make ``chosen`` (deal id, picked by, reason) the week's picks, in that order.

    A deal that stays keeps its row (and any outcome already recorded); deals no longer
    chosen are dropped from the week.
    """
    key = owner_key(owner)
    existing = {p.deal: p for p in picks(tx, week, owner)}
    wanted = {deal_id for deal_id, _, _ in chosen}
    gone = [deal_pk(tx.conn, deal_id) for deal_id in existing if deal_id not in wanted]
    if gone:
        tx.conn.execute(
            delete(fp).where(fp.c.week == week, fp.c.owner == key, fp.c.deal_pk.in_(gone))
        )
    for deal_id, picked_by, reason in chosen:
        if deal_id in existing:
            continue
        tx.conn.execute(
            insert(fp).values(
                week=week,
                owner=key,
                deal_pk=deal_pk(tx.conn, deal_id),
                picked_by=picked_by.value,
                reason=reason,
                picked_at=now,
            )
        )
    order = {deal_id: n for n, (deal_id, _, _) in enumerate(chosen)}
    return sorted(picks(tx, week, owner), key=lambda p: order[p.deal])


def record_outcome(
    tx: Transaction,
    deal_id: str,
    owner: str | None,
    result: FocusResult,
    note: str | None,
    now: datetime,
    up_to: date,
) -> FocusPick:
    """Record what came of the most recent pick of ``deal_id`` in a week up to ``up_to``."""
    pk = deal_pk(tx.conn, deal_id)
    key = owner_key(owner)
    query = (
        _select()
        .where(fp.c.deal_pk == pk, fp.c.owner == key, fp.c.week <= up_to)
        .order_by(fp.c.week.desc())
        .limit(1)
    )
    row = tx.conn.execute(query).mappings().first()
    if row is None:
        whose = f" for owner {owner}" if key else ""
        raise NotFound(
            f"{deal_id} has not been a focus pick{whose} up to the week of {up_to}. "
            "Outcomes are recorded for picks: see `unstuck focus show`"
            + (", or give the --owner the review was run with." if not key else ".")
        )
    tx.conn.execute(
        update(fp)
        .where(fp.c.pk == row["pk"])
        .values(result=result.value, result_note=note, result_at=now)
    )
    return _pick({**row, "result": result.value, "result_note": note, "result_at": now})


def pick_history(tx: Transaction, owner: str | None, limit: int = 20) -> list[FocusPick]:
    """Recent picks of one owner (or the whole pipeline), newest week first."""
    query = (
        _select()
        .where(fp.c.owner == owner_key(owner))
        .order_by(fp.c.week.desc(), fp.c.pk)
        .limit(limit)
    )
    return [_pick(r) for r in tx.conn.execute(query).mappings()]


def closed_history(tx: Transaction) -> list[Deal]:
    """Every won, lost and parked deal with its stage history and nothing else.

    Norms, win rates, time-to-close and "closed this week" need only the head and the
    stage changes; skipping the touches, people and answers makes this read several
    times faster than a whole ``tx.deals``.
    """
    return tx.deals(status=CLOSED, parts=frozenset({"stage_changes"}))


def closed_recently(
    tx: Transaction,
    since: datetime,
    until: datetime,
    also: Sequence[str] = (),
    owner: str | None = None,
) -> list[Deal]:
    """The deals (of ``owner``, when given) closed — won, lost or parked — in ``(since,
    until]``, read through the status and ``closed_at`` index with what ``closed_history``
    reads of each, plus the deals named in ``also`` (last week's picks, whatever became of
    them)."""
    d = t.deals
    recent = and_(
        d.c.status.in_([s.value for s in CLOSED]),
        d.c.closed_at > since,
        d.c.closed_at <= until,
    )
    if owner is not None:
        recent = and_(recent, func.lower(d.c.owner) == owner.lower())
    wanted = or_(recent, d.c.id.in_(list(also))) if also else recent
    return load_deals(tx.conn, select(d.c.pk).where(wanted), frozenset({"stage_changes"}))


__all__ = [
    "closed_history",
    "closed_recently",
    "pick_history",
    "picks",
    "record_outcome",
    "set_picks",
]
