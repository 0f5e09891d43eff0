"""The web app's application layer on top of :class:`unstuck.service.Unstuck`.

It adds what a shared, browser-facing app needs: every read and write checks the
viewer's access inside the same transaction; pages read a page of summary rows, not
whole deals; diagnoses and the diagnosis context are cached (see ``cache.py``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Hashable
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any, Protocol, TypeVar

from unstuck.diagnosis import Diagnosis, DiagnosisContext, diagnose
from unstuck.document import deal_to_dict, to_document
from unstuck.domain import Answer, Deal, Pipeline, StageChange, Stakeholder, Status, Touch
from unstuck.errors import ConflictError, InputError
from unstuck.review.chance import Chance
from unstuck.service import Unstuck
from unstuck.store import Store, Transaction
from unstuck.store import models as stored_models
from unstuck.store import users as store_users
from unstuck.store.users import PipelineRow
from unstuck.store.write import ImportResult
from unstuck.web.access import Viewer
from unstuck.web.cache import ContextCache, DiagnosisCache
from unstuck.web.chances import ChanceCache, ChanceView, batch_chances, explained, is_trained
from unstuck.web.views import (
    Card,
    Column,
    DealView,
    days,
    people_groups,
    qualification_matrix,
    timeline,
    tone_of,
)

T = TypeVar("T")


class _Cache(Protocol[T]):
    def get(self, key: Hashable, /) -> T | None: ...
    def put(self, key: Hashable, value: T, /) -> None: ...


CSV_COLUMNS = (
    "id", "name", "account", "owner", "stage", "status", "value", "currency", "expected_close",
    "days_since_reply", "unanswered", "days_in_stage", "close_date_pushes", "people", "touches",
    "has_why", "stalled", "severity", "main_finding", "main_reason", "chance",
)  # fmt: skip
STATUSES = ("open", "won", "lost", "nurture", "all")


@dataclass(frozen=True)
class Filters:
    owner: str | None = None
    stage: str | None = None
    finding: str | None = None
    status: str = "open"
    sort: str = "silence"
    desc: bool = False

    def statuses(self) -> tuple[Status, ...] | None:
        if self.status == "all":
            return None
        try:
            return (Status(self.status),)
        except ValueError:
            raise InputError(
                [f"status: {self.status!r} is not a status; use {', '.join(STATUSES)}"]
            ) from None

    def check(self) -> Filters:
        if self.sort not in (*store_users.ORDERS, "stuck"):
            orders = ", ".join((*store_users.ORDERS, "stuck"))
            raise InputError([f"sort: {self.sort!r} is not a sort order; use {orders}"])
        self.statuses()
        return self


class WebService:
    def __init__(self, app: Unstuck) -> None:
        self.app = app
        self._contexts = ContextCache()
        self._diagnoses = DiagnosisCache()
        self._chances = ChanceCache()

    @property
    def store(self) -> Store:
        return self.app.store

    # -- diagnosis, cached --------------------------------------------------------------

    def context(self) -> DiagnosisContext:
        return self._contexts.get(self._closed_version, self.app.diagnosis_context)

    def _closed_version(self) -> Hashable:
        with self.store.read() as tx:
            return tx.closed_version()

    def diagnoses(self, rows: list[PipelineRow], now: datetime) -> dict[str, Diagnosis]:
        context = self.context()
        generation = self._contexts.generation
        return self._through(
            rows,
            lambda row: DiagnosisCache.key(row.id, row.version, now.date(), generation),
            self._diagnoses,
            lambda deals: [diagnose(deal, now, context, plays=False) for deal in deals],
        )

    def _through(
        self,
        rows: list[PipelineRow],
        key_of: Callable[[PipelineRow], Hashable | None],
        cache: _Cache[T],
        compute: Callable[[list[Deal]], list[T]],
        full: bool = True,
    ) -> dict[str, T]:
        """Each row's value from ``cache`` under ``key_of(row)`` (None: not wanted), the
        misses read and computed 500 deals at a time (``full=False``: without people,
        touches and answers) and cached."""
        found: dict[str, T] = {}
        missing: dict[str, Hashable] = {}
        for row in rows:
            key = key_of(row)
            if key is None:
                continue
            hit = cache.get(key)
            if hit is None:
                missing[row.id] = key
            else:
                found[row.id] = hit
        ids = list(missing)
        for start in range(0, len(ids), 500):
            with self.store.read() as tx:
                deals = tx.deals(ids=ids[start : start + 500], full=full)
            for deal, value in zip(deals, compute(deals), strict=True):
                cache.put(missing[deal.id], value)
                found[deal.id] = value
        return found

    # -- chance of winning, cached ---------------------------------------------------------

    def model_choice(self) -> Any:
        """The trained model or the stage-rate fallback (``scoring.service.choose_model``)."""
        from unstuck.scoring.service import choose_model

        return self._chances.choice(self._model_version, lambda: choose_model(self.app))

    def _model_version(self) -> Hashable:
        with self.store.read() as tx:
            newest = stored_models.list_models(tx)[:1]
            closed = tx.closed_version()
        return (newest[0].version if newest else None, closed)

    def chances(self, rows: list[PipelineRow], now: datetime) -> dict[str, Chance]:
        """Chances of the open deals among ``rows``, in one model call for the misses."""
        choice = self.model_choice()
        generation = self._chances.generation
        return self._through(
            rows,
            lambda row: (
                (row.id, row.version, now.date(), generation) if row.status is Status.OPEN else None
            ),
            self._chances.cards,
            lambda deals: batch_chances(choice, deals, now),
            # Stage rates need only the stage; the trained model reads the whole deal.
            full=is_trained(choice),
        )

    def chance_view(self, deal: Deal, now: datetime) -> ChanceView | None:
        """The deal page's chance with its reasons; None for a closed deal."""
        if deal.status is not Status.OPEN:
            return None
        choice = self.model_choice()
        key = (deal.id, now.date(), self._chances.generation)
        hit = self._chances.pages.get(key)
        if hit is not None and hit[0] == deal:
            return hit[1]
        view = explained(choice, deal, now)
        self._chances.pages.put(key, (deal, view))
        return view

    def cards(self, rows: list[PipelineRow], now: datetime) -> list[Card]:
        found = self.diagnoses(rows, now)
        chances = self.chances(rows, now)
        return [
            Card(
                row,
                found.get(row.id),
                days(now, row.last_inbound_at),
                days(now, row.stage_entered_at) or 0,
                tone_of(found.get(row.id)),
                chances.get(row.id),
            )
            for row in rows
        ]

    # -- pipeline views -----------------------------------------------------------------

    def stage_order(self, seen: list[str] | None = None) -> list[str]:
        return self.app.stage_order(seen)

    def _rows(
        self,
        tx: Transaction,
        viewer: Viewer,
        f: Filters,
        stage: str | None,
        offset: int = 0,
        limit: int | None = None,
    ) -> list[PipelineRow]:
        return store_users.pipeline_rows(
            tx.conn,
            statuses=f.statuses(),
            owner=viewer.owner_filter(f.owner),
            stage=stage,
            order="silence" if f.sort == "stuck" else f.sort,
            descending=f.desc,
            stages=self.stage_order(),
            offset=offset,
            limit=limit,
        )

    def _matching(self, viewer: Viewer, f: Filters, now: datetime) -> list[PipelineRow]:
        """Every row that passes the filters, in order, for a finding filter or a 'stuck'
        sort. Sorting by how stuck takes each open deal's severity from the stall scan
        (summaries and the scan's cache, kept in the database), so only the cards shown
        are diagnosed; a finding filter needs every matching deal's findings."""
        with self.store.read() as tx:
            rows = self._rows(tx, viewer, f, f.stage)
        if f.finding:
            found = self.diagnoses(rows, now)
            rows = [r for r in rows if _has_finding(found.get(r.id), f.finding)]
        if f.sort == "stuck":
            severity = self._severities(viewer, f, now, rows)
            rows.sort(key=lambda r: (-severity.get(r.id, 0.0), r.id), reverse=f.desc)
        return rows

    def _severities(
        self, viewer: Viewer, f: Filters, now: datetime, rows: list[PipelineRow]
    ) -> dict[str, float]:
        """Severity by deal id (closed deals are never stuck: 0)."""
        if not any(r.status is Status.OPEN for r in rows):
            return {}
        if f.finding:  # already diagnosed, and few
            return {i: d.severity for i, d in self.diagnoses(rows, now).items()}
        verdicts = self.app.scan_verdicts(now, viewer.owner_filter(f.owner), self.context())
        return {v.id: v.severity for v in verdicts}

    def board(self, viewer: Viewer, now: datetime, f: Filters, per_stage: int) -> list[Column]:
        f = replace(f.check(), status="open")
        if f.finding or f.sort == "stuck":
            matching = self._matching(viewer, f, now)
            stages = self.stage_order(sorted({r.stage for r in matching}))
            if f.stage:
                stages = [s for s in stages if s == f.stage]
            mine = {s: [r for r in matching if r.stage == s] for s in stages}
            shown = self._card_map([r for s in stages for r in mine[s][:per_stage]], now)
            return [
                Column(
                    s,
                    len(mine[s]),
                    sum(r.value or 0 for r in mine[s]),
                    [shown[r.id] for r in mine[s][:per_stage]],
                )
                for s in stages
            ]
        with self.store.read() as tx:
            totals = store_users.pipeline_totals(
                tx.conn, owner=viewer.owner_filter(f.owner), stage=f.stage
            )
            stages = self.stage_order(sorted(totals))
            if f.stage:
                stages = [f.stage]
            rows = {s: self._rows(tx, viewer, f, s, 0, per_stage) for s in stages}
        by_id = self._card_map([r for s in stages for r in rows[s]], now)
        return [
            Column(
                s,
                totals.get(s, (0, 0.0))[0],
                totals.get(s, (0, 0.0))[1],
                [by_id[r.id] for r in rows[s]],
            )
            for s in stages
        ]

    def _card_map(self, rows: list[PipelineRow], now: datetime) -> dict[str, Card]:
        return {c.row.id: c for c in self.cards(rows, now)}

    def column(
        self, viewer: Viewer, now: datetime, f: Filters, stage: str, offset: int, limit: int
    ) -> Column:
        f = replace(f.check(), status="open", stage=stage)
        if f.finding or f.sort == "stuck":
            matching = self._matching(viewer, f, now)
            page = self.cards(matching[offset : offset + limit], now)
            return Column(stage, len(matching), 0.0, page, offset)
        with self.store.read() as tx:
            totals = store_users.pipeline_totals(
                tx.conn, owner=viewer.owner_filter(f.owner), stage=stage
            )
            rows = self._rows(tx, viewer, f, stage, offset, limit)
        count, value = totals.get(stage, (0, 0.0))
        return Column(stage, count, value, self.cards(rows, now), offset)

    def table(
        self, viewer: Viewer, now: datetime, f: Filters, offset: int, limit: int | None
    ) -> tuple[list[Card], int]:
        f.check()
        if f.finding or f.sort == "stuck":
            matching = self._matching(viewer, f, now)
            end = None if limit is None else offset + limit
            return self.cards(matching[offset:end], now), len(matching)
        with self.store.read() as tx:
            total = store_users.pipeline_count(
                tx.conn, statuses=f.statuses(), owner=viewer.owner_filter(f.owner), stage=f.stage
            )
            rows = self._rows(tx, viewer, f, f.stage, offset, limit)
        return self.cards(rows, now), total

    def table_csv(self, viewer: Viewer, now: datetime, f: Filters) -> str:
        cards, _ = self.table(viewer, now, f, 0, None)
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
        writer.writeheader()
        for card in cards:
            writer.writerow(card.to_dict())
        return out.getvalue()

    def owners(self, viewer: Viewer) -> list[str]:
        if viewer.scope is not None:
            return [viewer.scope]
        with self.store.read() as tx:
            found: list[str] = tx.owners()
        return found

    def stalled(
        self, viewer: Viewer, now: datetime, owner: str | None, limit: int | None
    ) -> list[Diagnosis]:
        """The stalled open deals, worst first, as `unstuck stalled` finds them: the stall
        scan judges every deal from its summaries and cache, and only the ``limit`` worst
        (every stalled one without a limit) are read whole and diagnosed."""
        report = self.app.stalled(
            now, owner=viewer.owner_filter(owner), limit=limit, context=self.context()
        )
        return [found for _, found in report.shown]

    # -- one deal -----------------------------------------------------------------------

    def deal(self, viewer: Viewer, deal_id: str) -> Deal:
        with self.store.read() as tx:
            self._check(tx, viewer, deal_id)
            found: Deal = tx.deal(deal_id)
        return found

    def diagnose(self, viewer: Viewer, deal_id: str, now: datetime) -> Diagnosis:
        return diagnose(self.deal(viewer, deal_id), now, self.context())

    def deal_view(self, viewer: Viewer, deal_id: str, now: datetime) -> DealView:
        deal = self.deal(viewer, deal_id)
        context = self.context()
        stages = self.stage_order([deal.stage])
        groups, missing = people_groups(deal)
        matrix, conflicts = qualification_matrix(deal, context.framework, stages, now)
        return DealView(
            deal=deal,
            diagnosis=diagnose(deal, now, context),
            now=now,
            stages=stages,
            groups=groups,
            missing_roles=missing,
            people=list(deal.stakeholders),
            matrix=matrix,
            conflicts=conflicts,
            timeline=timeline(deal),
            days_in_stage=days(now, deal.stage_entered_at()) or 0,
            days_since_reply=days(
                now, max((x.at for x in deal.touches if x.inbound), default=None)
            ),
            chance=self.chance_view(deal, now),
        )

    def deal_dict(self, viewer: Viewer, deal_id: str) -> dict[str, object]:
        return deal_to_dict(self.deal(viewer, deal_id), self.app.tz)

    def deal_read(self, viewer: Viewer, deal_id: str, now: datetime) -> dict[str, object]:
        """The deal document with its chance of winning (None once closed)."""
        deal = self.deal(viewer, deal_id)
        view = self.chance_view(deal, now)
        found = deal_to_dict(deal, self.app.tz)
        found["chance"] = view.to_dict() if view is not None else None
        return found

    @staticmethod
    def _check(tx: Transaction, viewer: Viewer, deal_id: str) -> Deal | None:
        exists, owner = store_users.deal_owner(tx.conn, deal_id)
        viewer.check_deal(deal_id, exists, owner)
        return None

    # -- writes -------------------------------------------------------------------------

    def add_deal(self, viewer: Viewer, deal: Deal, now: datetime) -> Deal:
        deal = replace(deal, owner=viewer.owner_for_new_deal(deal.owner))
        if not deal.stage_history:
            deal = replace(deal, stage_history=(StageChange(deal.stage, deal.created),))
        with self.store.write() as tx:
            if tx.has_deal(deal.id):
                raise ConflictError(f"a deal with id {deal.id!r} exists; pick another id")
            tx.add_deal(deal, now)
            made: Deal = tx.deal(deal.id)
        return made

    def log_touch(self, viewer: Viewer, deal_id: str, touch: Touch, now: datetime) -> None:
        with self.store.write() as tx:
            self._check(tx, viewer, deal_id)
            deal = tx.deal(deal_id)
            unknown = [p for p in touch.with_ if deal.stakeholder(p) is None]
            if unknown:
                known = ", ".join(s.id for s in deal.stakeholders) or "none yet"
                raise InputError(
                    [f"with: no person {p!r} on {deal_id} (known: {known})" for p in unknown]
                )
            tx.log_touch(deal_id, touch)

    def upsert_stakeholder(self, viewer: Viewer, deal_id: str, person: Stakeholder) -> bool:
        """Adds or replaces the person; True when they are new."""
        with self.store.write() as tx:
            self._check(tx, viewer, deal_id)
            new = tx.deal(deal_id).stakeholder(person.id) is None
            tx.upsert_stakeholder(deal_id, person)
            return new

    def answer(self, viewer: Viewer, deal_id: str, answer: Answer, now: datetime) -> None:
        with self.store.write() as tx:
            self._check(tx, viewer, deal_id)
            deal = tx.deal(deal_id)
            if answer.stakeholder and deal.stakeholder(answer.stakeholder) is None:
                raise InputError([f"stakeholder: no person {answer.stakeholder!r} on {deal_id}"])
            tx.add_answer(deal_id, answer)
            # Answers change no summary column; touching updated_at refreshes cached views.
            tx.update_deal(deal_id, now)

    def set_why(self, viewer: Viewer, deal_id: str, why: str | None, now: datetime) -> None:
        with self.store.write() as tx:
            self._check(tx, viewer, deal_id)
            tx.update_deal(deal_id, now, why=(why or "").strip() or None)

    def move_stage(
        self, viewer: Viewer, deal_id: str, stage: str, at: datetime, now: datetime
    ) -> None:
        stage = stage.strip()
        if not stage:
            raise InputError(["stage: give the stage to move to"])
        with self.store.write() as tx:
            self._check(tx, viewer, deal_id)
            deal = tx.deal(deal_id)
            if not deal.is_open:
                raise ConflictError(f"{deal_id} is {deal.status}; reopen it before moving it")
            if deal.stage == stage:
                return
            tx.move_stage(deal_id, stage, at, now)

    def set_close_date(self, viewer: Viewer, deal_id: str, day: date, now: datetime) -> None:
        with self.store.write() as tx:
            self._check(tx, viewer, deal_id)
            tx.set_expected_close(deal_id, day, now, now)

    def close(
        self,
        viewer: Viewer,
        deal_id: str,
        status: Status,
        now: datetime,
        reason: str | None,
        revisit_on: date | None,
    ) -> None:
        problems = []
        if status is Status.LOST and not (reason or "").strip():
            problems.append("reason: say why it was lost (what you learned helps the next deal)")
        if status is Status.NURTURE and revisit_on is None:
            problems.append("revisit_on: give the date to check back on a parked deal")
        if problems:
            raise InputError(problems)
        with self.store.read() as tx:
            self._check(tx, viewer, deal_id)
        self.app.close_deal(deal_id, status, now, (reason or "").strip() or None, revisit_on)

    def import_pipeline(
        self, viewer: Viewer, pipeline: Pipeline, now: datetime, dry_run: bool
    ) -> ImportResult:
        pipeline = self._own_pipeline(viewer, pipeline)
        if viewer.scope is not None and pipeline.qualification is not None:
            # A rep's file may not change the team's qualification framework.
            pipeline = replace(pipeline, qualification=None)
        return self.app.import_pipeline(pipeline, now, dry_run=dry_run)

    def _own_pipeline(self, viewer: Viewer, pipeline: Pipeline) -> Pipeline:
        scope = viewer.scope
        if scope is None:
            return pipeline
        with self.store.read() as tx:
            owners = store_users.owners_of(tx.conn, [d.id for d in pipeline.deals])
        problems, deals = [], []
        for index, deal in enumerate(pipeline.deals):
            if deal.owner and deal.owner.strip().lower() != scope.lower():
                problems.append(
                    f"deals[{index}].owner: {deal.owner!r} is not you; reps import their own deals"
                )
            elif deal.id in owners and not viewer.may_see(owners[deal.id]):
                problems.append(f"deals[{index}].id: {deal.id!r} is taken; choose another id")
            deals.append(replace(deal, owner=scope))
        if problems:
            raise InputError(problems)
        return replace(pipeline, deals=tuple(deals))

    def export_document(self, viewer: Viewer, as_of: datetime | None) -> dict[str, object]:
        with self.store.read() as tx:
            deals = tx.deals(owner=viewer.scope)
        return to_document(deals, self.app.tz, as_of=as_of)


def _has_finding(diagnosis: Diagnosis | None, kind: str) -> bool:
    return diagnosis is not None and any(str(f.kind) == kind for f in diagnosis.findings)


__all__ = ["CSV_COLUMNS", "Filters", "WebService"]
