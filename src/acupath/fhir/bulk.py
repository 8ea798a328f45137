"""Bulk Data export: a clinic's records written as NDJSON, one file per resource type, streamed.

``write_export`` reads the clinic's patients a page at a time (``services.fhir_export.export_page``:
keyset by id, each kind of record of the page in one statement, only the kinds the asked types
need), maps each patient's record with ``chart.chart_documents`` (the read API's mapping, unvalidated:
``resource_json``) and appends each resource to its type's file as one line. Memory holds one page of
patients, whatever the clinic's size; each page is its own short transaction, so an export of a large
clinic never holds a connection or a lock for long. The clinic and its staff are written once, first.

``_since``: a resource is written when its record changed after the instant: a patient's demographics
(``updated_at``), an intake or screening (when recorded), a session, adverse event or reassessment
(recorded or last amended; its Provenance too), a plan (amended, or a session recorded on it, which its
CarePlan lists). The clinic and its staff have no time of change and are always written.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from acupath.fhir.bulk_files import NdjsonFiles
from acupath.fhir.bulk_request import STAFF_TYPES
from acupath.fhir.canonical import Canon
from acupath.fhir.chart import chart_documents, record_kinds
from acupath.fhir.people import organization, practitioner, practitioner_role
from acupath.knowledge import KnowledgeBase
from acupath.services import fhir_export
from acupath.services.actor import Actor
from acupath.services.fhir_export_records import PageRecords
from acupath.services.fhir_reads import PatientChart
from acupath.services.records import Clinic, Patient, User
from acupath.services.unit_of_work import AbstractUnitOfWork

#: Patients read, mapped and written per page (one transaction to read, one to audit the page).
PAGE = 200
#: The record kinds (``PageRecords`` fields) each exported type is mapped from.
NEEDS: dict[str, tuple[str, ...]] = {
    "Patient": (), "Condition": ("intakes",), "QuestionnaireResponse": ("intakes", "reassessments"),
    "Observation": ("intakes", "reassessments"), "DetectedIssue": ("screenings", "plans"),
    "CarePlan": ("plans", "sessions"), "Procedure": ("sessions", "plans"), "AdverseEvent": ("adverse_events",),
    "Provenance": ("sessions", "adverse_events", "reassessments"),
}


@dataclass(frozen=True)
class ExportRequest:
    """What to export: the types (``bulk_request.resource_types``), ``since``, and a clinician's panel."""

    types: tuple[str, ...]
    since: datetime | None = None
    panel_of: str | None = None

    def kinds(self) -> list[str]:
        """Return the record kinds the types need, in ``PageRecords`` order."""
        needed = {kind for t in self.types for kind in NEEDS.get(t, ())}
        return [kind for kind in PageRecords.__dataclass_fields__ if kind in needed and kind != "amendments"]


def _charts(clinic: Clinic, staff: list[User], patients: list[Patient], page: PageRecords) -> Iterator[PatientChart]:
    of_patient: dict[str, PatientChart] = {p.id: PatientChart(clinic=clinic, patient=p, staff=staff) for p in patients}
    owner: dict[str, str] = {}
    for kind in ("intakes", "screenings", "plans", "sessions", "adverse_events", "reassessments"):
        for record in getattr(page, kind):
            getattr(of_patient[record.patient_id], kind).append(record)
            owner[record.id] = record.patient_id
    for amendment in page.amendments:
        of_patient[owner[amendment.record_id]].amendments.append(amendment)
    yield from of_patient.values()


def change_times(chart: PatientChart) -> dict[str, datetime]:
    """Return when each record of the chart last changed, by record id (the patient's by its own id)."""
    amended: dict[str, datetime] = {}
    for amendment in chart.amendments:
        amended[amendment.record_id] = max(amendment.amended_at, amended.get(amendment.record_id, amendment.amended_at))
    times = {chart.patient.id: chart.patient.updated_at}
    times.update((i.id, i.recorded_at) for i in chart.intakes)
    times.update((s.id, s.screened_at) for s in chart.screenings)
    for record in (*chart.sessions, *chart.adverse_events, *chart.reassessments):
        times[record.id] = max(record.recorded_at, amended.get(record.id, record.recorded_at))
    for plan in chart.plans:
        times[plan.id] = max([plan.updated_at, *(times[s.id] for s in chart.sessions if s.plan_id == plan.id)])
    return times


def changed_since(body: dict[str, Any], times: dict[str, datetime], since: datetime) -> bool:
    """Return True when the record ``body`` was mapped from changed after ``since``."""
    named = record_kinds(body["resourceType"], body["id"])
    record_id = named[1] if named is not None else body["id"]
    changed = times.get(record_id)
    return changed is None or changed > since


def staff_documents(clinic: Clinic, staff: list[User], canon: Canon, types: Collection[str]) -> Iterator[dict[str, Any]]:
    """Yield the JSON of the clinic and its staff of ``types`` (Organization, Practitioner, PractitionerRole)."""
    if "Organization" in types:
        yield organization.body(clinic)
    if "Practitioner" in types:
        yield from (practitioner.body(user, canon) for user in staff)
    if "PractitionerRole" in types:
        yield from (practitioner_role.body(user) for user in staff)


def write_export(uow_factory: Callable[[], AbstractUnitOfWork], actor: Actor, export_id: str, request: ExportRequest,
                 directory: Path, kb: KnowledgeBase, canon: Canon, *, tracked: bool = True,
                 page_size: int = PAGE) -> list[dict[str, Any]] | None:
    """Write the export's NDJSON files into ``directory`` and return them (``{"type", "file", "count"}``
    in ``request.types`` order); None when the export was cancelled meanwhile (its files removed).

    ``tracked``: the export is a stored job whose progress is noted each page and whose cancellation
    stops it (the API); the command line's is not. Raises ``PermissionDenied`` (reception) and whatever
    the storage raises (the caller marks the job failed).
    """
    files = NdjsonFiles(directory, request.types)
    try:
        clinic, staff = fhir_export.export_staff(uow_factory(), actor)
        for body in staff_documents(clinic, staff, canon, request.types):
            files.write(body)
        patient_types = [t for t in request.types if t not in STAFF_TYPES]
        kinds, after, done = request.kinds(), None, 0
        while patient_types:
            patients, page = fhir_export.export_page(uow_factory(), actor, after=after, limit=page_size, kinds=kinds,
                                                     panel_of=request.panel_of)
            if not patients:
                break
            written = []
            for chart in _charts(clinic, staff, patients, page):
                times = change_times(chart) if request.since is not None else {}
                count = 0
                for body in chart_documents(chart, kb, canon, types=patient_types, staff=False):
                    if request.since is None or changed_since(body, times, request.since):
                        files.write(body)
                        count += 1
                if count:
                    written.append(chart.patient.id)
            files.flush()
            done += len(patients)
            if not fhir_export.page_written(uow_factory(), actor, export_id, written, done, tracked=tracked):
                files.remove()
                return None
            after = patients[-1].id
        return files.close()
    except BaseException:
        files.remove()
        raise
