"""Load generation for the HTTP benchmarks: a loopback uvicorn process and concurrent async clients.

Every run is bounded twice, by a number of requests and by wall time, so a benchmark stops by itself
even when the server hangs.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx

LOOPBACK = "127.0.0.1"  # never listen beyond this machine


@dataclass(frozen=True)
class Measurement:
    """Throughput and latency of one endpoint under load; latencies in milliseconds."""

    name: str
    requests: int
    errors: int
    seconds: float
    p50_ms: float
    p99_ms: float
    error_kinds: str = ""  # e.g. "500x3 timeout x1": what the failed requests got
    #: CPU milliseconds per completed request, while the timed part ran: of the server process, of every
    #: PostgreSQL process, of this load generator, and of the whole machine (every process and the kernel).
    cpu_ms: dict[str, float] | None = None

    @property
    def per_second(self) -> float:
        """Return completed requests per second of wall time."""
        return self.requests / self.seconds if self.seconds else 0.0


def _cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:  # the process ended meanwhile
            continue
        total += int(fields[11]) + int(fields[12])  # utime + stime, in clock ticks
    return total / os.sysconf("SC_CLK_TCK")


def _database_pids() -> list[int]:
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/comm") as comm:
                    if comm.read().strip() == "postgres":
                        pids.append(int(entry))
            except OSError:
                continue
    return pids


def _machine_ticks() -> list[int]:
    # The whole machine's CPU time so far by kind (user, nice, system, idle, iowait, irq, softirq,
    # steal, ...), in clock ticks.
    with open("/proc/stat") as stat:
        return [int(x) for x in stat.readline().split()[1:]]


def _machine_busy_seconds() -> float:
    ticks = _machine_ticks()
    return (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")  # all but idle and iowait


def _with_workers(pid: int) -> list[int]:
    # The process and its children (uvicorn's worker processes when it runs more than one).
    pids = [pid]
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    if int(stat.read().rsplit(")", 1)[1].split()[1]) == pid:
                        pids.append(int(entry))
            except (OSError, ValueError, IndexError):
                continue
    return pids


def cpu_snapshot(server_pid: int | None) -> dict[str, float]:
    """Return the CPU seconds used so far by the server (with its workers), PostgreSQL, this process and the machine.

    Reads /proc (Linux); on another system every figure is 0.
    """
    if not os.path.exists("/proc/stat"):
        return {"server": 0.0, "postgresql": 0.0, "load generator": 0.0, "machine": 0.0}
    return {"server": _cpu_seconds(_with_workers(server_pid)) if server_pid else 0.0,
            "postgresql": _cpu_seconds(_database_pids()), "load generator": time.process_time(),
            "machine": _machine_busy_seconds()}


def _machine_working_seconds() -> float:
    # User, nice, system, irq and softirq time: this machine's own work, not what a hypervisor lends
    # to other guests (steal), which no waiting here makes go away.
    ticks = _machine_ticks()
    return (ticks[0] + ticks[1] + ticks[2] + ticks[5] + ticks[6]) / os.sysconf("SC_CLK_TCK")


def settle(*, quiet_share: float = 0.1, window: float = 0.5, limit: float = 10.0) -> float:
    """Wait for a quiet machine: dirty pages written out, then under ``quiet_share`` of one CPU busy.

    The previous measurement leaves work behind that would land on whatever is measured next:
    SQLite's WAL pages in the page cache (the kernel writes them back within 30 s), PostgreSQL's
    autovacuum of the grown tables. ``os.sync`` writes the former now; then this waits until the
    machine (every process and the kernel) used less than ``quiet_share`` of a CPU over ``window``
    seconds. Returns the seconds waited (at most ``limit`` for the second part). Without /proc it
    only syncs.
    """
    started = time.monotonic()
    os.sync()
    if not os.path.exists("/proc/stat"):
        return time.monotonic() - started
    while time.monotonic() - started < limit:
        before = _machine_working_seconds()
        time.sleep(window)
        if _machine_working_seconds() - before < quiet_share * window:
            break
    return time.monotonic() - started


def free_port() -> int:
    """Return a TCP port on the loopback interface that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class Served:
    """A server under test: its base URL and the process id that serves it."""

    base: str
    pid: int


