"""The follow-up feature's application layer: what the CLI and the web app call.

It joins the store, the configuration and the pure core. It never reads the clock:
every method takes ``now`` (naive UTC); calendar days are taken in the configured time
zone. Each change is one write transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from unstuck.cadence import agenda as ag
from unstuck.cadence import state
from unstuck.cadence.ics import calendar_bytes
from unstuck.cadence.model import (
    Cadence,
    ItemKind,
    ItemRef,
    PlanItem,
    PlanStatus,
    Step,
    parse_ref,
)
from unstuck.cadence.plan import plan_nurture, plan_sequence, render
from unstuck.cadence.templates import CadenceTemplate, available, environment, load_template
from unstuck.diagnosis import DiagnosisContext
from unstuck.diagnosis.engine import play_variables
from unstuck.domain import Channel as TouchChannel
from unstuck.domain import Deal, Direction, Status, Touch, TouchKind
from unstuck.errors import ConflictError, UsageError
from unstuck.service import Unstuck
from unstuck.store import cadences as db

PARK_REASON = "No reply after the follow-up cadence; final call made."


@dataclass(frozen=True)
class DoneResult:
    ref: str
    kind: ItemKind
    message: str
    cadence: Cadence | None = None
    revisit_on: date | None = None


@dataclass
class Cadences:
    app: Unstuck
    _context: DiagnosisContext | None = field(default=None, repr=False)

    # -- content --------------------------------------------------------------------------

    @property
    def user_dir(self) -> Path | None:
        folder = self.app.config.str_("cadence.dir")
        return Path(folder).expanduser() if folder else None

    def template(self, name: str | None = None) -> CadenceTemplate:
        return load_template(
            name or self.app.config.str_("cadence.template") or "default", self.user_dir
        )

    def templates(self) -> list[CadenceTemplate]:
        return [load_template(name, self.user_dir) for name in available(self.user_dir)]

    def today(self, now: datetime) -> date:
        return now.replace(tzinfo=UTC).astimezone(self.app.tz).date()

    def variables(self, deal: Deal, now: datetime) -> dict[str, Any]:
        if self._context is None:
            self._context = self.app.diagnosis_context()
        return play_variables(deal, now, self._context)

    @property
    def revisit_days(self) -> int:
        return self.app.config.int_("cadence.revisit_days")

    # -- cadences -------------------------------------------------------------------------

    def start(
        self, deal_id: str, now: datetime, template: str | None = None, urgent: bool = False
    ) -> Cadence:
        chosen = self.template(template)
        deal = self.app.deal(deal_id)
        if not deal.is_open:
            raise ConflictError(
                f"{deal_id} is {deal.status}: a cadence runs only on an open deal. Reopen it "
                f"with `unstuck close {deal_id} --reopen` first."
            )
        variables = self.variables(deal, now)
        with self.app.store.write() as tx:
            running = db.running_cadence(tx, deal_id)
            if running is not None:
                raise ConflictError(
                    f"{deal_id} already has a cadence running ({running.status}, started "
                    f"{running.started_at:%Y-%m-%d}). A deal runs one cadence at a time: "
                    f"stop it with `unstuck cadence stop {deal_id}` first."
                )
            steps = plan_sequence(
                chosen, variables, self.today(now), urgent, db.sent_texts(tx, deal_id)
            )
            return db.insert_cadence(tx, deal_id, chosen.name, urgent, now, steps)

    def _running(self, tx: Any, deal_id: str) -> Cadence:
        cadence = db.running_cadence(tx, deal_id)
        if cadence is None:
            raise ConflictError(
                f"{deal_id} has no running cadence. Start one with "
                f"`unstuck cadence start {deal_id}`."
            )
        return cadence

    def pause(self, deal_id: str, now: datetime) -> Cadence:
        with self.app.store.write() as tx:
            cadence = state.pause(self._running(tx, deal_id), now)
            db.save_cadence(tx, cadence, now)
            return cadence

    def resume(self, deal_id: str, now: datetime) -> Cadence:
        with self.app.store.write() as tx:
            cadence = state.resume(self._running(tx, deal_id), now)
            db.save_cadence(tx, cadence, now)
            return cadence

    def stop(self, deal_id: str, now: datetime, reason: str | None = None) -> Cadence:
        with self.app.store.write() as tx:
            cadence = state.stop(self._running(tx, deal_id), now, reason or "stopped by hand")
            db.save_cadence(tx, cadence, now)
            return cadence

    def cadences(self, deal_id: str) -> list[Cadence]:
        with self.app.store.read() as tx:
            return db.cadences_of(tx, deal_id)

    # -- the agenda -----------------------------------------------------------------------

    def open_items(self, now: datetime, owner: str | None = None) -> list[ag.AgendaItem]:
        """Everything still to do, whatever its date: steps, meetings, check-backs."""
        with self.app.store.read() as tx:
            steps = db.open_steps(tx, owner)
            meetings = db.open_plan_items(tx, owner)
            parked = db.parked_deals(tx, owner)
            deals = {d.id: d for d in tx.deals(ids=sorted({h.id for _, _, h in steps}))}
            parked_deals = {d.id: d for d in tx.deals(ids=[h.id for h in parked])}
        items = []
        for step, status, head in steps:
            if ag.step_is_open(step, status):
                items.append(ag.from_step(step, head, _contact_name(deals.get(head.id), step)))
        items.extend(ag.from_meeting(m, head) for m, head in meetings)
        for head in parked:
            items.append(ag.from_checkback(head, self._checkback_draft(parked_deals[head.id], now)))
        return ag.sort(items)

    def agenda(self, now: datetime, days: int = 1, owner: str | None = None) -> list[ag.AgendaItem]:
        return ag.due(self.open_items(now, owner), self.today(now), days)

    def ics(self, now: datetime, owner: str | None = None) -> bytes:
        """The calendar feed of everything still to do, for one owner or everyone."""
        name = f"Unstuck agenda – {owner}" if owner else "Unstuck agenda"
        return calendar_bytes(self.open_items(now, owner), now, name)

    def _checkback_draft(self, deal: Deal, now: datetime) -> str:
        template = environment(self.user_dir).get_template("checkback.md.j2")
        return render(template, self.variables(deal, now), {})[1]

    # -- done and snooze ------------------------------------------------------------------

    def done(
        self,
        ref_text: str,
        now: datetime,
        note: str | None = None,
        revisit_on: date | None = None,
        message_id: str | None = None,
    ) -> DoneResult:
        ref = parse_ref(ref_text)
        if ref.kind is ItemKind.MEETING:
            return self._meeting_done(ref, now, note)
        if ref.kind is ItemKind.CHECKBACK:
            return self._checkback_done(ref, now, note, revisit_on)
        return self._step_done(ref, now, note, message_id)

    def _step_done(
        self, ref: ItemRef, now: datetime, note: str | None, message_id: str | None
    ) -> DoneResult:
        deal = self.app.deal(ref.deal)
        with self.app.store.read() as tx:
            before = db.cadence_of_step(tx, ref.deal, ref.seq)
        completion = state.do_step(before, ref.seq, now, self.revisit_days, note, message_id)
        nurture = []
        if completion.parks_deal:
            assert completion.revisit_on is not None
            nurture = plan_nurture(
                self.template(before.template),
                self.variables(deal, now),
                self.today(now),
                completion.revisit_on,
            )
        with self.app.store.write() as tx:
            current = db.cadence_of_step(tx, ref.deal, ref.seq)
            if current != before:
                raise ConflictError(f"{ref} changed meanwhile; run the command again.")
            db.save_cadence(tx, completion.cadence, now)
            tx.log_touch(ref.deal, _step_touch(completion.step, now, note))
            cadence = completion.cadence
            if completion.parks_deal:
                tx.update_deal(
                    ref.deal,
                    now,
                    status=Status.NURTURE,
                    revisit_on=completion.revisit_on,
                    lost_reason=PARK_REASON,
                    closed_at=now,
                )
                cadence = db.add_steps(tx, cadence, nurture)
        if completion.parks_deal:
            message = (
                f"Final call done: {ref.deal} is parked until "
                f"{completion.revisit_on}, with {len(nurture)} relationship touches between."
            )
        else:
            message = f"Done: {ref} ({completion.step.title})."
        return DoneResult(str(ref), ItemKind.STEP, message, cadence, completion.revisit_on)

    def _meeting_done(self, ref: ItemRef, now: datetime, note: str | None) -> DoneResult:
        with self.app.store.write() as tx:
            item = db.plan_item(tx, ref.deal, ref.seq)
            if item.status is not PlanStatus.PLANNED:
                raise ConflictError(f"meeting {ref} is already done.")
            db.save_plan_item(tx, replace(item, status=PlanStatus.DONE, done_at=now))
            # A meeting held means the prospect took part: it counts as their reply.
            summary = f"Meeting held: {item.purpose}" + (f" — {note}" if note else "")
            names = set(item.people)
            people = tuple(p.id for p in tx.deal(ref.deal).stakeholders if p.name in names)
            tx.log_touch(
                ref.deal,
                Touch(now, Direction.INBOUND, TouchChannel.MEETING, people, None, summary),
            )
        return DoneResult(str(ref), ItemKind.MEETING, f"Done: {ref} ({item.purpose}).")

    def _checkback_done(
        self, ref: ItemRef, now: datetime, note: str | None, revisit_on: date | None
    ) -> DoneResult:
        with self.app.store.write() as tx:
            deal = tx.deal(ref.deal)
            if deal.status is not Status.NURTURE:
                raise ConflictError(f"{ref.deal} is {deal.status}, not parked: no check-back.")
            summary = "Checked back after the pause" + (f": {note}" if note else ".")
            tx.log_touch(
                ref.deal, Touch(now, Direction.OUTBOUND, TouchChannel.CALL, (), None, summary)
            )
            if revisit_on is not None:
                if revisit_on <= self.today(now):
                    raise UsageError("--revisit-on must be a date after today.")
                tx.update_deal(ref.deal, now, revisit_on=revisit_on)
                message = f"Checked back: {ref.deal} stays parked until {revisit_on}."
            else:
                tx.update_deal(
                    ref.deal,
                    now,
                    status=Status.OPEN,
                    revisit_on=None,
                    closed_at=None,
                    lost_reason=None,
                )
                message = f"Checked back: {ref.deal} is open again."
        return DoneResult(str(ref), ItemKind.CHECKBACK, message, revisit_on=revisit_on)

    def snooze(self, ref_text: str, to: date, now: datetime) -> str:
        ref = parse_ref(ref_text)
        today = self.today(now)
        if to < today:
            raise UsageError(f"--to {to} is in the past; choose today or a later date.")
        with self.app.store.write() as tx:
            if ref.kind is ItemKind.STEP:
                cadence = state.snooze(
                    db.cadence_of_step(tx, ref.deal, ref.seq), ref.seq, to, today
                )
                db.save_cadence(tx, cadence, now)
            elif ref.kind is ItemKind.MEETING:
                item = db.plan_item(tx, ref.deal, ref.seq)
                if item.status is not PlanStatus.PLANNED:
                    raise ConflictError(f"meeting {ref} is already done.")
                db.save_plan_item(tx, replace(item, snoozed_to=to))
            else:
                if tx.deal(ref.deal).status is not Status.NURTURE:
                    raise ConflictError(f"{ref.deal} is not parked: no check-back to move.")
                tx.update_deal(ref.deal, now, revisit_on=to)
        return f"{ref} moved to {to}."

    # -- the joint plan -------------------------------------------------------------------

    def plan_add(
        self,
        deal_id: str,
        now: datetime,
        on: date,
        purpose: str,
        people: list[str],
        owner: str | None = None,
        starts_at: datetime | None = None,
    ) -> PlanItem:
        if not purpose.strip():
            raise UsageError("--purpose must say what the meeting is for; every meeting has one.")
        with self.app.store.write() as tx:
            deal = tx.deal(deal_id)
            if deal.status in (Status.WON, Status.LOST):
                raise ConflictError(
                    f"{deal_id} is {deal.status}: a joint plan is for a deal still in play."
                )
            named = [_person_name(deal, p) for p in people]
            return db.add_plan_item(
                tx, deal_id, on, purpose.strip(), named, owner or deal.owner, starts_at, now
            )

    def plan(self, deal_id: str) -> list[PlanItem]:
        with self.app.store.read() as tx:
            return db.plan_items_of(tx, deal_id)

    def step(self, ref_text: str) -> tuple[Step, Deal]:
        ref = parse_ref(ref_text)
        if ref.kind is not ItemKind.STEP:
            raise UsageError(f"{ref} is not a cadence step (DEAL/N).")
        with self.app.store.read() as tx:
            cadence = db.cadence_of_step(tx, ref.deal, ref.seq)
            deal = tx.deal(ref.deal)
        return next(s for s in cadence.steps if s.seq == ref.seq), deal


def _person_name(deal: Deal, text: str) -> str:
    """A stakeholder id becomes their name; anyone else (our side) is kept as written."""
    person = deal.stakeholder(text.strip())
    return person.name if person is not None else text.strip()


def _contact_name(deal: Deal | None, step: Step) -> str | None:
    if deal is None or not step.contact:
        return None
    person = deal.stakeholder(step.contact)
    return person.name if person else None


def _step_touch(step: Step, now: datetime, note: str | None) -> Touch:
    kind = TouchKind.FINAL_CALL if step.final else None
    summary = f"{step.title} (cadence step {step.id})" + (f": {note}" if note else "")
    people = (step.contact,) if step.contact else ()
    return Touch(now, Direction.OUTBOUND, step.channel.touch_channel, people, kind, summary)


__all__ = ["PARK_REASON", "Cadences", "DoneResult"]
