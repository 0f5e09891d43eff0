"""Scoring against the store: train and save a model, pick the chance model to use.

This is the application layer of scoring (like :class:`unstuck.service.Unstuck`): it
reads the store and calls the pure core. It never reads the clock: callers pass ``now``.

``chance_for(app)`` is what views call. It works without the ml extra (it then falls
back), never raises for a missing or unreadable model, and says why it fell back.
"""

from __future__ import annotations

import pickle
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol, runtime_checkable

from unstuck.domain import Deal, Status
from unstuck.review.chance import Chance, ChanceModel, StageWinRates, win_rates
from unstuck.service import Unstuck
from unstuck.store import models as stored
from unstuck.store.models import ModelRecord

MODEL_FORMAT = 1
RETRAIN = "run `unstuck score train`"


class ChanceSource(ChanceModel, Protocol):
    """What :func:`chance_for` returns: a :class:`ChanceModel` that can also say what the
    user should know about it (``note``) and describe itself (``to_dict``)."""

    @property
    def note(self) -> str | None: ...

    def to_dict(self) -> dict[str, Any]: ...


@dataclass(frozen=True)
class Fallback:
    """Stage win rates with a prior (:class:`StageWinRates`), and why no model is used."""

    rates: StageWinRates
    reason: str

    @property
    def note(self) -> str | None:
        return self.reason

    def chance(self, deal: Deal, now: datetime) -> Chance:
        found = self.rates.chance(deal, now)
        return Chance(
            found.p, found.low, found.high, found.source, {**found.inputs, "no_model": self.reason}
        )

    def to_dict(self) -> dict[str, Any]:
        return {**self.rates.to_dict(), "no_model": self.reason}


@dataclass(frozen=True)
class TrainOutcome:
    """What ``unstuck score train`` reports: a saved record, or why it fell back."""

    record: ModelRecord | None
    fallback: Fallback | None = None

    def to_dict(self) -> dict[str, Any]:
        if self.record is not None:
            return {"trained": True, **self.record.to_dict()}
        assert self.fallback is not None
        return {
            "trained": False,
            "reason": self.fallback.reason,
            "fallback": self.fallback.to_dict(),
        }


def snapshot_rules(app: Unstuck) -> Any:
    from unstuck.scoring.snapshots import SnapshotRules

    cfg = app.config
    return SnapshotRules(
        every_days=max(cfg.float_("scoring.snapshot_days"), 1.0),
        max_per_deal=max(cfg.int_("scoring.max_snapshots"), 1),
    )


def fallback(app: Unstuck, reason: str, now: datetime | None = None) -> Fallback:
    """Stage win rates from the closed deals, with the review's prior settings."""
    cfg = app.config
    rates = win_rates(
        app.closed_figures(now or datetime.max),
        prior_rate=min(max(cfg.float_("review.prior_win_rate"), 0.01), 0.99),
        prior_weight=max(cfg.float_("review.prior_weight"), 0.01),
        min_closed=max(cfg.int_("review.min_closed_per_stage"), 1),
    )
    return Fallback(rates, reason)


def train(app: Unstuck, now: datetime, *, seed: int = 0) -> TrainOutcome:
    """Learn from the store's closed deals and save the model as a new version.

    Too few closed deals is not an error: the outcome carries the fallback and why.
    Raises :class:`~unstuck.scoring.errors.MissingExtraError` without the ml extra.
    """
    from unstuck.scoring._deps import require_ml

    require_ml()
    from unstuck.scoring.training import NotEnoughHistory, fit_history

    history = app.history(full=True)
    with app.store.read() as tx:
        fingerprint, _ = stored.closed_fingerprint(tx)
        open_deals = tx.deals(status=Status.OPEN, full=False)
    try:
        fit = fit_history(
            history,
            app.config,
            now,
            open_deals=open_deals,
            rules=snapshot_rules(app),
            per_outcome=max(app.config.int_("scoring.min_per_outcome"), 2),
            seed=seed,
        )
    except NotEnoughHistory as why:
        return TrainOutcome(None, fallback(app, str(why), now))
    record = ModelRecord(
        trained_at=now,
        fingerprint=fingerprint,
        deals=fit.deals,
        won=fit.won,
        snapshots=fit.snapshots,
        metrics=fit.metrics,
        features=list(fit.model.scorer.plan.features if fit.model.scorer.plan else []),
        notes=fit.notes,
        versions=fit.versions,
        model=pickle.dumps({"format": MODEL_FORMAT, "model": fit.model}),
    )
    with app.store.write() as tx:
        version = stored.save_model(tx, record)
    return TrainOutcome(_with_version(record, version))


def _with_version(record: ModelRecord, version: int) -> ModelRecord:
    from dataclasses import replace

    return replace(record, version=version, model=None)


