"""Web app benchmark: board and deal-page render times, and API throughput.

    python bench/web_bench.py [DB_PATH]     # builds a 10,000-deal SQLite pipeline first

``run(db_url)`` fills an empty SQLite database with 10,000 generated deals (seed 1),
then measures, in-process through the ASGI app:
- the board (``/board``) and deal pages (``/deals/ID``), p95 over repeated renders
  after one warm-up render (which builds the diagnosis context and fills the cache);
and, against uvicorn in a subprocess on loopback with 20 concurrent clients:
- mixed API reads (deal lists, single deals with their chance, diagnoses, the board) for
  a few seconds: requests per second, errors, and the CPU time per request of the server
  (all workers) and of the load generator.

The load generator shares the machine's cores with the server it measures, so it is kept
as cheap as it can be: raw asyncio streams, one keep-alive HTTP/1.1 connection per client,
no HTTP library. The server's CPU per request is the steadier figure on a shared machine:
other programs take wall time from it, but not CPU time.
"""

from __future__ import annotations

import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from unstuck.config import default_config
from unstuck.sample import iter_deals
from unstuck.store import Store

NOW = datetime(2026, 11, 20, 12, 0)
AS_OF = "2026-11-20"
DEALS = 10_000
RENDERS = 40
CLIENTS = 20
LOAD_SECONDS = 6.0


def build(db_url: str) -> list[str]:
    """Fill the database with the benchmark pipeline; returns the open deal ids."""
    store = Store.open(db_url)
    try:
        with store.read() as tx:
            empty = tx.count_deals() == 0
        if empty:
            batch = []
            for deal in iter_deals(DEALS, NOW, seed=1):
                # The generator can repeat a touch within a deal; the store keeps one.
                batch.append(replace(deal, touches=tuple(dict.fromkeys(deal.touches))))
                if len(batch) == 5000:
                    with store.write() as tx:
                        tx.import_deals(batch, NOW)
                    batch = []
            if batch:
                with store.write() as tx:
                    tx.import_deals(batch, NOW)
        with store.read() as tx:
            return sorted(r.id for r in tx.deal_rows() if r.status.value == "open")
    finally:
        store.close()


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1] * 1000


def render_times(db_url: str, ids: list[str]) -> list[tuple[str, float, str]]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    from unstuck.web import create_app

    app = create_app(default_config(), db_url)
    pick = random.Random(1)
    results = []
    with TestClient(app) as client:
        for name, url_for in (
            ("board", lambda: f"/board?as_of={AS_OF}"),
            ("deal page", lambda: f"/deals/{pick.choice(ids)}?as_of={AS_OF}"),
        ):
            assert client.get(url_for()).status_code == 200  # warm-up
            samples = []
            for _ in range(RENDERS):
                url = url_for()
                start = time.perf_counter()
                response = client.get(url)
                samples.append(time.perf_counter() - start)
                assert response.status_code == 200, response.text[:200]
            results.append(
                (f"{name} render p95 (ms, {DEALS:,} deals, SQLite)", p95(samples), "< 150")
            )
    app.state.web.service.store.close()
    return results


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def _get(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, path: str) -> int:
    """One keep-alive HTTP/1.1 GET; returns the status.

    A few lines of asyncio instead of an HTTP client library: on a two-core machine the
    load generator must leave the CPU to the server it measures.
    """
    writer.write(f"GET {path} HTTP/1.1\r\nHost: bench\r\n\r\n".encode())
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":", 1)[1])
    await reader.readexactly(length)
    return status


async def _load(port: int, ids: list[str]) -> tuple[int, int, float]:
    pick = random.Random(2)
    paths = [
        lambda: f"/api/v1/deals?limit=20&as_of={AS_OF}",
        lambda: f"/api/v1/deals/{pick.choice(ids)}",
        lambda: f"/api/v1/deals/{pick.choice(ids)}",
        lambda: f"/api/v1/deals?stage=proposal&sort=value&desc=true&limit=10&as_of={AS_OF}",
        lambda: f"/api/v1/deals/{pick.choice(ids)}/diagnosis?as_of={AS_OF}",
        lambda: f"/api/v1/board?per_stage=10&as_of={AS_OF}",
        lambda: "/api/v1/me",
    ]
    done = errors = 0
    deadline = time.perf_counter() + LOAD_SECONDS

    async def client_loop() -> None:
        nonlocal done, errors
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while time.perf_counter() < deadline:
                try:
                    if await _get(reader, writer, pick.choice(paths)()) != 200:
                        errors += 1
                except (OSError, asyncio.IncompleteReadError, ValueError):
                    errors += 1
                    writer.close()
                    reader, writer = await asyncio.open_connection("127.0.0.1", port)
                done += 1
        finally:
            writer.close()

    start = time.perf_counter()
    await asyncio.gather(*(client_loop() for _ in range(CLIENTS)))
    return done, errors, time.perf_counter() - start


def _cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and its children still running (Linux /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(entry.name) == pid or int(fields[1]) == pid:
            total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def api_load(db_url: str, ids: list[str], workers: int = 2) -> list[tuple[str, float, str]]:
    port = _free_port()
    env = {**os.environ, "UNSTUCK_DB": db_url, "UNSTUCK_SERVE_MODE": "local"}
    command = [sys.executable, "-m", "uvicorn", "unstuck.web.asgi:app", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--workers", str(workers), "--log-level", "warning"]
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    try:
        import httpx

        base = f"http://127.0.0.1:{port}"
        for _ in range(200):
            try:
                httpx.get(f"{base}/api/v1/me", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        for _ in range(4 * workers):  # warm every worker's caches
            httpx.get(f"{base}/api/v1/deals/{ids[0]}/diagnosis?as_of={AS_OF}", timeout=60)
        server_cpu = _cpu_seconds(server.pid)
        client_cpu = time.process_time()
        done, errors, elapsed = asyncio.run(_load(port, ids))
        client_cpu = time.process_time() - client_cpu
        server_cpu = _cpu_seconds(server.pid) - server_cpu
    finally:
        server.terminate()
        server.wait(timeout=20)
    return [
        (
            f"API mixed reads, {CLIENTS} clients, {workers} workers (req/s)",
            done / elapsed,
            ">= 300",
        ),
        ("API errors during the load", float(errors), "0"),
        # CPU per request is steadier than requests/s on a shared machine: other
        # programs take wall time, not this process's CPU time.
        ("API server CPU per request (ms, all workers)", 1000 * server_cpu / max(done, 1), "-"),
        ("load generator CPU per request (ms)", 1000 * client_cpu / max(done, 1), "-"),
    ]


def run(db_url: str) -> list[tuple[str, float, str]]:
    ids = build(db_url)
    return render_times(db_url, ids) + api_load(db_url, ids)


def main() -> None:
    target = sys.argv[1] if len(sys.argv) > 1 else None
    with tempfile.TemporaryDirectory(prefix="unstuck-web-bench-") as folder:
        db = target or str(Path(folder) / "web-bench.db")
        start = time.perf_counter()
        results = run(db)
        print(f"Unstuck web bench ({os.cpu_count()} CPUs, {time.perf_counter() - start:.0f} s)")
        for name, value, goal in results:
            print(f"  {name:<58} {value:>9.1f}   target {goal}")


if __name__ == "__main__":
    main()
