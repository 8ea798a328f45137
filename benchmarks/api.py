"""API throughput and latency: GET progress and POST session record at 16 concurrent clients.

``.venv/bin/python -m benchmarks.api [--rounds R] [--requests N] [--clients C] [--seconds S] [--only DB]
[--workers W]``

For SQLite and PostgreSQL: a fresh database is migrated and loaded with the demo clinic (18
patients, months of sessions and reassessments, through the real services), and uvicorn serves the
real app on 127.0.0.1 in its own process (one worker, as ``acupath serve`` runs it, or ``--workers``
W processes: the app keeps no state of its own, so it scales out); a bare FastAPI app
(``benchmarks.bare_app``) is served the same way. The measurements are paired: in each of R rounds
every database's GET progress is measured right after a bare GET; then, in R more rounds, every
database's POST session right after a bare POST (C clients, N requests each, at most S seconds). Every
row's share of the bare endpoint thus compares two measurements taken seconds apart on a machine whose
speed drifts; each starts on a quiet machine (``load.settle``). A row's
verdict is on the median of its rounds; every round is printed, with the CPU milliseconds per
request of the server, PostgreSQL, the load generator and the machine. Target: p99 under 50 ms and
at least 15 % of the bare endpoint's requests per second. POST lets the server number each session
(the plan's row is locked meanwhile), as a client that names no number does.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import secrets
import statistics
import tempfile
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from benchmarks.load import Measurement, RequestFactory, measure, uvicorn_server

POSTGRES_ADMIN_URL = os.environ.get("ACUPATH_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
#: The server's today: a session is dated no later (issue 10 item 9), and the demo's plans start before it.
TODAY = datetime.now(UTC).date()
DEMO_LOGIN = {"email": "lee@harbour.demo", "password": "acupath-demo-2026"}
P99_TARGET_MS = 50.0
RATIO_TARGET = 0.15


@contextlib.contextmanager
def sqlite_database() -> Iterator[str]:
    """Yield the URL of a new SQLite file in a temporary directory."""
    with tempfile.TemporaryDirectory(prefix="acupath-bench-") as folder:
        yield f"sqlite:///{Path(folder) / 'bench.sqlite3'}"


@contextlib.contextmanager
def postgres_database() -> Iterator[str]:
    """Yield the URL of a new PostgreSQL database, dropped afterwards."""
    import psycopg

    name = f"acupath_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def load_demo(url: str) -> dict[str, Any]:
    """Migrate ``url`` and load the demo clinic into it through the services; return ``build_demo``'s
    summary (its logins among it)."""
    from acupath.cli.demo import build_demo
    from acupath.knowledge import load_knowledge
    from acupath.storage import SqlAlchemyUnitOfWork, make_engine, make_session_factory
    from acupath.storage.migrate import analyze, upgrade

    upgrade(url)
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    summary = build_demo(lambda: SqlAlchemyUnitOfWork(sessions), load_knowledge(), seed=7, today=TODAY,
                         per_condition=3)
    engine.dispose()
    analyze(url)  # as ``acupath demo`` does after loading
    return summary


def _pick_plans(base: str, headers: dict[str, str]) -> tuple[str, list[dict[str, Any]]]:
    # GET reads the plan with the most sessions (the slowest realistic progress); POST spreads new
    # sessions over every active plan, as a clinic's day does, so no single plan grows without bound.
    with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
        listed = client.get("/patients", params={"limit": 200}).json()["items"]
        counts: dict[str, int] = {}
        for patient in listed:
            schedule = client.get(f"/patients/{patient['id']}/schedule", params={"limit": 200}).json()
            for plan in schedule["plans"]:
                counts[plan["plan_id"]] = sum(item["plan_id"] == plan["plan_id"] for item in schedule["items"])
        plans = sorted(((n, plan_id) for plan_id, n in counts.items()), reverse=True)
        active = [p for p in (client.get(f"/plans/{plan_id}").json() for _, plan_id in plans[1:])
                  if p["status"] == "active"]
    if not active:
        raise RuntimeError("the demo clinic has no second active plan")
    return plans[0][1], active


def _session_body(plan: dict[str, Any]) -> dict[str, Any]:
    points = [{"code": p["code"], "side": p["side"], "response_sought": "de_qi"}
              for p in plan["plan"]["points"] if p.get("technique", "needle") == "needle"][:12]
    return {"session_date": TODAY.isoformat(), "style": "tcm", "rationale": "protocol points",
            "points": points, "stimulation": {"kind": "manual"}, "retention_minutes": 20,
            "needle": {"diameter_mm": 0.25, "length_mm": 40, "material": "stainless steel"},
            "pain_before": 5, "pain_after": 3}


def _post_session(plan: dict[str, Any]) -> tuple[str, str, dict[str, Any]]:
    return "POST", f"/plans/{plan['id']}/sessions", _session_body(plan)


@dataclass
class Served:
    """An app under test: its name, server, login header, the plan read and the plans written to."""

    label: str
    server: Any
    headers: dict[str, str]
    read_id: str
    write_plans: list[dict[str, Any]]

    def request(self, method: str) -> RequestFactory:
        """Return the request factory of ``method`` (GET progress or POST session) for this app."""
        if method == "GET":
            return lambda n: ("GET", f"/plans/{self.read_id}/progress", None)
        return lambda n: _post_session(self.write_plans[n % len(self.write_plans)])


def serve_app(stack: contextlib.ExitStack, label: str, url: str, workers: int = 1) -> Served:
    """Serve the real app on ``url`` (``workers`` processes) until ``stack`` closes; log in and pick the plans."""
    env = {"ACUPATH_DATABASE_URL": url, "ACUPATH_ENV": "test", "ACUPATH_SECRET_KEY": secrets.token_urlsafe(48)}
    server = stack.enter_context(uvicorn_server("acupath.api.app:app_from_environment", factory=True, env=env,
                                                workers=workers))
    token = httpx.post(server.base + "/auth/login", json=DEMO_LOGIN, timeout=30).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    read_id, write_plans = _pick_plans(server.base, headers)
    return Served(label, server, headers, read_id, write_plans)


BARE_REQUESTS: dict[str, RequestFactory] = {
    "GET": lambda n: ("GET", "/bare", None),
    "POST": lambda n: ("POST", "/bare", {"n": n, "points": ["BL23"]}),
}
ROW_NAMES = {"GET": "GET progress", "POST": "POST session"}


@dataclass
class Row:
    """One row of the table: its measurements, round by round, and the bare ones paired with them."""

    name: str
    method: str
    rounds: list[tuple[Measurement, Measurement]] = field(default_factory=list)  # (row, bare)

    def shares(self) -> list[float]:
        """Return the row's requests per second as a share of the paired bare endpoint's, by round."""
        return [m.per_second / bare.per_second if bare.per_second else 0.0 for m, bare in self.rounds]

    def median(self, value: Callable[[Measurement], float]) -> float:
        """Return the median over the rounds of ``value`` of the row's measurement."""
        return statistics.median(value(m) for m, _ in self.rounds)

    def met(self) -> bool:
        """Return whether the median round meets the target (and no request failed)."""
        return (self.median(lambda m: m.p99_ms) < P99_TARGET_MS and statistics.median(self.shares()) >= RATIO_TARGET
                and not any(m.errors for m, _ in self.rounds))


