"""Sample pipelines: a hand-shaped demo pipeline and a fast stream of random deals.

``generate_pipeline`` is the demo and test world: sixty open deals, each shaped to show
one or more situations from ``domain.md`` (a third of them healthy), plus a closed
history that per-stage norms and win rates are learned from. ``iter_deals`` streams as
many random deals as a benchmark wants, in constant memory.

Both are deterministic for a seed and take ``now`` instead of reading the clock; every
date they produce is at or before ``now``.
"""

from __future__ import annotations

import random
from datetime import datetime

from unstuck.domain import Deal, Pipeline, Qualification, Status
from unstuck.sample import text
from unstuck.sample.curated import SPECS, build_open_deal
from unstuck.sample.draft import Clock
from unstuck.sample.stream import DealFactory, iter_deals

# Shares of the closed history: about a third won, a sixth parked as "not now".
_WON_SHARE = 0.33
_NURTURE_SHARE = 0.16


def generate_pipeline(
    now: datetime,
    seed: int = 0,
    open_deals: int = 60,
    closed_deals: int = 140,
) -> Pipeline:
    """The sample pipeline as of ``now``.

    ``open_deals`` up to 60 picks that many curated deals spread over the whole list
    (so every kind of situation stays represented as long as possible); more than 60
    adds random open deals like those of :func:`iter_deals`. ``closed_deals`` are won,
    lost and parked deals with full histories.
    """
    rng = random.Random(seed)
    # One stream per part, so changing how many closed deals are asked for does not
    # reshuffle the open ones.
    open_rng = random.Random(rng.getrandbits(64))
    extra_rng = random.Random(rng.getrandbits(64))
    closed_rng = random.Random(rng.getrandbits(64))
    clock = Clock(now, open_rng)
    chosen = min(open_deals, len(SPECS))
    specs = [SPECS[index * len(SPECS) // chosen] for index in range(chosen)] if chosen else []
    deals: list[Deal] = [build_open_deal(spec, clock, open_rng) for spec in specs]

    owners = [email for _name, email in text.OWNERS]
    if open_deals > len(SPECS):
        extra = DealFactory(now, extra_rng, owners, 12.0, lambda n, a, p: f"{a}-{p}-open-{n:03d}")
        deals += [extra.make(n, Status.OPEN) for n in range(open_deals - len(SPECS))]

    won = round(closed_deals * _WON_SHARE)
    nurture = round(closed_deals * _NURTURE_SHARE)
    statuses = [Status.WON] * won + [Status.NURTURE] * nurture
    statuses += [Status.LOST] * (closed_deals - len(statuses))
    closed_rng.shuffle(statuses)
    history = DealFactory(now, closed_rng, owners, 10.0, lambda n, a, p: f"{a}-{p}-{n:03d}")
    deals += [history.make(n, status) for n, status in enumerate(statuses)]
    return Pipeline(tuple(deals), as_of=now, qualification=Qualification("bant", text.BANT))


__all__ = ["generate_pipeline", "iter_deals"]
