"""Listings at 2,000 and at 20,000 patients: each page's p50/p95 and the ratio (target under 1.5x).

One clinic is built on each database with the project's own code: the template patient's intake,
screening, plan and session go through the services; every other patient is registered with copies of
those records through the storage repositories (a unit of work per batch of patients, as a migration
of an old system would load them), with ``--sessions`` sessions each and about 15 audit entries per
patient written through the audit log's own ``add`` (its hash chain included). One patient has 1,000
sessions. At ``--small`` patients the database is copied (SQLite's backup API; PostgreSQL's CREATE
DATABASE ... TEMPLATE), then the clinic grows to ``--large``; ``ANALYZE`` after each load (as README's
production section asks after bulk loads). Each listing is then timed through its use case
(``services``: the page, its audit entry, the commit) on both databases in alternating rounds, so a
machine whose speed drifts (it is shared) slows both sides alike; the ratio is large / small of the
medians, with the range of the rounds' own ratios beside it.

Listings timed (``--repeat`` calls each on each size, p50 and p95 in milliseconds):
patient list, first page and last page (a cursor 50 patients from the end); the first page with a
total; a name search (a given name and the start of a family name of a patient among the first
``--small``, so the same searches run at both sizes); an MRN search (exact); the audit log's last
page (its oldest 50 entries); the 1,000-session patient's schedule, first and last page.

    .venv/bin/python -m benchmarks.listings [--small 2000] [--large 20000] [--repeat 200] [--rounds 5]
                                            [--sessions 10] [--only sqlite|postgresql]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import random
import statistics
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

from acupath import services
from acupath.knowledge import load_knowledge
from acupath.services.actor import Actor, Role
from acupath.services.audit_log import search_audit
from acupath.services.records import AuditEntry, AuditQuery, Outcome, Patient
from acupath.storage import SqlAlchemyUnitOfWork, make_engine, make_session_factory
from acupath.storage.migrate import analyze, upgrade
from benchmarks.api import POSTGRES_ADMIN_URL, postgres_database, sqlite_database

RATIO_TARGET = 1.5
EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "intakes"
PAGE = 50
GIVEN = ("Olivia", "James", "Aroha", "Wei", "Fatima", "Liam", "Sofia", "Noah", "Priya", "Hemi", "Grace", "Mateo",
         "Yuki", "Ethan", "Amara", "Lucas", "Nina", "Tane", "Chloe", "Omar", "Ingrid", "Kofi", "Leila", "Marta",
         "Nikolai", "Oona", "Pita", "Quentin", "Rosa", "Sione", "Tamsin", "Ulla", "Vikram", "Wiremu", "Ximena",
         "Yusuf", "Zara", "Anika", "Bruno", "Carmen")
STEMS = ("Ander", "Bal", "Cart", "Dun", "Eld", "Fair", "Gold", "Hart", "Ives", "Kers", "Lang", "Mor", "Nor",
         "Oak", "Pen", "Quin", "Rad", "Shel", "Thorn", "Ush", "Vance", "Wex", "Yar", "Zel", "Brig", "Crom",
         "Dray", "Fen", "Gar", "Hol", "Ker", "Lind", "Mar", "Nest", "Ost", "Pryd", "Rook", "Stan", "Tal", "Wold")
ENDS = ("son", "well", "by", "ham", "ford", "ley", "worth", "ton", "field", "more", "wick", "dale", "man",
        "stone", "croft", "gate", "hurst", "ridge", "shaw", "wood")
ACTIONS = ("patient.read", "plan.read", "session.read", "progress.read", "schedule.read")


@dataclasses.dataclass
class Clinic:
    """The clinic being built: its database, staff, the template records and what the listings need."""

    url: str
    engine: Any
    clinic_id: str
    clinician: Actor
    reception: Actor
    admin: Actor
    template: dict[str, Any]
    patients: list[Patient] = dataclasses.field(default_factory=list)
    busy_patient: str = ""
    clock: datetime = datetime(2024, 1, 1, tzinfo=UTC)

    def __post_init__(self) -> None:
        self.sessions = make_session_factory(self.engine)

    def uow(self) -> SqlAlchemyUnitOfWork:
        """Return a unit of work on the clinic's database."""
        return SqlAlchemyUnitOfWork(self.sessions)

    def copy_to(self, url: str) -> Clinic:
        """Copy the database as it is now to ``url`` and return the clinic there (for paired rounds)."""
        self.engine.dispose()
        if url.startswith("sqlite"):
            import sqlite3

            with sqlite3.connect(self.url.removeprefix("sqlite:///")) as source, \
                    sqlite3.connect(url.removeprefix("sqlite:///")) as target:
                source.backup(target)
        else:
            import psycopg

            with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
                admin.execute(f'CREATE DATABASE "{url.rsplit("/", 1)[1]}" TEMPLATE "{self.url.rsplit("/", 1)[1]}"')
        copy = dataclasses.replace(self, url=url, engine=make_engine(url), patients=list(self.patients))
        self.engine = make_engine(self.url)
        self.sessions = make_session_factory(self.engine)
        return copy


