"""In-memory repositories of the clinic's records: clinics, users, patients, intakes, screenings,
plans, sessions, adverse events, reassessments and amendments (``service_fakes.FakeUnitOfWork``)."""

from __future__ import annotations

import copy
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

from fake_store import _capped, _page, _Repo

from acupath.errors import Conflict, NotFound
from acupath.services import repositories as abstract
from acupath.services.records import (
    AdverseEvent,
    Amendment,
    Clinic,
    IntakeRecord,
    Patient,
    PlanRecord,
    PlanRevision,
    Reassessment,
    ScreeningRecord,
    SessionRecord,
    User,
)
from acupath.services.records.listings import NameSearch, ScheduledSession, SchedulePlan, Total

if TYPE_CHECKING:
    from service_fakes import FakeUnitOfWork


class FakeClinics(_Repo, abstract.ClinicRepository):
    table = "clinics"

    def add(self, clinic: Clinic) -> None:
        self._put(clinic)

    def get(self, clinic_id: str) -> Clinic | None:
        record = self.rows.get(clinic_id)
        return copy.deepcopy(record)

    def update(self, clinic: Clinic) -> None:
        if clinic.id not in self.rows:
            raise NotFound(f"no clinic {clinic.id!r}")
        self.rows[clinic.id] = copy.deepcopy(clinic)


class FakeUsers(_Repo, abstract.UserRepository):
    table = "users"

    def add(self, user: User) -> None:
        if any(u.email == user.email for u in self.rows.values()):
            raise Conflict(f"user {user.email} conflicts with a stored record")
        self._put(user)

    def get(self, user_id: str) -> User | None:
        return copy.deepcopy(self.rows.get(user_id))

    def get_by_email(self, email: str) -> User | None:
        return next((copy.deepcopy(u) for u in self.rows.values() if u.email == email), None)

    def update(self, user: User) -> None:
        stored = self.rows.get(user.id)
        self.rows[user.id] = replace(copy.deepcopy(user), last_sign_in_at=stored.last_sign_in_at
                                                 if stored else None)

    def record_sign_in(self, user_id: str, at: datetime) -> None:
        if user_id in self.rows:
            self.rows[user_id] = replace(self.rows[user_id], last_sign_in_at=at)

    def list(self, clinic_id: str) -> list[User]:
        return sorted((copy.deepcopy(u) for u in self.rows.values() if u.clinic_id == clinic_id),
                      key=lambda u: u.email)

    def page(self, clinic_id: str, offset: int, limit: int) -> tuple[list[User], int]:
        return _page(self.list(clinic_id), offset, limit)


class FakePatients(_Repo, abstract.PatientRepository):
    table = "patients"

    def add(self, patient: Patient) -> None:
        if patient.mrn and any(p.clinic_id == patient.clinic_id and p.mrn == patient.mrn for p in self.rows.values()):
            raise Conflict(f"patient (MRN {patient.mrn}) conflicts with a stored record")
        self._put(patient)

    def get(self, clinic_id: str, patient_id: str) -> Patient | None:
        return self._get(clinic_id, patient_id)

    def _found(self, clinic_id: str, search: NameSearch | None) -> list[Patient]:
        # The rule the databases' indexes answer, as NameSearch states it: an exact MRN or id alone.
        mine = [p for p in self.rows.values() if p.clinic_id == clinic_id]
        exact = [p for p in mine if search is not None and (p.mrn in search.mrns or p.id == search.text)]
        found = exact or [p for p in mine if search is None or search.matches_names(p.given_name, p.family_name)]
        return sorted(found, key=lambda p: (p.family_name, p.given_name, p.id))

    def search(self, clinic_id: str, search: NameSearch | None, after: Patient | None, limit: int) -> list[Patient]:
        found = self._found(clinic_id, search)
        if after is not None:
            found = [p for p in found if (p.family_name, p.given_name, p.id) > (after.family_name, after.given_name, after.id)]
        return [copy.deepcopy(p) for p in found[:limit]]

    def count(self, clinic_id: str, search: NameSearch | None, cap: int) -> Total:
        return _capped(len(self._found(clinic_id, search)), cap)

    def update(self, patient: Patient, expected_version: int) -> None:
        stored = self.rows.get(patient.id)
        if stored is None or stored.clinic_id != patient.clinic_id or stored.version != expected_version:
            raise Conflict(f"patient {patient.id} was changed since version {expected_version}")
        self.rows[patient.id] = copy.deepcopy(patient)
        self.rows[patient.id].version = expected_version + 1