def _load(record: ModelRecord) -> Any:
    """The stored model, or a reason it cannot be used."""
    from unstuck.scoring._deps import require_ml
    from unstuck.scoring.errors import MissingExtraError

    try:
        require_ml()
    except MissingExtraError as missing:
        return str(missing)
    try:
        payload = pickle.loads(record.model or b"")
        model = payload["model"]
        if payload.get("format") != MODEL_FORMAT:
            raise ValueError(f"format {payload.get('format')}")
    except Exception as exc:  # any unreadable model means "retrain", never a traceback
        saved = ", ".join(f"{k} {v}" for k, v in record.versions.items())
        return (
            f"model v{record.version} cannot be read with the installed libraries "
            f"({type(exc).__name__}; it was saved with {saved}); {RETRAIN}"
        )
    return model


def _staleness(app: Unstuck, record: ModelRecord) -> tuple[str | None, str | None]:
    """(reason not to use the model, note to show while using it)."""
    with app.store.read() as tx:
        fingerprint, closed = stored.closed_fingerprint(tx)
    if fingerprint == record.fingerprint:
        return None, None
    share = max(app.config.float_("scoring.stale_share"), 0.0)
    grown = closed - record.deals
    if closed > record.deals * (1 + share):
        return (
            f"model v{record.version} learned from {record.deals} closed deals and there are "
            f"{closed} now; {RETRAIN}",
            None,
        )
    changed = f"{grown} more" if grown > 0 else "some changed"
    return None, f"model v{record.version}: {changed} closed deals since training; {RETRAIN}"


@dataclass(frozen=True)
class ModelChoice:
    model: ChanceSource
    record: ModelRecord | None
    reason: str | None  # why the fallback is used, if it is


def choose_model(app: Unstuck, now: datetime | None = None) -> ModelChoice:
    """The newest trained model if usable and fresh enough, else the fallback and why."""
    with app.store.read() as tx:
        record = stored.latest_model(tx)
    if record is None:
        return _fallback_choice(app, f"no model trained yet; {RETRAIN}", now)
    reason, note = _staleness(app, record)
    if reason is not None:
        return _fallback_choice(app, reason, now, record)
    loaded = _load(record)
    if isinstance(loaded, str):
        return _fallback_choice(app, loaded, now, record)
    from unstuck.scoring.features import feature_context

    loaded.context = feature_context(app.config)
    loaded.info = {
        "version": record.version,
        "trained_at": record.trained_at.isoformat(timespec="seconds"),
        "deals": record.deals,
        "auc": record.metrics.get("auc"),
        "brier": record.metrics.get("brier"),
        "note": note,
    }
    return ModelChoice(loaded, record, None)


def _fallback_choice(
    app: Unstuck, reason: str, now: datetime | None, record: ModelRecord | None = None
) -> ModelChoice:
    return ModelChoice(fallback(app, reason, now), record, reason)


def chance_for(
    app: Unstuck, now: datetime | None = None, deals: Sequence[Deal] = ()
) -> ChanceSource:
    """The chance model views should use: the trained model, or stage win rates.

    Has ``chance(deal, now) -> Chance``, ``note`` (what to tell the user, or None) and
    ``to_dict()``; a trained model also has ``chances(deals, now)`` and
    ``explain(deal, now)``. Pass the ``deals`` a view will show (with ``now``) to score
    them in one call up front: per-deal calls to a trained model cost tens of ms each.
    """
    model = choose_model(app, now).model
    if deals and now is not None and isinstance(model, _Batch):
        model.chances(deals, now)
    return model


def describe_chance(
    app: Unstuck, deal: Deal, now: datetime, choice: ModelChoice | None = None
) -> dict[str, Any]:
    """Everything ``score show --json`` prints for one deal: chance, range, source, the
    reasons up and down (a trained model only) and why no model is used (or None).

    Pass ``choice`` (from :func:`choose_model`) when describing several deals.
    """
    from unstuck.scoring.snapshots import deal_as_of

    choice = choice or choose_model(app, now)
    model: Any = choice.model
    if hasattr(model, "explain"):
        shown = model.explain(deal, now).to_dict()
    else:
        shown = {**model.chance(deal_as_of(deal, now), now).to_dict(), "up": [], "down": []}
    return {"deal": deal.id, "as_of": now.isoformat(timespec="seconds"), **shown,
            "no_model": choice.reason}  # fmt: skip


@runtime_checkable
class _Batch(Protocol):
    def chances(self, deals: Sequence[Deal], now: datetime) -> list[Chance]: ...


__all__ = [
    "ChanceSource",
    "Fallback",
    "ModelChoice",
    "TrainOutcome",
    "chance_for",
    "choose_model",
    "describe_chance",
    "fallback",
    "train",
]
