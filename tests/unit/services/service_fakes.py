"""Fakes instead of mocks (cosmicpython): an in-memory unit of work with real transaction semantics.

``FakeUnitOfWork`` keeps a committed store and a working copy: ``commit`` publishes the working copy,
``rollback`` (or leaving the block without commit) throws it away, exactly like the database. Records
are copied in and out, so a service that changes a record without saving it changes nothing.
"""

from __future__ import annotations

import copy
import itertools
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from acupath.errors import Conflict, NotFound
from acupath.services import login_throttle as abstract_throttle
from acupath.services import repositories as abstract
from acupath.services.passwords import PasswordHasher
from acupath.services.portal import repositories as portal_abstract
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
from acupath.services.records.portal import PortalAccount, PortalLink, PortalSignIn, PortalSignInNow
from acupath.services.sign_ins import AccountNow, SignIns
from acupath.services.unit_of_work import AbstractUnitOfWork

FROZEN_NOW = datetime(2026, 12, 31, 9, 30, tzinfo=UTC)


@dataclass
class Store:
    """Everything the fake database holds."""

    rows: dict[str, dict[str, Any]] = field(default_factory=dict)
    revisions: list[PlanRevision] = field(default_factory=list)
    audit: list[AuditEntry] = field(default_factory=list)
    amendments: list[Amendment] = field(default_factory=list)
    login_failures: list[tuple[str, datetime]] = field(default_factory=list)

    def table(self, name: str) -> dict[str, Any]:
        return self.rows.setdefault(name, {})


def _page(records: list[Any], offset: int, limit: int) -> tuple[list[Any], int]:
    return copy.deepcopy(records[offset:offset + limit]), len(records)


def _capped(count: int, cap: int) -> Total:
    # As SQLite answers: exact up to the cap, then "more than" it.
    return Total(value=count, relation="eq") if count <= cap else Total(value=cap, relation="gt")


class _Repo:
    table = ""

    def __init__(self, uow: FakeUnitOfWork) -> None:
        self.uow = uow

    @property
    def rows(self) -> dict[str, Any]:
        return self.uow.working.table(self.table)

    def _put(self, record: Any) -> None:
        if record.id in self.rows:
            raise Conflict(f"{self.table} {record.id} exists")
        self.rows[record.id] = copy.deepcopy(record)

    def _get(self, clinic_id: str, record_id: str) -> Any:
        record = self.rows.get(record_id)
        if record is None or record.clinic_id != clinic_id:
            return None
        return copy.deepcopy(record)

    def _of_patient(self, clinic_id: str, patient_id: str) -> list[Any]:
        return [copy.deepcopy(r) for r in self.rows.values()
                if r.clinic_id == clinic_id and r.patient_id == patient_id]

    def _compare_and_set(self, record: Any, expected_version: int) -> None:
        # As the database: a stale version matches nothing and changes nothing.
        stored = self.rows.get(record.id)
        if stored is None or stored.clinic_id != record.clinic_id or stored.version != expected_version:
            raise Conflict(f"{self.table} {record.id} was amended since version {expected_version}")
        saved = copy.deepcopy(record)
        saved.version = expected_version + 1
        self.rows[record.id] = saved

    def page_for_patient(self, clinic_id: str, patient_id: str, offset: int, limit: int) -> tuple[list[Any], int]:
        return _page(self.list_for_patient(clinic_id, patient_id), offset, limit)  # type: ignore[attr-defined]


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
        exact = [p for p in mine if search is not None and search.text in (p.mrn, p.id)]
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


