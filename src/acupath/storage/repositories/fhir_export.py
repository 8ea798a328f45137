"""Repositories of the FHIR bulk export: its jobs, and a clinic's records read a page of patients at a time.

``SqlBulkRecords`` reads patients in keyset pages by id (the primary key's index: a page costs the
page, wherever it is in the clinic) and then each kind of record of the page's patients with one
``patient_id IN (...)`` statement, through the ``(clinic_id, patient_id, ...)`` index every clinical
table has: about ten statements a page, whatever the page's size. The rows are read as Core rows, not
ORM objects (``_records`` says why).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import exists, or_, select, update

from acupath.services.fhir_export_records import BulkRecords, ExportJob, ExportJobs, ExportState, PageRecords
from acupath.services.records import Patient
from acupath.storage.repositories.base import SqlRepository
from acupath.storage.tables import (
    AdverseEventRow,
    AmendmentRow,
    ClinicRow,
    IntakeRow,
    PatientRow,
    PlanOverrideRow,
    PlanRow,
    ReassessmentRow,
    ScreeningRow,
    SessionPointRow,
    SessionRow,
)
from acupath.storage.tables.fhir_exports import ExportJobRow

#: Each kind of ``PageRecords``: its table and the order ``list_for_patient`` gives (patient first).
_KINDS: dict[str, tuple[Any, tuple[Any, ...]]] = {
    "intakes": (IntakeRow, (IntakeRow.recorded_at, IntakeRow.id)),
    "screenings": (ScreeningRow, (ScreeningRow.screened_at, ScreeningRow.id)),
    "plans": (PlanRow, (PlanRow.created_at, PlanRow.id)),
    "sessions": (SessionRow, (SessionRow.session_date, SessionRow.number)),
    "adverse_events": (AdverseEventRow, (AdverseEventRow.occurred_on, AdverseEventRow.recorded_at)),
    "reassessments": (ReassessmentRow, (ReassessmentRow.assessed_on, ReassessmentRow.recorded_at)),
}
#: The amended kinds: amendments are read for the records of these whose version is above 1.
_AMENDED = {"sessions": "session", "adverse_events": "adverse_event", "reassessments": "reassessment"}


_points = SessionPointRow.__table__
_overrides = PlanOverrideRow.__table__


class _View:
    """A Core row as a table's ``to_domain`` reads it, with its children (points, overrides) set."""

    def __init__(self, row: Any, **children: list[_Child]) -> None:
        self._row = row
        self.__dict__.update(children)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._row, name)


class _Child:
    """A child record already read (``to_domain`` returns it), for a parent's ``to_domain``."""

    def __init__(self, record: Any) -> None:
        self.record = record

    def to_domain(self) -> Any:
        """Return the record."""
        return self.record


class SqlExportJobs(SqlRepository, ExportJobs):
    """Bulk exports in the database."""

    def add(self, job: ExportJob) -> None:
        self.insert(f"export {job.id}", ExportJobRow.__table__, ExportJobRow.values_of(job))

    def get(self, clinic_id: str, job_id: str) -> ExportJob | None:
        return self.one(ExportJobRow, clinic_id, job_id)

    def update(self, job: ExportJob) -> None:
        values = ExportJobRow.values_of(job)
        self.session.execute(update(ExportJobRow).where(ExportJobRow.id == job.id, ExportJobRow.clinic_id == job.clinic_id)
                             .values({name: values[name] for name in ExportJobRow.CHANGING})
                             .execution_options(synchronize_session=False))

    def active(self, clinic_id: str) -> list[ExportJob]:
        rows = self.session.scalars(select(ExportJobRow).where(
            ExportJobRow.clinic_id == clinic_id,
            ExportJobRow.state.in_((ExportState.QUEUED.value, ExportState.RUNNING.value))))
        return [row.to_domain() for row in rows]

    def expired(self, now: datetime) -> list[ExportJob]:
        rows = self.session.scalars(select(ExportJobRow).where(
            ExportJobRow.expires_at < now,
            ExportJobRow.state.in_((ExportState.COMPLETED.value, ExportState.FAILED.value))))
        return [row.to_domain() for row in rows]


class SqlBulkRecords(SqlRepository, BulkRecords):
    """A clinic's patients and records, a page at a time."""

    def patients_after(self, clinic_id: str, after: str | None, limit: int, *,
                       panel_of: str | None = None) -> list[Patient]:
        query = select(PatientRow).where(PatientRow.clinic_id == clinic_id)
        if after is not None:
            query = query.where(PatientRow.id > after)
        if panel_of is not None:
            query = query.where(or_(
                exists().where(PlanRow.clinic_id == clinic_id, PlanRow.patient_id == PatientRow.id,
                               PlanRow.created_by == panel_of),
                exists().where(SessionRow.clinic_id == clinic_id, SessionRow.patient_id == PatientRow.id,
                               SessionRow.practitioner_id == panel_of)))
        rows = self.session.scalars(query.order_by(PatientRow.id).limit(limit))
        return [row.to_domain() for row in rows]

    def records_of(self, clinic_id: str, patient_ids: list[str], kinds: Collection[str]) -> PageRecords:
        page = PageRecords()
        if not patient_ids:
            return page
        for kind in kinds:
            row_type, order = _KINDS[kind]
            rows = self.session.execute(select(row_type.__table__).where(
                row_type.clinic_id == clinic_id, row_type.patient_id.in_(patient_ids)
            ).order_by(row_type.patient_id, *order)).all()
            setattr(page, kind, self._records(kind, row_type, rows))
        amended = [(_AMENDED[kind], record.id) for kind in kinds if kind in _AMENDED
                   for record in getattr(page, kind) if record.version > 1]
        if amended:
            rows = self.session.scalars(select(AmendmentRow).where(
                AmendmentRow.clinic_id == clinic_id,
                AmendmentRow.record_type.in_({kind for kind, _ in amended}),
                AmendmentRow.record_id.in_([record_id for _, record_id in amended]),
            ).order_by(AmendmentRow.record_type, AmendmentRow.record_id, AmendmentRow.version))
            page.amendments = [row.to_domain() for row in rows]
        return page

    def _records(self, kind: str, row_type: Any, rows: list[Any]) -> list[Any]:
        # Core rows read through the tables' own ``to_domain`` (attribute access is all it uses): ORM
        # objects cost two thirds of an export's CPU (1,000 demo patients, 55,480 resources: 6.4 of
        # 9.8 s), most of it the sessions' needled points, 8 a session.
        if kind == "sessions":
            points: dict[str, list[_Child]] = {}
            for point in self.session.execute(select(_points).where(
                    _points.c.session_id.in_([row.id for row in rows])).order_by(_points.c.session_id,
                                                                                _points.c.position)):
                points.setdefault(point.session_id, []).append(_Child(SessionPointRow.to_domain(point)))
            return [row_type.to_domain(_View(row, points=points.get(row.id, []))) for row in rows]
        if kind == "plans":
            overrides: dict[str, list[_Child]] = {}
            for override in self.session.execute(select(_overrides).where(
                    _overrides.c.plan_id.in_([row.id for row in rows])).order_by(_overrides.c.id)):
                overrides.setdefault(override.plan_id, []).append(_Child(PlanOverrideRow.to_domain(override)))
            return [row_type.to_domain(_View(row, overrides=overrides.get(row.id, []))) for row in rows]
        return [row_type.to_domain(row) for row in rows]

    def clinic_ids(self) -> list[str]:
        return list(self.session.scalars(select(ClinicRow.id).order_by(ClinicRow.id)))