def _id() -> str:
    return uuid.uuid4().hex


def start_clinic(url: str) -> Clinic:
    """Migrate ``url``, create the clinic and the template patient through the services."""
    upgrade(url)
    engine = make_engine(url)
    sessions = make_session_factory(engine)

    def uow() -> SqlAlchemyUnitOfWork:
        return SqlAlchemyUnitOfWork(sessions)

    kb = load_knowledge()
    clinic = services.create_clinic(uow(), "Benchmark clinic")
    staff = [Actor(user_id=f"{role}@bench", clinic_id=clinic.id, role=Role(role), remote_address="bench")
             for role in ("clinician", "reception", "admin")]
    patient = services.register_patient(uow(), staff[1], {"given_name": "Tem", "family_name": "Plate",
                                                           "birth_date": "1960-01-01", "sex": "female"})
    document = yaml.safe_load((EXAMPLES / "knee_osteoarthritis.yaml").read_text())
    document.pop("patient", None)
    intake = services.record_intake(uow(), staff[0], patient.id, json.loads(json.dumps(document, default=str)), kb)
    screening = services.screen_intake(uow(), staff[0], intake.id, kb)
    plan = services.create_plan(uow(), staff[0], intake.id, kb)
    with uow() as reading:
        plan_record = reading.plans.get(clinic.id, plan.id)
    first = plan_record.plan["sessions"][0]
    points = [{"code": p["code"], "side": p["side"], "depth": 1.0, "unit": "cun", "response_sought": "de_qi"}
              for p in plan_record.plan["points"][:2]]
    session = services.record_session(uow(), staff[0], plan.id, {
        "session_date": first["date"], "style": "tcm", "rationale": "protocol points", "points": points,
        "stimulation": {"kind": "manual"}, "retention_minutes": 20}, kb,
        today=date.fromisoformat(first["date"]) + timedelta(days=1))
    template = {"intake": intake, "screening": screening, "plan": plan_record, "session": session}
    return Clinic(url, engine, clinic.id, *staff, template=template)


def _audit(clinic: Clinic, patient_id: str, action: str) -> AuditEntry:
    clinic.clock += timedelta(seconds=7)
    return AuditEntry(at=clinic.clock, clinic_id=clinic.clinic_id, actor_clinic_id=clinic.clinic_id,
                      user_id=clinic.clinician.user_id, action=action, record_type="patient", record_id=patient_id,
                      patient_id=patient_id, remote_address="bench", outcome=Outcome.OK)


def add_patients(clinic: Clinic, count: int, sessions_each: int, rng: random.Random, batch: int = 50) -> None:
    """Register ``count`` patients with an intake, screening, plan, sessions and audit entries each."""
    t = clinic.template
    for start in range(0, count, batch):
        with clinic.uow() as uow:
            for _ in range(min(batch, count - start)):
                number = len(clinic.patients) + 1
                now = clinic.clock
                patient = Patient(id=_id(), clinic_id=clinic.clinic_id, mrn=f"MRN-{number:07d}",
                                  given_name=rng.choice(GIVEN), family_name=rng.choice(STEMS) + rng.choice(ENDS),
                                  birth_date=date(1940, 1, 1) + timedelta(days=rng.randrange(20000)),
                                  sex=rng.choice(("female", "male")), created_at=now, updated_at=now)
                uow.patients.add(patient)
                clinic.patients.append(patient)
                intake = dataclasses.replace(t["intake"], id=_id(), patient_id=patient.id)
                screening = dataclasses.replace(t["screening"], id=_id(), patient_id=patient.id, intake_id=intake.id)
                plan = dataclasses.replace(t["plan"], id=_id(), patient_id=patient.id, intake_id=intake.id,
                                           screening_id=screening.id)
                uow.intakes.add(intake)
                uow.screenings.add(screening)
                uow.plans.add(plan)
                for action in ("patient.register", "intake.record", "screening.create", "plan.create"):
                    uow.audit.add(_audit(clinic, patient.id, action))
                write_sessions(uow, clinic, patient.id, plan.id, sessions_each, rng)
            uow.commit()


