"""The chance of winning on the board, the table, the deal page and the API deal read.

Choosing the model (``unstuck.scoring.service.choose_model``) reads the newest stored
model with its bytes, hashes the closed history and, without a model, learns stage win
rates from every closed deal: far too much for each request. So each worker keeps its
choice and re-checks it against the database at most every ``CONTEXT_CHECK`` seconds,
with two cheap reads: the newest model's version and the closed history's count and
latest change. A model trained, or a deal closed, by another worker or the command line
is picked up within those seconds; nothing depends on in-process events.

Per-deal chances are cached like diagnoses (see ``cache.py``): a card's by its summary
columns, the day and the model generation; a deal page's by the whole deal (compared
for equality), the day and the generation. The web app's fallback rates learn from all
closed deals in the database, whatever ``as_of`` a page asks for.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from unstuck.domain import Deal
from unstuck.review.chance import Chance
from unstuck.web.cache import CONTEXT_CHECK, Lru

KEPT = 50_000


@dataclass(frozen=True)
class ChanceView:
    """One deal's chance as the deal page and the API show it."""

    p: float
    low: float
    high: float
    source: str
    trained: bool
    learned_from: int
    up: list[str] = field(default_factory=list)
    down: list[str] = field(default_factory=list)
    no_model: str | None = None

    @property
    def percent(self) -> str:
        return f"{self.p:.0%}".replace("%", " %")

    @property
    def range_text(self) -> str:
        return f"between {self.low:.0%} and {self.high:.0%}".replace("%", " %")

    @property
    def basis(self) -> str:
        """Where the figure comes from, in plain words."""
        closed = f"{self.learned_from} closed deal{'s' if self.learned_from != 1 else ''}"
        if self.trained:
            return f"From the trained {self.source}, which learned from {closed}."
        if self.learned_from == 0:
            return "From a starting guess (no closed deals yet): no model is trained."
        return f"From stage win rates over {closed}: no model is in use."

    def to_dict(self) -> dict[str, Any]:
        return {
            "p": round(self.p, 3),
            "low": round(self.low, 3),
            "high": round(self.high, 3),
            "source": self.source,
            "model": "trained" if self.trained else "stage_rates",
            "learned_from": self.learned_from,
            "up": self.up,
            "down": self.down,
            "no_model": self.no_model,
        }


class ChanceCache:
    """This worker's chance model and the chances it gave, checked against the database."""

    def __init__(self, size: int = KEPT) -> None:
        self._key: Hashable = None
        self._choice: Any = None
        self._checked = 0.0
        self._lock = threading.Lock()
        self.generation = 0
        self.cards: Lru[Chance] = Lru(size)
        self.pages: Lru[tuple[Deal, ChanceView]] = Lru(size)

    def choice(self, version: Callable[[], Hashable], load: Callable[[], Any]) -> Any:
        """The cached model choice; ``version()`` is asked at most every CONTEXT_CHECK s."""
        with self._lock:
            now = time.monotonic()
            if self._choice is not None and now - self._checked < CONTEXT_CHECK:
                return self._choice
            key = version()
            self._checked = now
            if self._choice is None or key != self._key:
                self._choice = load()
                self._key = key
                self.generation += 1
            return self._choice


def is_trained(choice: Any) -> bool:
    return choice.reason is None and hasattr(choice.model, "chances")


def learned_from(choice: Any) -> int:
    if is_trained(choice):
        return int(choice.record.deals)
    rates = getattr(choice.model, "rates", None)
    return int(rates.overall.closed) if rates is not None else 0


def batch_chances(choice: Any, deals: Sequence[Deal], now: datetime) -> list[Chance]:
    """One model call for the trained model; the stage rate of each deal otherwise."""
    model = choice.model
    if is_trained(choice):
        found: list[Chance] = model.chances(deals, now)
        return found
    return [model.chance(deal, now) for deal in deals]


def explained(choice: Any, deal: Deal, now: datetime) -> ChanceView:
    """The chance with its range and, from a trained model, the reasons up and down."""
    from unstuck.scoring.snapshots import deal_as_of

    model = choice.model
    if is_trained(choice):
        shown = model.explain(deal, now)
        chance = shown.chance
        up = [r.text for r in shown.up]
        down = [r.text for r in shown.down]
    else:
        chance, up, down = model.chance(deal_as_of(deal, now), now), [], []
    return ChanceView(
        chance.p,
        chance.low,
        chance.high,
        chance.source,
        is_trained(choice),
        learned_from(choice),
        up,
        down,
        choice.reason,
    )


__all__ = ["ChanceCache", "ChanceView", "batch_chances", "explained", "is_trained"]
