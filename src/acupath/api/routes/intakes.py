"""Intakes and screenings (clinicians and admins): record an intake with its scores, read it, screen it."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Body

from acupath.api.deps import SignedInDep
from acupath.api.paging import PageDep, page_body
from acupath.services import intakes, patient_records

router = APIRouter(tags=["intakes and screening"])

IntakeBody = Annotated[dict[str, Any], Body(
    description="The intake document (see `acupath intake --schema`); `patient.id`, `birth_date` and `sex`"
                " default to the patient's demographics.")]


@router.post("/patients/{patient_id}/intakes", status_code=201, summary="Record an intake")
def record_intake(signed: SignedInDep, patient_id: str, intake: IntakeBody) -> dict[str, Any]:
    """Return the stored intake with every questionnaire scored; 422 names the bad field."""
    return asdict(intakes.record_intake(signed.uow, signed.actor, patient_id, intake, signed.kb))


@router.get("/intakes/{intake_id}", summary="Read an intake and its scores")
def get_intake(signed: SignedInDep, intake_id: str) -> dict[str, Any]:
    """Return the intake; 404 for an id that is not the clinic's."""
    return asdict(intakes.get_intake(signed.uow, signed.actor, intake_id))


@router.post("/intakes/{intake_id}/screenings", status_code=201, summary="Screen an intake")
def screen_intake(signed: SignedInDep, intake_id: str) -> dict[str, Any]:
    """Return the stored screening: red flags, contraindications, cautions and the status."""
    return asdict(intakes.screen_intake(signed.uow, signed.actor, intake_id, signed.kb))


@router.get("/patients/{patient_id}/intakes", summary="A patient's intakes, one page at a time")
def list_intakes(signed: SignedInDep, patient_id: str, page: PageDep) -> dict[str, Any]:
    """Return one page of the patient's intakes with their scores, oldest first; 403 for reception."""
    return page_body(patient_records.list_intakes(signed.uow, signed.actor, patient_id,
                                                  offset=page.offset, limit=page.limit), asdict)
