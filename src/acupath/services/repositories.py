"""The repositories a unit of work offers: abstract, so services never see a database.

Every lookup of patient data takes the clinic id, so a record of another clinic is simply not found
(``None``): clinic isolation is part of each query, not a check after it. Updatable records (patients,
plans) take the version the caller read; the store refuses a stale one with ``Conflict``.
"""

from __future__ import annotations

import abc
from datetime import datetime

from acupath.services.records import (
    AdverseEvent,
    Amendment,
    AuditEntry,
    AuditQuery,
    Clinic,
    IntakeRecord,
    Patient,
    PlanRecord,
    PlanRevision,
    Reassessment,
    RecordOwner,
    RevokedToken,
    ScreeningRecord,
    SessionRecord,
    User,
)
from acupath.services.records.listings import NameSearch, ScheduledSession, SchedulePlan, Total
from acupath.services.records.summaries import (
    PlanHead,
    ReassessmentSummary,
    SessionSummary,
    flags_of,
    totals_of,
)


class ClinicRepository(abc.ABC):
    """Clinics."""

    @abc.abstractmethod
    def add(self, clinic: Clinic) -> None:
        """Store a new clinic."""

    @abc.abstractmethod
    def get(self, clinic_id: str) -> Clinic | None:
        """Return the clinic, or None."""

    @abc.abstractmethod
    def update(self, clinic: Clinic) -> None:
        """Store changes to a clinic (name, locale). Raises ``NotFound`` when it does not exist."""


class UserRepository(abc.ABC):
    """Users (emails are unique across all clinics: one login, one clinic)."""

    @abc.abstractmethod
    def add(self, user: User) -> None:
        """Store a new user. Raises ``Conflict`` if the email is taken."""

    @abc.abstractmethod
    def get(self, user_id: str) -> User | None:
        """Return the user, or None."""

    @abc.abstractmethod
    def get_by_email(self, email: str) -> User | None:
        """Return the user with this (lower-cased) email, or None."""

    @abc.abstractmethod
    def update(self, user: User) -> None:
        """Store changes to a user (role, active, password hash); never its ``last_sign_in_at``."""

    @abc.abstractmethod
    def record_sign_in(self, user_id: str, at: datetime) -> None:
        """Store that the user signed in at ``at``, and nothing else of them.

        Only that field is written, so a copy of the user read before a slow password check never
        undoes a change of role or access made meanwhile.
        """

    @abc.abstractmethod
    def list(self, clinic_id: str) -> list[User]:
        """Return the clinic's users, by email."""

    @abc.abstractmethod
    def page(self, clinic_id: str, offset: int, limit: int) -> tuple[list[User], int]:
        """Return one page of the clinic's users by email, and how many the clinic has."""


class PatientRepository(abc.ABC):
    """Patients' demographics."""

    @abc.abstractmethod
    def add(self, patient: Patient) -> None:
        """Store a new patient. Raises ``Conflict`` if the clinic already uses the MRN."""

    @abc.abstractmethod
    def get(self, clinic_id: str, patient_id: str) -> Patient | None:
        """Return the clinic's patient, or None (also for another clinic's id)."""

    @abc.abstractmethod
    def search(self, clinic_id: str, search: NameSearch | None, after: Patient | None, limit: int) -> list[Patient]:
        """Return up to ``limit`` of the clinic's patients after ``after``, by family name, given name, id.

        With ``search``: only patients whose MRN or id is its whole text, or whose names match it
        (``NameSearch``). Read through indexes, so the cost follows the page, not the clinic.
        """

    @abc.abstractmethod
    def count(self, clinic_id: str, search: NameSearch | None, cap: int) -> Total:
        """Return how many patients ``search`` finds (every patient without one), exact up to ``cap``."""

    @abc.abstractmethod
    def update(self, patient: Patient, expected_version: int) -> None:
        """Store ``patient`` as version ``expected_version + 1``. Raises ``Conflict`` if stale."""


class IntakeRepository(abc.ABC):
    """Intakes."""

    @abc.abstractmethod
    def add(self, intake: IntakeRecord) -> None:
        """Store a new intake."""

    @abc.abstractmethod
    def get(self, clinic_id: str, intake_id: str) -> IntakeRecord | None:
        """Return the clinic's intake, or None."""

    @abc.abstractmethod
    def list_for_patient(self, clinic_id: str, patient_id: str) -> list[IntakeRecord]:
        """Return the patient's intakes, oldest first."""

    @abc.abstractmethod
    def page_for_patient(self, clinic_id: str, patient_id: str, offset: int, limit: int) -> tuple[list[IntakeRecord], int]:
        """Return one page of the patient's intakes, oldest first, and how many there are."""


class ScreeningRepository(abc.ABC):
    """Screenings."""

    @abc.abstractmethod
    def add(self, screening: ScreeningRecord) -> None:
        """Store a new screening."""

    @abc.abstractmethod
    def get(self, clinic_id: str, screening_id: str) -> ScreeningRecord | None:
        """Return the clinic's screening, or None."""

    @abc.abstractmethod
    def list_for_patient(self, clinic_id: str, patient_id: str) -> list[ScreeningRecord]:
        """Return the patient's screenings, oldest first."""


