"""Reading the screening a plan was built on: its findings with what each affects (regions excluded).

A plan's document keeps its findings as words (kind, severity, message, override); which body regions
an exclusion covers lives only in the stored screening (``ScreeningRecord.findings``), so the plan page
reads that screening to hatch the excluded regions on the body chart.
"""

from __future__ import annotations

from acupath.services.access import found, require_clinical
from acupath.services.actor import Actor
from acupath.services.audit import audited
from acupath.services.records import PlanRecord
from acupath.services.records.clinical import ScreeningRecord
from acupath.services.unit_of_work import AbstractUnitOfWork


def plan_screening(uow: AbstractUnitOfWork, actor: Actor, plan: PlanRecord) -> ScreeningRecord:
    """Return the stored screening that ``plan`` (read by ``plans.get_plan``) was built on.

    Raises ``PermissionDenied`` (reception), ``NotFound`` (no such screening in the actor's clinic).
    """
    with uow, audited(uow, actor, "screening.read", "screening", plan.screening_id) as note:
        require_clinical(actor)
        record = found(uow.screenings.get(actor.clinic_id, plan.screening_id), "screening", plan.screening_id)
        note.patient_id = record.patient_id
        return record
