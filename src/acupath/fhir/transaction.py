"""The import of a transaction Bundle from end to end: read it (``imports``), store it (``services.fhir_import``,
one transaction), answer it with a ``transaction-response`` Bundle. The API (``POST /fhir/R4``) and the
command line (``acupath fhir import``) both call ``import_transaction``.

A refusal of the services names the intake's or the patient's field; it is raised again naming the
Bundle's element that field came from.
"""

from __future__ import annotations

from typing import Any

from fhir.resources.R4B.bundle import Bundle

from acupath.errors import Conflict, InputError
from acupath.fhir.canonical import Canon
from acupath.fhir.conditions import PATTERN_SUFFIX
from acupath.fhir.import_answers import ImportRefused
from acupath.fhir.imports import BundleImport, read_bundle
from acupath.fhir.intake_form import INTAKE_ID
from acupath.fhir.questionnaires import response_id
from acupath.knowledge import KnowledgeBase
from acupath.services import fhir_import
from acupath.services.actor import Actor
from acupath.services.unit_of_work import AbstractUnitOfWork


class ImportConflict(Conflict):
    """The Bundle's patient is already the clinic's (HTTP 409): ``field`` is the MRN's element."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(f"{field}: {message}")


def import_transaction(uow: AbstractUnitOfWork, actor: Actor, body: Any, kb: KnowledgeBase,
                       canon: Canon) -> Bundle:
    """Import the transaction Bundle ``body`` (parsed JSON) into the actor's clinic; return the response Bundle.

    Raises ``InvalidResource`` (400) / ``ImportRefused`` (422) naming the element, ``ImportConflict``
    (409), ``PermissionDenied`` (reception). Nothing is stored unless everything is.
    """
    bundle = read_bundle(body, kb, canon)
    try:
        done = fhir_import.import_intake(uow, actor, bundle.demographics, bundle.answers, kb,
                                         match_existing=bundle.match_existing)
    except InputError as error:
        raise ImportRefused(bundle.expression_of(error.field), error.problem, error.allowed) from None
    except Conflict as error:
        raise ImportConflict(bundle.expression_of("demographics.mrn"), str(error)) from None
    findings = ", ".join(f["code"] for f in done.screening.findings) or "none"
    screening = (f"{'already imported: nothing new written; ' if done.repeated else ''}"
                 f"screening {done.screening.status}; findings: {findings}")
    return transaction_response(bundle, patient_id=done.patient.id, patient_version=done.patient.version,
                                created_patient=done.created_patient, intake_id=done.intake.id,
                                screening=screening, repeated=done.repeated)


def transaction_response(request: BundleImport, *, patient_id: str, patient_version: int, created_patient: bool,
                         intake_id: str, screening: str, repeated: bool = False) -> Bundle:
    """Return the transaction-response Bundle: one entry per request entry, in order, with its location.

    The Patient's entry is ``201 Created``, or ``200 OK`` when ``ifNoneExist`` matched a patient the
    clinic had; every entry is ``200 OK`` for a ``repeated`` intake (nothing was written). The intake's
    QuestionnaireResponse entry carries the screening (``screening``: its status and finding codes) as
    an informational OperationOutcome.
    """
    fixed = {"patient": f"Patient/{patient_id}/_history/{patient_version}",
             "condition": f"Condition/{intake_id}/_history/1",
             "pattern": f"Condition/{intake_id}{PATTERN_SUFFIX}/_history/1"}
    entries = []
    for role in request.roles:
        created = not repeated and (created_patient or role != "patient")
        response: dict[str, Any] = {"status": "201 Created" if created else "200 OK", "location": fixed.get(role) or
                                    f"QuestionnaireResponse/{response_id(intake_id, role)}/_history/1"}
        if role == INTAKE_ID:
            response["outcome"] = {"resourceType": "OperationOutcome", "issue": [
                {"severity": "information", "code": "informational", "diagnostics": screening}]}
        entries.append({"response": response})
    return Bundle.model_validate({"resourceType": "Bundle", "type": "transaction-response", "entry": entries})
