"""Reactions to writes that feature packages register, inside the same transaction.

The one event so far: a reply from the prospect (an inbound touch) was recorded, for
example so that a running follow-up cadence stops. Listeners get the connection, the
deal's primary key and id, and the time of the newest new reply.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Connection

InboundListener = Callable[[Connection, int, str, datetime], None]

_inbound: list[InboundListener] = []


def on_inbound(listener: InboundListener) -> InboundListener:
    """Register ``listener`` (usable as a decorator); registering twice has no effect."""
    if listener not in _inbound:
        _inbound.append(listener)
    return listener


def inbound_recorded(conn: Connection, deal_pk: int, deal_id: str, at: datetime) -> None:
    for listener in list(_inbound):
        listener(conn, deal_pk, deal_id, at)


__all__ = ["InboundListener", "inbound_recorded", "on_inbound"]
