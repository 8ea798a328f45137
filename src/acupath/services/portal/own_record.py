"""What a signed-in patient reads of their own record: who they are, their plan, their access log.

Every function takes the ``PatientActor`` of the portal's sign-in and reads only that patient's
records, by the actor's clinic and patient id: there is no argument through which another patient's
id could arrive. Each read is audited with the patient as the actor (``patient:<id>``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from acupath.knowledge import KnowledgeBase
from acupath.planning.plain_language import PlainPlan, explain_plan
from acupath.services.access import found
from acupath.services.audit import audited
from acupath.services.audit_log import entry_position, position_of_entry
from acupath.services.paging import KeysetPage, check_limit, decode_cursor, keyset_page
from acupath.services.patient_actor import PatientActor
from acupath.services.records import AuditEntry, AuditQuery, Clinic, Outcome, Patient, PlanRecord
from acupath.services.records.clinical import PlanStatus
from acupath.services.staff_names import staff_names
from acupath.services.unit_of_work import AbstractUnitOfWork


@dataclass(frozen=True)
class PortalPatient:
    """The signed-in patient's demographics and their clinic (name, locale), for every portal page."""

    patient: Patient
    clinic: Clinic


@dataclass(frozen=True)
class MyPlan:
    """The plan the portal shows: the active plan, else the newest one (None: no plan yet).

    ``plain`` is the plan in plain language (None when there is no plan, or it is a referral: screening
    found something that needs a doctor first, and the clinician talks the patient through it).
    """

    who: PortalPatient
    plan: PlanRecord | None
    plain: PlainPlan | None
    #: "name (role)" of the staff the plan names (who overrode a finding), by user id.
    staff: dict[str, str] = field(default_factory=dict)

    @property
    def referral(self) -> bool:
        """True when the plan is a referral rather than a course of treatment."""
        return self.plan is not None and self.plain is None


@dataclass(frozen=True)
class AccessEntry:
    """One line of a patient's access log: when, who (a name and role, never an id), what, how it ended."""

    at: datetime
    who: str
    role: str
    action: str
    outcome: Outcome


def _portal_patient(uow: AbstractUnitOfWork, patient: PatientActor) -> PortalPatient:
    record = found(uow.patients.get(patient.clinic_id, patient.patient_id), "patient", patient.patient_id)
    clinic = found(uow.clinics.get(patient.clinic_id), "clinic", patient.clinic_id)
    return PortalPatient(patient=record, clinic=clinic)


def portal_patient(uow: AbstractUnitOfWork, patient: PatientActor) -> PortalPatient:
    """Return the signed-in patient's demographics and clinic.

    Raises ``NotFound`` when the patient or clinic is gone. Audited ``portal.patient_read``.
    """
    with uow, audited(uow, patient, "portal.patient_read", "patient", patient.patient_id, patient.patient_id):
        return _portal_patient(uow, patient)


def clinic_locale(uow: AbstractUnitOfWork, patient: PatientActor) -> str:
    """Return the locale of the patient's clinic (how the portal writes dates). Raises ``NotFound``."""
    with uow:
        return found(uow.clinics.get(patient.clinic_id), "clinic", patient.clinic_id).locale


def shown_plan(plans: list[PlanRecord]) -> PlanRecord | None:
    """Return the plan the portal shows of ``plans`` (oldest first): the newest active one, else the newest."""
    active = [p for p in plans if p.status == PlanStatus.ACTIVE.value]
    return (active or plans or [None])[-1]


def my_plan(uow: AbstractUnitOfWork, patient: PatientActor, kb: KnowledgeBase, today: date) -> MyPlan:
    """Return the signed-in patient's plan, explained in plain language as of ``today``.

    Raises ``NotFound`` when the patient is gone. Audited ``portal.plan_read`` (with the plan's id).
    """
    with uow, audited(uow, patient, "portal.plan_read", "plan", patient_id=patient.patient_id) as note:
        who = _portal_patient(uow, patient)
        plan = shown_plan(uow.plans.list_for_patient(patient.clinic_id, patient.patient_id))
        if plan is None:
            return MyPlan(who=who, plan=None, plain=None)
        note.record_id = plan.id
        plain = explain_plan(plan.plan, kb, today) if plan.plan.get("status") == "planned" else None
        return MyPlan(who=who, plan=plan, plain=plain, staff=staff_names(uow, patient.clinic_id, plan.plan))


def _who(uow: AbstractUnitOfWork, entry: AuditEntry, names: dict[str, tuple[str, str]]) -> tuple[str, str]:
    """Return the name and role of the entry's actor as a patient may read them."""
    if entry.actor_clinic_id != entry.clinic_id:
        return "Someone from another clinic", "refused: your clinic's records are not theirs"
    if entry.user_id == "system":
        return "Your clinic's administrator", "command line"
    if entry.user_id not in names:
        user = uow.users.get(entry.user_id)
        names[entry.user_id] = (user.name, user.role) if user is not None and user.clinic_id == entry.clinic_id \
            else ("Unknown user", "")
    return names[entry.user_id]


def access_log(uow: AbstractUnitOfWork, patient: PatientActor, cursor: str | None = None,
               limit: int = 25) -> KeysetPage[AccessEntry]:
    """Return one page of who read or changed the signed-in patient's record, newest first.

    Staff are named with their name and role (never an internal id); the patient's own portal use is
    left out. ``cursor`` is a previous page's ``next_cursor``. Raises ``InputError`` naming ``cursor``
    or ``limit``. Audited ``portal.access_log_read``.
    """
    with uow, audited(uow, patient, "portal.access_log_read", "audit_log", patient_id=patient.patient_id):
        check_limit(limit)
        after = entry_position(decode_cursor("access", cursor))
        query = AuditQuery(patient_id=patient.patient_id, staff_only=True)
        rows = uow.audit.search(patient.clinic_id, query, after, limit + 1)
        page = keyset_page("access", rows, limit, position_of_entry)
        names: dict[str, tuple[str, str]] = {}
        entries = []
        for entry in page.items:
            name, role = _who(uow, entry, names)
            entries.append(AccessEntry(at=entry.at, who=name, role=role, action=entry.action, outcome=entry.outcome))
        return KeysetPage(items=entries, next_cursor=page.next_cursor, limit=limit)

