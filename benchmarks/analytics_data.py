"""A synthetic clinic for the analytics benchmark: ~100,000 courses and ~1,000,000 sessions, written fast.

Rows go straight into the tables the cohort reads (patients, intakes, screenings, plans with a small
document, the course tables of migration 0015, session records, reassessments with stored totals (and
their rows of migration 0016's ``reassessment_totals``),
adverse events), through PostgreSQL's COPY (psycopg's ``cursor.copy``) or SQLite's ``executemany`` in
one transaction: the services would take hours for a million sessions, and the benchmark times the
questions, not the writing. Values are drawn from a fixed seed: pain falls over a course by a share
drawn per course (responders, partial, non-responders), sessions skip a number now and then, the ODI
and NRS are reassessed at sessions 4 and 8, 2 % of sessions have an adverse event.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, insert, text

from acupath.storage.tables import metadata

CONDITIONS = ("chronic_low_back_pain", "neck_pain", "knee_osteoarthritis", "migraine", "fibromyalgia",
              "upper_back_pain")
PATTERNS = (None, "kidney_deficiency", "qi_blood_stagnation", "cold_damp")
PAYERS = ("self_pay", "private", "medicare", "workers_comp")
COMPONENTS = ("aerobic_exercise", "cbt_for_pain", "graded_walking", "pain_neuroscience_education", "sleep_hygiene")
START_BACK = (None, "low", "medium", "high")
KNOWLEDGE = "kb-benchmark"
FIRST_DAY = date(2025, 1, 6)


def _rows(table: str, columns: tuple[str, ...], rows: Iterable[tuple[Any, ...]], connection: Connection,
          batch: int = 50_000) -> int:
    """Write ``rows`` (tuples in ``columns`` order) into ``table``; return how many."""
    raw = connection.connection.dbapi_connection
    count = 0
    if connection.dialect.name == "postgresql":
        with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
        return count
    statement = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    cursor = raw.cursor()
    chunk: list[tuple[Any, ...]] = []
    for row in rows:
        chunk.append(tuple(_sqlite(v) for v in row))
        if len(chunk) == batch:
            cursor.executemany(statement, chunk)
            count += len(chunk)
            chunk = []
    cursor.executemany(statement, chunk)
    return count + len(chunk)


def _sqlite(value: Any) -> Any:
    # How SQLAlchemy's SQLite types store them: dates ISO, times "YYYY-MM-DD HH:MM:SS.ffffff", JSON text.
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _course_pain(rng: random.Random) -> float:
    draw = rng.random()
    return 0.55 if draw < 0.45 else 0.25 if draw < 0.75 else 0.05


def generate(connection: Connection, courses: int, seed: int = 11) -> dict[str, int]:
    """Write a clinic of ``courses`` courses (about ten sessions each) in the open transaction; return counts."""
    rng = random.Random(seed)
    now = datetime(2026, 12, 1, 12, tzinfo=UTC)
    clinic = "c" * 32
    connection.execute(insert(metadata.tables["clinics"]), [{"id": clinic, "name": "Benchmark clinic", "created_at": now}])
    practitioners = [f"{i:032x}" for i in range(1, 9)]
    connection.execute(insert(metadata.tables["users"]), [
        {"id": p, "clinic_id": clinic, "email": f"dr{i}@bench.example", "name": f"Dr Bench {i}", "role": "clinician",
         "password_hash": "x", "active": True, "created_at": now} for i, p in enumerate(practitioners)])
    plans: list[dict[str, Any]] = []
    for n in range(courses):
        started = FIRST_DAY + timedelta(days=rng.randrange(0, 690))
        plans.append({"n": n, "id": f"{n:031x}p", "patient": f"{n:031x}a", "started": started,
                      "condition": CONDITIONS[n % len(CONDITIONS)], "ea": rng.random() < 0.4,
                      "practitioner": rng.choice(practitioners), "nrs": rng.randint(4, 9), "odi": rng.randint(20, 70),
                      "share": _course_pain(rng), "sessions": max(1, min(20, int(rng.gauss(10, 3)))),
                      "payer": rng.choice(PAYERS), "pattern": rng.choice(PATTERNS),
                      "start_back": rng.choice(START_BACK), "components": rng.sample(COMPONENTS, 2)})
    counts = {}
    counts["patients"] = _rows("patients", ("id", "clinic_id", "given_name", "family_name", "birth_date", "sex",
                                            "version", "created_at", "updated_at"),
                               ((p["patient"], clinic, "Bench", f"Patient {p['n']}", date(1960, 1, 1), "unknown", 1,
                                 now, now) for p in plans), connection)
    empty = json.dumps({})
    _rows("intakes", ("id", "clinic_id", "patient_id", "answers", "scores", "knowledge_version", "recorded_at",
                      "recorded_by"),
          ((p["id"][:-1] + "i", clinic, p["patient"], empty, empty, KNOWLEDGE, now, "system") for p in plans), connection)
    _rows("screenings", ("id", "clinic_id", "patient_id", "intake_id", "status", "findings", "knowledge_version",
                         "screened_at", "screened_by"),
          ((p["id"][:-1] + "s", clinic, p["patient"], p["id"][:-1] + "i", "clear", "[]", KNOWLEDGE, now, "system")
           for p in plans), connection)
    document = json.dumps({"status": "planned"})
    counts["plans"] = _rows("plans", ("id", "clinic_id", "patient_id", "intake_id", "screening_id", "version", "status",
                                      "plan", "knowledge_version", "created_at", "created_by", "updated_at", "updated_by"),
                            ((p["id"], clinic, p["patient"], p["id"][:-1] + "i", p["id"][:-1] + "s", 1, "active",
                              document, KNOWLEDGE, now, p["practitioner"], now, p["practitioner"]) for p in plans),
                            connection)
    _rows("course_facets", ("plan_id", "clinic_id", "patient_id", "started_on", "condition", "pattern",
                            "protocol_version", "ea", "ea_frequency", "point_set", "start_back", "practitioner", "payer",
                            "planned_sessions", "status"),
          ((p["id"], clinic, p["patient"], p["started"], p["condition"], p["pattern"], KNOWLEDGE, p["ea"],
            "2/100" if p["ea"] else None, "BL23 BL25 BL40", p["start_back"], p["practitioner"], p["payer"], 12, "active")
           for p in plans), connection)
    _rows("course_components", ("plan_id", "component"),
          ((p["id"], c) for p in plans for c in p["components"]), connection)
    _rows("course_baselines", ("plan_id", "instrument", "value"),
          ((p["id"], name, float(p[name])) for p in plans for name in ("nrs", "odi")), connection)
    sessions: list[tuple[str, str, str, int, date]] = []
    counts["sessions"] = _rows("session_records", SESSION_COLUMNS, _sessions(plans, clinic, now, rng, sessions),
                               connection)
    counts["reassessments"] = _rows("reassessments", ("id", "clinic_id", "patient_id", "plan_id", "assessed_on",
                                                      "session_number", "answers", "scores", "knowledge_version",
                                                      "recorded_at", "recorded_by", "version"),
                                    _reassessments(plans, clinic, now, rng, totals := []), connection)
    _rows("reassessment_totals", ("reassessment_id", "instrument", "clinic_id", "patient_id", "plan_id", "total",
                                  "assessed_on", "session_number", "recorded_at"), totals, connection)
    counts["adverse_events"] = _rows("adverse_events", ("id", "clinic_id", "patient_id", "session_id", "occurred_on",
                                                        "type", "severity", "outcome", "description", "recorded_at",
                                                        "recorded_by", "version"),
                                     ((f"{i:031x}e", clinic, patient, session_id, day, "bruising", "mild", "resolved",
                                       "", now, "system", 1)
                                      for i, (session_id, _, patient, _, day) in enumerate(sessions)), connection)
    counts["courses"] = courses
    return counts


SESSION_COLUMNS = ("id", "clinic_id", "patient_id", "plan_id", "number", "session_date", "practitioner_id", "style",
                   "rationale", "individualisation", "stimulation_kind", "ea_electrode_pairs", "co_interventions",
                   "pain_before", "pain_after", "notes", "overrides", "recorded_at", "recorded_by", "version")


def _sessions(plans: list[dict[str, Any]], clinic: str, now: datetime, rng: random.Random,
              kept: list[tuple[str, str, str, int, date]]) -> Iterator[tuple[Any, ...]]:
    number_id = 0
    for p in plans:
        number = 0
        for k in range(p["sessions"]):
            number += 2 if rng.random() < 0.05 else 1  # a missed appointment skips a number
            day = p["started"] + timedelta(days=3 * k)
            done = (k + 1) / p["sessions"]
            pain = max(0, min(10, round(p["nrs"] * (1 - p["share"] * done) + rng.uniform(-0.8, 0.8))))
            session_id = f"{number_id:031x}r"
            number_id += 1
            if number_id % 50 == 8:
                kept.append((session_id, p["id"], p["patient"], number, day))
            yield (session_id, clinic, p["patient"], p["id"], number, day, p["practitioner"], "tcm", "protocol",
                   "standardised", "electro" if p["ea"] else "manual", "[]", "[]", pain, max(0, pain - 1), "", "[]",
                   now, p["practitioner"], 1)


def _reassessments(plans: list[dict[str, Any]], clinic: str, now: datetime, rng: random.Random,
                   totals: list[tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
    # ``totals`` gets each one's rows of ``reassessment_totals`` (what the repository writes with it).
    for p in plans:
        for at in (4, 8):
            if p["sessions"] < at:
                continue
            done = at / p["sessions"]
            nrs = max(0, min(10, round(p["nrs"] * (1 - p["share"] * done) + rng.uniform(-1, 1))))
            odi = max(0, min(100, 2 * round(p["odi"] * (1 - p["share"] * done) / 2)))
            scores = json.dumps({"nrs": {"total": nrs}, "odi": {"total": odi}})
            key, day = f"{p['n']:030x}r{at}", p["started"] + timedelta(days=3 * (at - 1))
            totals.extend((key, name, clinic, p["patient"], p["id"], float(value), day, at, now)
                          for name, value in (("nrs", nrs), ("odi", odi)))
            yield (key, clinic, p["patient"], p["id"], day, at, "{}", scores, KNOWLEDGE, now, "system", 1)


def day_of_sessions(connection: Connection, courses: int, share: float, *, shift: int = 1) -> list[dict[str, Any]]:
    """Return one new session for ``share`` of the ``courses`` courses (evenly spread): the next number
    after the course's last (plus ``shift - 1``), three days after its last date, the same pain."""
    step = max(1, round(1 / share))
    chosen = [f"{n:031x}p" for n in range(0, courses, step)]
    last = {}
    for start in range(0, len(chosen), 1000):
        part = chosen[start:start + 1000]
        marks = ", ".join(f":p{i}" for i in range(len(part)))
        for row in connection.execute(text(
                f"SELECT plan_id, MAX(number), MAX(session_date), MAX(pain_before) FROM session_records "
                f"WHERE plan_id IN ({marks}) GROUP BY plan_id"), {f"p{i}": p for i, p in enumerate(part)}):
            last[row[0]] = row[1:]
    template = connection.execute(text(
        f"SELECT {', '.join(SESSION_COLUMNS)} FROM session_records WHERE plan_id = :p ORDER BY number LIMIT 1"),
        {"p": chosen[0]}).mappings().one()
    rows = []
    for i, plan in enumerate(chosen):
        number, day, pain = last[plan]
        day = day if isinstance(day, date) else date.fromisoformat(str(day))
        rows.append({**template, "id": f"{i:028x}day{shift}", "plan_id": plan, "patient_id": plan[:-1] + "a",
                     "number": number + shift, "session_date": day + timedelta(days=3 * shift), "pain_before": pain})
    return rows


def write_sessions(connection: Connection, rows: list[dict[str, Any]]) -> None:
    """Write ``rows`` one INSERT each (as the API writes one session a request), in the open transaction."""
    statement = text(f"INSERT INTO session_records ({', '.join(SESSION_COLUMNS)}) "
                     f"VALUES ({', '.join(':' + c for c in SESSION_COLUMNS)})")
    for row in rows:
        connection.execute(statement, {k: _sqlite(v) if connection.dialect.name == "sqlite" else _json(v)
                                       for k, v in row.items()})


def _json(value: Any) -> Any:
    # A JSON column read back through text() is a list or dict: written back as its JSON text.
    return json.dumps(value) if isinstance(value, list | dict) else value