def run_rounds(bare: Any, apps: list[Served], args: argparse.Namespace) -> list[Row]:
    """Measure every row ``args.rounds`` times, each app right after a bare measurement of its method."""
    common = {"clients": args.clients, "total": args.requests, "max_seconds": args.seconds}
    labels = ["bare", *(app.label for app in apps)]
    rows = {(label, method): Row(f"bare {method}" if label == "bare" else f"{label} {ROW_NAMES[method]}", method)
            for method in ("GET", "POST") for label in labels}
    # Every GET round before the first POST: a burst of thousands of recorded sessions leaves
    # PostgreSQL work to do afterwards (autovacuum, the WAL), which would otherwise land on the reads.
    # Each app's measurement is paired with a bare one taken just before it.
    for method in ("GET", "POST"):
        for _ in range(args.rounds):
            for app in apps:
                baseline = measure(f"bare {method}", bare, BARE_REQUESTS[method], **common)
                rows[("bare", method)].rounds.append((baseline, baseline))
                measured = measure(f"{app.label} {method}", app.server, app.request(method), headers=app.headers,
                                   **common)
                rows[(app.label, method)].rounds.append((measured, baseline))
    # The bare rows first, then GET before POST, each database in the order measured.
    return [rows[key] for key in sorted(rows, key=lambda key: (key[0] != "bare", key[1], labels.index(key[0])))]


