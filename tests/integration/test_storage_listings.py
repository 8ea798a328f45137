"""Keyset listings on both databases: every row once across pages, name and MRN search, clinic isolation.

Patients, the audit log and a patient's schedule are paged by cursor (``services.paging``); names are
searched through PostgreSQL's trigram index and SQLite's FTS5 table (migration 0005).
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from integration_support import Staff, fresh_uow
from sqlalchemy import Engine

from acupath import services
from acupath.errors import InputError
from acupath.services.actor import Actor
from acupath.services.audit_log import search_audit
from acupath.services.paging import encode_cursor
from acupath.services.records.listings import NameSearch, Total
from example_records import example_intake, example_session


def _register(engine: Engine, actor: Actor, given: str, family: str, mrn: str | None = None) -> str:
    patient = services.register_patient(fresh_uow(engine), actor, {
        "given_name": given, "family_name": family, "birth_date": "1970-01-01", "sex": "female", "mrn": mrn})
    return patient.id


def _names(engine: Engine, actor: Actor, search: str) -> list[str]:
    page = services.list_patients(fresh_uow(engine), actor, search=search, limit=200)
    return [f"{p.given_name} {p.family_name}" for p in page.items]


def test_paging_gives_every_patient_once_while_others_register(engine: Engine, staff: Staff) -> None:
    before = {_register(engine, staff.rita, given, family)
              for given, family in [("Ada", "Baker"), ("Ben", "Cole"), ("Cy", "Dunn"), ("Di", "Ford"),
                                    ("Ed", "Grey"), ("Flo", "Hart"), ("Gil", "Ives")]}
    # Registered between page reads: one sorting before every page read so far, one after.
    arriving = iter([("Al", "Aaron"), ("Zoe", "Zephyr"), ("Bo", "Baker"), ("Yul", "York")])
    seen: list[str] = []
    arrived: dict[str, str] = {}
    cursor = None
    while True:
        page = services.list_patients(fresh_uow(engine), staff.rita, cursor=cursor, limit=2)
        seen += [p.id for p in page.items]
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
        given_family = next(arriving, None)
        if given_family:
            arrived[given_family[1]] = _register(engine, staff.rita, *given_family)
    assert len(seen) == len(set(seen))
    assert before <= set(seen) and arrived["Zephyr"] in seen and arrived["Aaron"] not in seen
    listed = services.list_patients(fresh_uow(engine), staff.rita, limit=200, total=True)
    assert listed.total == Total(len(before) + len(arrived), "eq")
    families = [p.family_name for p in listed.items]
    assert families == sorted(families)


def test_names_are_found_by_substring_and_word_start_and_mrns_exactly(engine: Engine, staff: Staff) -> None:
    smith = _register(engine, staff.rita, "Anna Maria", "Smith", mrn="MRN-001")
    _register(engine, staff.rita, "Li", "Wei")
    _register(engine, staff.rita, "Olivia", "Lin")
    _register(engine, staff.rita, "Noah", "Williams")
    assert _names(engine, staff.rita, "mit") == ["Anna Maria Smith"]              # 3+ letters: anywhere
    assert _names(engine, staff.rita, "SMITH anna") == ["Anna Maria Smith"]       # every word, any case
    assert _names(engine, staff.rita, "ma smi") == ["Anna Maria Smith"]           # 2 letters: a word's start
    assert _names(engine, staff.rita, "li") == ["Olivia Lin", "Li Wei"]           # not Williams, not Olivia's "li"
    assert _names(engine, staff.rita, "anna s") == ["Anna Maria Smith"]           # an initial narrows
    assert _names(engine, staff.rita, "anna w") == []
    assert _names(engine, staff.rita, "a") == []                                  # initials alone find no name
    assert _names(engine, staff.rita, "MRN-001") == ["Anna Maria Smith"]          # an MRN exactly
    assert _names(engine, staff.rita, "MRN-00") == []                             # ... and only exactly
    assert _names(engine, staff.rita, "mrn-001") == ["Anna Maria Smith"]          # typed in lower case
    assert _names(engine, staff.rita, "Smith, Anna") == ["Anna Maria Smith"]      # as the lists show it
    assert _names(engine, staff.rita, smith) == ["Anna Maria Smith"]              # a patient id exactly


def test_a_search_that_is_exactly_an_mrn_finds_that_patient_alone(engine: Engine, staff: Staff) -> None:
    # The exact lookup answers; the names are not searched too (see ``NameSearch``), so a clinic whose
    # MRNs look like words still finds the one patient the MRN belongs to.
    _register(engine, staff.rita, "Lindsay", "Marlow")
    _register(engine, staff.rita, "Noah", "Williams", mrn="lind")
    assert _names(engine, staff.rita, "lind") == ["Noah Williams"]
    assert _names(engine, staff.rita, "LIND") == ["Lindsay Marlow"]             # MRNs match case and all
    assert _names(engine, staff.rita, "lind marl") == ["Lindsay Marlow"]
    page = services.list_patients(fresh_uow(engine), staff.rita, search="lind", total=True)
    assert page.total == Total(1, "eq")


def test_a_renamed_patient_is_found_by_the_new_name_only(engine: Engine, staff: Staff) -> None:
    patient_id = _register(engine, staff.rita, "Iris", "Quenby")
    services.update_patient(fresh_uow(engine), staff.rita, patient_id, {"family_name": "Rowntree"}, 1)
    assert _names(engine, staff.rita, "quenb") == []
    assert _names(engine, staff.rita, "rownt") == ["Iris Rowntree"]


def test_search_stays_inside_the_clinic(engine: Engine, staff: Staff) -> None:
    mine = _register(engine, staff.rita, "Hana", "Okonkwo", mrn="H-77")
    _register(engine, staff.dr_outsider, "Hana", "Okonkwo", mrn="H-78")
    assert _names(engine, staff.dr_outsider, "okonkwo") == ["Hana Okonkwo"]      # their own only
    for search in ("H-77", mine):
        assert _names(engine, staff.dr_outsider, search) == []
    page = services.list_patients(fresh_uow(engine), staff.dr_outsider, search="okonkwo", total=True)
    assert page.total == Total(1, "eq")


def test_a_cursor_not_given_by_this_clinics_list_is_refused(engine: Engine, staff: Staff) -> None:
    theirs = _register(engine, staff.dr_outsider, "Ola", "Nordmann")
    for cursor in ("%%%", "bm90IGEgY3Vyc29y", encode_cursor("audit", "20261201T000000.000000|1"),
                   encode_cursor("patients", theirs)):
        with pytest.raises(InputError) as error:
            services.list_patients(fresh_uow(engine), staff.rita, cursor=cursor)
        assert error.value.field == "cursor"


def test_the_search_is_not_written_to_the_audit_log(engine: Engine, staff: Staff) -> None:
    services.list_patients(fresh_uow(engine), staff.rita, search="Zanzibar")
    with fresh_uow(engine) as uow:
        entry = uow.audit.list(staff.clinic_id)[-1]
    assert entry.action == "patient.list" and "zanzibar" not in entry.detail.lower()


def test_audit_pages_give_every_entry_once_newest_first_while_the_log_grows(engine: Engine, staff: Staff) -> None:
    admin = Actor("ada", staff.clinic_id, "admin", "10.0.0.9")
    for _ in range(5):
        _register(engine, staff.rita, "Una", "Vale")
    expected = [e.id for e in search_audit(fresh_uow(engine), admin, limit=200).items]
    seen: list[int] = []
    cursor = None
    while True:
        page = search_audit(fresh_uow(engine), admin, cursor=cursor, limit=3)  # each read adds an entry
        seen += [e.id for e in page.items]
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert len(seen) == len(set(seen)) and set(expected) <= set(seen)
    assert seen == sorted(seen, reverse=True)  # one clock tick apart at most: newest first, ties by id
    patients = search_audit(fresh_uow(engine), admin, action="patient.register", total=True)
    assert patients.total == Total(5, "eq")
    with pytest.raises(InputError) as error:
        search_audit(fresh_uow(engine), admin, cursor=encode_cursor("audit", "yesterday|1"))
    assert error.value.field == "cursor"


def test_the_schedule_is_paged_by_date(engine: Engine, staff: Staff, kb) -> None:
    patient_id = _register(engine, staff.rita, "Sal", "Tanaka")
    intake = services.record_intake(fresh_uow(engine), staff.dr_lee, patient_id,
                                    example_intake("knee_osteoarthritis"), kb)
    plan = services.create_plan(fresh_uow(engine), staff.dr_lee, intake.id, kb)
    start = date.fromisoformat(example_intake("knee_osteoarthritis")["schedule"]["start"])
    days = (0, 3, 7, 10, 14)
    for day in (14, 0, 7, 3, 10):  # recorded out of date order (numbered by date: the service checks that)
        services.record_session(fresh_uow(engine), staff.dr_lee, plan.id,
                                example_session(session_date=(start + timedelta(days=day)).isoformat(),
                                                number=days.index(day) + 1), kb,
                                today=start + timedelta(days=30))
    dates: list[date] = []
    cursor = None
    while True:
        schedule = services.get_schedule(fresh_uow(engine), staff.rita, patient_id, cursor=cursor, limit=2)
        assert [(p.plan_id, p.status) for p in schedule.plans] == [(plan.id, "active")]
        dates += [s.session_date for s in schedule.sessions.items]
        if schedule.sessions.next_cursor is None:
            break
        cursor = schedule.sessions.next_cursor
    assert dates == [start + timedelta(days=day) for day in (0, 3, 7, 10, 14)]
    other = _register(engine, staff.rita, "Tom", "Ulm")
    with pytest.raises(InputError) as error:  # a cursor of another patient's schedule
        services.get_schedule(fresh_uow(engine), staff.rita, other, cursor=cursor)
    assert error.value.field == "cursor"


def test_a_total_past_the_cap_is_estimated_or_said_to_be_more(engine: Engine, staff: Staff) -> None:
    for family in ("Cap", "Capp", "Cappe", "Capper"):
        _register(engine, staff.rita, "Ivo", family)
    with fresh_uow(engine) as uow:
        exact = uow.patients.count(staff.clinic_id, NameSearch.of("cap"), 4)
        past = uow.patients.count(staff.clinic_id, NameSearch.of("cap"), 2)
    assert exact == Total(4, "eq")
    if engine.dialect.name == "postgresql":
        assert past.relation == "about" and past.value >= 3  # the planner's estimate, never below the cap
    else:
        assert past == Total(2, "gt")
