"""Use cases of the documents that leave the clinic: what each PDF shows, gathered in one audited read.

``gather(uow, actor, patient_id, kind, kb)`` reads what the document ``kind`` needs in one transaction
and writes one audit entry (action ``report.render``, the patient's id, ``kind=...`` in its detail);
``reports.documents`` draws the PDF from the ``DocumentData`` it returns. Kinds (``KINDS``):

``plan``       the patient's plan in plain language: phases, dated sessions, handouts (components)
``progress``   for the GP and payer: baseline and current scores with MCID verdicts, responder status,
               sessions given, adverse events, the plan's evidence, a chart
``ncd``        Medicare NCD 30.3.3 improvement documentation before sessions 13-20 ("not met" when not)
``referral``   a referral letter for a red flag in force: findings with sources, urgency, what was not done
``superbill``  each session's CPT codes (by electrical stimulation and time) and ICD-10-CM diagnosis
``record``     the patient's whole record (also for the patient: ``gather_own_record``)

Role rules: every kind needs a clinician or an administrator (``access.require_clinical``). The
superbill too, although billing is often the front desk's work: it carries the diagnosis (ICD-10-CM)
and the sessions' stimulation, which are clinical notes, and reception sees none (``Actor``). A
document that cannot honestly be made is ``Conflict`` (409; CLI exit 2) saying why: no plan yet, no
session given, no red flag in force for a referral, a patient NCD 30.3.3 does not cover.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from acupath.errors import Conflict, InputError, NotFound
from acupath.knowledge import KnowledgeBase
from acupath.services.access import found, require_clinical
from acupath.services.actor import Actor
from acupath.services.audit import audited
from acupath.services.documents.billing import billed_sessions, superbill_body
from acupath.services.documents.clinical import current_plan, ncd_body, ncd_plan, plan_body, progress_body
from acupath.services.documents.record import record_body
from acupath.services.documents.records import DocumentData, Header
from acupath.services.documents.referral import referral_body, referral_findings
from acupath.services.patient_actor import PatientActor
from acupath.services.records import Patient
from acupath.services.staff_names import staff_names
from acupath.services.unit_of_work import AbstractUnitOfWork

#: The documents, in the order the pages and ``acupath report --help`` list them.
KINDS = ("plan", "progress", "ncd", "referral", "superbill", "record")

#: The audit action of every rendering.
ACTION = "report.render"

Gatherer = Callable[[AbstractUnitOfWork, str, Patient, KnowledgeBase, date], Any]

_BODIES: dict[str, Gatherer] = {
    "plan": plan_body,
    "progress": progress_body,
    "ncd": ncd_body,
    "referral": referral_body,
    "superbill": superbill_body,
    "record": record_body,
}


def check_kind(kind: str) -> str:
    """Return ``kind`` if it is a document acupath makes. Raises ``InputError`` naming ``kind`` and ``KINDS``."""
    if kind not in _BODIES:
        raise InputError("kind", f"unknown document {kind!r}", KINDS)
    return kind


def gather(uow: AbstractUnitOfWork, actor: Actor, patient_id: str, kind: str, kb: KnowledgeBase,
           *, today: date | None = None) -> DocumentData:
    """Return what the document ``kind`` of the clinic's patient shows (audited as ``report.render``).

    ``today`` (default: the unit of work's clock) is the document's date. Raises ``InputError`` (an
    unknown ``kind``), ``PermissionDenied`` (reception), ``NotFound`` (not the clinic's patient),
    ``Conflict`` (the document cannot be made for this patient: the message says why).
    """
    with uow, audited(uow, actor, ACTION, "patient", patient_id, patient_id) as note:
        note.detail = f"kind={kind}"[:64]
        check_kind(kind)
        require_clinical(actor)
        patient = found(uow.patients.get(actor.clinic_id, patient_id), "patient", patient_id)
        day = today or uow.clock().date()
        user = uow.users.get(actor.user_id)
        header = Header(clinic=found(uow.clinics.get(actor.clinic_id), "clinic", actor.clinic_id),
                        patient=patient, prepared_on=day,
                        prepared_by=user.name if user is not None else "acupath command line",
                        clinician=user.name if user is not None else None)
        body = _BODIES[kind](uow, actor.clinic_id, patient, kb, day)
        return DocumentData(kind=kind, header=header, body=body, staff=staff_names(uow, actor.clinic_id, body))


#: The refusal of each document that may not be made (``Conflict`` saying why): the same functions the
#: bodies call first, so that the pages offer only what ``gather`` would make.
_REFUSALS: dict[str, Callable[[AbstractUnitOfWork, str, Patient, KnowledgeBase], Any]] = {
    "plan": lambda uow, clinic_id, patient, kb: current_plan(uow, clinic_id, patient),
    "progress": lambda uow, clinic_id, patient, kb: current_plan(uow, clinic_id, patient),
    "ncd": ncd_plan,
    "referral": lambda uow, clinic_id, patient, kb: referral_findings(uow, clinic_id, patient),
    "superbill": lambda uow, clinic_id, patient, kb: billed_sessions(uow, clinic_id, patient),
}


def unavailable(uow: AbstractUnitOfWork, actor: Actor, patient_id: str, kb: KnowledgeBase) -> dict[str, str]:
    """Return each document ``gather`` would refuse for the clinic's patient now, with why (``{}``: all can be made).

    Reads only what the refusals depend on (the plans, the sessions, the latest screening); no document
    is drawn. Audited as ``report.list``. Raises ``PermissionDenied`` (reception), ``NotFound``.
    """
    with uow, audited(uow, actor, "report.list", "patient", patient_id, patient_id):
        require_clinical(actor)
        patient = found(uow.patients.get(actor.clinic_id, patient_id), "patient", patient_id)
        refused: dict[str, str] = {}
        for kind, refusal in _REFUSALS.items():
            try:
                refusal(uow, actor.clinic_id, patient, kb)
            except Conflict as why:
                refused[kind] = str(why)
        return refused


def gather_own_record(uow: AbstractUnitOfWork, patient: PatientActor, kb: KnowledgeBase,
                      *, today: date | None = None) -> DocumentData:
    """Return the signed-in patient's whole record (the ``record`` document), audited as their own read.

    For the patient portal: the entry names the patient as its user (``patient:<id>``). Raises
    ``NotFound`` when the patient is no longer in their clinic.
    """
    with uow, audited(uow, patient, ACTION, "patient", patient.patient_id,  # type: ignore[arg-type]
                      patient.patient_id) as note:
        note.detail = "kind=record"
        record = found(uow.patients.get(patient.clinic_id, patient.patient_id), "patient", patient.patient_id)
        day = today or uow.clock().date()
        header = Header(clinic=found(uow.clinics.get(patient.clinic_id), "clinic", patient.clinic_id),
                        patient=record, prepared_on=day, prepared_by="the patient, from the portal")
        body = record_body(uow, patient.clinic_id, record, kb, day)
        return DocumentData(kind="record", header=header, body=body,
                            staff=staff_names(uow, patient.clinic_id, body))


def clinic_of_patient(uow: AbstractUnitOfWork, patient_id: str) -> str:
    """Return the id of the clinic that holds the patient ``patient_id``, for the trusted command line.

    ``acupath report`` acts as its clinic's administrator (``Actor.system``), as ``users reset-password``
    finds an account's clinic from its email; the document itself is then read clinic by clinic, as for
    any user. Raises ``NotFound`` when no clinic holds such a patient.
    """
    with uow:
        owner = uow.audit.owner_of("patient", patient_id)
    if owner is None:
        raise NotFound(f"no patient {patient_id!r} in this database")
    return owner.clinic_id
