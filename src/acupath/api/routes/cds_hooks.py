"""CDS Hooks 2.0: ``GET /cds-services`` (discovery), ``POST /cds-services/{id}`` (a hook call) and
``POST /cds-services/{id}/feedback``.

A call is authenticated by the EHR's signed JWT (``api.cds_auth``: 401 otherwise, audited) before its
body is read; the body is read by ``fhir.cds.hooks`` (422 naming the field), the EHR's record screened
by ``fhir.cds`` (pure), acupath's own record of the patient read by ``services.cds_hooks`` (audited, the
token used up), and the cards made by ``fhir.cds.answer``. Discovery lists no patient data and needs no
token (the specification asks the client to send one; it is not checked there).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, HTTPException, Path, Request

from acupath.api.cds_auth import CdsCaller, cds_caller
from acupath.api.deps import KbDep, StateDep
from acupath.fhir.cds.answer import prepare, respond
from acupath.fhir.cds.hooks import discovery, parse_feedback, parse_hook_request
from acupath.services import cds_hooks

router = APIRouter(prefix="/cds-services", tags=["CDS Hooks"])
SERVICES = ("patient-view", "order-sign")
# Listed in the OpenAPI schema but checked here: an unknown service is 404 (CDS Hooks: the service does
# not exist), not a 422 about the path.
ServiceId = Annotated[str, Path(max_length=40, json_schema_extra={"enum": list(SERVICES)})]
CallerDep = Annotated[CdsCaller, Depends(cds_caller)]


@router.get("", summary="CDS Hooks discovery: the services and their prefetch templates")
def services() -> dict[str, Any]:
    """Return ``{"services": [...]}``: patient-view and order-sign, with their prefetch templates."""
    return discovery()


def _known(service_id: str) -> None:
    if service_id not in SERVICES:
        raise HTTPException(404, f"no CDS service {service_id!r}; see GET /cds-services ({', '.join(SERVICES)})")


@router.post("/{service_id}", summary="Call a CDS service (patient-view, order-sign)")
def call_service(service_id: ServiceId, request: Request, caller: CallerDep, state: StateDep, kb: KbDep,
                 body: Annotated[Any, Body()] = None) -> dict[str, Any]:
    """Return ``{"cards": [...]}`` for the hook call in ``body`` (CDS Hooks 2.0 "Calling a CDS Service");
    404 for a service not in discovery."""
    _known(service_id)
    hook = parse_hook_request(service_id, body)
    canon = request.app.state.fhir_canon
    today = state.clock().date()
    prepared = prepare(service_id, hook, kb, canon, caller.client.clinic_id, today)
    answered = [f.code for f in prepared.screening.findings] if prepared.screening else []
    known = cds_hooks.consult(state.uow_factory(), caller.client, caller.address, caller.token, hook.hook,
                              hook.hookInstance, prepared.mrn, answered, kb, today)
    return respond(prepared, known, kb, canon)


@router.post("/{service_id}/feedback", summary="Feedback on cards: accepted or overridden")
def feedback(service_id: ServiceId, caller: CallerDep, state: StateDep,
             body: Annotated[Any, Body()] = None) -> dict[str, Any]:
    """Keep each card's outcome in the audit log; return ``{}`` (CDS Hooks 2.0 "Feedback"); 404 for a
    service not in discovery."""
    _known(service_id)
    request = parse_feedback(body)
    outcomes = []
    for item in request.feedback:
        reason = item.overrideReason.reason if item.overrideReason and item.overrideReason.reason else {}
        why = f"reason {reason.get('code', '?')}" if reason else "no reason"
        if item.outcome == "accepted":
            why = "suggestions " + ",".join(s.id for s in item.acceptedSuggestions)
        outcomes.append((item.card, item.outcome, f"{why} at {item.outcomeTimestamp}"))
    cds_hooks.record_feedback(state.uow_factory(), caller.client, caller.address, caller.token, service_id, outcomes)
    return {}
