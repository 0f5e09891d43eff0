"""Quick timing of diagnose(), not a test.

Run ``.venv/bin/python tests/diagnosis/measure_diagnose.py``.

Prints the time per deal for a stalled deal with 20 touches, with the notes cache cold
(every note new, the worst case) and warm (notes seen before), for a healthy deal, and
for building the context.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from world import NOW, context, healthy, inbound, outbound

from unstuck.diagnosis import diagnose
from unstuck.domain import Channel

NOTES = [
    "Joe: still thinking about it, boss not convinced.",
    "Called Joe. He's not ready to commit yet.",
    "Dana is against the change, worried she will be blamed.",
    "They asked for another case study and a discount.",
    "Sent proposal v2.",
    "Doing nothing is not an option, says Mia.",
    "Left voicemail.",
    "Talked paper logs with Lee.",
]


def twenty_touches(tag: int) -> object:
    touches = tuple(
        (inbound if i % 2 else outbound)(
            100 - i * 4, "joe", channel=Channel.CALL, summary=f"{NOTES[i % len(NOTES)]} #{tag}.{i}"
        )
        for i in range(20)
    )
    return healthy(touches=touches)


def main() -> None:
    start = time.perf_counter()
    ctx = context()
    print(f"build_context: {(time.perf_counter() - start) * 1e3:.1f} ms")
    rounds = 2000
    cold = [twenty_touches(n) for n in range(rounds)]  # every note text unseen
    start = time.perf_counter()
    for deal in cold:
        diagnose(deal, NOW, ctx)  # type: ignore[arg-type]
    print(f"20 touches, notes cold: {(time.perf_counter() - start) / rounds * 1e3:.3f} ms/deal")
    start = time.perf_counter()
    for deal in cold:
        diagnose(deal, NOW, ctx)  # type: ignore[arg-type]
    print(f"20 touches, notes warm: {(time.perf_counter() - start) / rounds * 1e3:.3f} ms/deal")
    fine = healthy()
    start = time.perf_counter()
    for _ in range(rounds):
        diagnose(fine, NOW, ctx)
    print(f"healthy deal:           {(time.perf_counter() - start) / rounds * 1e3:.3f} ms/deal")


if __name__ == "__main__":
    main()
