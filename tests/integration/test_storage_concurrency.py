"""Real concurrency on both databases: server-numbered sessions (numbers, and dates in their order),
and PostgreSQL backends terminated.

Threads share one engine, as a server's thread pool does; each use case opens its own unit of work.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from typing import Any

import pytest
from integration_support import Staff, fresh_uow
from sqlalchemy import Engine, text

from acupath import services
from acupath.errors import Conflict, InputError
from acupath.services.records import PlanRecord
from example_records import example_intake, example_session

THREADS = 8
EACH = 10


def _plan(engine: Engine, staff: Staff, kb, family: str) -> PlanRecord:
    patient = services.register_patient(fresh_uow(engine), staff.rita, {
        "given_name": "Tess", "family_name": family, "birth_date": "1964-04-04", "sex": "female"})
    intake = services.record_intake(fresh_uow(engine), staff.dr_lee, patient.id,
                                    example_intake("knee_osteoarthritis"), kb)
    return services.create_plan(fresh_uow(engine), staff.dr_lee, intake.id, kb)


def _at_once(work: Callable[[int], Any], threads: int = THREADS) -> list[Any]:
    """Return ``work(i)`` of each of ``threads`` threads started together (a barrier), in thread order."""
    start = threading.Barrier(threads)

    def run(i: int) -> Any:
        start.wait()
        return work(i)

    with ThreadPoolExecutor(threads) as pool:
        return list(pool.map(run, range(threads)))


def test_concurrent_server_numbered_sessions_get_consecutive_numbers(engine: Engine, staff: Staff, kb) -> None:
    plan = _plan(engine, staff, kb, "Race")

    def record_many(i: int) -> list[int]:
        clinician = staff.dr_lee if i % 2 else staff.dr_patel
        return [services.record_session(fresh_uow(engine), clinician, plan.id, example_session(), kb).number
                for _ in range(EACH)]

    numbers = [n for batch in _at_once(record_many) for n in batch]  # a Conflict would raise here
    assert sorted(numbers) == list(range(1, THREADS * EACH + 1))
    with fresh_uow(engine) as uow:
        stored = [s.number for s in uow.sessions.summaries(staff.clinic_id, plan.id)]
    assert stored == list(range(1, THREADS * EACH + 1))
    # Only a client that names a number the plan has gets a conflict.
    with pytest.raises(Conflict, match="session 5"):
        services.record_session(fresh_uow(engine), staff.dr_lee, plan.id, example_session(number=5), kb)


def test_named_numbers_racing_for_one_slot_give_one_session_and_conflicts(engine: Engine, staff: Staff, kb) -> None:
    plan = _plan(engine, staff, kb, "Slot")

    def record_seven(_: int) -> str:
        try:
            services.record_session(fresh_uow(engine), staff.dr_lee, plan.id, example_session(number=7), kb)
        except Conflict:
            return "conflict"
        return "stored"

    assert sorted(_at_once(record_seven)) == ["conflict"] * (THREADS - 1) + ["stored"]


def test_concurrent_sessions_dated_out_of_order_are_refused_never_stored_out_of_order(engine: Engine, staff: Staff,
                                                                                      kb) -> None:
    # The date is checked after the plan's lock (``sessions.check_session_date``): two sessions recorded
    # at once cannot both pass against the same last date and be numbered against their dates.
    plan = _plan(engine, staff, kb, "Order")
    start = date.fromisoformat(example_intake("knee_osteoarthritis")["schedule"]["start"])

    def record_dated(i: int) -> str:
        day = start + timedelta(days=(i * 5) % THREADS)  # every day of the first THREADS, in a scrambled order
        try:
            services.record_session(fresh_uow(engine), staff.dr_lee, plan.id,
                                    example_session(session_date=day.isoformat()), kb,
                                    today=start + timedelta(days=THREADS))
        except InputError as refused:
            assert refused.field == "session_date" and "the date of session" in refused.problem
            return "refused"
        return "stored"

    outcomes = _at_once(record_dated)
    with fresh_uow(engine) as uow:
        stored = [(s.number, s.session_date) for s in uow.sessions.summaries(staff.clinic_id, plan.id)]
    assert [day for _, day in stored] == sorted(day for _, day in stored)
    assert [n for n, _ in stored] == list(range(1, len(stored) + 1)) and outcomes.count("stored") == len(stored)


def _terminate_backends(engine: Engine) -> int:
    """Terminate every other backend of the engine's database (as a restart would); return how many."""
    with engine.connect() as connection:
        killed = connection.execute(text(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()")).scalar_one()
        connection.commit()
    return int(killed)


@pytest.mark.postgres
def test_pooled_connections_whose_backends_were_terminated_cost_no_failed_use_case(postgres_engine: Engine,
                                                                                  kb) -> None:
    engine = postgres_engine
    clinic = services.create_clinic(fresh_uow(engine), "Restart Clinic")
    staff = Staff(clinic_id=clinic.id, dr_lee=services.Actor("lee", clinic.id, "clinician", "10.0.0.1"),
                  dr_patel=services.Actor("patel", clinic.id, "clinician", "10.0.0.2"),
                  rita=services.Actor("rita", clinic.id, "reception", "10.0.0.3"),
                  dr_outsider=services.Actor("out", clinic.id, "clinician", "10.9.9.9"))
    plan = _plan(engine, staff, kb, "Restart")

    def use_cases(_: int) -> None:
        services.record_session(fresh_uow(engine), staff.dr_lee, plan.id, example_session(), kb)
        services.get_progress(fresh_uow(engine), staff.dr_lee, plan.id, kb)

    for _ in range(3):
        _at_once(use_cases)  # the pool now holds a connection for each thread
        assert engine.pool.checkedin() >= 2
        assert _terminate_backends(engine) >= 2  # every pooled connection is now dead
        _at_once(use_cases)  # each checks out a dead connection: pre-ping replaces it, nothing fails
    with fresh_uow(engine) as uow:
        assert len(uow.sessions.summaries(clinic.id, plan.id)) == 6 * THREADS
