"""Treatment sessions (STRICTA items) and adverse events (clinicians and admins)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, Response

from acupath.api.deps import SignedInDep
from acupath.api.paging import PageDep, page_body
from acupath.api.responses import json_response
from acupath.services import patient_records, sessions
from acupath.services.sessions import AdverseEventInput, SessionInput

router = APIRouter(tags=["sessions and adverse events"])


@router.post("/plans/{plan_id}/sessions", status_code=201, summary="Record a session under a plan",
             response_model=dict[str, Any])
def record_session(signed: SignedInDep, plan_id: str, session: SessionInput) -> Response:
    """Return the stored session; 409 when it needles what a finding excludes without an override.

    409 also when the body names a session number the plan has; without one the server numbers it.
    """
    # The body is validated once, by FastAPI: the service takes the ``SessionInput`` as it is.
    record = sessions.record_session(signed.uow, signed.actor, plan_id, session, signed.kb)
    return json_response(record, status_code=201)


@router.get("/plans/{plan_id}/sessions", summary="A plan's sessions, one page at a time")
def list_sessions(signed: SignedInDep, plan_id: str, page: PageDep) -> dict[str, Any]:
    """Return one page of the plan's sessions by number: ``items``, ``total``, ``offset``, ``limit``."""
    found = sessions.list_sessions(signed.uow, signed.actor, plan_id, offset=page.offset, limit=page.limit)
    return page_body(found, asdict)


@router.post("/patients/{patient_id}/adverse-events", status_code=201, summary="Record an adverse event")
def record_adverse_event(signed: SignedInDep, patient_id: str, event: AdverseEventInput) -> dict[str, Any]:
    """Return the stored adverse event; 404 when the patient or the session is not the clinic's."""
    return asdict(sessions.record_adverse_event(signed.uow, signed.actor, patient_id,
                                                event.model_dump(mode="json")))


@router.get("/patients/{patient_id}/adverse-events", summary="A patient's adverse events, one page at a time")
def list_adverse_events(signed: SignedInDep, patient_id: str, page: PageDep) -> dict[str, Any]:
    """Return one page of the patient's adverse events, oldest first; 403 for reception."""
    return page_body(patient_records.list_adverse_events(signed.uow, signed.actor, patient_id,
                                                         offset=page.offset, limit=page.limit), asdict)
