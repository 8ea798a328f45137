"""Use cases listing a patient's clinical records: intakes, plans, adverse events, reassessments (clinical roles).

Each returns one page, oldest first, and audits the read under the patient (reception is refused:
these are clinical notes).
"""

from __future__ import annotations

from acupath.services.actor import Actor
from acupath.services.paging import page_of_patient
from acupath.services.records import AdverseEvent, IntakeRecord, Page, PlanRecord, Reassessment
from acupath.services.unit_of_work import AbstractUnitOfWork


def list_adverse_events(
    uow: AbstractUnitOfWork, actor: Actor, patient_id: str, *, offset: int = 0, limit: int = 50
) -> Page[AdverseEvent]:
    """Return one page of the patient's adverse events, oldest first.

    Raises ``PermissionDenied`` (reception), ``NotFound`` (not the clinic's patient), ``InputError``.
    """
    return page_of_patient(uow, actor, patient_id, "adverse_event.list", lambda u: u.adverse_events.page_for_patient,
                            offset, limit)


def list_reassessments(
    uow: AbstractUnitOfWork, actor: Actor, patient_id: str, *, offset: int = 0, limit: int = 50
) -> Page[Reassessment]:
    """Return one page of the patient's reassessments by date.

    Raises ``PermissionDenied`` (reception), ``NotFound`` (not the clinic's patient), ``InputError``.
    """
    return page_of_patient(uow, actor, patient_id, "reassessment.list", lambda u: u.reassessments.page_for_patient,
                            offset, limit)


def list_intakes(
    uow: AbstractUnitOfWork, actor: Actor, patient_id: str, *, offset: int = 0, limit: int = 50
) -> Page[IntakeRecord]:
    """Return one page of the patient's intakes, oldest first.

    Raises ``PermissionDenied`` (reception), ``NotFound`` (not the clinic's patient), ``InputError``.
    """
    return page_of_patient(uow, actor, patient_id, "intake.list", lambda u: u.intakes.page_for_patient,
                           offset, limit)


def list_plans(
    uow: AbstractUnitOfWork, actor: Actor, patient_id: str, *, offset: int = 0, limit: int = 50
) -> Page[PlanRecord]:
    """Return one page of the patient's plans (each at its current version), oldest first.

    Raises ``PermissionDenied`` (reception), ``NotFound`` (not the clinic's patient), ``InputError``.
    """
    return page_of_patient(uow, actor, patient_id, "plan.list", lambda u: u.plans.page_for_patient,
                           offset, limit)
