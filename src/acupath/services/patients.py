"""Use cases on patients' demographics: register, update, look up, list and search.

Every role of the clinic may use these (reception books patients); every call is audited.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from acupath.services.access import found
from acupath.services.actor import Actor
from acupath.services.audit import audited
from acupath.services.paging import (
    COUNT_CAP,
    MAX_PAGE,
    KeysetPage,
    check_limit,
    decode_cursor,
    keyset_page,
    unknown_cursor,
)
from acupath.services.records import Patient
from acupath.services.records.listings import NameSearch
from acupath.services.unit_of_work import AbstractUnitOfWork
from acupath.services.validation import parse
from acupath.validation import ClinicDate, OneLine

__all__ = ["MAX_PAGE", "PatientDetails", "add_patient", "get_patient", "list_patients", "new_id", "register_patient",
           "update_patient"]


class PatientDetails(BaseModel):
    """Demographics as entered at the front desk (unknown keys are refused)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    given_name: OneLine = Field(min_length=1, max_length=100)
    family_name: OneLine = Field(min_length=1, max_length=100)
    birth_date: ClinicDate
    sex: Literal["female", "male", "other", "unknown"]
    mrn: OneLine | None = Field(default=None, min_length=1, max_length=64)
    #: Digits with the marks numbers are written with ("+64 21 555 1001", "(03) 555-0100 ext. 2"): "call me"
    #: was stored and printed on the patient's documents.
    phone: OneLine | None = Field(default=None, max_length=40,
                                  pattern=r"^\+?[0-9 ()./-]*[0-9][0-9 ()./-]*(\s*([eE][xX][tT]\.?|[xX])\s*[0-9]+)?$")
    #: An address the portal's invitation can reach: "aroha@" was stored, and the link mailed to nowhere.
    email: OneLine | None = Field(default=None, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

    @field_validator("birth_date")
    @classmethod
    def _born(cls, value: date, info: ValidationInfo) -> date:
        # The clinic's today comes as the validation context (the services' clock; a form's), so that a
        # form names a birth in the future with its other problems, not after they are mended.
        today = (info.context or {}).get("today")
        if today is not None and value > today:
            raise ValueError("must not be in the future")
        return value


def new_id() -> str:
    """Return a fresh record id (random, so ids reveal neither order nor count)."""
    return uuid.uuid4().hex


def register_patient(uow: AbstractUnitOfWork, actor: Actor, details: dict[str, Any]) -> Patient:
    """Register a patient in the actor's clinic.

    Returns the stored patient (version 1). Raises ``InputError`` for bad demographics, ``Conflict``
    if the clinic already uses the MRN.
    """
    with uow, audited(uow, actor, "patient.register", "patient") as note:
        patient = add_patient(uow, actor, details)
        note.record_id = note.patient_id = patient.id
        return patient


def add_patient(uow: AbstractUnitOfWork, actor: Actor, details: dict[str, Any]) -> Patient:
    """Validate ``details`` and add the patient to ``uow``'s transaction (no commit, no audit entry).

    ``register_patient``'s work, shared with the FHIR import (one transaction for a patient and their
    intake). Returns the patient (version 1). Raises ``InputError``; ``Conflict`` for an MRN in use.
    """
    form = _details(details, uow.clock().date())
    now = uow.clock()
    patient = Patient(id=new_id(), clinic_id=actor.clinic_id, created_at=now, updated_at=now, **form.model_dump())
    uow.patients.add(patient)
    return patient


def _details(details: dict[str, Any], today: date) -> PatientDetails:
    """Return ``details`` checked. Raises ``InputError`` naming the field (a birth after ``today`` too)."""
    return parse(PatientDetails, details, context={"today": today})


def update_patient(
    uow: AbstractUnitOfWork, actor: Actor, patient_id: str, changes: dict[str, Any], expected_version: int
) -> Patient:
    """Change a patient's demographics, if nobody changed them since ``expected_version`` was read.

    Returns the patient at its new version. Raises ``NotFound`` (not in the clinic), ``InputError``,
    ``Conflict`` (stale version: the newer data is kept).
    """
    with uow, audited(uow, actor, "patient.update", "patient", patient_id, patient_id):
        patient = found(uow.patients.get(actor.clinic_id, patient_id), "patient", patient_id)
        current = {name: getattr(patient, name) for name in PatientDetails.model_fields}
        form = _details({**current, **changes}, uow.clock().date())
        for name, value in form.model_dump().items():
            setattr(patient, name, value)
        patient.updated_at = uow.clock()
        uow.patients.update(patient, expected_version)
        patient.version = expected_version + 1
        return patient


def get_patient(uow: AbstractUnitOfWork, actor: Actor, patient_id: str) -> Patient:
    """Return the clinic's patient. Raises ``NotFound`` (also for another clinic's id)."""
    with uow, audited(uow, actor, "patient.read", "patient", patient_id, patient_id):
        return found(uow.patients.get(actor.clinic_id, patient_id), "patient", patient_id)


def list_patients(
    uow: AbstractUnitOfWork, actor: Actor, *, search: str | None = None, cursor: str | None = None,
    limit: int = 50, total: bool = False,
) -> KeysetPage[Patient]:
    """Return one page of the clinic's patients by family name, given name and id, after ``cursor``.

    ``search`` finds a patient by MRN or id (the whole text, exactly) or by name (``NameSearch``);
    ``total`` asks for the count (exact up to ``COUNT_CAP``). The search is not written to the audit
    entry (a name typed is patient data): the entry says only that there was one.
    Raises ``InputError`` naming ``limit`` (outside 1..200) or ``cursor`` (not one this list gave, or
    naming no patient of the clinic).
    """
    with uow, audited(uow, actor, "patient.list", "patient") as note:
        check_limit(limit)
        position = decode_cursor("patients", cursor)
        found_by = NameSearch.of(search) if search and search.strip() else None
        note.detail = f"search={'yes' if found_by else 'no'} cursor={'yes' if position else 'no'} limit={limit}"
        after = None
        if position is not None:
            after = uow.patients.get(actor.clinic_id, position)
            if after is None:
                raise unknown_cursor("patients")
        rows = uow.patients.search(actor.clinic_id, found_by, after, limit + 1)
        counted = uow.patients.count(actor.clinic_id, found_by, COUNT_CAP) if total else None
        return keyset_page("patients", rows, limit, lambda patient: patient.id, counted)