class FakeIntakes(_Repo, abstract.IntakeRepository):
    table = "intakes"

    def add(self, intake: IntakeRecord) -> None:
        self._put(intake)

    def get(self, clinic_id: str, intake_id: str) -> IntakeRecord | None:
        return self._get(clinic_id, intake_id)

    def list_for_patient(self, clinic_id: str, patient_id: str) -> list[IntakeRecord]:
        return self._of_patient(clinic_id, patient_id)


class FakeScreenings(_Repo, abstract.ScreeningRepository):
    table = "screenings"

    def add(self, screening: ScreeningRecord) -> None:
        self._put(screening)

    def get(self, clinic_id: str, screening_id: str) -> ScreeningRecord | None:
        return self._get(clinic_id, screening_id)

    def list_for_patient(self, clinic_id: str, patient_id: str) -> list[ScreeningRecord]:
        return self._of_patient(clinic_id, patient_id)


class FakePlans(_Repo, abstract.PlanRepository):
    table = "plans"

    def add(self, plan: PlanRecord) -> None:
        self._put(plan)
        self.uow.working.revisions.append(PlanRevision(
            plan_id=plan.id, version=plan.version, plan=copy.deepcopy(plan.plan), screening_id=plan.screening_id,
            status=plan.status, at=plan.updated_at, by=plan.updated_by, note="created"))

    def get(self, clinic_id: str, plan_id: str) -> PlanRecord | None:
        return self._get(clinic_id, plan_id)

    def list_for_patient(self, clinic_id: str, patient_id: str) -> list[PlanRecord]:
        return self._of_patient(clinic_id, patient_id)

    def update(self, plan: PlanRecord, expected_version: int, note: str = "") -> None:
        stored = self.rows.get(plan.id)
        if stored is None or stored.clinic_id != plan.clinic_id or stored.version != expected_version:
            raise Conflict(f"plan {plan.id} was amended since version {expected_version}")
        saved = copy.deepcopy(plan)
        saved.version = expected_version + 1
        self.rows[plan.id] = saved
        self.uow.working.revisions.append(PlanRevision(
            plan_id=plan.id, version=saved.version, plan=copy.deepcopy(plan.plan), screening_id=plan.screening_id,
            status=plan.status, at=plan.updated_at, by=plan.updated_by, note=note))

    def revisions(self, clinic_id: str, plan_id: str) -> list[PlanRevision]:
        plan = self.rows.get(plan_id)
        if plan is None or plan.clinic_id != clinic_id:
            return []
        return [copy.deepcopy(r) for r in self.uow.working.revisions if r.plan_id == plan_id]

    def revisions_page(self, clinic_id: str, plan_id: str, offset: int, limit: int) -> tuple[list[PlanRevision], int]:
        return _page(self.revisions(clinic_id, plan_id), offset, limit)