class FakeAuditLog(abstract.AuditLog):
    def __init__(self, uow: FakeUnitOfWork) -> None:
        self.uow = uow

    def add(self, entry: AuditEntry) -> None:
        entry.id = next(self.uow.audit_ids)
        self.uow.working.audit.append(copy.deepcopy(entry))

    def list(self, clinic_id: str | None, *, patient_id: str | None = None, offset: int = 0,
             limit: int = 100) -> list[AuditEntry]:
        found = [e for e in self.uow.working.audit
                 if e.clinic_id == clinic_id and (patient_id is None or e.patient_id == patient_id)]
        return copy.deepcopy(found[offset:offset + limit])

    def _found(self, clinic_id: str, query: AuditQuery) -> list[AuditEntry]:
        return sorted((e for e in self.uow.working.audit if _audit_matches(e, clinic_id, query)),
                      key=lambda e: (e.at, e.id), reverse=True)

    def search(self, clinic_id: str, query: AuditQuery, after: tuple[datetime, int] | None,
               limit: int) -> list[AuditEntry]:
        found = [e for e in self._found(clinic_id, query) if after is None or (e.at, e.id) < after]
        return copy.deepcopy(found[:limit])

    def count(self, clinic_id: str, query: AuditQuery, cap: int) -> Total:
        return _capped(len(self._found(clinic_id, query)), cap)

    def owner_of(self, record_type: str, record_id: str) -> RecordOwner | None:
        record = self.uow.working.table(_AUDITED_TABLES.get(record_type, "")).get(record_id)
        if record is None:
            return None
        return RecordOwner(clinic_id=record.clinic_id,
                           patient_id=record.id if record_type == "patient" else record.patient_id)

    def export_batch(self, clinic_id: str, query: AuditQuery, after_id: int, through_id: int,
                     limit: int) -> list[AuditEntry]:
        found = [e for e in self.uow.working.audit
                 if after_id < (e.id or 0) <= through_id and _audit_matches(e, clinic_id, query)]
        return copy.deepcopy(found[:limit])


#: The record kinds services name (``access.found``) and the fake tables that keep them.
_AUDITED_TABLES = {"patient": "patients", "intake": "intakes", "screening": "screenings", "plan": "plans",
                   "session": "sessions", "adverse_event": "adverse_events", "reassessment": "reassessments",
                   "questionnaire_assignment": "assignments", "urgent_task": "urgent_tasks",
                   "homework_task": "homework_tasks"}


def _audit_matches(e: AuditEntry, clinic_id: str, query: AuditQuery) -> bool:
    wanted = ((e.patient_id, query.patient_id), (e.user_id, query.user_id), (e.action, query.action))
    return (e.clinic_id == clinic_id and all(w is None or v == w for v, w in wanted)
            and (query.since is None or e.at >= query.since) and (query.until is None or e.at < query.until)
            and not (query.staff_only and e.user_id.startswith("patient:")))


class FakeTokenRevocations(_Repo, abstract.TokenRevocations):
    table = "revoked_tokens"

    def add(self, token: RevokedToken) -> None:
        self.rows[token.token_id] = copy.deepcopy(token)

    def is_revoked(self, token_id: str) -> bool:
        return token_id in self.rows

    def use_once(self, token: RevokedToken) -> bool:
        if token.token_id in self.rows:
            return False
        self.add(token)
        return True

    def purge(self, now: datetime) -> int:
        expired = [t for t, token in self.rows.items() if token.expires_at < now]
        for token_id in expired:
            del self.rows[token_id]
        return len(expired)


class FakeLoginFailures(abstract_throttle.LoginFailures):
    def __init__(self, uow: FakeUnitOfWork) -> None:
        self.uow = uow

    @property
    def kept(self) -> list[tuple[str, datetime]]:
        return self.uow.working.login_failures

    def add(self, key: str, at: datetime) -> None:
        self.kept.append((key, at))

    def recent(self, key: str, since: datetime, limit: int) -> list[datetime]:
        return sorted((at for k, at in self.kept if k == key and at > since), reverse=True)[:limit]

    def forget(self, key: str) -> None:
        self.kept[:] = [(k, at) for k, at in self.kept if k != key]

    def forget_before(self, before: datetime) -> int:
        kept = [(k, at) for k, at in self.kept if at > before]
        gone = len(self.kept) - len(kept)
        self.kept[:] = kept
        return gone


