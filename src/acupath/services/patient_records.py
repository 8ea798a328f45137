"""Use cases listing a patient's follow-up records: adverse events and reassessments (clinical roles).

Each returns one page, oldest first, and audits the read under the patient (reception is refused:
these are clinical notes).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from acupath.services.access import found, require_clinical
from acupath.services.actor import Actor
from acupath.services.audit import audited
from acupath.services.paging import check_page
from acupath.services.records import AdverseEvent, Page, Reassessment
from acupath.services.unit_of_work import AbstractUnitOfWork

T = TypeVar("T")


def _page_of_patient(
    uow: AbstractUnitOfWork, actor: Actor, patient_id: str, action: str,
    pages: Callable[[AbstractUnitOfWork], Callable[[str, str, int, int], tuple[list[T], int]]],
    offset: int, limit: int,
) -> Page[T]:
    # ``pages`` picks the repository's method from the open unit of work: a unit of work makes its
    # repositories on entering, so the method cannot be looked up before.
    with uow, audited(uow, actor, action, "patient", patient_id, patient_id):
        require_clinical(actor)
        check_page(offset, limit)
        found(uow.patients.get(actor.clinic_id, patient_id), "patient", patient_id)
        items, total = pages(uow)(actor.clinic_id, patient_id, offset, limit)
        return Page(items=items, total=total, offset=offset, limit=limit)


def list_adverse_events(
    uow: AbstractUnitOfWork, actor: Actor, patient_id: str, *, offset: int = 0, limit: int = 50
) -> Page[AdverseEvent]:
    """Return one page of the patient's adverse events, oldest first.

    Raises ``PermissionDenied`` (reception), ``NotFound`` (not the clinic's patient), ``InputError``.
    """
    return _page_of_patient(uow, actor, patient_id, "adverse_event.list", lambda u: u.adverse_events.page_for_patient,
                            offset, limit)


def list_reassessments(
    uow: AbstractUnitOfWork, actor: Actor, patient_id: str, *, offset: int = 0, limit: int = 50
) -> Page[Reassessment]:
    """Return one page of the patient's reassessments by date.

    Raises ``PermissionDenied`` (reception), ``NotFound`` (not the clinic's patient), ``InputError``.
    """
    return _page_of_patient(uow, actor, patient_id, "reassessment.list", lambda u: u.reassessments.page_for_patient,
                            offset, limit)
