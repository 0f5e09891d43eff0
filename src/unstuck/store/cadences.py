"""Store functions of the follow-up feature: cadences, steps, plan items, read mail.

Every function takes a :class:`~unstuck.store.Transaction` (or its connection) and runs
inside the caller's transaction. :func:`register` hooks the reply listener into
:mod:`unstuck.store.events`: a reply recorded by any path (log, import, mail sync) stops
the deal's running cadence, inside the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, and_, func, insert, or_, select, update

from unstuck.cadence.agenda import DealHead
from unstuck.cadence.model import (
    RUNNING,
    Cadence,
    CadenceStatus,
    Phase,
    PlanItem,
    PlannedStep,
    PlanStatus,
    Step,
    StepChannel,
    StepStatus,
)
from unstuck.cadence.state import reply_reason, reply_stops, stop
from unstuck.errors import NotFound
from unstuck.store import events
from unstuck.store import schema as t
from unstuck.store import schema_cadence as c

Tx = Any  # a Transaction (has .conn) or a Connection


def _conn(tx: Tx) -> Connection:
    return tx if isinstance(tx, Connection) else tx.conn


def deal_pk(tx: Tx, deal_id: str) -> int:
    pk = _conn(tx).execute(select(t.deals.c.pk).where(t.deals.c.id == deal_id)).scalar()
    if pk is None:
        raise NotFound(f"no deal with id {deal_id!r}. `unstuck deals` lists the ids.")
    return int(pk)


# -- cadences and steps -------------------------------------------------------------------


def _step(row: Any, deal_id: str) -> Step:
    return Step(
        deal=deal_id,
        seq=row.seq,
        cadence=row.cadence_pk,
        phase=Phase(row.phase),
        position=row.position,
        channel=StepChannel(row.channel),
        angle=row.angle,
        title=row.title,
        subject=row.subject,
        draft=row.draft,
        planned_on=row.planned_on,
        status=StepStatus(row.status),
        final=bool(row.final),
        contact=row.contact,
        snoozed_to=row.snoozed_to,
        done_at=row.done_at,
        message_id=row.message_id,
        note=row.note,
    )


def _cadences(tx: Tx, where: Any, deal_id: str) -> list[Cadence]:
    conn = _conn(tx)
    rows = conn.execute(select(c.cadences).where(where).order_by(c.cadences.c.pk)).all()
    if not rows:
        return []
    keys = [r.pk for r in rows]
    steps: dict[int, list[Step]] = {k: [] for k in keys}
    query = (
        select(c.cadence_steps)
        .where(c.cadence_steps.c.cadence_pk.in_(keys))
        .order_by(c.cadence_steps.c.seq)
    )
    for row in conn.execute(query):
        steps[row.cadence_pk].append(_step(row, deal_id))
    return [
        Cadence(
            key=r.pk,
            deal=deal_id,
            template=r.template,
            urgent=bool(r.urgent),
            status=CadenceStatus(r.status),
            started_at=r.started_at,
            paused_at=r.paused_at,
            ended_at=r.ended_at,
            stop_reason=r.stop_reason,
            steps=tuple(steps[r.pk]),
        )
        for r in rows
    ]


def cadences_of(tx: Tx, deal_id: str) -> list[Cadence]:
    """Every cadence of the deal, oldest first."""
    pk = deal_pk(tx, deal_id)
    return _cadences(tx, c.cadences.c.deal_pk == pk, deal_id)


def running_cadence(tx: Tx, deal_id: str) -> Cadence | None:
    pk = deal_pk(tx, deal_id)
    where = and_(c.cadences.c.deal_pk == pk, c.cadences.c.status.in_([str(s) for s in RUNNING]))
    found = _cadences(tx, where, deal_id)
    return found[0] if found else None


def cadence_of_step(tx: Tx, deal_id: str, seq: int) -> Cadence:
    pk = deal_pk(tx, deal_id)
    key = (
        _conn(tx)
        .execute(
            select(c.cadence_steps.c.cadence_pk).where(
                c.cadence_steps.c.deal_pk == pk, c.cadence_steps.c.seq == seq
            )
        )
        .scalar()
    )
    if key is None:
        raise NotFound(
            f"no step {deal_id}/{seq}. `unstuck cadence show {deal_id}` lists the deal's steps."
        )
    return _cadences(tx, c.cadences.c.pk == key, deal_id)[0]


def _next_seq(conn: Connection, table: Any, pk: int) -> int:
    current = conn.execute(select(func.max(table.c.seq)).where(table.c.deal_pk == pk)).scalar()
    return int(current or 0) + 1


def insert_cadence(
    tx: Tx,
    deal_id: str,
    template: str,
    urgent: bool,
    now: datetime,
    steps: Sequence[PlannedStep],
) -> Cadence:
    conn = _conn(tx)
    pk = deal_pk(tx, deal_id)
    values = {
        "deal_pk": pk,
        "template": template,
        "urgent": urgent,
        "status": str(CadenceStatus.ACTIVE),
        "started_at": now,
        "updated_at": now,
    }
    key = conn.execute(insert(c.cadences).values(**values).returning(c.cadences.c.pk)).scalar()
    assert key is not None
    _insert_steps(conn, int(key), pk, steps)
    return _cadences(tx, c.cadences.c.pk == key, deal_id)[0]


def add_steps(tx: Tx, cadence: Cadence, steps: Sequence[PlannedStep]) -> Cadence:
    pk = deal_pk(tx, cadence.deal)
    _insert_steps(_conn(tx), cadence.key, pk, steps)
    return _cadences(tx, c.cadences.c.pk == cadence.key, cadence.deal)[0]


def _insert_steps(conn: Connection, key: int, pk: int, steps: Sequence[PlannedStep]) -> None:
    if not steps:
        return
    first = _next_seq(conn, c.cadence_steps, pk)
    rows = [
        {
            "cadence_pk": key,
            "deal_pk": pk,
            "seq": first + i,
            "phase": str(s.phase),
            "position": s.position,
            "channel": str(s.channel),
            "angle": s.angle,
            "title": s.title,
            "subject": s.subject,
            "draft": s.draft,
            "planned_on": s.planned_on,
            "status": str(StepStatus.PLANNED),
            "final": s.final,
            "contact": s.contact,
        }
        for i, s in enumerate(steps)
    ]
    conn.execute(insert(c.cadence_steps), rows)


def save_cadence(tx: Tx, cadence: Cadence, now: datetime) -> None:
    """Write the cadence's state and every step's changeable fields."""
    conn = _conn(tx)
    conn.execute(
        update(c.cadences)
        .where(c.cadences.c.pk == cadence.key)
        .values(
            status=str(cadence.status),
            paused_at=cadence.paused_at,
            ended_at=cadence.ended_at,
            stop_reason=cadence.stop_reason,
            updated_at=now,
        )
    )
    s = c.cadence_steps
    for step in cadence.steps:
        conn.execute(
            update(s)
            .where(s.c.cadence_pk == cadence.key, s.c.seq == step.seq)
            .values(
                status=str(step.status),
                planned_on=step.planned_on,
                snoozed_to=step.snoozed_to,
                done_at=step.done_at,
                message_id=step.message_id,
                note=step.note,
            )
        )


def sent_texts(tx: Tx, deal_id: str) -> list[str]:
    """Subject and body of every step already done for the deal (for the no-repeat rule)."""
    pk = deal_pk(tx, deal_id)
    s = c.cadence_steps
    query = select(s.c.subject, s.c.draft).where(
        s.c.deal_pk == pk, s.c.status == str(StepStatus.DONE)
    )
    return [f"{r.subject or ''}\n{r.draft}" for r in _conn(tx).execute(query)]


def _head(row: Any) -> DealHead:
    return DealHead(
        id=row.deal_id,
        name=row.deal_name,
        account=row.account_name,
        owner=row.owner,
        status=row.deal_status,
        revisit_on=row.revisit_on,
    )


def _head_columns() -> list[Any]:
    d = t.deals
    return [
        d.c.id.label("deal_id"),
        d.c.name.label("deal_name"),
        t.accounts.c.name.label("account_name"),
        d.c.owner,
        d.c.status.label("deal_status"),
        d.c.revisit_on,
    ]


def open_steps(tx: Tx, owner: str | None = None) -> list[tuple[Step, CadenceStatus, DealHead]]:
    """Planned steps of active cadences, and relationship touches of completed ones."""
    s, k, d = c.cadence_steps, c.cadences, t.deals
    query = (
        select(s, k.c.status.label("cadence_status"), *_head_columns())
        .select_from(s.join(k, s.c.cadence_pk == k.c.pk).join(d).outerjoin(t.accounts))
        .where(
            s.c.status == str(StepStatus.PLANNED),
            or_(
                # A deal closed by hand while its cadence ran drops out of the agenda.
                and_(
                    k.c.status == "active",
                    s.c.phase == str(Phase.SEQUENCE),
                    d.c.status == "open",
                ),
                and_(k.c.status == "completed", s.c.phase == str(Phase.NURTURE)),
            ),
        )
    )
    if owner is not None:
        query = query.where(func.lower(d.c.owner) == owner.lower())
    out = []
    for row in _conn(tx).execute(query):
        out.append((_step(row, row.deal_id), CadenceStatus(row.cadence_status), _head(row)))
    return out


def parked_deals(tx: Tx, owner: str | None = None) -> list[DealHead]:
    """Deals parked as nurture with a revisit date: their check-backs."""
    d = t.deals
    query = (
        select(*_head_columns())
        .select_from(d.outerjoin(t.accounts))
        .where(d.c.status == "nurture", d.c.revisit_on.is_not(None))
    )
    if owner is not None:
        query = query.where(func.lower(d.c.owner) == owner.lower())
    return [_head(r) for r in _conn(tx).execute(query)]


def deal_head(tx: Tx, deal_id: str) -> DealHead:
    d = t.deals
    query = select(*_head_columns()).select_from(d.outerjoin(t.accounts)).where(d.c.id == deal_id)
    row = _conn(tx).execute(query).first()
    if row is None:
        deal_pk(tx, deal_id)  # raises NotFound with the hint
    return _head(row)


# -- the joint plan -----------------------------------------------------------------------


def _plan_item(row: Any, deal_id: str) -> PlanItem:
    return PlanItem(
        deal=deal_id,
        seq=row.seq,
        planned_on=row.planned_on,
        purpose=row.purpose,
        people=tuple(row.people or ()),
        owner=row.owner,
        starts_at=row.starts_at,
        status=PlanStatus(row.status),
        snoozed_to=row.snoozed_to,
        done_at=row.done_at,
    )


def add_plan_item(
    tx: Tx,
    deal_id: str,
    planned_on: date,
    purpose: str,
    people: Sequence[str],
    owner: str | None,
    starts_at: datetime | None,
    now: datetime,
) -> PlanItem:
    conn = _conn(tx)
    pk = deal_pk(tx, deal_id)
    seq = _next_seq(conn, c.plan_items, pk)
    conn.execute(
        insert(c.plan_items).values(
            deal_pk=pk,
            seq=seq,
            planned_on=planned_on,
            starts_at=starts_at,
            purpose=purpose,
            people=list(people),
            owner=owner,
            status=str(PlanStatus.PLANNED),
            created_at=now,
        )
    )
    return plan_item(tx, deal_id, seq)


def plan_items_of(tx: Tx, deal_id: str) -> list[PlanItem]:
    pk = deal_pk(tx, deal_id)
    p = c.plan_items
    query = select(p).where(p.c.deal_pk == pk).order_by(p.c.planned_on, p.c.seq)
    return [_plan_item(r, deal_id) for r in _conn(tx).execute(query)]


def plan_item(tx: Tx, deal_id: str, seq: int) -> PlanItem:
    pk = deal_pk(tx, deal_id)
    p = c.plan_items
    row = _conn(tx).execute(select(p).where(p.c.deal_pk == pk, p.c.seq == seq)).first()
    if row is None:
        raise NotFound(
            f"no meeting {deal_id}/m{seq} in the joint plan. "
            f"`unstuck plan list {deal_id}` lists them."
        )
    return _plan_item(row, deal_id)


def save_plan_item(tx: Tx, item: PlanItem) -> None:
    pk = deal_pk(tx, item.deal)
    p = c.plan_items
    _conn(tx).execute(
        update(p)
        .where(p.c.deal_pk == pk, p.c.seq == item.seq)
        .values(status=str(item.status), snoozed_to=item.snoozed_to, done_at=item.done_at)
    )


def open_plan_items(tx: Tx, owner: str | None = None) -> list[tuple[PlanItem, DealHead]]:
    p, d = c.plan_items, t.deals
    query = (
        select(p, *_head_columns())
        .select_from(p.join(d).outerjoin(t.accounts))
        .where(p.c.status == str(PlanStatus.PLANNED), d.c.status.in_(["open", "nurture"]))
    )
    if owner is not None:
        who = owner.lower()
        query = query.where(
            or_(
                func.lower(p.c.owner) == who,
                and_(p.c.owner.is_(None), func.lower(d.c.owner) == who),
            )
        )
    return [(_plan_item(r, r.deal_id), _head(r)) for r in _conn(tx).execute(query)]


# -- mail ---------------------------------------------------------------------------------


def sent_message_ids(tx: Tx) -> dict[str, str]:
    """Message-ID of every step sent by mail -> its deal."""
    s, d = c.cadence_steps, t.deals
    query = select(s.c.message_id, d.c.id).join(d).where(s.c.message_id.is_not(None))
    return {mid: deal for mid, deal in _conn(tx).execute(query)}


def stakeholder_addresses(tx: Tx) -> dict[str, list[tuple[str, str]]]:
    """Lower-case address -> [(deal id, stakeholder id)] for every stakeholder with one."""
    p, d = t.stakeholders, t.deals
    query = select(p.c.email, d.c.id, p.c.id).join(d).where(p.c.email.is_not(None))
    out: dict[str, list[tuple[str, str]]] = {}
    for email, deal, person in _conn(tx).execute(query):
        out.setdefault(email.strip().lower(), []).append((deal, person))
    return out


def running_deals(tx: Tx) -> set[str]:
    k, d = c.cadences, t.deals
    query = select(d.c.id).join(k).where(k.c.status.in_([str(s) for s in RUNNING]))
    return set(_conn(tx).execute(query).scalars())


def known_messages(tx: Tx, keys: Iterable[str]) -> dict[str, str]:
    """Message key -> outcome, for the keys already seen by an earlier sync."""
    keys = list(keys)
    out: dict[str, str] = {}
    m = c.mail_messages
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        query = select(m.c.message_key, m.c.outcome).where(m.c.message_key.in_(chunk))
        out.update({k: o for k, o in _conn(tx).execute(query)})
    return out


def record_message(
    tx: Tx, key: str, outcome: str, deal_id: str | None, detail: str, now: datetime
) -> None:
    conn = _conn(tx)
    m = c.mail_messages
    found = conn.execute(select(m.c.pk).where(m.c.message_key == key)).scalar()
    values = {"outcome": outcome, "deal_id": deal_id, "detail": detail, "processed_at": now}
    if found is None:
        conn.execute(insert(m).values(message_key=key, **values))
    else:
        conn.execute(update(m).where(m.c.pk == found).values(**values))


# -- the reply listener -------------------------------------------------------------------


def stop_on_reply(conn: Connection, pk: int, deal_id: str, at: datetime) -> None:
    """A reply from the prospect stops the deal's running cadence (see ``state.reply_stops``)."""
    where = and_(c.cadences.c.deal_pk == pk, c.cadences.c.status.in_([str(s) for s in RUNNING]))
    for cadence in _cadences(conn, where, deal_id):
        if reply_stops(cadence, at):
            save_cadence(conn, stop(cadence, at, reply_reason(at)), at)


def register() -> None:
    events.on_inbound(stop_on_reply)


register()

__all__ = [
    "add_plan_item",
    "add_steps",
    "cadence_of_step",
    "cadences_of",
    "deal_head",
    "deal_pk",
    "insert_cadence",
    "known_messages",
    "open_plan_items",
    "open_steps",
    "parked_deals",
    "plan_item",
    "plan_items_of",
    "record_message",
    "register",
    "running_cadence",
    "running_deals",
    "save_cadence",
    "save_plan_item",
    "sent_message_ids",
    "sent_texts",
    "stakeholder_addresses",
    "stop_on_reply",
]