class FakeSignIns(_Repo, SignIns):
    """Users, revocations and each token's last use (``token_activity``: token id -> (user, seen, expiry))."""

    table = "token_activity"

    def account_now(self, token_id: str, user_id: str) -> AccountNow | None:
        user = self.uow.working.table("users").get(user_id)
        if user is None:
            return None
        seen = self.rows.get(token_id)
        return AccountNow(clinic_id=user.clinic_id, role=user.role, active=user.active,
                          revoked=token_id in self.uow.working.table("revoked_tokens"),
                          last_seen_at=seen[1] if seen is not None and seen[0] == user_id else None,
                          password_changed_at=user.password_changed_at)

    def mark_seen(self, token_id: str, user_id: str, at: datetime, expires_at: datetime) -> None:
        self.rows[token_id] = (user_id, at, expires_at)

    def purge(self, now: datetime) -> int:
        expired = [t for t, (_, _, expires_at) in self.rows.items() if expires_at < now]
        for token_id in expired:
            del self.rows[token_id]
        return len(expired)


class FakePortalAccounts(_Repo, portal_abstract.PortalAccountRepository):
    table = "portal_accounts"

    def _email_taken(self, account: PortalAccount) -> bool:
        return account.email is not None and any(
            a.email == account.email and a.id != account.id for a in self.rows.values())

    def add(self, account: PortalAccount) -> None:
        if self._email_taken(account) or any(a.patient_id == account.patient_id for a in self.rows.values()):
            raise Conflict("portal account conflicts with a stored record")
        self._put(account)

    def get(self, clinic_id: str, account_id: str) -> PortalAccount | None:
        return self._get(clinic_id, account_id)  # type: ignore[no-any-return]

    def for_patient(self, clinic_id: str, patient_id: str) -> PortalAccount | None:
        found = [a for a in self.rows.values() if (a.clinic_id, a.patient_id) == (clinic_id, patient_id)]
        return copy.deepcopy(found[0]) if found else None

    def by_email(self, email: str) -> PortalAccount | None:
        found = [a for a in self.rows.values() if a.email == email]
        return copy.deepcopy(found[0]) if found else None

    def update(self, account: PortalAccount) -> None:
        stored = self.rows.get(account.id)
        if stored is None or stored.clinic_id != account.clinic_id:
            raise Conflict("the portal account no longer exists")
        if self._email_taken(account):
            raise Conflict("portal account email conflicts with a stored record")
        self.rows[account.id] = replace(copy.deepcopy(account), last_sign_in_at=stored.last_sign_in_at)

    def record_sign_in(self, account_id: str, at: datetime) -> None:
        if account_id in self.rows:
            self.rows[account_id].last_sign_in_at = at


class FakePortalLinks(_Repo, portal_abstract.PortalLinkRepository):
    table = "portal_links"

    def add(self, link: PortalLink) -> None:
        if any(other.token_hash == link.token_hash for other in self.rows.values()):
            raise Conflict("portal link conflicts with a stored record")
        self._put(link)

    def by_token_hash(self, token_hash: str) -> PortalLink | None:
        found = [link for link in self.rows.values() if link.token_hash == token_hash]
        return copy.deepcopy(found[0]) if found else None

    def use(self, link_id: str, at: datetime) -> bool:
        link = self.rows.get(link_id)
        if link is None or link.used_at is not None or link.revoked_at is not None:
            return False
        link.used_at = at
        return True

    def revoke_open(self, clinic_id: str, patient_id: str, at: datetime) -> int:
        open_links = [link for link in self.rows.values() if (link.clinic_id, link.patient_id) == (clinic_id, patient_id)
                      and link.used_at is None and link.revoked_at is None]
        for link in open_links:
            link.revoked_at = at
        return len(open_links)

    def list_for_patient(self, clinic_id: str, patient_id: str) -> list[PortalLink]:
        found = [link for link in self.rows.values() if (link.clinic_id, link.patient_id) == (clinic_id, patient_id)]
        return copy.deepcopy(sorted(found, key=lambda link: link.created_at, reverse=True))