def report(rows: list[Row], args: argparse.Namespace, load: tuple[tuple[float, ...], tuple[float, ...]] = ((), ())
           ) -> str:
    """Return the table: each row's medians and verdict, then its rounds, then CPU per request.

    ``load`` is the machine's load average (1, 5, 15 minutes) when the run started and when it ended.
    """
    lines = [f"acupath API benchmark: {args.rounds} paired rounds, {args.clients} concurrent clients, "
             f"{args.requests} requests or {args.seconds:.0f} s per measurement, uvicorn ({args.workers} "
             f"worker{'s' if args.workers > 1 else ''} for the app and the bare endpoint alike) on "
             f"127.0.0.1, {os.cpu_count()} CPUs",
             "load average (1/5/15 min) at start " + " ".join(f"{x:.2f}" for x in load[0])
             + ", at end " + " ".join(f"{x:.2f}" for x in load[1]) + " (the machine may be shared)",
             "medians over the rounds; 'of bare' pairs each round with the bare endpoint measured just before it",
             f"{'row':<26}{'req/s':>8}{'p50 ms':>8}{'p99 ms':>8}{'of bare':>9}{'errors':>8}  target"]
    for row in rows:
        bare = row.name.startswith("bare")
        errors = sum(m.errors for m, _ in row.rounds)
        verdict = "" if bare else ("met" if row.met() else "MISSED")
        kinds = " ".join(m.error_kinds for m, _ in row.rounds if m.error_kinds)
        lines.append(f"{row.name:<26}{row.median(lambda m: m.per_second):>8.0f}{row.median(lambda m: m.p50_ms):>8.1f}"
                     f"{row.median(lambda m: m.p99_ms):>8.1f}{statistics.median(row.shares()):>8.0%}{errors:>8}  "
                     f"{verdict}" + (f"  errors: {kinds}" if kinds else ""))
    lines.append(f"target: p99 < {P99_TARGET_MS:.0f} ms and >= {RATIO_TARGET:.0%} of the bare endpoint's req/s "
                 "(GET rows against bare GET, POST rows against bare POST)")
    lines += ["", "round by round: req/s (p99 ms, share of the paired bare endpoint)"]
    for row in rows:
        cells = [f"{m.per_second:.0f} ({m.p99_ms:.0f}" + ("" if row.name.startswith("bare") else f", {share:.0%}") + ")"
                 for (m, _), share in zip(row.rounds, row.shares(), strict=True)]
        lines.append(f"{row.name:<26}" + "  ".join(cells))
    lines += ["", "CPU ms per request while the row ran, median of the rounds (/proc; the machine column is every",
              f"process and the kernel, of {os.cpu_count()} CPUs: at full use it allows {os.cpu_count()} * 1000 / "
              "machine requests/s)",
              f"{'row':<26}{'server':>9}{'postgres':>10}{'load gen':>10}{'machine':>9}"]
    keys = (("server", 9), ("postgresql", 10), ("load generator", 10), ("machine", 9))
    for row in rows:
        lines.append(f"{row.name:<26}" + "".join(
            f"{row.median(lambda m, k=key: (m.cpu_ms or {}).get(k, 0.0)):>{width}.2f}" for key, width in keys))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.api", description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="paired rounds (default 5)")
    parser.add_argument("--requests", type=int, default=3000, help="requests per measurement (default 3000)")
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients (default 16)")
    parser.add_argument("--seconds", type=float, default=30.0, help="time limit per measurement (default 30)")
    parser.add_argument("--only", choices=("sqlite", "postgresql"), help="measure one database only")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes per server (default 1)")
    args = parser.parse_args(argv)
    if args.rounds < 1 or args.requests < 1 or args.clients < 1 or args.workers < 1:
        parser.error("--rounds, --requests, --clients and --workers must be at least 1")
    started_load = os.getloadavg()
    with contextlib.ExitStack() as stack:
        bare = stack.enter_context(uvicorn_server("benchmarks.bare_app:app", workers=args.workers))
        apps = []
        for label, database in (("sqlite", sqlite_database), ("postgresql", postgres_database)):
            if args.only and args.only != label:
                continue
            url = stack.enter_context(database())
            load_demo(url)
            apps.append(serve_app(stack, label, url, args.workers))
        rows = run_rounds(bare, apps, args)
    print(report(rows, args, (started_load, os.getloadavg())))


if __name__ == "__main__":
    main()
