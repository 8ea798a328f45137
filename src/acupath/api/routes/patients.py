"""Patients' demographics: register, list and search, read, update (every role of the clinic)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from acupath.api.deps import SignedInDep
from acupath.api.paging import CursorDep, keyset_body
from acupath.services import patients
from acupath.services.patients import PatientDetails
from acupath.services.records import Patient
from acupath.validation import MAX_STORED_INT

router = APIRouter(prefix="/patients", tags=["patients"])


class PatientChanges(BaseModel):
    """Changed demographics and the ``version`` they were read at (a stale one gets 409)."""

    model_config = ConfigDict(extra="forbid")

    version: int = Field(ge=1, le=MAX_STORED_INT)
    given_name: str | None = Field(default=None, min_length=1, max_length=100)
    family_name: str | None = Field(default=None, min_length=1, max_length=100)
    birth_date: str | None = None
    sex: str | None = None
    mrn: str | None = None
    phone: str | None = None
    email: str | None = None


@router.get("", summary="List and search the clinic's patients")
def list_patients(
    signed: SignedInDep,
    page: CursorDep,
    search: Annotated[str | None, Query(max_length=100, description=(
        "An MRN or patient id (exactly), or names: each word of 3+ letters anywhere in the given or "
        "family name, shorter words at the start of a name."))] = None,
) -> dict[str, Any]:
    """Return one page of patients by name: ``items``, ``next_cursor``, ``limit`` (``total`` if asked)."""
    found = patients.list_patients(signed.uow, signed.actor, search=search, cursor=page.cursor, limit=page.limit,
                                   total=page.total)
    return keyset_body(found, Patient.to_dict)


@router.post("", status_code=201, summary="Register a patient")
def register_patient(signed: SignedInDep, details: PatientDetails) -> dict[str, Any]:
    """Return the registered patient (version 1); 409 if the clinic already uses the MRN."""
    return patients.register_patient(signed.uow, signed.actor, details.model_dump(mode="json")).to_dict()


@router.get("/{patient_id}", summary="Read a patient's demographics")
def get_patient(signed: SignedInDep, patient_id: str) -> dict[str, Any]:
    """Return the patient; 404 for an id that is not the clinic's."""
    return patients.get_patient(signed.uow, signed.actor, patient_id).to_dict()


@router.patch("/{patient_id}", summary="Change a patient's demographics")
def update_patient(signed: SignedInDep, patient_id: str, changes: PatientChanges) -> dict[str, Any]:
    """Return the patient at its new version; 409 when ``version`` is stale (nothing is changed)."""
    fields = changes.model_dump(exclude_unset=True, exclude={"version"})
    return patients.update_patient(signed.uow, signed.actor, patient_id, fields, changes.version).to_dict()