class FakePortalSignIns(_Repo, portal_abstract.PortalSignInRepository):
    table = "portal_sign_ins"

    def add(self, sign_in: PortalSignIn) -> None:
        if sign_in.token_hash in self.rows:
            raise Conflict("portal sign-in exists")
        self.rows[sign_in.token_hash] = copy.deepcopy(sign_in)

    def find(self, token_hash: str) -> PortalSignInNow | None:
        sign_in = self.rows.get(token_hash)
        if sign_in is None:
            return None
        account = self.uow.working.table("portal_accounts")[sign_in.account_id]
        return PortalSignInNow(sign_in=copy.deepcopy(sign_in), account_active=account.active,
                               password_changed_at=account.password_changed_at)

    def touch(self, token_hash: str, at: datetime) -> None:
        if token_hash in self.rows:
            self.rows[token_hash].last_seen_at = at

    def remove(self, token_hash: str) -> None:
        self.rows.pop(token_hash, None)

    def remove_for_account(self, account_id: str, keep: str | None = None) -> int:
        gone = [h for h, s in self.rows.items() if s.account_id == account_id and h != keep]
        for token_hash in gone:
            del self.rows[token_hash]
        return len(gone)

    def purge(self, now: datetime) -> int:
        gone = [h for h, s in self.rows.items() if s.expires_at < now]
        for token_hash in gone:
            del self.rows[token_hash]
        return len(gone)


class FakeUnitOfWork(AbstractUnitOfWork):
    """An in-memory unit of work; ``committed`` is what a database would hold."""

    def __init__(self, now: datetime = FROZEN_NOW) -> None:
        self.committed = Store()
        self.working = Store()
        self.commits = 0
        self.audit_ids = itertools.count(1)
        self.clock = lambda: now
        self.clinics = FakeClinics(self)
        self.users = FakeUsers(self)
        self.patients = FakePatients(self)
        self.intakes = FakeIntakes(self)
        self.screenings = FakeScreenings(self)
        self.plans = FakePlans(self)
        self.sessions = FakeSessions(self)
        self.adverse_events = FakeAdverseEvents(self)
        self.reassessments = FakeReassessments(self)
        self.amendments = FakeAmendments(self)
        # Imported here: between_fakes builds on ``_Repo`` of this module.
        from between_fakes import FakeAssignments, FakeCrisisContacts, FakeHomework, FakeUrgentTasks

        self.assignments = FakeAssignments(self)
        self.crisis_contacts = FakeCrisisContacts(self)
        self.urgent_tasks = FakeUrgentTasks(self)
        self.homework = FakeHomework(self)
        self.audit = FakeAuditLog(self)
        self.revoked_tokens = FakeTokenRevocations(self)
        self.sign_ins = FakeSignIns(self)
        self.login_failures = FakeLoginFailures(self)
        self.portal_accounts = FakePortalAccounts(self)
        self.portal_links = FakePortalLinks(self)
        self.portal_sign_ins = FakePortalSignIns(self)

    def __enter__(self) -> FakeUnitOfWork:
        self.working = copy.deepcopy(self.committed)
        return self

    def commit(self) -> None:
        self.committed = copy.deepcopy(self.working)
        self.commits += 1

    def rollback(self) -> None:
        self.working = copy.deepcopy(self.committed)

    def stored(self, table: str) -> list[Any]:
        """Return the committed records of ``table`` (``"patients"``, ``"plans"`` ...)."""
        return list(self.committed.table(table).values())

    def audit_entries(self) -> list[AuditEntry]:
        """Return the committed audit entries, oldest first."""
        return list(self.committed.audit)


class Clock:
    """A clock the test moves by hand (``uow.clock = Clock()``)."""

    def __init__(self, now: datetime = FROZEN_NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


class PlainHasher(PasswordHasher):
    """A fast, transparent stand-in for argon2id (tests only) that counts the hashes it verifies against."""

    def __init__(self) -> None:
        self.verified: list[str] = []

    def hash(self, password: str) -> str:
        return "plain$" + password[::-1]

    def verify(self, password_hash: str, password: str) -> bool:
        self.verified.append(password_hash)
        return password_hash == self.hash(password)

    def needs_rehash(self, password_hash: str) -> bool:
        return False

    def dummy_hash(self) -> str:
        return "plain$dummy"
