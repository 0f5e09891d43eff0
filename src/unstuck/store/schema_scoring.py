"""Tables of win-chance scoring (issue 7): every trained model, versioned with its data.

One row per training run. The newest row is the model in use; older rows are kept so a
change in the scores can be traced to the data it was trained on (``fingerprint`` is a
hash of the closed deals' ids, statuses and update times). ``model`` holds the pickled
scorer; everything else is plain data for ``unstuck score list``.
"""

from __future__ import annotations

from sqlalchemy import JSON, Column, DateTime, Integer, LargeBinary, String, Table

from unstuck.store.schema import Key, metadata

score_models = Table(
    "score_models",
    metadata,
    Column("pk", Key, primary_key=True, autoincrement=True),  # the model version
    Column("trained_at", DateTime, nullable=False),
    Column("fingerprint", String(64), nullable=False),
    Column("deals", Integer, nullable=False),
    Column("won", Integer, nullable=False),
    Column("snapshots", Integer, nullable=False),
    Column("metrics", JSON, nullable=False),
    Column("features", JSON, nullable=False),
    Column("notes", JSON, nullable=False),
    Column("versions", JSON, nullable=False),
    Column("model", LargeBinary, nullable=False),
)

__all__ = ["score_models"]