class PlanRepository(abc.ABC):
    """Plans, their revisions and overrides."""

    @abc.abstractmethod
    def add(self, plan: PlanRecord) -> None:
        """Store a new plan (version 1) with its overrides and its first revision."""

    @abc.abstractmethod
    def get(self, clinic_id: str, plan_id: str) -> PlanRecord | None:
        """Return the clinic's plan with its overrides, or None."""

    def head(self, clinic_id: str, plan_id: str) -> PlanHead | None:
        """Return the clinic's plan without its document and overrides, or None (stores do it faster)."""
        plan = self.get(clinic_id, plan_id)
        if plan is None:
            return None
        return PlanHead(id=plan.id, patient_id=plan.patient_id, screening_id=plan.screening_id,
                        status=plan.status, version=plan.version)

    @abc.abstractmethod
    def list_for_patient(self, clinic_id: str, patient_id: str) -> list[PlanRecord]:
        """Return the patient's plans, oldest first."""

    @abc.abstractmethod
    def page_for_patient(self, clinic_id: str, patient_id: str, offset: int, limit: int) -> tuple[list[PlanRecord], int]:
        """Return one page of the patient's plans, oldest first, and how many there are."""

    @abc.abstractmethod
    def update(self, plan: PlanRecord, expected_version: int, note: str = "") -> None:
        """Store ``plan`` as version ``expected_version + 1``, keep a revision, add new overrides.

        Raises ``Conflict`` if the stored version is no longer ``expected_version``.
        """

    @abc.abstractmethod
    def revisions(self, clinic_id: str, plan_id: str) -> list[PlanRevision]:
        """Return every stored version of the plan, oldest first."""

    @abc.abstractmethod
    def revisions_page(self, clinic_id: str, plan_id: str, offset: int, limit: int) -> tuple[list[PlanRevision], int]:
        """Return one page of the plan's versions, oldest first, and how many there are."""


class SessionRepository(abc.ABC):
    """Session records."""

    @abc.abstractmethod
    def add(self, session: SessionRecord) -> None:
        """Store a new session record. Raises ``Conflict`` if the plan already has that number."""

    @abc.abstractmethod
    def get(self, clinic_id: str, session_id: str) -> SessionRecord | None:
        """Return the clinic's session record, or None."""

    @abc.abstractmethod
    def list_for_plan(self, clinic_id: str, plan_id: str) -> list[SessionRecord]:
        """Return the plan's sessions by number."""

    def summaries(self, clinic_id: str, plan_id: str) -> list[SessionSummary]:
        """Return the number, date and pain of the plan's sessions, by number (stores do it faster)."""
        return [SessionSummary(number=s.number, session_date=s.session_date, pain_before=s.pain_before,
                               pain_after=s.pain_after) for s in self.list_for_plan(clinic_id, plan_id)]

    def next_number(self, clinic_id: str, plan_id: str) -> int:
        """Return the number after the plan's highest session number (1 for none; stores do it faster)."""
        return max((s.number for s in self.list_for_plan(clinic_id, plan_id)), default=0) + 1

    @abc.abstractmethod
    def page_for_plan(self, clinic_id: str, plan_id: str, offset: int, limit: int) -> tuple[list[SessionRecord], int]:
        """Return one page of the plan's sessions by number, and how many the plan has."""

    @abc.abstractmethod
    def schedule(self, clinic_id: str, patient_id: str, after: ScheduledSession | None,
                 limit: int) -> list[ScheduledSession]:
        """Return up to ``limit`` of the patient's sessions after ``after``, by date, number and id."""

    @abc.abstractmethod
    def schedule_entry(self, clinic_id: str, patient_id: str, session_id: str) -> ScheduledSession | None:
        """Return the patient's session as the schedule shows it, or None (not the clinic's patient's)."""

    @abc.abstractmethod
    def schedule_plans(self, clinic_id: str, patient_id: str) -> list[SchedulePlan]:
        """Return the patient's plans with their status, oldest first (no documents)."""

    @abc.abstractmethod
    def list_for_patient(self, clinic_id: str, patient_id: str) -> list[SessionRecord]:
        """Return the patient's sessions by date and number."""

    @abc.abstractmethod
    def update(self, session: SessionRecord, expected_version: int) -> None:
        """Store ``session`` (with its points) as version ``expected_version + 1``.

        Raises ``Conflict`` if the stored version is no longer ``expected_version`` or the number is taken.
        """


