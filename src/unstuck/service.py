"""The application layer: what every shell (CLI, web, jobs) calls.

It joins configuration, the store and the pure core. It never reads the clock: callers
pass ``now``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from unstuck import scan
from unstuck.config import Config, default_db_path
from unstuck.diagnosis import Diagnosis, DiagnosisContext, build_context, diagnose
from unstuck.diagnosis.norms import norms_from, won_stages
from unstuck.document import to_document
from unstuck.domain import Deal, Pipeline, Status
from unstuck.errors import InputError
from unstuck.review.closed import ClosedFigures
from unstuck.review.state import ScanState
from unstuck.store import ScanRow, Store, Transaction
from unstuck.store.write import ImportResult

# Deals diagnosed per round trip when the scan cache is refreshed: bounds memory.
SCAN_BATCH = 2000
WON_STAGES = "won_stages"  # the kept figure behind the stage norms (store.derived)
CLOSED_FIGURES = "closed_figures"  # the review's win rates and time to close, kept likewise
# The histories a review reads for every open deal (the detailed ones are read whole).
REVIEW_PARTS = frozenset({"answers", "stage_changes", "close_date_changes"})
# Deals written per batch by a streamed import.
STREAM_BATCH = 5000


@dataclass(frozen=True)
class StallReport:
    """The worst stalled deals with their diagnoses, how many are stalled, how many open."""

    shown: list[tuple[Deal, Diagnosis]]
    stalled: int
    checked: int


@dataclass
class Unstuck:
    config: Config
    store: Store
    # Told (deals done, deals in all) as stale scan caches are refreshed: the command line
    # shows a progress bar when there are many (the first scan after a CSV import).
    on_refresh: Callable[[int, int], None] | None = field(default=None, compare=False)

    @classmethod
    def open(cls, config: Config, db: str | None = None, *, auto_create: bool = True) -> Unstuck:
        target = db or config.str_("db")
        if target is None:
            path = default_db_path()
            path.parent.mkdir(parents=True, exist_ok=True)
            target = str(path)
        return cls(config, Store.open(target, auto_create=auto_create))

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.config.str_("timezone") or "UTC")

    def import_pipeline(self, pipeline: Pipeline, now: datetime, dry_run: bool) -> ImportResult:
        """One transaction: every deal is written, or none (a dry run writes nothing)."""
        with self.store.write() as tx:
            result = tx.import_deals(pipeline.deals, now, dry_run=dry_run)
            if not dry_run:
                tx.analyze_after_load(len(result.created) + len(result.updated))
            if pipeline.qualification is not None and not dry_run:
                tx.set_setting(
                    "qualification",
                    {
                        "framework": pipeline.qualification.framework,
                        "questions": list(pipeline.qualification.questions),
                    },
                )
        if not dry_run and result.created:
            created = set(result.created)
            self.warm_scan_cache([d for d in pipeline.deals if d.id in created], now)
        return result

    def import_stream(
        self,
        items: Iterable[tuple[Deal | None, list[str]]],
        now: datetime,
        dry_run: bool,
        source: str | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> ImportResult:
        """Import deals as they are read, in batches, all in one transaction.

        Every problem in the stream is collected; if there is any, the transaction is
        rolled back and all of them are reported together, so nothing is written. Memory
        holds one batch of deals at a time.
        """
        result = ImportResult()
        problems: list[str] = []
        batch: list[Deal] = []
        read = 0
        context = None if dry_run else self.diagnosis_context()

        def flush(tx: Transaction) -> None:
            step = tx.import_deals(batch, now, dry_run=dry_run)
            result.created += step.created
            result.updated += step.updated
            result.unchanged += step.unchanged
            if context is not None and step.created:
                names = set(step.created)
                self._warm(tx, [d for d in batch if d.id in names], now, context)
            batch.clear()

        with self.store.write() as tx:
            for deal, found in items:
                read += 1
                problems += found
                if deal is not None and not problems:
                    batch.append(deal)
                    if len(batch) >= STREAM_BATCH:
                        flush(tx)
                if progress is not None and read % 1000 == 0:
                    progress(read)
            if problems:
                raise InputError(problems, source)
            flush(tx)
            if not dry_run:
                tx.analyze_after_load(len(result.created) + len(result.updated))
        return result

    def warm_scan_cache(self, deals: list[Deal], now: datetime) -> None:
        """Fill the stall scan's cache for new open deals while they are in memory.

        The first ``stalled`` after an import then reads summaries only; without this
        it would have to load every new deal's history once.
        """
        if not any(deal.is_open for deal in deals):
            return
        context = self.diagnosis_context()
        with self.store.write() as tx:
            self._warm(tx, deals, now, context)

    @staticmethod
    def _warm(tx: Transaction, deals: list[Deal], now: datetime, context: DiagnosisContext) -> None:
        fresh = [deal.canonical() for deal in deals if deal.is_open]
        if not fresh:
            return
        key = scan.context_key(context)
        pks = tx.deal_pks([deal.id for deal in fresh])
        cache = []
        for deal in fresh:
            if deal.id not in pks or any(x.at > now for x in deal.touches):
                continue
            diagnosis = diagnose(deal, now, context, plays=False)
            cache.append(scan.cache_entry(pks[deal.id], deal, diagnosis, key, now, context))
        tx.set_scan_cache(cache)

    def export_document(self, as_of: datetime | None = None) -> dict[str, object]:
        with self.store.read() as tx:
            deals = tx.deals()
        return to_document(deals, self.tz, as_of=as_of)

    def deal(self, deal_id: str) -> Deal:
        with self.store.read() as tx:
            return tx.deal(deal_id)

    def history(self, full: bool = False) -> list[Deal]:
        """Closed deals (won and lost): the user's own history that norms and rates learn from.

        By default only their heads and stage/close-date histories, which is all the stage
        norms and win rates need; ``full=True`` brings people, touches and answers too.
        """
        with self.store.read() as tx:
            return tx.deals(status=(Status.WON, Status.LOST), full=full)

    def close_deal(
        self,
        deal_id: str,
        status: Status,
        now: datetime,
        reason: str | None = None,
        revisit_on: date | None = None,
    ) -> None:
        """Won, lost (with a reason), nurture (with a revisit date), or open again."""
        with self.store.write() as tx:
            tx.deal(deal_id)
            tx.update_deal(
                deal_id,
                now,
                status=status,
                lost_reason=reason if status in (Status.LOST, Status.NURTURE) else None,
                revisit_on=revisit_on if status is Status.NURTURE else None,
                closed_at=None if status is Status.OPEN else now,
            )

    def diagnosis_context(self) -> DiagnosisContext:
        """Norms learned from the closed deals, the framework and the playbook."""
        return build_context(self.config, (), norms=norms_from(self.config, self.won_stages()))

    def closed_figures(self, now: datetime) -> ClosedFigures:
        """What the review learns from the closed deals as of ``now`` (win rates and time
        to close). Kept as learned from every closed deal, they hold for any ``now`` after
        the latest close; a replay before it learns them from the history again."""
        order = self.stage_order()
        data = self._kept(
            CLOSED_FIGURES,
            lambda history: ClosedFigures.learn(history, order).to_dict(),
            also="|".join(order),
        )
        figures = ClosedFigures.from_dict(data)
        return figures if figures.holds_at(now) else ClosedFigures.learn(self.history(), order, now)

    def won_stages(self) -> dict[str, tuple[float, int]]:
        """The won deals' median days per stage (``norms.won_stages``), kept."""
        data = self._kept(WON_STAGES, won_stages)
        return {stage: (float(days), int(n)) for stage, (days, n) in data.items()}

    def _kept(self, name: str, learn: Callable[[list[Deal]], Any], also: str = "") -> Any:
        """A figure learned from the closed deals, kept in the database (``derived``) with
        the closed history's version (and ``also``, what else it was learned under), and
        learned again only when that changes: reading every closed deal's history is the
        slowest part of a command on a large pipeline. The value must survive JSON."""
        with self.store.read() as tx:
            version = f"{tx.closed_version()}|{also}"
            kept = tx.derived(name)
        if kept is not None and kept[0] == version:
            return kept[1]
        value = learn(self.history())
        with self.store.write() as tx:
            tx.set_derived(name, version, value)
        return value

    def diagnose(
        self, deal_id: str, now: datetime, context: DiagnosisContext | None = None
    ) -> Diagnosis:
        deal = self.deal(deal_id)
        return diagnose(deal, now, context or self.diagnosis_context())

    def stalled(
        self,
        now: datetime,
        owner: str | None = None,
        limit: int | None = None,
        context: DiagnosisContext | None = None,
        plays: bool = True,
    ) -> StallReport:
        """Open deals that are stalled as of ``now``, worst first.

        Uses the stall scan (``unstuck.scan``): verdicts for every open deal from the
        summary columns and cached severities, then a full diagnosis only for the
        ``limit`` worst (all of them when ``limit`` is None). ``plays=False`` skips
        drafting plays, for views that only list the deals.
        """
        context = context or self.diagnosis_context()
        if limit is None:
            verdicts = self.scan_verdicts(now, owner, context)
            stuck = scan.worst_first(verdicts)
            shown, count, judged = stuck, len(stuck), len(verdicts)
        else:
            shown, count, judged = self._worst(now, owner, context, limit)
        with self.store.read() as tx:
            deals = {d.id: d for d in tx.deals(ids=[v.id for v in shown])}
        pairs = [(deals[v.id], diagnose(deals[v.id], now, context, plays=plays)) for v in shown]
        pairs.sort(key=lambda pair: (-pair[1].severity, -(pair[0].value or 0), pair[0].id))
        return StallReport(pairs, count, judged)

    def _worst(
        self, now: datetime, owner: str | None, context: DiagnosisContext, limit: int
    ) -> tuple[list[scan.Verdict], int, int]:
        """The ``limit`` worst stalled deals, how many are stalled and how many were
        judged, with the database doing the counting (``store/stall.py``). The same pass
        lists the deals whose cache is not valid at ``now``; only those are read and
        diagnosed here. When they are too many to list, their caches are refreshed first
        and the database counts again."""
        key = scan.context_key(context)
        params = scan.sql_params(context, key)
        counted = self.store.count_stalled(params, now, owner, limit)
        if counted.complete:
            with self.store.read() as tx:
                stale = tx.scan_rows(owner, ids=counted.stale) if counted.stale else []
            diagnosed = [found for _, found, _ in self._refresh(stale, now, context, key)]
        else:
            with self.store.read() as tx:
                stale = tx.scan_rows(owner, stale_for=(key, now))
            refreshed = self._refresh(stale, now, context, key)
            # Deals whose cache cannot be kept (history after now) stay out of the count.
            diagnosed = [found for _, found, cached in refreshed if not cached]
            counted = self.store.count_stalled(params, now, owner, limit)
        worst = [scan.Verdict(i, value, True, severity) for i, value, severity in counted.worst]
        stuck = scan.worst_first(worst + diagnosed)[:limit]
        count = counted.stalled + sum(v.stalled for v in diagnosed)
        return stuck, count, counted.judged + len(diagnosed)

    def scan_verdicts(
        self, now: datetime, owner: str | None, context: DiagnosisContext
    ) -> list[scan.Verdict]:
        """A verdict for every open deal; refreshes the scan cache where it is stale."""
        return [verdict for _, verdict in self._scan(now, owner, context)]

    def _scan(
        self, now: datetime, owner: str | None, context: DiagnosisContext
    ) -> list[tuple[ScanRow, scan.Verdict]]:
        """Every open deal's scan row (with the cache as refreshed) and verdict."""
        key = scan.context_key(context)
        with self.store.read() as tx:
            rows = tx.scan_rows(owner)
        stale = [row for row in rows if scan.needs_diagnosis(row, key, now)]
        fresh = {row.id: (row, found) for row, found, _ in self._refresh(stale, now, context, key)}
        return [
            fresh[row.id] if row.id in fresh else (row, scan.verdict(row, now, context))
            for row in rows
        ]

    def _refresh(
        self, stale: list[ScanRow], now: datetime, context: DiagnosisContext, key: str
    ) -> list[tuple[ScanRow, scan.Verdict, bool]]:
        """Diagnose the ``stale`` deals in full, store their scan cache where it can
        describe them (not when history is dated after ``now``, as in a replay), and
        return each row (with the cache as stored), its verdict and whether it was cached."""
        by_id = {row.id: row for row in stale}
        ids = list(by_id)
        out = []
        for start in range(0, len(ids), SCAN_BATCH):
            with self.store.read() as tx:
                deals = tx.deals(ids=ids[start : start + SCAN_BATCH])
            cache = []
            for deal in deals:
                row = by_id[deal.id]
                diagnosis = diagnose(deal, now, context, plays=False)
                cached = row.last_event_at is None or row.last_event_at <= now
                if cached:
                    entry = scan.cache_entry(row.pk, deal, diagnosis, key, now, context)
                    cache.append(entry)
                    row = replace(
                        row,
                        static_severities=entry.severities,
                        static_key=key,
                        static_at=entry.at,
                        static_until=entry.until,
                    )
                out.append((row, scan.from_diagnosis(row, diagnosis), cached))
            with self.store.write() as tx:
                tx.set_scan_cache(cache)
            if self.on_refresh is not None:
                self.on_refresh(len(out), len(ids))
        return out

    def review_states(
        self,
        now: datetime,
        owner: str | None,
        context: DiagnosisContext,
        change_days: float = 7,
    ) -> tuple[dict[str, ScanState], list[Deal]]:
        """The open deals for a review: the scan's view of each, from summaries and the
        (refreshed) cache, with the deals read without their touches; deals the cache
        cannot describe at ``now`` (history dated later, as in a replay) come back whole,
        to be diagnosed in full. Deals that replied in the last ``change_days`` come with
        those replies and the one before them (the review's changes measure the silence a
        reply broke)."""
        scanned = {row.id: (row, found) for row, found in self._scan(now, owner, context)}
        key = scan.context_key(context)
        with self.store.read() as tx:
            light = tx.deals(status=Status.OPEN, owner=owner, parts=REVIEW_PARTS)
        states: dict[str, ScanState] = {}
        whole: list[str] = []
        for deal in light:
            row, found = scanned.get(deal.id, (None, None))
            if row is None or found is None or scan.needs_diagnosis(row, key, now):
                whole.append(deal.id)
                continue
            states[deal.id] = scan.review_state(row, deal, now, context, found)
        since = now - timedelta(days=change_days)
        replied = [
            deal_id
            for deal_id, state in states.items()
            if state.signals.last_reply_at is not None and since < state.signals.last_reply_at
        ]
        with self.store.read() as tx:
            full = tx.deals(ids=whole) if whole else []
            replies = tx.replies(replied, since=since)
        keep = [
            replace(deal, touches=tuple(replies[deal.id])) if deal.id in replies else deal
            for deal in light
            if deal.id in states
        ]
        return states, keep + full

    def stage_order(self, seen: list[str] | None = None) -> list[str]:
        order = list(self.config.list_("pipeline.stages"))
        for stage in seen or []:
            if stage not in order:
                order.append(stage)
        return order


__all__ = ["Unstuck"]