@contextmanager
def uvicorn_server(target: str, *, factory: bool = False, env: dict[str, str] | None = None,
                   timeout: float = 30.0, workers: int = 1) -> Iterator[Served]:
    """Run ``uvicorn target`` on the loopback interface: one worker in the process started, or ``workers``.

    Yields the ``Served`` server and stops it on exit.

    Raises RuntimeError when the server does not answer within ``timeout`` seconds.
    """
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", target, "--host", LOOPBACK, "--port", str(port),
               "--log-level", "warning", "--no-access-log"]
    if factory:
        command.append("--factory")
    if workers > 1:
        command += ["--workers", str(workers)]
    process = subprocess.Popen(command, env={**os.environ, **(env or {})})
    base = f"http://{LOOPBACK}:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"uvicorn {target} exited with {process.returncode}")
            try:
                httpx.get(base + "/openapi.json", timeout=1.0)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"uvicorn {target} did not start in {timeout:.0f} s") from None
                time.sleep(0.1)
        yield Served(base, process.pid)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _percentile(sorted_values: list[float], fraction: float) -> float:
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, round(fraction * (len(sorted_values) - 1)))
    return sorted_values[index]


RequestFactory = Callable[[int], tuple[str, str, dict[str, Any] | None]]


class _Connection:
    """One keep-alive HTTP/1.1 connection; far lighter than a full client, so the load generator
    (on the same machine) takes less CPU away from the server it measures."""

    def __init__(self, host: str, port: int, headers: dict[str, str]) -> None:
        self.host, self.port = host, port
        self.fixed = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, method: str, path: str, body: dict[str, Any] | None) -> int:
        """Send one request and read the whole response; returns its status code."""
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        payload = json.dumps(body).encode() if body is not None else b""
        head = (f"{method} {path} HTTP/1.1\r\nHost: {self.host}\r\n{self.fixed}"
                f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n\r\n")
        self.writer.write(head.encode() + payload)
        status_line = await self.reader.readline()
        status = int(status_line.split()[1])
        length = 0
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            if name.strip().lower() == "content-length":
                length = int(value)
        await self.reader.readexactly(length)
        return status

    async def close(self) -> None:
        """Close the connection if it was opened."""
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(OSError):
                await self.writer.wait_closed()


async def _hammer(base: str, make_request: RequestFactory, *, clients: int, total: int,
                  max_seconds: float, headers: dict[str, str]) -> tuple[list[float], list[str], float]:
    url = httpx.URL(base)
    latencies: list[float] = []
    errors: list[str] = []
    issued = 0
    deadline = time.perf_counter() + max_seconds

    async def worker() -> None:
        nonlocal issued
        connection = _Connection(url.host, url.port or 80, headers)
        try:
            while issued < total and time.perf_counter() < deadline:
                number = issued
                issued += 1
                method, path, body = make_request(number)
                started = time.perf_counter()
                try:
                    status = await asyncio.wait_for(connection.request(method, path, body), 10.0)
                    if status >= 400:
                        errors.append(str(status))
                except (TimeoutError, OSError, ValueError, IndexError, asyncio.IncompleteReadError) as exc:
                    errors.append("timeout" if isinstance(exc, TimeoutError) else type(exc).__name__)
                    await connection.close()
                    connection = _Connection(url.host, url.port or 80, headers)
                latencies.append((time.perf_counter() - started) * 1000.0)
        finally:
            await connection.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(clients)))
    return latencies, errors, time.perf_counter() - started


def measure(name: str, server: Served, make_request: RequestFactory, *, clients: int = 16, total: int = 2000,
            warmup: int = 100, max_seconds: float = 20.0, headers: dict[str, str] | None = None
            ) -> Measurement:
    """Drive ``clients`` concurrent clients against ``server``; returns the measurement of the timed part.

    ``make_request(n)`` gives the n-th request as (method, path, JSON body or None). It starts once
    the machine is quiet (``settle``); a warm-up of ``warmup`` requests runs first and is not counted
    (connection set-up, first queries).
    """
    base = server.base
    headers = headers or {}
    settle()
    asyncio.run(_hammer(base, make_request, clients=clients, total=warmup, max_seconds=max_seconds,
                        headers=headers))
    before = cpu_snapshot(server.pid)
    latencies, errors, elapsed = asyncio.run(
        _hammer(base, lambda n: make_request(n + warmup), clients=clients, total=total,
                max_seconds=max_seconds, headers=headers))
    after = cpu_snapshot(server.pid)
    done = max(1, len(latencies) - len(errors))
    latencies.sort()
    kinds = " ".join(f"{kind}x{errors.count(kind)}" for kind in sorted(set(errors)))
    return Measurement(name=name, requests=len(latencies) - len(errors), errors=len(errors), seconds=elapsed,
                       p50_ms=_percentile(latencies, 0.50), p99_ms=_percentile(latencies, 0.99),
                       error_kinds=kinds,
                       cpu_ms={key: 1000.0 * (after[key] - before[key]) / done for key in before})
