"""The latest screening of an intake, for the screening page (clinicians and admins)."""

from __future__ import annotations

from acupath.services.access import found, require_clinical
from acupath.services.actor import Actor
from acupath.services.audit import audited
from acupath.services.records import IntakeRecord, ScreeningRecord
from acupath.services.unit_of_work import AbstractUnitOfWork


def latest_screening(
    uow: AbstractUnitOfWork, actor: Actor, intake_id: str
) -> tuple[IntakeRecord, ScreeningRecord | None]:
    """Return the clinic's intake and its newest screening (None when it was never screened).

    Raises ``PermissionDenied`` (reception), ``NotFound`` (an intake that is not the clinic's).
    """
    with uow, audited(uow, actor, "screening.read", "intake", intake_id) as note:
        require_clinical(actor)
        record = found(uow.intakes.get(actor.clinic_id, intake_id), "intake", intake_id)
        note.patient_id = record.patient_id
        screenings = [s for s in uow.screenings.list_for_patient(actor.clinic_id, record.patient_id)
                      if s.intake_id == record.id]
        return record, (screenings[-1] if screenings else None)