class AdverseEventRepository(abc.ABC):
    """Adverse events."""

    @abc.abstractmethod
    def add(self, event: AdverseEvent) -> None:
        """Store a new adverse event."""

    @abc.abstractmethod
    def get(self, clinic_id: str, event_id: str) -> AdverseEvent | None:
        """Return the clinic's adverse event, or None."""

    @abc.abstractmethod
    def update(self, event: AdverseEvent, expected_version: int) -> None:
        """Store ``event`` as version ``expected_version + 1``. Raises ``Conflict`` if stale."""

    @abc.abstractmethod
    def list_for_patient(self, clinic_id: str, patient_id: str) -> list[AdverseEvent]:
        """Return the patient's adverse events, oldest first."""

    @abc.abstractmethod
    def page_for_patient(self, clinic_id: str, patient_id: str, offset: int, limit: int) -> tuple[list[AdverseEvent], int]:
        """Return one page of the patient's adverse events, oldest first, and how many there are."""


class ReassessmentRepository(abc.ABC):
    """Reassessments."""

    @abc.abstractmethod
    def add(self, reassessment: Reassessment) -> None:
        """Store a new reassessment."""

    @abc.abstractmethod
    def get(self, clinic_id: str, reassessment_id: str) -> Reassessment | None:
        """Return the clinic's reassessment, or None."""

    @abc.abstractmethod
    def update(self, reassessment: Reassessment, expected_version: int) -> None:
        """Store ``reassessment`` as version ``expected_version + 1``. Raises ``Conflict`` if stale."""

    @abc.abstractmethod
    def list_for_patient(self, clinic_id: str, patient_id: str) -> list[Reassessment]:
        """Return the patient's reassessments by date."""

    @abc.abstractmethod
    def page_for_patient(self, clinic_id: str, patient_id: str, offset: int, limit: int) -> tuple[list[Reassessment], int]:
        """Return one page of the patient's reassessments by date, and how many there are."""

    def summaries_for_patient(self, clinic_id: str, patient_id: str) -> list[ReassessmentSummary]:
        """Return the patient's reassessments by date without their answers (stores do it faster)."""
        return [ReassessmentSummary(plan_id=r.plan_id, assessed_on=r.assessed_on,
                                    session_number=r.session_number, totals=totals_of(r.scores),
                                    flags=flags_of(r.scores))
                for r in self.list_for_patient(clinic_id, patient_id)]


class AmendmentRepository(abc.ABC):
    """What sessions, adverse events and reassessments were before each amendment (append-only)."""

    @abc.abstractmethod
    def add(self, amendment: Amendment) -> None:
        """Keep an amendment. Raises ``Conflict`` if that version of the record was amended already."""

    @abc.abstractmethod
    def list_for(self, clinic_id: str, record_type: str, record_id: str) -> list[Amendment]:
        """Return the clinic's amendments of one record, oldest version first."""


class AuditLog(abc.ABC):
    """The append-only audit log."""

    @abc.abstractmethod
    def add(self, entry: AuditEntry) -> None:
        """Append an entry."""

    @abc.abstractmethod
    def list(
        self, clinic_id: str | None, *, patient_id: str | None = None, offset: int = 0, limit: int = 100
    ) -> list[AuditEntry]:
        """Return entries of the clinic (optionally about one patient), oldest first."""

    @abc.abstractmethod
    def search(self, clinic_id: str, query: AuditQuery, after: tuple[datetime, int] | None,
               limit: int) -> list[AuditEntry]:
        """Return up to ``limit`` of the clinic's entries matching ``query`` before the entry at ``after``
        (its time and id), newest first (by time, then id)."""

    @abc.abstractmethod
    def count(self, clinic_id: str, query: AuditQuery, cap: int) -> Total:
        """Return how many of the clinic's entries match ``query``, exact up to ``cap``."""

    @abc.abstractmethod
    def owner_of(self, record_type: str, record_id: str) -> RecordOwner | None:
        """Return the clinic and patient of the record ``record_type`` ``record_id`` in any clinic, or None.

        For auditing a refusal only (whose log it belongs in, which patient it was about): never to serve
        a record. ``record_type`` is a table's kind (``patient``, ``intake``, ``plan``, ...); an unknown
        kind is None.
        """

    @abc.abstractmethod
    def export_batch(self, clinic_id: str, query: AuditQuery, after_id: int, through_id: int,
                     limit: int) -> list[AuditEntry]:
        """Return up to ``limit`` of the clinic's entries matching ``query`` with ``after_id`` < id <=
        ``through_id``, oldest first (the export reads the log in such batches)."""


class TokenRevocations(abc.ABC):
    """Login tokens revoked at logout (shared by every API worker on the database)."""

    @abc.abstractmethod
    def add(self, token: RevokedToken) -> None:
        """Record the revocation (revoking a token twice is harmless)."""

    @abc.abstractmethod
    def is_revoked(self, token_id: str) -> bool:
        """Return True if the token with this id was revoked."""

    @abc.abstractmethod
    def use_once(self, token: RevokedToken) -> bool:
        """Revoke the token at its first use: return True for that use, False when it was revoked before.

        One statement that is atomic on every worker (a single-use CDS Hooks JWT, ``services.cds_hooks``).
        """

    @abc.abstractmethod
    def purge(self, now: datetime) -> int:
        """Forget revocations of tokens that expired before ``now`` (they are refused anyway); return how many."""
