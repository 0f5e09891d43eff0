"""Reading in child processes while the deals are written: the second core's share.

An import of a million deals and twenty million activities is three long jobs: mapping
the deals rows, writing them, and parsing the activities. Only the writing needs the
database, so on platforms that can fork, one child process parses the activities files
(``activities.parse_activities``) from the start and another maps the deals rows to
deals (``StreamedImport.deals``). Both hand their rows over in pickled batches, one
temporary file per batch: a pipe would block a child while the parent is busy writing;
files let it run ahead, on disk, not in memory. The parent writes the deals, then joins
the activities to them (``StreamedImport.activities``). Each child's rejects come back
in a spool file and are taken over in file-role order, so they read as in one pass.

A child never touches the database: it inherits the parent's open connections but ends
with ``os._exit`` (multiprocessing's way), so it closes none of them.
"""

from __future__ import annotations

import multiprocessing
import pickle
import queue
import shutil
import tempfile
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from unstuck.errors import InputError
from unstuck.importers.activities import parse_activities
from unstuck.importers.base import Match
from unstuck.importers.rejects import RejectLog
from unstuck.importers.source import Source
from unstuck.importers.values import DateParser

Job = tuple[Source, Match, DateParser]
# What a child runs: given its reject log, (file name, batch) pairs in file order.
Work = Callable[[RejectLog], Iterator[tuple[str, Any]]]
_WAIT = 1.0  # seconds between checks that the child is still alive


def activity_work(jobs: list[Job], size: int) -> Work:
    def work(log: RejectLog) -> Iterator[tuple[str, Any]]:
        for source, match, dates in jobs:
            for batch in parse_activities(source, match, dates, log, size):
                yield source.name, batch

    return work


def _produce(
    work: Work, finish: Callable[[], Any] | None, keep: int, folder: str, out: Any
) -> None:
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

    def __init__(self, work: Work, finish: Callable[[], Any] | None, keep: int) -> None:
        context = multiprocessing.get_context("fork")
        self.folder = tempfile.mkdtemp(prefix="unstuck-import-")
        self.queue: Any = context.Queue()
        self.rejects: dict[str, Any] = {}
        self.result: Any = None
        self.process = context.Process(
            target=_produce, args=(work, finish, keep, self.folder, self.queue), daemon=True
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


__all__ = ["Producer", "activity_work"]
