"""Store functions of win-chance scoring: saved models and the fingerprint of the data.

Every function takes a :class:`~unstuck.store.Transaction`; the caller decides the
transaction's extent. The model bytes are opaque here: scoring pickles and unpickles
them, the store only keeps them with the facts needed to list and choose versions.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select

from unstuck.domain import Status
from unstuck.store import Transaction
from unstuck.store import schema as t
from unstuck.store.schema_scoring import score_models as sm

CLOSED = (Status.WON.value, Status.LOST.value)


@dataclass(frozen=True)
class ModelRecord:
    """One trained model: its version (the row's key), the data it saw, how good it was."""

    trained_at: datetime
    fingerprint: str
    deals: int
    won: int
    snapshots: int
    metrics: dict[str, Any] = field(default_factory=dict)
    features: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    versions: dict[str, str] = field(default_factory=dict)
    model: bytes | None = None  # None when listed without the bytes
    version: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "trained_at": self.trained_at.isoformat(timespec="seconds"),
            "fingerprint": self.fingerprint,
            "deals": self.deals,
            "won": self.won,
            "snapshots": self.snapshots,
            "metrics": self.metrics,
            "features": self.features,
            "notes": self.notes,
            "versions": self.versions,
        }


def closed_fingerprint(tx: Transaction) -> tuple[str, int]:
    """A hash of the closed (won and lost) deals' ids, statuses and update times, and
    how many there are: two trainings on the same fingerprint saw the same data."""
    d = t.deals
    query = (
        select(d.c.id, d.c.status, d.c.updated_at).where(d.c.status.in_(CLOSED)).order_by(d.c.id)
    )
    digest = hashlib.sha256()
    count = 0
    for deal_id, status, updated in tx.conn.execute(query):
        digest.update(f"{deal_id}\t{status}\t{updated.isoformat()}\n".encode())
        count += 1
    return digest.hexdigest(), count


def save_model(tx: Transaction, record: ModelRecord) -> int:
    """Store a new model version and return its number (older versions are kept)."""
    if record.model is None:
        raise ValueError("a model record needs its bytes to be saved")
    result = tx.conn.execute(
        insert(sm).values(
            trained_at=record.trained_at,
            fingerprint=record.fingerprint,
            deals=record.deals,
            won=record.won,
            snapshots=record.snapshots,
            metrics=record.metrics,
            features=record.features,
            notes=record.notes,
            versions=record.versions,
            model=record.model,
        )
    )
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def _record(row: Any, with_bytes: bool) -> ModelRecord:
    return ModelRecord(
        version=int(row["pk"]),
        trained_at=row["trained_at"],
        fingerprint=row["fingerprint"],
        deals=row["deals"],
        won=row["won"],
        snapshots=row["snapshots"],
        metrics=dict(row["metrics"] or {}),
        features=list(row["features"] or []),
        notes=list(row["notes"] or []),
        versions=dict(row["versions"] or {}),
        model=bytes(row["model"]) if with_bytes else None,
    )


def latest_model(tx: Transaction) -> ModelRecord | None:
    """The newest model with its bytes, or None when none was trained yet."""
    row = tx.conn.execute(select(sm).order_by(sm.c.pk.desc()).limit(1)).mappings().first()
    return None if row is None else _record(row, with_bytes=True)


def list_models(tx: Transaction) -> list[ModelRecord]:
    """Every stored model, newest first, without the bytes."""
    columns = [c for c in sm.c if c.name != "model"]
    rows = tx.conn.execute(select(*columns).order_by(sm.c.pk.desc())).mappings()
    return [_record(r, with_bytes=False) for r in rows]


def count_models(tx: Transaction) -> int:
    return int(tx.conn.execute(select(func.count()).select_from(sm)).scalar_one())


__all__ = [
    "ModelRecord",
    "closed_fingerprint",
    "count_models",
    "latest_model",
    "list_models",
    "save_model",
]