def write_sessions(uow: SqlAlchemyUnitOfWork, clinic: Clinic, patient_id: str, plan_id: str, count: int,
                   rng: random.Random) -> None:
    """Add ``count`` sessions of the plan, each with its audit entry, and one read of the patient."""
    t = clinic.template["session"]
    day = t.session_date
    for number in range(1, count + 1):
        day += timedelta(days=rng.choice((2, 3, 4, 7)))
        uow.sessions.add(dataclasses.replace(t, id=_id(), patient_id=patient_id, plan_id=plan_id, number=number,
                                             session_date=day))
        uow.audit.add(_audit(clinic, patient_id, "session.record"))
    uow.audit.add(_audit(clinic, patient_id, rng.choice(ACTIONS)))


def add_busy_patient(clinic: Clinic, rng: random.Random) -> None:
    """Add the patient with 1,000 sessions (one long plan), among the first patients."""
    t = clinic.template
    before = len(clinic.patients)
    add_patients(clinic, 1, 0, rng)
    patient = clinic.patients[before]
    with clinic.uow() as uow:
        plan = uow.plans.get(clinic.clinic_id, next(p for p in _plans(uow, clinic, patient.id)))
        assert plan is not None and t is not None
        write_sessions(uow, clinic, patient.id, plan.id, 1000, rng)
        uow.commit()
    clinic.busy_patient = patient.id


def _plans(uow: SqlAlchemyUnitOfWork, clinic: Clinic, patient_id: str) -> Iterator[str]:
    return (p.id for p in uow.plans.list_for_patient(clinic.clinic_id, patient_id))


def _last_cursor(fetch: Callable[[str | None], Any]) -> str | None:
    """Walk a keyset list by pages of 200 (untimed) and return the cursor of its last page of 50."""
    cursors: list[str | None] = [None]
    page = fetch(None)
    while page.next_cursor is not None:
        cursors.append(page.next_cursor)
        page = fetch(page.next_cursor)
    return cursors[-1]


def _ms(call: Callable[[], Any]) -> float:
    start = time.perf_counter()
    call()
    return (time.perf_counter() - start) * 1000


def listings(clinic: Clinic, rng: random.Random, known: int) -> dict[str, Callable[[], Any]]:
    """Return each listing as a call on ``clinic``; searches pick patients among the first ``known``."""
    u, desk, admin = clinic.uow, clinic.reception, clinic.admin
    sample = clinic.patients[:known]

    def tail_cursor(fetch: Callable[[str | None, int], Any]) -> str | None:
        # The cursor that makes the next page of 50 the list's last: walk by 200, then by 50 at the end.
        cursor = _last_cursor(lambda c: fetch(c, 200))
        pages: list[str | None] = [cursor]
        page = fetch(cursor, PAGE)
        while page.next_cursor is not None:
            pages.append(page.next_cursor)
            page = fetch(page.next_cursor, PAGE)
        return pages[-1]

    patients_last = tail_cursor(lambda c, n: services.list_patients(u(), desk, cursor=c, limit=n))
    audit_last = tail_cursor(lambda c, n: search_audit(u(), admin, cursor=c, limit=n))
    schedule_last = tail_cursor(lambda c, n: services.get_schedule(u(), desk, clinic.busy_patient, cursor=c,
                                                                   limit=n).sessions)

    def name_search() -> Any:
        patient = rng.choice(sample)
        return services.list_patients(u(), desk, search=f"{patient.given_name} {patient.family_name[:4]}")

    return {
        "patients first page": lambda: services.list_patients(u(), desk),
        "patients first page + total": lambda: services.list_patients(u(), desk, total=True),
        "patients last page": lambda: services.list_patients(u(), desk, cursor=patients_last),
        "name search": name_search,
        "MRN search": lambda: services.list_patients(u(), desk, search=rng.choice(sample).mrn),
        "audit log last page": lambda: search_audit(u(), admin, cursor=audit_last),
        "schedule first page (1,000)": lambda: services.get_schedule(u(), desk, clinic.busy_patient),
        "schedule last page (1,000)": lambda: services.get_schedule(u(), desk, clinic.busy_patient,
                                                                    cursor=schedule_last),
    }


@dataclasses.dataclass
class Paired:
    """One listing's times (ms) on the small and the large clinic, and each round's ratio of medians."""

    small: list[float] = dataclasses.field(default_factory=list)
    large: list[float] = dataclasses.field(default_factory=list)
    round_ratios: list[float] = dataclasses.field(default_factory=list)


