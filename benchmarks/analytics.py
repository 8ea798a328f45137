"""Practice evidence at scale: responder rate by two facets over ~100,000 courses and ~1,000,000 sessions.

Run: ``.venv/bin/python -m benchmarks.analytics [--courses 100000] [--repeat 3] [--backends sqlite,postgresql]``.

For each database (a temporary SQLite file; a new PostgreSQL database on 127.0.0.1, dropped after) it
migrates, writes the synthetic clinic of ``benchmarks.analytics_data`` (COPY / executemany, with the
change triggers of migration 0018 on: timed and printed), runs ``ANALYZE``, then times
``analytics.responder_table(by=condition,ea)``, best and median of ``--repeat``, each run in its own
transaction rolled back after:

- every course derived (``at_session`` set: the query the questions ran before ``course_outcomes``);
- the cold question: every stored outcome missing (the first question after a bulk load or the
  upgrade: the refresh of every course, then the GROUP BY);
- the warm question (the target): after a committed refresh, 1 % of the courses given a new session
  (one INSERT each, the triggers counting them), as a day's work between two questions;
- the fresh question: nothing stale;

then the cost of the trigger on writes (microseconds per session written by one INSERT, with and
without the triggers of ``session_records``, best of two each), the cohort query's plan (PostgreSQL
``EXPLAIN (ANALYZE, BUFFERS)`` summary; SQLite ``EXPLAIN QUERY PLAN``), and the plain-Python reference
on the same database: every session and reassessment read into Python and each course judged by
``outcomes.evaluate`` itself, grouped in a dict. The warm question must give the reference's counts
and every stored outcome must equal the derived one (the run fails otherwise). Targets (issue 16):
under 1 s on PostgreSQL, under 2 s on SQLite. The load average is printed at the start and the end:
the machine is shared.
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
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, text

from acupath import outcomes
from acupath.analytics import CohortFilter, responder_table
from acupath.analytics.course_sql import OUTCOME_NAMES, course_sql, prepare, target_session
from acupath.analytics.outcome_table import refresh
from acupath.knowledge import KnowledgeBase, load_knowledge
from acupath.storage import make_engine
from acupath.storage.migrate import analyze, upgrade
from acupath.validation import MAX_SESSION_NUMBER
from benchmarks.analytics_data import day_of_sessions, generate, write_sessions

BY = ("condition", "ea")
TARGETS = {"postgresql": 1.0, "sqlite": 2.0}
#: A day's changes between two questions: this share of the courses is given a new session.
DAY_SHARE = 0.01
T = TypeVar("T")
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


def _timed(engine: Engine, question: Callable[[Connection], T], repeat: int, *,
           before: Callable[[Connection], None] | None = None) -> tuple[list[float], T]:
    """Return the times of ``repeat`` runs of ``question`` (each in its own transaction, rolled back after,
    so every run finds the same stale courses) and its last answer; ``before`` runs untimed first."""
    times: list[float] = []
    answer: Any = None
    for _ in range(repeat):
        with engine.connect() as connection:
            if before is not None:
                before(connection)
            started = time.perf_counter()
            answer = question(connection)
            times.append(time.perf_counter() - started)
            connection.rollback()
    return times, answer


def _figures(times: list[float]) -> str:
    return f"best {min(times):.3f} s, median {statistics.median(times):.3f} s of {len(times)}"


def _triggers(connection: Connection, enabled: bool) -> None:
    """Switch the change-counting triggers of ``session_records`` off or on (committed: DDL)."""
    if connection.dialect.name == "postgresql":
        connection.execute(text(f"ALTER TABLE session_records {'ENABLE' if enabled else 'DISABLE'} TRIGGER USER"))
        return
    if enabled:
        for statement in _SQLITE_TRIGGERS:
            connection.execute(text(statement))
        return
    _SQLITE_TRIGGERS[:] = [row[0] for row in connection.execute(text(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'session_records_course_changes_%'"))]
    for name in ("insert", "update", "delete"):
        connection.execute(text(f"DROP TRIGGER session_records_course_changes_{name}"))


_SQLITE_TRIGGERS: list[str] = []


def write_cost(engine: Engine, courses: int, share: float) -> dict[bool, float]:
    """Return microseconds per session written one INSERT each, {with triggers: best of 2, without: best of 2}."""
    with engine.connect() as connection:
        rows = day_of_sessions(connection, courses, share, shift=2)
    best: dict[bool, float] = {True: float("inf"), False: float("inf")}
    for enabled in (False, True, False, True):
        with engine.begin() as connection:
            _triggers(connection, enabled)
        with engine.connect() as connection:
            started = time.perf_counter()
            write_sessions(connection, rows)
            best[enabled] = min(best[enabled], (time.perf_counter() - started) / len(rows) * 1e6)
            connection.rollback()
    return best


def same_outcomes(connection: Connection, kb: KnowledgeBase, clinic_id: str) -> tuple[int, int]:
    """Return (courses, courses whose stored outcome differs from ``course_sql``'s derivation of it)."""
    where = CohortFilter(clinic_id=clinic_id)
    sql, params = course_sql(kb, prepare(connection), where, first_response=True)
    params["at_session"] = target_session(None)
    derived = {row[0]: tuple(row[1:]) for row in connection.execute(text(
        f"SELECT x.plan_id, {', '.join('x.' + n for n in OUTCOME_NAMES)} FROM ({sql}) x"), params)}
    stored = {row[0]: tuple(row[1:]) for row in connection.execute(text(
        f"SELECT plan_id, {', '.join(OUTCOME_NAMES)} FROM course_outcomes WHERE clinic_id = :c"), {"c": clinic_id})}
    return len(derived), sum(1 for plan, values in derived.items() if stored.get(plan) != values)


def run_backend(backend: str, url: str, courses: int, repeat: int, kb: KnowledgeBase) -> bool:
    """Load, time and check one database; print the figures; return True when all agree and the target is met."""
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
              f"in {loaded:.1f} s ({counts['sessions'] / loaded:,.0f} sessions/s, change triggers on)", flush=True)
        with engine.connect() as connection:
            clinic_id = connection.execute(text("SELECT id FROM clinics")).scalar_one()
        where = CohortFilter(clinic_id=clinic_id)

        def question(connection: Connection) -> Any:
            return responder_table(connection, kb, where, BY, min_cell=10)

        def derived(connection: Connection) -> Any:  # every course derived again, as before the table
            return responder_table(connection, kb, where, BY, min_cell=10, at_session=MAX_SESSION_NUMBER)

        def forget(connection: Connection) -> None:  # every course stale: the first question after a bulk load
            connection.execute(text("DELETE FROM course_outcomes"))

        times, _ = _timed(engine, derived, repeat)
        print(f"[{backend}] every course derived (at_session {MAX_SESSION_NUMBER}, the query before the table): "
              f"{_figures(times)}", flush=True)
        times, _ = _timed(engine, question, repeat, before=forget)
        print(f"[{backend}] cold question (all {courses:,} courses stale, refreshed in it): {_figures(times)}",
              flush=True)
        with engine.begin() as connection:
            refreshed = refresh(connection, kb, where)
        with engine.begin() as connection:
            write_sessions(connection, day := day_of_sessions(connection, courses, DAY_SHARE))
        times, table = _timed(engine, question, repeat)
        best = min(times)
        target = TARGETS[backend]
        print(f"[{backend}] warm question ({len(day):,} courses given a session since the last, {refreshed:,} "
              f"refreshed before): {_figures(times)} (target < {target:.0f} s: {'met' if best < target else 'NOT met'}); "
              f"{len(table.itt)} groups", flush=True)
        times, _ = _timed(engine, question, repeat, before=lambda c: refresh(c, kb, where))
        print(f"[{backend}] fresh question (nothing stale): {_figures(times)}", flush=True)
        cost = write_cost(engine, courses, DAY_SHARE)
        print(f"[{backend}] a session written by one INSERT ({len(day):,}, one transaction): "
              f"{cost[True]:.0f} us with the change trigger, {cost[False]:.0f} us without "
              f"(+{cost[True] - cost[False]:.0f} us)", flush=True)
        with engine.connect() as connection:
            for line in explain(connection, kb, clinic_id):
                print(f"[{backend}]   plan: {line.strip()}")
            connection.rollback()
            started = time.perf_counter()
            reference = python_reference(connection, kb, clinic_id)
            python_time = time.perf_counter() - started
        with engine.begin() as connection:
            refresh(connection, kb, where)
            total, differing = same_outcomes(connection, kb, clinic_id)
        sql_counts = {(r.group["condition"], r.group["ea"]): [r.n, r.responders] for r in table.itt}
        same = sql_counts == reference
        print(f"[{backend}] plain-Python reference (every course through outcomes.evaluate): {python_time:.2f} s, "
              f"{python_time / best:.0f}x the warm question; same counts: {same}; stored outcomes equal to the "
              f"derived ones: {total - differing:,} of {total:,}", flush=True)
        if not same:
            for key in sorted(set(sql_counts) | set(reference)):
                if sql_counts.get(key) != reference.get(key):
                    print(f"[{backend}]   differs at {key}: SQL {sql_counts.get(key)} Python {reference.get(key)}")
        return same and not differing and best < target
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
