"""The abstract unit of work: one transaction, and the repositories that take part in it.

Use it as a context manager (cosmicpython, chapter 6)::

    with uow:
        uow.patients.add(patient)
        uow.commit()

Leaving the block without ``commit()`` rolls back, so a half-done write never stays. Only the unit
of work commits; repositories never do.
"""

from __future__ import annotations

import abc
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from acupath.services import repositories as repo
from acupath.services.between_visits import repositories as between
from acupath.services.fhir_export_records import BulkRecords, ExportJobs
from acupath.services.login_throttle import LoginFailures
from acupath.services.portal import repositories as portal
from acupath.services.records.summaries import PlanAtSession, PlanCourse
from acupath.services.sign_ins import SignIns


def utc_now() -> datetime:
    """Return the current time in UTC (the default clock of a unit of work)."""
    return datetime.now(UTC)


class AbstractUnitOfWork(abc.ABC):
    """A transaction over every repository. Subclasses set the repositories in ``__enter__``."""

    clinics: repo.ClinicRepository
    users: repo.UserRepository
    patients: repo.PatientRepository
    intakes: repo.IntakeRepository
    screenings: repo.ScreeningRepository
    plans: repo.PlanRepository
    sessions: repo.SessionRepository
    adverse_events: repo.AdverseEventRepository
    reassessments: repo.ReassessmentRepository
    amendments: repo.AmendmentRepository
    #: Between visits: questionnaires assigned, crisis contacts, urgent tasks, homework.
    assignments: between.AssignmentRepository
    crisis_contacts: between.CrisisContactRepository
    urgent_tasks: between.UrgentTaskRepository
    homework: between.HomeworkRepository
    audit: repo.AuditLog
    revoked_tokens: repo.TokenRevocations
    sign_ins: SignIns
    login_failures: LoginFailures
    portal_accounts: portal.PortalAccountRepository
    portal_links: portal.PortalLinkRepository
    portal_sign_ins: portal.PortalSignInRepository
    #: FHIR Bulk Data exports: their jobs, and the clinic's records a page of patients at a time.
    export_jobs: ExportJobs
    bulk_records: BulkRecords

    #: Where services read the time for records and audit entries; tests freeze it.
    clock: Callable[[], datetime] = staticmethod(utc_now)

    def __enter__(self) -> AbstractUnitOfWork:
        return self

    def plan_course(self, clinic_id: str, plan_id: str) -> PlanCourse | None:
        """Return the clinic's plan with its sessions and its patient's reassessments, or None (no such plan)."""
        head = self.plans.head(clinic_id, plan_id)
        if head is None:
            return None
        return PlanCourse(head=head, sessions=self.sessions.summaries(clinic_id, plan_id),
                          reassessments=self.reassessments.summaries_for_patient(clinic_id, head.patient_id))

    def plan_at_session(self, clinic_id: str, plan_id: str) -> PlanAtSession | None:
        """Return the clinic's plan with its screening and next session number, or None (no such plan).

        Reading the next number locks the plan (``SessionRepository.next_number``) until the commit.
        """
        head = self.plans.head(clinic_id, plan_id)
        if head is None:
            return None
        screenings = self.screenings.list_for_patient(clinic_id, head.patient_id)
        return PlanAtSession(head=head, screening=self.screenings.get(clinic_id, head.screening_id),
                             next_number=self.sessions.next_number(clinic_id, plan_id),
                             latest_screening_id=screenings[-1].id if screenings else None)

    def __exit__(self, *args: Any) -> None:
        # Anything not committed is undone; rolling back after a commit is harmless.
        self.rollback()

    @abc.abstractmethod
    def commit(self) -> None:
        """Make every change since the last commit permanent."""

    @abc.abstractmethod
    def rollback(self) -> None:
        """Undo every change since the last commit."""
