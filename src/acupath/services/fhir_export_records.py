"""What a FHIR Bulk Data export keeps, and the repositories it reads and writes through.

``ExportJob`` is one ``$export`` request from kick-off to expiry, kept in the database (migration 0014,
``fhir_export_jobs``) so that every worker process of the server answers its status, not only the one
running it. ``BulkRecords`` reads a clinic's patients in keyset pages (by id) and the records of one
page of patients in one statement per kind, so an export's memory follows the page, not the clinic.
"""

from __future__ import annotations

import abc
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from acupath.services.records import (
    AdverseEvent,
    Amendment,
    IntakeRecord,
    Patient,
    PlanRecord,
    Reassessment,
    ScreeningRecord,
    SessionRecord,
)


class ExportState(StrEnum):
    """Where an export is: queued and running ones have no files to give yet."""

    QUEUED = "queued"
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


class ExportLevel(StrEnum):
    """The Bulk Data IG's kick-off endpoints: ``/$export``, ``/Patient/$export``, ``/Group/{id}/$export``."""

    SYSTEM = "system"
    PATIENT = "patient"
    GROUP = "group"


@dataclass(kw_only=True)
class ExportJob:
    """One bulk export of a clinic's records.

    ``types`` are the resource types asked for; ``since`` the ``_since`` instant (None: everything);
    ``group_id`` the Group of a group-level export (a clinician's panel: ``panel-<user id>``);
    ``transaction_time`` the kick-off's time (the manifest's ``transactionTime``). ``output`` lists the
    files written, each ``{"type", "file", "count"}``; ``patients_done`` counts the patients read so far
    (the status's ``X-Progress``). ``updated_at`` moves with every page the worker writes.
    """

    id: str
    clinic_id: str
    requested_by: str
    level: ExportLevel
    group_id: str | None = None
    types: list[str]
    since: datetime | None = None
    request_url: str
    state: ExportState = ExportState.QUEUED
    transaction_time: datetime
    updated_at: datetime
    expires_at: datetime | None = None
    patients_done: int = 0
    output: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None


@dataclass(kw_only=True)
class PageRecords:
    """The records of one page of patients (or, as ``fhir_reads.PatientChart``, of one patient), by kind, each
    list ordered as ``list_for_patient`` orders it."""

    intakes: list[IntakeRecord] = field(default_factory=list)
    screenings: list[ScreeningRecord] = field(default_factory=list)
    plans: list[PlanRecord] = field(default_factory=list)
    sessions: list[SessionRecord] = field(default_factory=list)
    adverse_events: list[AdverseEvent] = field(default_factory=list)
    reassessments: list[Reassessment] = field(default_factory=list)
    amendments: list[Amendment] = field(default_factory=list)


class ExportJobs(abc.ABC):
    """The bulk exports of every clinic."""

    @abc.abstractmethod
    def add(self, job: ExportJob) -> None:
        """Store a new export."""

    @abc.abstractmethod
    def get(self, clinic_id: str, job_id: str) -> ExportJob | None:
        """Return the clinic's export, or None (also for another clinic's id)."""

    @abc.abstractmethod
    def update(self, job: ExportJob) -> None:
        """Store the export's state, progress, output, error, expiry and ``updated_at``."""

    @abc.abstractmethod
    def active(self, clinic_id: str) -> list[ExportJob]:
        """Return the clinic's queued and running exports."""

    @abc.abstractmethod
    def expired(self, now: datetime) -> list[ExportJob]:
        """Return every clinic's completed or failed exports whose files expire before ``now``."""


class BulkRecords(abc.ABC):
    """A clinic's patients and records read in pages for a bulk export."""

    @abc.abstractmethod
    def patients_after(self, clinic_id: str, after: str | None, limit: int, *,
                       panel_of: str | None = None) -> list[Patient]:
        """Return up to ``limit`` of the clinic's patients with an id above ``after``, by id.

        ``panel_of``: only the patients of that clinician's panel (a plan they created or a session they
        gave), else every patient.
        """

    @abc.abstractmethod
    def records_of(self, clinic_id: str, patient_ids: list[str], kinds: Collection[str]) -> PageRecords:
        """Return the clinic's records of ``kinds`` (``PageRecords`` field names) of these patients."""

    @abc.abstractmethod
    def clinic_ids(self) -> list[str]:
        """Return the id of every clinic (the command line exports the only one without asking)."""