class FakeSessions(_Repo, abstract.SessionRepository):
    table = "sessions"

    def add(self, session: SessionRecord) -> None:
        if any(s.plan_id == session.plan_id and s.number == session.number for s in self.rows.values()):
            raise Conflict(f"session {session.number} of plan {session.plan_id} conflicts with a stored record")
        self._put(session)

    def get(self, clinic_id: str, session_id: str) -> SessionRecord | None:
        return self._get(clinic_id, session_id)

    def list_for_plan(self, clinic_id: str, plan_id: str) -> list[SessionRecord]:
        return sorted((copy.deepcopy(s) for s in self.rows.values()
                       if s.clinic_id == clinic_id and s.plan_id == plan_id), key=lambda s: s.number)

    def list_for_patient(self, clinic_id: str, patient_id: str) -> list[SessionRecord]:
        return sorted(self._of_patient(clinic_id, patient_id), key=lambda s: (s.session_date, s.number))

    def schedule_entry(self, clinic_id: str, patient_id: str, session_id: str) -> ScheduledSession | None:
        return next((s for s in self.schedule(clinic_id, patient_id, None, len(self.rows)) if s.id == session_id), None)

    def schedule(self, clinic_id: str, patient_id: str, after: ScheduledSession | None,
                 limit: int) -> list[ScheduledSession]:
        found = sorted(self._of_patient(clinic_id, patient_id), key=lambda s: (s.session_date, s.number, s.id))
        if after is not None:
            found = [s for s in found if (s.session_date, s.number, s.id) > (after.session_date, after.number, after.id)]
        return [ScheduledSession(id=s.id, plan_id=s.plan_id, number=s.number, session_date=s.session_date)
                for s in found[:limit]]

    def schedule_plans(self, clinic_id: str, patient_id: str) -> list[SchedulePlan]:
        plans = self.uow.working.table("plans").values()
        return [SchedulePlan(plan_id=p.id, status=p.status)
                for p in sorted((p for p in plans if p.clinic_id == clinic_id and p.patient_id == patient_id),
                                key=lambda p: (p.created_at, p.id))]

    def page_for_plan(self, clinic_id: str, plan_id: str, offset: int, limit: int) -> tuple[list[SessionRecord], int]:
        return _page(self.list_for_plan(clinic_id, plan_id), offset, limit)

    def update(self, session: SessionRecord, expected_version: int) -> None:
        if any(s.plan_id == session.plan_id and s.number == session.number and s.id != session.id
               for s in self.rows.values()):
            raise Conflict(f"session {session.number} of plan {session.plan_id} conflicts with a stored record")
        self._compare_and_set(session, expected_version)


class FakeAdverseEvents(_Repo, abstract.AdverseEventRepository):
    table = "adverse_events"

    def add(self, event: AdverseEvent) -> None:
        self._put(event)

    def get(self, clinic_id: str, event_id: str) -> AdverseEvent | None:
        return self._get(clinic_id, event_id)

    def update(self, event: AdverseEvent, expected_version: int) -> None:
        self._compare_and_set(event, expected_version)

    def list_for_patient(self, clinic_id: str, patient_id: str) -> list[AdverseEvent]:
        return sorted(self._of_patient(clinic_id, patient_id), key=lambda e: (e.occurred_on, e.recorded_at))

    def page_for_patient(self, clinic_id: str, patient_id: str, offset: int, limit: int) -> tuple[list[AdverseEvent], int]:
        return _page(self.list_for_patient(clinic_id, patient_id), offset, limit)


class FakeReassessments(_Repo, abstract.ReassessmentRepository):
    table = "reassessments"

    def add(self, reassessment: Reassessment) -> None:
        self._put(reassessment)

    def get(self, clinic_id: str, reassessment_id: str) -> Reassessment | None:
        return self._get(clinic_id, reassessment_id)

    def update(self, reassessment: Reassessment, expected_version: int) -> None:
        self._compare_and_set(reassessment, expected_version)

    def list_for_patient(self, clinic_id: str, patient_id: str) -> list[Reassessment]:
        return sorted(self._of_patient(clinic_id, patient_id), key=lambda r: r.assessed_on)

    def page_for_patient(self, clinic_id: str, patient_id: str, offset: int, limit: int) -> tuple[list[Reassessment], int]:
        return _page(self.list_for_patient(clinic_id, patient_id), offset, limit)


class FakeAmendments(abstract.AmendmentRepository):
    def __init__(self, uow: FakeUnitOfWork) -> None:
        self.uow = uow

    def add(self, amendment: Amendment) -> None:
        kept = self.uow.working.amendments
        if any((a.record_type, a.record_id, a.version) == (amendment.record_type, amendment.record_id,
                                                          amendment.version) for a in kept):
            raise Conflict(f"{amendment.record_type} {amendment.record_id} version {amendment.version} was amended")
        kept.append(copy.deepcopy(amendment))

    def list_for(self, clinic_id: str, record_type: str, record_id: str) -> list[Amendment]:
        return sorted((copy.deepcopy(a) for a in self.uow.working.amendments
                       if (a.clinic_id, a.record_type, a.record_id) == (clinic_id, record_type, record_id)),
                      key=lambda a: a.version)
