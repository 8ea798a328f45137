"""API throughput and latency: GET progress and POST session record at 16 concurrent clients.

``.venv/bin/python -m benchmarks.api [--requests N] [--clients C] [--seconds S]``

For SQLite and then PostgreSQL: a fresh database is migrated and loaded with the demo clinic (18
patients, months of sessions and reassessments, through the real services), uvicorn serves the real
app on 127.0.0.1 in its own process (one worker, as ``acupath serve`` runs it), and C clients send N
requests each way (bounded by S seconds per row). A bare FastAPI app (``benchmarks.bare_app``) is
measured in the same run, before and after, and the faster of the two is the baseline, so that a
noisy machine cannot flatter the ratio. Target: p99 under 50 ms and at least 30 % of the bare
endpoint's requests per second.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import secrets
import tempfile
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import httpx

from benchmarks.load import Measurement, measure, uvicorn_server

POSTGRES_ADMIN_URL = os.environ.get("ACUPATH_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
DEMO_LOGIN = {"email": "lee@harbour.demo", "password": "acupath-demo-2026"}
P99_TARGET_MS = 50.0
RATIO_TARGET = 0.30


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


def load_demo(url: str) -> None:
    """Migrate ``url`` and load the demo clinic into it through the services."""
    from acupath.cli.demo import build_demo
    from acupath.knowledge import load_knowledge
    from acupath.storage import SqlAlchemyUnitOfWork, make_engine, make_session_factory
    from acupath.storage.migrate import upgrade

    upgrade(url)
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    build_demo(lambda: SqlAlchemyUnitOfWork(sessions), load_knowledge(), seed=7, today=date(2027, 3, 1),
               per_condition=3)
    engine.dispose()


def _pick_plans(base: str, headers: dict[str, str]) -> tuple[str, list[dict[str, Any]]]:
    # GET reads the plan with the most sessions (the slowest realistic progress); POST spreads new
    # sessions over every active plan, as a clinic's day does, so no single plan grows without bound.
    with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
        listed = client.get("/patients", params={"limit": 200}).json()["items"]
        plans = []
        for patient in listed:
            for entry in client.get(f"/patients/{patient['id']}/schedule").json():
                plans.append((len(entry["sessions"]), entry["plan_id"]))
        plans.sort(reverse=True)
        active = [p for p in (client.get(f"/plans/{plan_id}").json() for _, plan_id in plans[1:])
                  if p["status"] == "active"]
    if not active:
        raise RuntimeError("the demo clinic has no second active plan")
    return plans[0][1], active


def _session_body(plan: dict[str, Any], number: int) -> dict[str, Any]:
    points = [{"code": p["code"], "side": p["side"], "response_sought": "de_qi"}
              for p in plan["plan"]["points"] if p.get("technique", "needle") == "needle"][:12]
    return {"session_date": "2027-03-01", "number": number, "style": "tcm", "rationale": "protocol points",
            "points": points, "stimulation": {"kind": "manual"}, "retention_minutes": 20,
            "needle": {"diameter_mm": 0.25, "length_mm": 40, "material": "stainless steel"},
            "pain_before": 5, "pain_after": 3}


def _post_session(plan: dict[str, Any], number: int) -> tuple[str, str, dict[str, Any]]:
    return "POST", f"/plans/{plan['id']}/sessions", _session_body(plan, number)


def measure_app(label: str, url: str, args: argparse.Namespace) -> list[tuple[str, Measurement]]:
    """Serve the real app on ``url`` and measure GET progress and POST session record."""
    env = {"ACUPATH_DATABASE_URL": url, "ACUPATH_ENV": "test", "ACUPATH_SECRET_KEY": secrets.token_urlsafe(48)}
    with uvicorn_server("acupath.api.app:app_from_environment", factory=True, env=env) as server:
        token = httpx.post(server.base + "/auth/login", json=DEMO_LOGIN, timeout=30).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        read_id, write_plans = _pick_plans(server.base, headers)
        common = {"clients": args.clients, "total": args.requests, "max_seconds": args.seconds,
                  "headers": headers}
        get = measure(f"{label} GET progress", server, lambda n: ("GET", f"/plans/{read_id}/progress", None),
                      **common)
        post = measure(f"{label} POST session", server,
                       lambda n: _post_session(write_plans[n % len(write_plans)], 1000 + n), **common)
    return [("GET", get), ("POST", post)]


def measure_bare(args: argparse.Namespace) -> dict[str, Measurement]:
    """Measure the bare FastAPI endpoints (GET and POST)."""
    common = {"clients": args.clients, "total": args.requests, "max_seconds": args.seconds}
    with uvicorn_server("benchmarks.bare_app:app") as server:
        return {"GET": measure("bare GET", server, lambda n: ("GET", "/bare", None), **common),
                "POST": measure("bare POST", server, lambda n: ("POST", "/bare", {"n": n, "points": ["BL23"]}),
                                **common)}


def _faster(a: Measurement, b: Measurement) -> Measurement:
    return a if a.per_second >= b.per_second else b


def report(bare: dict[str, Measurement], rows: list[tuple[str, Measurement]], args: argparse.Namespace) -> str:
    """Return the results table, with each row's share of the bare throughput and the verdict."""
    lines = [f"acupath API benchmark: {args.clients} concurrent clients, up to {args.requests} requests "
             f"or {args.seconds:.0f} s per row, uvicorn (1 worker) on 127.0.0.1, {os.cpu_count()} CPUs",
             f"{'row':<26}{'requests':>9}{'errors':>8}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'of bare':>9}  target"]
    for method, m in [("GET", bare["GET"]), ("POST", bare["POST"]), *rows]:
        share = m.per_second / bare[method].per_second if bare[method].per_second else 0.0
        is_bare = m.name.startswith("bare")
        verdict = "" if is_bare else ("met" if m.p99_ms < P99_TARGET_MS and share >= RATIO_TARGET
                                      and not m.errors else "MISSED")
        lines.append(f"{m.name:<26}{m.requests:>9}{m.errors:>8}{m.per_second:>9.0f}{m.p50_ms:>9.1f}"
                     f"{m.p99_ms:>9.1f}{share:>8.0%}  {verdict}" + (f"  errors: {m.error_kinds}" if m.errors else ""))
    lines.append(f"target: p99 < {P99_TARGET_MS:.0f} ms and >= {RATIO_TARGET:.0%} of the bare endpoint's req/s "
                 "(GET rows against bare GET, POST rows against bare POST)")
    lines.append("")
    lines.append("CPU ms per request while the row ran (/proc; the machine column is every process and the kernel,")
    lines.append(f"of {os.cpu_count()} CPUs: at full use it allows {os.cpu_count()} * 1000 / machine requests/s)")
    lines.append(f"{'row':<26}{'server':>9}{'postgres':>10}{'load gen':>10}{'machine':>9}")
    for _, m in [("GET", bare["GET"]), ("POST", bare["POST"]), *rows]:
        cpu = m.cpu_ms or {}
        lines.append(f"{m.name:<26}{cpu.get('server', 0):>9.2f}{cpu.get('postgresql', 0):>10.2f}"
                     f"{cpu.get('load generator', 0):>10.2f}{cpu.get('machine', 0):>9.2f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.api", description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=3000, help="requests per row (default 3000)")
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients (default 16)")
    parser.add_argument("--seconds", type=float, default=30.0, help="time limit per row (default 30)")
    parser.add_argument("--only", choices=("sqlite", "postgresql"), help="measure one database only")
    args = parser.parse_args(argv)
    before = measure_bare(args)
    rows: list[tuple[str, Measurement]] = []
    for label, database in (("sqlite", sqlite_database), ("postgresql", postgres_database)):
        if args.only and args.only != label:
            continue
        with database() as url:
            load_demo(url)
            rows += measure_app(label, url, args)
    after = measure_bare(args)
    bare = {method: _faster(before[method], after[method]) for method in ("GET", "POST")}
    print(report(bare, rows, args))


if __name__ == "__main__":
    main()
