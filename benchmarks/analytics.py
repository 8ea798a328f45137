"""Practice evidence at scale: responder rate by two facets over ~100,000 courses and ~1,000,000 sessions.

Run: ``.venv/bin/python -m benchmarks.analytics [--courses 100000] [--repeat 3] [--backends sqlite,postgresql]``.

For each database (a temporary SQLite file; a new PostgreSQL database on 127.0.0.1, dropped after) it
migrates, writes the synthetic clinic of ``benchmarks.analytics_data`` (COPY / executemany: timed and
printed), runs ``ANALYZE``, then times ``analytics.responder_table(by=condition,ea)`` (best and median
of ``--repeat``), prints the cohort query's plan (PostgreSQL ``EXPLAIN (ANALYZE, BUFFERS)`` summary;
SQLite ``EXPLAIN QUERY PLAN``), and times the plain-Python reference on the same database: every
session and reassessment read into Python and each course judged by ``outcomes.evaluate`` itself,
grouped in a dict. Both must give the same counts (the run fails otherwise). Targets (issue 16): under
1 s on PostgreSQL, under 2 s on SQLite. The load average is printed at the start and the end: the
machine is shared.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, text

from acupath import outcomes
from acupath.analytics import CohortFilter, responder_table
from acupath.analytics.cohort import course_sql, prepare, target_session
from acupath.knowledge import KnowledgeBase, load_knowledge
from acupath.storage import make_engine
from acupath.storage.migrate import analyze, upgrade
from benchmarks.analytics_data import generate

BY = ("condition", "ea")
TARGETS = {"postgresql": 1.0, "sqlite": 2.0}
POSTGRES_ADMIN = os.environ.get("ACUPATH_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


@dataclass
class PlanShape:
    """What ``outcomes.evaluate`` reads of a plan (``outcomes.progress.PlanLike``)."""

    patient_id: str
    condition: str
    baseline: dict[str, float]
    payer: str = "self_pay"
    checkpoints: tuple[Any, ...] = ()
    coverage: Any = None
    phases: tuple[Any, ...] = field(default_factory=tuple)


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def python_reference(connection: Connection, kb: KnowledgeBase, clinic_id: str) -> dict[tuple[str, str], list[int]]:
    """Return {(condition, ea): [courses, responders]} with every course judged by ``outcomes.evaluate``."""
    facets = {plan: (condition, "yes" if ea else "no") for plan, condition, ea in connection.execute(text(
        "SELECT plan_id, condition, ea FROM course_facets WHERE clinic_id = :c"), {"c": clinic_id})}
    baselines: dict[str, dict[str, float]] = defaultdict(dict)
    for plan, instrument, value in connection.execute(text("SELECT b.plan_id, b.instrument, b.value FROM course_baselines b "
                                                           "JOIN course_facets f ON f.plan_id = b.plan_id WHERE f.clinic_id = :c"),
                                                      {"c": clinic_id}):
        baselines[plan][instrument] = value
    sessions: dict[str, list[outcomes.SessionRecord]] = defaultdict(list)
    for plan, number, day, pain in connection.execute(text(
            "SELECT plan_id, number, session_date, pain_before FROM session_records WHERE clinic_id = :c "
            "ORDER BY plan_id, number"), {"c": clinic_id}):
        sessions[plan].append(outcomes.SessionRecord(number=number, date=_day(day), pain_nrs_before=pain))
    reassessed: dict[str, list[outcomes.Reassessment]] = defaultdict(list)
    for plan, number, day, scores in connection.execute(text(
            "SELECT plan_id, session_number, assessed_on, scores FROM reassessments WHERE clinic_id = :c "
            "ORDER BY assessed_on, recorded_at"), {"c": clinic_id}):
        scores = scores if isinstance(scores, dict) else json.loads(scores)
        reassessed[plan].append(outcomes.Reassessment(date=_day(day), session=number,
                                                      totals={k: v.get("total") for k, v in scores.items()}))
    groups: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for plan, group in facets.items():
        progress = outcomes.evaluate(PlanShape(plan, group[0], baselines[plan]), tuple(sessions[plan]),
                                     tuple(reassessed[plan]), kb)
        groups[group][0] += 1
        groups[group][1] += progress.latest.responder is True
    return dict(groups)


def explain(connection: Connection, kb: KnowledgeBase, clinic_id: str) -> list[str]:
    """Return the cohort query's plan: PostgreSQL's EXPLAIN ANALYZE (top and timing), SQLite's query plan."""
    dialect = prepare(connection)
    sql, params = course_sql(kb, dialect, CohortFilter(clinic_id=clinic_id))
    params["at_session"] = target_session(None)
    if dialect == "postgresql":
        lines = [row[0] for row in connection.execute(text(f"EXPLAIN (ANALYZE, BUFFERS) {sql}"), params)]
        return [line for line in lines if "Scan" in line or "Sort" in line or "Hash" in line or "WindowAgg" in line
                or "time:" in line or "Memory" in line][:40]
    return [" ".join(str(v) for v in row[1:]) for row in connection.execute(text(f"EXPLAIN QUERY PLAN {sql}"), params)]


