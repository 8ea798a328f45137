"""Treatment sessions (STRICTA items) and adverse events (clinicians and admins)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from fastapi import APIRouter

from acupath.api.deps import ActorDep, KbDep, UowDep
from acupath.services import sessions
from acupath.services.sessions import AdverseEventInput, SessionInput

router = APIRouter(tags=["sessions and adverse events"])


@router.post("/plans/{plan_id}/sessions", status_code=201, summary="Record a session under a plan")
def record_session(uow: UowDep, actor: ActorDep, kb: KbDep, plan_id: str, session: SessionInput) -> dict[str, Any]:
    """Return the stored session; 409 when it needles what a finding excludes without an override."""
    return asdict(sessions.record_session(uow, actor, plan_id, session.model_dump(mode="json"), kb))


@router.get("/plans/{plan_id}/sessions", summary="A plan's sessions")
def list_sessions(uow: UowDep, actor: ActorDep, plan_id: str) -> list[dict[str, Any]]:
    """Return the plan's sessions by number."""
    return [asdict(s) for s in sessions.list_sessions(uow, actor, plan_id)]


@router.post("/patients/{patient_id}/adverse-events", status_code=201, summary="Record an adverse event")
def record_adverse_event(uow: UowDep, actor: ActorDep, patient_id: str, event: AdverseEventInput) -> dict[str, Any]:
    """Return the stored adverse event; 404 when the patient or the session is not the clinic's."""
    return asdict(sessions.record_adverse_event(uow, actor, patient_id, event.model_dump(mode="json")))
