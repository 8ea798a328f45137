"""Corrections of sessions, adverse events and reassessments: read, amend with a version, history.

A record is never edited silently nor deleted: ``POST .../amendments`` names the version it read
(409 when stale), the corrected fields and a reason; ``GET .../history`` returns the current version
and every amendment with the record as it was (``services.amendments``).
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from fastapi import APIRouter

from acupath.api.deps import SignedInDep
from acupath.services import amendments
from acupath.services.amendments import AmendmentInput
from acupath.services.records import AmendedType

router = APIRouter(tags=["sessions and adverse events"])

def _history(signed: SignedInDep, kind: AmendedType, record_id: str) -> dict[str, Any]:
    found = amendments.record_history(signed.uow, signed.actor, kind, record_id)
    return {"current": asdict(found.current), "amendments": [asdict(a) for a in found.amendments]}


@router.get("/sessions/{session_id}", summary="Read a session at its current version")
def get_session(signed: SignedInDep, session_id: str) -> dict[str, Any]:
    """Return the session with its ``version``; 404 for an id that is not the clinic's."""
    return asdict(amendments.get_record(signed.uow, signed.actor, AmendedType.SESSION, session_id))


@router.post("/sessions/{session_id}/amendments", status_code=201, summary="Correct a session")
def amend_session(signed: SignedInDep, session_id: str, body: AmendmentInput) -> dict[str, Any]:
    """Return the session at its new version; 409 when ``version`` is stale, 422 names a bad field."""
    return asdict(amendments.amend_session(signed.uow, signed.actor, session_id, body.model_dump(mode="json"),
                                           signed.kb))


@router.get("/sessions/{session_id}/history", summary="A session's current version and amendments")
def session_history(signed: SignedInDep, session_id: str) -> dict[str, Any]:
    """Return ``current`` and ``amendments`` (oldest first, each with the session as it was)."""
    return _history(signed, AmendedType.SESSION, session_id)


@router.get("/adverse-events/{event_id}", summary="Read an adverse event at its current version")
def get_adverse_event(signed: SignedInDep, event_id: str) -> dict[str, Any]:
    """Return the adverse event with its ``version``."""
    return asdict(amendments.get_record(signed.uow, signed.actor, AmendedType.ADVERSE_EVENT, event_id))


@router.post("/adverse-events/{event_id}/amendments", status_code=201, summary="Correct an adverse event")
def amend_adverse_event(signed: SignedInDep, event_id: str, body: AmendmentInput) -> dict[str, Any]:
    """Return the adverse event at its new version; 409 when ``version`` is stale."""
    return asdict(amendments.amend_adverse_event(signed.uow, signed.actor, event_id, body.model_dump(mode="json")))


@router.get("/adverse-events/{event_id}/history", summary="An adverse event's current version and amendments")
def adverse_event_history(signed: SignedInDep, event_id: str) -> dict[str, Any]:
    """Return ``current`` and ``amendments`` (oldest first)."""
    return _history(signed, AmendedType.ADVERSE_EVENT, event_id)


@router.get("/reassessments/{reassessment_id}", summary="Read a reassessment at its current version")
def get_reassessment(signed: SignedInDep, reassessment_id: str) -> dict[str, Any]:
    """Return the reassessment with its scores and ``version``."""
    return asdict(amendments.get_record(signed.uow, signed.actor, AmendedType.REASSESSMENT, reassessment_id))


@router.post("/reassessments/{reassessment_id}/amendments", status_code=201, summary="Correct a reassessment")
def amend_reassessment(signed: SignedInDep, reassessment_id: str, body: AmendmentInput) -> dict[str, Any]:
    """Return the reassessment (scored again) at its new version; 409 when ``version`` is stale."""
    return asdict(amendments.amend_reassessment(signed.uow, signed.actor, reassessment_id,
                                                body.model_dump(mode="json"), signed.kb))


@router.get("/reassessments/{reassessment_id}/history", summary="A reassessment's current version and amendments")
def reassessment_history(signed: SignedInDep, reassessment_id: str) -> dict[str, Any]:
    """Return ``current`` and ``amendments`` (oldest first)."""
    return _history(signed, AmendedType.REASSESSMENT, reassessment_id)
