"""``POST /fhir/R4``: import a FHIR transaction Bundle (a Patient, their Condition and QuestionnaireResponses)
as a new patient with a scored, screened intake (``acupath.fhir.imports`` says what the Bundle holds).

Clinicians and administrators only (reception 403), in the signed-in user's clinic, audited
(``services.fhir_import``). The body is ``application/fhir+json`` (``application/json`` is accepted
too; anything else is 415). Answers: 200 with a ``transaction-response`` Bundle (each entry's
location); 400 for a body that is not a valid R4 Bundle, 422 for an unknown code, linkId or answer or
a part of the intake missing, 409 for a patient whose MRN the clinic already has (without
``ifNoneExist``); each an OperationOutcome whose ``expression`` names the element. Nothing is stored
unless everything is.
"""

from __future__ import annotations

from typing import Any

import orjson
from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from acupath.api.deps import SignedIn, SignedInDep
from acupath.api.fhir_responses import FHIR_JSON, FHIR_PREFIX, fhir_response, outcome_response
from acupath.fhir.import_answers import InvalidResource
from acupath.fhir.transaction import ImportConflict, import_transaction

router = APIRouter(prefix=FHIR_PREFIX, tags=["FHIR R4"])

_BODY = {"requestBody": {"required": True, "description": "A FHIR R4 transaction Bundle: one Patient (with its "
                         "MRN), one Condition, the QuestionnaireResponse of Questionnaire/intake and any "
                         "instruments' QuestionnaireResponses (see GET /fhir/R4/metadata).",
                         "content": {FHIR_JSON: {"schema": {"type": "object"}}}}}


def _import(request: Request, signed: SignedIn, body: Any) -> Response:
    try:
        answer = import_transaction(signed.uow, signed.actor, body, signed.kb, request.app.state.fhir_canon)
    except ImportConflict as error:
        return outcome_response(409, error.message, [error.field])
    return fhir_response(answer)


@router.post("", summary="Import a transaction Bundle: a patient and their intake", response_class=Response,
             openapi_extra=_BODY)
async def transaction(request: Request, signed: SignedInDep) -> Response:
    """Return the transaction-response Bundle; the OperationOutcome of a refusal names the element."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type not in (FHIR_JSON, "application/json"):
        return outcome_response(415, f"send the Bundle as {FHIR_JSON}", ["Content-Type"])
    try:
        body = orjson.loads(await request.body())
    except orjson.JSONDecodeError:
        raise InvalidResource("Bundle", "the body is not JSON", "a FHIR R4 Bundle in JSON") from None
    return await run_in_threadpool(_import, request, signed, body)