def run_backend(backend: str, url: str, courses: int, repeat: int, kb: KnowledgeBase) -> bool:
    """Load, time and check one database; print the figures; return True when both agree and the target is met."""
    upgrade(url)
    engine = make_engine(url)
    try:
        started = time.perf_counter()
        with engine.begin() as connection:
            counts = generate(connection, courses)
        loaded = time.perf_counter() - started
        analyze(url)
        print(f"[{backend}] wrote {counts['courses']:,} courses, {counts['sessions']:,} sessions, "
              f"{counts['reassessments']:,} reassessments, {counts['adverse_events']:,} adverse events "
              f"in {loaded:.1f} s ({counts['sessions'] / loaded:,.0f} sessions/s)", flush=True)
        with engine.connect() as connection:
            clinic_id = connection.execute(text("SELECT id FROM clinics")).scalar_one()
        times, table = [], None
        for _ in range(repeat):
            with engine.connect() as connection:
                started = time.perf_counter()
                table = responder_table(connection, kb, CohortFilter(clinic_id=clinic_id), BY, min_cell=10)
                times.append(time.perf_counter() - started)
                connection.rollback()
        assert table is not None
        best, median = min(times), statistics.median(times)
        target = TARGETS[backend]
        print(f"[{backend}] responder rate by {'+'.join(BY)}: best {best:.3f} s, median {median:.3f} s of {repeat} "
              f"(target < {target:.0f} s: {'met' if best < target else 'NOT met'}); {len(table.itt)} groups",
              flush=True)
        with engine.connect() as connection:
            for line in explain(connection, kb, clinic_id):
                print(f"[{backend}]   plan: {line.strip()}")
            connection.rollback()
            started = time.perf_counter()
            reference = python_reference(connection, kb, clinic_id)
            python_time = time.perf_counter() - started
        sql_counts = {(r.group["condition"], r.group["ea"]): [r.n, r.responders] for r in table.itt}
        same = sql_counts == reference
        print(f"[{backend}] plain-Python reference (every course through outcomes.evaluate): {python_time:.2f} s, "
              f"{python_time / best:.0f}x the SQL; same counts: {same}", flush=True)
        if not same:
            for key in sorted(set(sql_counts) | set(reference)):
                if sql_counts.get(key) != reference.get(key):
                    print(f"[{backend}]   differs at {key}: SQL {sql_counts.get(key)} Python {reference.get(key)}")
        return same and best < target
    finally:
        engine.dispose()


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; return 0 when every backend agrees with the reference and meets its target."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--courses", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--backends", default="postgresql,sqlite")
    args = parser.parse_args(argv)
    kb = load_knowledge()
    print(f"load average at start (1/5/15 min): {' '.join(f'{x:.2f}' for x in os.getloadavg())}; "
          f"{os.cpu_count()} cores", flush=True)
    ok = True
    for backend in args.backends.split(","):
        if backend == "sqlite":
            with tempfile.TemporaryDirectory() as folder:
                ok &= run_backend(backend, f"sqlite:///{Path(folder) / 'analytics.sqlite3'}", args.courses,
                                  args.repeat, kb)
            continue
        import psycopg

        name = f"acupath_bench_analytics_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        try:
            ok &= run_backend(backend, POSTGRES_ADMIN.rsplit("/", 1)[0] + "/" + name, args.courses, args.repeat, kb)
        finally:
            with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    print(f"load average at end (1/5/15 min): {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
