"""One rule for every paginated list (``offset`` from 0, ``limit`` from 1 to ``MAX_PAGE``), and the one
audited listing of a patient's or a plan's clinical records that the use cases share.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from acupath.errors import InputError
from acupath.services.access import found, require_clinical
from acupath.services.actor import Actor
from acupath.services.audit import audited
from acupath.services.records import Page
from acupath.services.unit_of_work import AbstractUnitOfWork

T = TypeVar("T")
#: Picks the repository's page method from the open unit of work (a unit of work makes its
#: repositories on entering, so the method cannot be looked up before).
Pages = Callable[[AbstractUnitOfWork], Callable[[str, str, int, int], tuple[list[T], int]]]

#: The longest page any list returns (a bigger ``limit`` is an input error, not silently cut).
MAX_PAGE = 200


def check_page(offset: int, limit: int) -> None:
    """Raise ``InputError`` naming ``offset`` (negative) or ``limit`` (outside 1..``MAX_PAGE``)."""
    if offset < 0:
        raise InputError("offset", "must not be negative")
    if not 1 <= limit <= MAX_PAGE:
        raise InputError("limit", f"must be between 1 and {MAX_PAGE}")


def page_of_patient(
    uow: AbstractUnitOfWork, actor: Actor, patient_id: str, action: str, pages: Pages[T], offset: int, limit: int
) -> Page[T]:
    """Return one page of the clinic's patient's clinical records, audited under the patient.

    Raises ``PermissionDenied`` (reception), ``NotFound`` (not the clinic's patient), ``InputError``.
    """
    with uow, audited(uow, actor, action, "patient", patient_id, patient_id):
        require_clinical(actor)
        check_page(offset, limit)
        found(uow.patients.get(actor.clinic_id, patient_id), "patient", patient_id)
        items, total = pages(uow)(actor.clinic_id, patient_id, offset, limit)
        return Page(items=items, total=total, offset=offset, limit=limit)


def page_of_plan(
    uow: AbstractUnitOfWork, actor: Actor, plan_id: str, action: str, pages: Pages[T], offset: int, limit: int
) -> Page[T]:
    """Return one page of the records of the clinic's plan, audited under the plan and its patient.

    Raises ``PermissionDenied`` (reception), ``NotFound`` (not the clinic's plan), ``InputError``.
    """
    with uow, audited(uow, actor, action, "plan", plan_id) as note:
        require_clinical(actor)
        check_page(offset, limit)
        plan = found(uow.plans.get(actor.clinic_id, plan_id), "plan", plan_id)
        note.patient_id = plan.patient_id
        items, total = pages(uow)(actor.clinic_id, plan_id, offset, limit)
        return Page(items=items, total=total, offset=offset, limit=limit)
