"""The application layer: what every shell (CLI, web, jobs) calls.

It joins configuration, the store and the pure core. It never reads the clock: callers
pass ``now``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from unstuck.config import Config, default_db_path
from unstuck.diagnosis import Diagnosis, DiagnosisContext, build_context, diagnose
from unstuck.document import to_document
from unstuck.domain import Deal, Pipeline, Status
from unstuck.store import Store
from unstuck.store.write import ImportResult


@dataclass
class Unstuck:
    config: Config
    store: Store

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
            if pipeline.qualification is not None and not dry_run:
                tx.set_setting(
                    "qualification",
                    {
                        "framework": pipeline.qualification.framework,
                        "questions": list(pipeline.qualification.questions),
                    },
                )
        return result

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
        return build_context(self.config, self.history())

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
    ) -> tuple[list[tuple[Deal, Diagnosis]], int]:
        """Open deals that are stalled as of ``now``, worst first, and how many were checked.

        ``plays=False`` skips drafting the plays, for views that only list the deals.
        """
        context = context or self.diagnosis_context()
        with self.store.read() as tx:
            deals = tx.deals(status=Status.OPEN, owner=owner)
        found = [(deal, diagnose(deal, now, context, plays=plays)) for deal in deals]
        stuck = [(d, g) for d, g in found if g.stalled]
        stuck.sort(key=lambda pair: (-pair[1].severity, -(pair[0].value or 0), pair[0].id))
        return (stuck[:limit] if limit is not None else stuck), len(deals)

    def stage_order(self, seen: list[str] | None = None) -> list[str]:
        order = list(self.config.list_("pipeline.stages"))
        for stage in seen or []:
            if stage not in order:
                order.append(stage)
        return order


__all__ = ["Unstuck"]
