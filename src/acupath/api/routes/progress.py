"""Follow-up: reassessments and progress (clinical), and the schedule the front desk sees."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, Response

from acupath import outcomes
from acupath.api.deps import SignedInDep
from acupath.api.paging import CursorQuery, LimitQuery, PageDep, keyset_body, page_body
from acupath.api.responses import json_body, json_response
from acupath.services import patient_records, progress, schedule
from acupath.services.plan_cache import LruCache
from acupath.services.progress import ReassessmentInput

router = APIRouter(tags=["follow-up"])


@router.get("/plans/{plan_id}/progress", summary="Progress under a plan", response_model=dict[str, Any])
def get_progress(signed: SignedInDep, plan_id: str) -> Response:
    """Return the plan's progress: trajectories, responder status and alerts (``outcomes.evaluate``)."""
    report = progress.get_progress(signed.uow, signed.actor, plan_id, signed.kb)
    return json_response(None, body=_bodies.get(id(report), lambda: (report, json_body(report.to_dict())))[1])


#: The JSON of recent progress reports, by the report object: the service hands back the very same
#: (immutable) report while nothing it is computed from changed, so its JSON need not be written again.
#: Each value holds its report, so no other object can take that ``id`` while the entry lives.
_bodies: LruCache[int, tuple[outcomes.Progress, bytes]] = LruCache(capacity=256)


@router.post("/patients/{patient_id}/reassessments", status_code=201, summary="Record a reassessment")
def record_reassessment(signed: SignedInDep, patient_id: str, body: ReassessmentInput) -> dict[str, Any]:
    """Return the stored reassessment with every questionnaire scored; 422 names the bad answer."""
    return asdict(progress.record_reassessment(signed.uow, signed.actor, patient_id, body.model_dump(mode="json"),
                                               signed.kb))


@router.get("/patients/{patient_id}/reassessments", summary="A patient's reassessments, one page at a time")
def list_reassessments(signed: SignedInDep, patient_id: str, page: PageDep) -> dict[str, Any]:
    """Return one page of the patient's reassessments by date, with their scores; 403 for reception."""
    return page_body(patient_records.list_reassessments(signed.uow, signed.actor, patient_id,
                                                        offset=page.offset, limit=page.limit), asdict)


@router.get("/patients/{patient_id}/schedule", summary="A patient's schedule, one page at a time (every role)")
def get_schedule(signed: SignedInDep, patient_id: str, cursor: CursorQuery = None,
                 limit: LimitQuery = 50) -> dict[str, Any]:
    """Return the patient's ``plans`` (id, status) and one page of sessions by date (``items``: plan, number,
    date; no clinical notes) with ``next_cursor`` and ``limit``."""
    found = schedule.get_schedule(signed.uow, signed.actor, patient_id, cursor=cursor, limit=limit)
    body = keyset_body(found.sessions, lambda s: {"plan_id": s.plan_id, "number": s.number,
                                                  "date": s.session_date.isoformat()})
    return {"plans": [{"plan_id": p.plan_id, "status": p.status} for p in found.plans], **body}