def measure(small: dict[str, Callable[[], Any]], large: dict[str, Callable[[], Any]], repeat: int,
            rounds: int) -> dict[str, Paired]:
    """Time every listing on both clinics in alternating rounds (each round: ``repeat // rounds`` calls on
    one, then on the other, the order swapped every round), so that the machine's drift lands on both."""
    results = {name: Paired() for name in small}
    for name in small:
        for _ in range(10):  # warm both databases' caches for this listing
            small[name]()
            large[name]()
    for number in range(rounds):
        for name, paired in results.items():
            sides = [(small[name], paired.small), (large[name], paired.large)]
            medians = {}
            for call, times in (sides if number % 2 == 0 else sides[::-1]):
                batch = [_ms(call) for _ in range(max(1, repeat // rounds))]
                times.extend(batch)
                medians[id(times)] = statistics.median(batch)
            paired.round_ratios.append(medians[id(paired.large)] / medians[id(paired.small)])
    return results


def _p95(times: list[float]) -> float:
    return sorted(times)[int(0.95 * (len(times) - 1))]


def counts(clinic: Clinic) -> str:
    """Return the clinic's size as its listings count it (exactly: the cap is above every count)."""
    with clinic.uow() as uow:
        patients = uow.patients.count(clinic.clinic_id, None, 10**9).value
        audit = uow.audit.count(clinic.clinic_id, AuditQuery(), 10**9).value
    return f"{patients:,} patients, {audit:,} audit entries"


def _copy_url(url: str) -> str:
    return url.replace(".sqlite3", "-small.sqlite3") if url.startswith("sqlite") else f"{url}_small"


def run(label: str, url: str, args: argparse.Namespace) -> list[str]:
    """Build the clinic on ``url`` to the small size, keep a copy, grow it to the large size, then time
    both in alternating rounds. Returns the report's lines."""
    rng = random.Random(7)
    began = time.perf_counter()
    clinic = start_clinic(url)
    add_busy_patient(clinic, rng)
    add_patients(clinic, args.small - len(clinic.patients) - 1, args.sessions, rng)
    analyze(url)
    built_small = time.perf_counter() - began
    small_clinic = clinic.copy_to(_copy_url(url))
    try:
        began = time.perf_counter()
        add_patients(clinic, args.large - len(clinic.patients) - 1, args.sessions, rng)
        analyze(url)
        built_large = time.perf_counter() - began
        sessions = (len(clinic.patients) - 1) * args.sessions + 1000 + 1
        lines = [f"{label}: small clinic {counts(small_clinic)} (built in {built_small:.0f} s); large clinic "
                 f"{counts(clinic)}, {sessions:,} sessions (grown in {built_large:.0f} s); "
                 f"{args.repeat} calls each in {args.rounds} alternating rounds",
                 f"  {'listing':<30}{'p50 small':>10}{'p95 small':>10}{'p50 large':>10}{'p95 large':>10}"
                 f"{'ratio p50':>10}{'rounds':>13}{'ratio p95':>10}  target"]
        results = measure(listings(small_clinic, rng, args.small), listings(clinic, rng, args.small),
                          args.repeat, args.rounds)
    finally:
        small_clinic.engine.dispose()
        if not url.startswith("sqlite"):
            import psycopg

            with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{small_clinic.url.rsplit("/", 1)[1]}" WITH (FORCE)')
    for name, paired in results.items():
        s50, l50 = statistics.median(paired.small), statistics.median(paired.large)
        ratio = l50 / s50
        spread = f"{min(paired.round_ratios):.2f}-{max(paired.round_ratios):.2f}"
        lines.append(f"  {name:<30}{s50:>10.2f}{_p95(paired.small):>10.2f}{l50:>10.2f}{_p95(paired.large):>10.2f}"
                     f"{ratio:>9.2f}x{spread:>13}{_p95(paired.large) / _p95(paired.small):>9.2f}x"
                     f"  {'met' if ratio < RATIO_TARGET else 'NOT MET'}")
    clinic.engine.dispose()
    return lines


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark on SQLite and PostgreSQL (or ``--only`` one) and print the table."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.listings", description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=2000, help="patients of the small clinic")
    parser.add_argument("--large", type=int, default=20000, help="patients of the large clinic")
    parser.add_argument("--sessions", type=int, default=10, help="sessions of each patient")
    parser.add_argument("--repeat", type=int, default=200, help="timed calls of each listing on each clinic")
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds the calls are split into")
    parser.add_argument("--only", choices=("sqlite", "postgresql"), help="measure one database only")
    args = parser.parse_args(argv)
    for label, database in (("sqlite", sqlite_database), ("postgresql", postgres_database)):
        if args.only and args.only != label:
            continue
        with database() as url:
            for line in run(label, url, args):
                print(line, flush=True)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
