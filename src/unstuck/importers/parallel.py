"""Reading in child processes while the deals are written: the second core's share.

An import of a million deals and twenty million activities is three long jobs: mapping
the deals rows, writing them, and parsing the activities. Only the writing needs the
database, so on platforms that can fork, one child process parses the activities files
(``frames.parse_any``, by columns with polars) from the start and another maps the deals
rows to deals (``StreamedImport.deals``). Both hand their rows over in pickled batches
(polars frames for the activities), one temporary file per batch: a pipe would block a
child while the parent is busy writing; files let it run ahead, on disk, not in memory.
The parent writes the deals, then joins the activities to them
(``StreamedImport.activities``). Each child's rejects come back in a spool file and are
taken over in file-role order, so they read as in one pass.

The deals reader is forked (it runs closures over the import's state). The activities
reader is *spawned*: polars' thread pool does not survive a fork, and a process that has
used polars once (an earlier import, a test run) would hang its forked child. So its
work is a picklable :class:`ActivityWork`, and like any spawned child it imports the
calling script again: scripts that call ``import_files`` need the usual
``if __name__ == "__main__":`` guard. A child never touches the database: the forked one
inherits the parent's open connections but ends with ``os._exit`` (multiprocessing's
way), so it closes none of them.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import queue
import shutil
import tempfile
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Literal

from unstuck.errors import InputError
from unstuck.importers.base import Match
from unstuck.importers.frames import parse_any
from unstuck.importers.rejects import RejectLog
from unstuck.importers.source import Source
from unstuck.importers.values import DateParser

Job = tuple[Source, Match, DateParser]
# What a child runs: given its reject log, (file name, batch) pairs in file order.
Work = Callable[[RejectLog], Iterator[tuple[str, Any]]]
_WAIT = 1.0  # seconds between checks that the child is still alive


class ActivityWork:
    """The activities reader's work: picklable, as it runs in a spawned process."""

    def __init__(self, jobs: list[Job], size: int) -> None:
        self.jobs, self.size = jobs, size

    def __call__(self, log: RejectLog) -> Iterator[tuple[str, Any]]:
        for source, match, dates in self.jobs:
            for batch in parse_any(source, match, dates, log, self.size):
                yield source.name, batch

    def footers(self) -> dict[str, int]:
        """Report footer lines skipped per file (counted while reading)."""
        return {source.name: source.footer_lines for source, _, _ in self.jobs}


def _produce(
    work: Work, finish: Callable[[], Any] | None, keep: int, folder: str, out: Any, nice: int
) -> None:
    if nice and hasattr(os, "nice"):
        os.nice(nice)
    log = RejectLog(keep, path=Path(folder) / "rejects.jsonl")
    try:
        for number, (name, batch) in enumerate(work(log), start=1):
            path = Path(folder) / f"{number:07d}.pickle"
            path.write_bytes(pickle.dumps(batch, protocol=pickle.HIGHEST_PROTOCOL))
            out.put(("batch", name, str(path)))
        out.put(("done", log.summary(), finish() if finish is not None else None))
    except InputError as exc:
        out.put(("error", list(exc.problems)))
    except Exception as exc:  # anything unreadable: the parent reports it
        out.put(("error", [f"cannot read the export: {exc}", traceback.format_exc(limit=3)]))
    finally:
        log.close()
        out.close()
        out.join_thread()


class Producer:
    """A child process running ``work``; iterate ``batches()`` once.

    After the last batch, ``rejects`` holds the child's reject log (``RejectLog.summary``)
    and ``result`` what ``finish`` returned in the child.
    """

    def __init__(
        self,
        work: Work,
        finish: Callable[[], Any] | None,
        keep: int,
        start: Literal["fork", "spawn"] = "fork",
        nice: int = 0,
    ) -> None:
        context: Any = multiprocessing.get_context(start)  # typeshed knows only literal names
        self.folder = tempfile.mkdtemp(prefix="unstuck-import-")
        self.queue: Any = context.Queue()
        self.rejects: dict[str, Any] = {}
        self.result: Any = None
        self.process = context.Process(
            target=_produce,
            args=(work, finish, keep, self.folder, self.queue, nice),
            daemon=True,
        )
        self.process.start()

    @staticmethod
    def available() -> bool:
        return "fork" in multiprocessing.get_all_start_methods()

    def batches(self) -> Iterator[tuple[str, Any]]:
        while True:
            try:
                message = self.queue.get(timeout=_WAIT)
            except queue.Empty:
                if not self.process.is_alive():
                    raise InputError(
                        [f"reading the activities stopped (exit code {self.process.exitcode})"]
                    ) from None
                continue
            kind = message[0]
            if kind == "batch":
                path = Path(message[2])
                batch = pickle.loads(path.read_bytes())
                path.unlink()
                yield message[1], batch
            elif kind == "done":
                self.rejects, self.result = message[1], message[2]
                return
            else:
                raise InputError(message[1][:1])

    def close(self) -> None:
        if self.process.is_alive():
            self.process.terminate()
        self.process.join()
        self.process.close()
        self.queue.close()
        self.queue.join_thread()
        shutil.rmtree(self.folder, ignore_errors=True)


__all__ = ["ActivityWork", "Producer"]
