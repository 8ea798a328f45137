"""The auditor takes the clinic's log away: admins only, their clinic only, audited, CSV or NDJSON."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta, timezone

import pytest
from service_fakes import FakeUnitOfWork

from acupath import services
from acupath.errors import InputError, NotFound, PermissionDenied
from acupath.services import Actor
from acupath.services.audit_export import COLUMNS, export_audit
from acupath.services.records import Outcome


def rows_of(lines: list[str]) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO("".join(lines))))


def test_an_admin_exports_the_clinics_entries_oldest_first_up_to_the_export_itself(
    uow: FakeUnitOfWork, people, patient
) -> None:
    services.get_patient(uow, people.dr_lee, patient.id)
    lines = export_audit(uow, people.ada, "csv")
    services.get_patient(uow, people.dr_patel, patient.id)  # after the export began: not in it
    rows = rows_of(list(lines))
    assert list(rows[0]) == list(COLUMNS)
    assert [(r["action"], r["user_id"]) for r in rows] == [
        ("patient.register", "rita"), ("patient.read", "lee"), ("audit.export", "ada")]
    assert rows[1]["patient_id"] == patient.id and rows[1]["at"] == "2026-12-31T09:30:00+00:00"


def test_the_export_is_itself_audited_before_a_line_is_read(uow: FakeUnitOfWork, people, patient) -> None:
    export_audit(uow, people.ada, "ndjson", since=datetime(2026, 1, 1))
    entry = uow.audit_entries()[-1]
    assert (entry.action, entry.user_id, entry.outcome) == ("audit.export", "ada", Outcome.OK)
    assert "format=ndjson" in entry.detail and "2026-01-01 00:00:00+00:00" in entry.detail


def test_ndjson_has_one_object_per_entry_with_every_column(uow: FakeUnitOfWork, people, patient) -> None:
    objects = [json.loads(line) for line in export_audit(uow, people.ada, "ndjson")]
    assert [list(o) for o in objects] == [list(COLUMNS)] * 2
    assert [o["action"] for o in objects] == ["patient.register", "audit.export"]


def test_another_clinics_entries_are_never_exported(uow: FakeUnitOfWork, people, patient) -> None:
    with pytest.raises(NotFound):
        services.get_patient(uow, people.dr_outsider, patient.id)
    rows = rows_of(list(export_audit(uow, people.ada, "csv")))
    assert {r["clinic_id"] for r in rows} == {"harbour"}
    # The outsider's probe is in harbour's export, with the asking clinic.
    assert [(r["user_id"], r["actor_clinic_id"], r["outcome"]) for r in rows if r["action"] == "patient.read"] == [
        ("out", "hill", "denied")]


def test_since_and_until_bound_the_entries_by_time(uow: FakeUnitOfWork, people, patient) -> None:
    assert rows_of(list(export_audit(uow, people.ada, "csv", until=datetime(2026, 12, 31, 9, 30)))) == []
    rows = rows_of(list(export_audit(uow, people.ada, "csv", since=datetime(2026, 12, 31, 9, 30, tzinfo=UTC))))
    assert [r["action"] for r in rows] == ["patient.register", "audit.export", "audit.export"]


def test_batches_together_give_every_entry_once(uow: FakeUnitOfWork, people, patient) -> None:
    for _ in range(6):
        services.get_patient(uow, people.dr_lee, patient.id)
    rows = rows_of(list(export_audit(uow, people.ada, "csv", batch=4)))
    assert [int(r["id"]) for r in rows] == sorted({int(r["id"]) for r in rows})
    assert len(rows) == 8


def test_a_cell_a_spreadsheet_would_run_as_a_formula_is_quoted_with_an_apostrophe(
    uow: FakeUnitOfWork, people, patient
) -> None:
    services.get_patient(uow, Actor("=HYPERLINK(1)", "harbour", "clinician", "10.0.0.9"), patient.id)
    rows = rows_of(list(export_audit(uow, people.ada, "csv")))
    assert [r["user_id"] for r in rows if r["action"] == "patient.read"] == ["'=HYPERLINK(1)"]


@pytest.mark.parametrize("persona", ["dr_lee", "rita", "dr_outsider"])
def test_only_an_administrator_may_export_and_the_refusal_is_audited(
    uow: FakeUnitOfWork, people, patient, persona: str
) -> None:
    with pytest.raises(PermissionDenied):
        export_audit(uow, getattr(people, persona), "csv")
    entry = uow.audit_entries()[-1]
    assert (entry.action, entry.outcome) == ("audit.export", Outcome.DENIED)


@pytest.mark.parametrize(("arguments", "field"), [
    ({"fmt": "xml"}, "format"),
    ({"fmt": "csv", "since": datetime(2026, 12, 2), "until": datetime(2026, 12, 1)}, "until"),
    # The end of time west of UTC is past the end of time in UTC.
    ({"fmt": "csv", "since": datetime(9999, 12, 31, 23, 59, tzinfo=timezone(timedelta(hours=-5)))}, "since"),
])
def test_bad_arguments_name_their_field(uow: FakeUnitOfWork, people, arguments: dict, field: str) -> None:
    with pytest.raises(InputError) as refused:
        export_audit(uow, people.ada, **arguments)
    assert refused.value.field == field
