"""Use cases of intake and screening: record an intake with its scores, screen it.

Clinical: admins and clinicians only. Scores and screenings carry the knowledge version used.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from acupath import assessment, safety
from acupath.assessment.intake import parse_intake
from acupath.errors import InputError
from acupath.knowledge import KnowledgeBase
from acupath.safety.findings import Screening
from acupath.services.access import found, require_clinical
from acupath.services.actor import Actor
from acupath.services.audit import audited
from acupath.services.patients import new_id
from acupath.services.records import IntakeRecord, Patient, ScreeningRecord
from acupath.services.unit_of_work import AbstractUnitOfWork


def score_answers(
    questionnaires: dict[str, dict[str, Any]], kb: KnowledgeBase, field: str
) -> dict[str, dict[str, Any]]:
    """Return each instrument's score as a dict (``Score.to_dict()``), keyed by instrument id.

    Raises ``InputError`` naming ``<field>.<instrument>[.<item>]`` for an unknown instrument or a bad answer.
    """
    scored = assessment.score_questionnaires(questionnaires, kb, field)
    return {instrument_id: result.to_dict() for instrument_id, result in scored.items()}


def intake_for_patient(patient: Patient, answers: dict[str, Any]) -> dict[str, Any]:
    # The intake is about this patient: fill in what the demographics already say, refuse a mismatch.
    document = dict(answers)
    given = dict(document.get("patient") or {})
    if given.get("id") not in (None, patient.id, patient.mrn):
        raise InputError("patient.id", "does not match the patient the intake is recorded for",
                         allowed=patient.id)
    given["id"] = patient.id
    given.setdefault("birth_date", patient.birth_date.isoformat())
    given.setdefault("sex", patient.sex)
    document["patient"] = given
    return document


def record_intake(
    uow: AbstractUnitOfWork, actor: Actor, patient_id: str, answers: dict[str, Any], kb: KnowledgeBase
) -> IntakeRecord:
    """Record an intake for the clinic's patient, scoring every questionnaire it holds.

    Returns the stored intake. Raises ``PermissionDenied`` (reception), ``NotFound``, ``InputError``.
    """
    with uow, audited(uow, actor, "intake.record", "intake", patient_id=patient_id) as note:
        require_clinical(actor)
        patient = found(uow.patients.get(actor.clinic_id, patient_id), "patient", patient_id)
        record = add_intake(uow, actor, patient, answers, kb)
        note.record_id = record.id
        return record


def add_intake(
    uow: AbstractUnitOfWork, actor: Actor, patient: Patient, answers: dict[str, Any], kb: KnowledgeBase
) -> IntakeRecord:
    """Validate and score the intake ``answers`` of ``patient`` and add it to ``uow``'s transaction.

    ``record_intake``'s work without its commit, audit entry or role check, shared with the FHIR
    import. The document is stored with its aliases (``closures[].from``, ``medications[].class``), as
    ``parse_intake`` reads it back for screening and planning. Returns the intake. Raises ``InputError``.
    """
    intake = parse_intake(intake_for_patient(patient, answers))
    record = IntakeRecord(
        id=new_id(),
        clinic_id=actor.clinic_id,
        patient_id=patient.id,
        answers=intake.model_dump(mode="json", by_alias=True),
        scores=score_answers(intake.questionnaires, kb, "questionnaires"),
        knowledge_version=kb.version,
        recorded_at=uow.clock(),
        recorded_by=actor.user_id,
    )
    uow.intakes.add(record)
    return record


def get_intake(uow: AbstractUnitOfWork, actor: Actor, intake_id: str) -> IntakeRecord:
    """Return the clinic's intake. Raises ``PermissionDenied`` (reception), ``NotFound``."""
    with uow, audited(uow, actor, "intake.read", "intake", intake_id) as note:
        require_clinical(actor)
        record = found(uow.intakes.get(actor.clinic_id, intake_id), "intake", intake_id)
        note.patient_id = record.patient_id
        return record


def store_screening(
    uow: AbstractUnitOfWork, actor: Actor, record: IntakeRecord, screening: Screening
) -> ScreeningRecord:
    """Store ``screening`` of the intake ``record`` and return the stored record (no commit, no audit)."""
    stored = ScreeningRecord.from_screening(
        screening,
        id=new_id(),
        clinic_id=actor.clinic_id,
        patient_id=record.patient_id,
        intake_id=record.id,
        screened_at=uow.clock(),
        screened_by=actor.user_id,
    )
    uow.screenings.add(stored)
    return stored


def screen_intake(
    uow: AbstractUnitOfWork, actor: Actor, intake_id: str, kb: KnowledgeBase, today: date | None = None
) -> ScreeningRecord:
    """Screen a recorded intake for red flags, contraindications and cautions, and store the result.

    ``today`` defaults to the unit of work's clock. Returns the stored screening. Raises
    ``PermissionDenied`` (reception), ``NotFound``.
    """
    with uow, audited(uow, actor, "screening.create", "screening", about=("intake", intake_id)) as note:
        require_clinical(actor)
        record = found(uow.intakes.get(actor.clinic_id, intake_id), "intake", intake_id)
        note.patient_id = record.patient_id
        stored = add_screening(uow, actor, record, kb, today or uow.clock().date())
        note.record_id = stored.id
        return stored


def add_screening(
    uow: AbstractUnitOfWork, actor: Actor, record: IntakeRecord, kb: KnowledgeBase, today: date
) -> ScreeningRecord:
    """Screen the intake ``record`` on ``today`` and add the screening to ``uow``'s transaction (no commit,
    no audit): ``screen_intake``'s work, shared with the FHIR import. Returns the stored screening."""
    return store_screening(uow, actor, record, safety.screen(parse_intake(record.answers), kb, today))
