"""Per-process caches that keep the board fast on large pipelines.

Building the diagnosis context learns norms from every closed deal (seconds on a big
history), and a diagnosis needs the deal's whole history. Both are cached in the
worker's memory, keyed by what they depend on:

- the context by the number and latest change of the closed deals (re-checked with one
  small query per request, and rebuilt at the latest every ``CONTEXT_TTL`` seconds);
- a deal's diagnosis by its summary columns and ``updated_at`` (every write through the
  store or the web app changes one of them), the calendar day of ``now`` and the context.

Each worker has its own copy: several workers against one database each warm their own
cache, and nothing in it is needed for correctness across workers, only for speed. One
known gap: an answer recorded from the command line changes none of those columns, so
the board may show the older finding until the deal changes again or the day turns.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from datetime import date
from typing import Generic, TypeVar

from unstuck.diagnosis import Diagnosis, DiagnosisContext

CONTEXT_TTL = 600.0
# How often the closed history is re-checked for changes: a deal closed in another
# worker shows in this worker's norms within this many seconds.
CONTEXT_CHECK = 5.0
DIAGNOSES_KEPT = 50_000

V = TypeVar("V")


class Lru(Generic[V]):
    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> V | None:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: Hashable, value: V) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)


class ContextCache:
    def __init__(self) -> None:
        self._key: Hashable = None
        self._value: DiagnosisContext | None = None
        self._built = 0.0
        self._checked = 0.0
        self._lock = threading.Lock()
        self.generation = 0  # goes up with every rebuild; part of each diagnosis key

    def get(
        self, version: Callable[[], Hashable], build: Callable[[], DiagnosisContext]
    ) -> DiagnosisContext:
        """The cached context; ``version()`` is asked at most every CONTEXT_CHECK seconds."""
        with self._lock:
            now = time.monotonic()
            if self._value is not None and now - self._checked < CONTEXT_CHECK:
                return self._value
            key = version()
            self._checked = now
            if self._value is not None and self._key == key and now - self._built < CONTEXT_TTL:
                return self._value
            self._value = build()
            self._key = key
            self._built = time.monotonic()
            self.generation += 1
            return self._value


class DiagnosisCache:
    def __init__(self, size: int = DIAGNOSES_KEPT) -> None:
        self._lru: Lru[Diagnosis] = Lru(size)

    @staticmethod
    def key(deal_id: str, version: tuple[object, ...], day: date, generation: int) -> Hashable:
        return (deal_id, version, day, generation)

    def get(self, key: Hashable) -> Diagnosis | None:
        return self._lru.get(key)

    def put(self, key: Hashable, diagnosis: Diagnosis) -> None:
        self._lru.put(key, diagnosis)


__all__ = ["CONTEXT_TTL", "ContextCache", "DiagnosisCache", "Lru"]
