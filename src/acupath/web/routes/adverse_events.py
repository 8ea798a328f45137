"""Recording an adverse event under a plan, optionally after one of its sessions.

An adverse event is a record of its own (the API's ``POST /patients/{id}/adverse-events``), so it has
its own form, reached from the plan page, the chart, or straight after charting a session ("an
adverse event happened": the session is chosen already). ``services.sessions.record_adverse_event``
decides everything (the date after the session it followed and not after today, the session being
the patient's); the page names each problem beside its box and stores nothing on error.
"""

from __future__ import annotations

from typing import Annotated, Any, get_args

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from acupath.errors import InputError
from acupath.services import patients, plans, sessions
from acupath.services.access import require_clinical
from acupath.services.records import SessionRecord
from acupath.services.sessions import AdverseEventInput
from acupath.web.forms import Problem, problem_of, problems_of, refused_characters, without_blanks
from acupath.web.pages import PageRoute, render, web_state
from acupath.web.routes.chart import LONG_LIST
from acupath.web.visitor import CsrfFormDep, VisitorDep, unit_of_work

router = APIRouter(prefix="/clinic/plans", route_class=PageRoute, include_in_schema=False)

SEVERITIES = get_args(AdverseEventInput.model_fields["severity"].annotation)
OUTCOMES = get_args(AdverseEventInput.model_fields["outcome"].annotation)
LABELS = {"session_id": "Session it followed", "occurred_on": "Date it happened", "type": "What happened",
          "severity": "Severity", "outcome": "Outcome", "description": "Description"}
#: Suggestions for "what happened" (a datalist: any text is accepted); the kinds the demo clinic records.
SUGGESTED_TYPES = ("bruising", "needle pain", "minor bleeding", "tiredness")


def _context(request: Request, visitor: Any, plan_id: str) -> dict[str, Any]:
    """Return the plan, its patient and its sessions (newest first), read through the services."""
    record = plans.get_plan(unit_of_work(request), visitor.actor, plan_id)
    patient = patients.get_patient(unit_of_work(request), visitor.actor, record.patient_id)
    given: list[SessionRecord] = sessions.list_sessions(unit_of_work(request), visitor.actor, plan_id,
                                                        limit=LONG_LIST).items
    return {"record": record, "patient": patient, "sessions": list(reversed(given)), "labels": LABELS,
            "severities": SEVERITIES, "outcomes": OUTCOMES, "suggested_types": SUGGESTED_TYPES,
            "today": web_state(request).clock().date()}


@router.get("/{plan_id}/adverse-events/new")
def new_adverse_event_page(request: Request, plan_id: str, visitor: VisitorDep,
                           session: Annotated[str | None, Query(max_length=64)] = None) -> Response:
    """Return the adverse-event form; ``session`` chooses the session it followed (the latest by default).

    Reception gets the 403 page, another clinic's plan the 404 page.
    """
    require_clinical(visitor.actor)
    context = _context(request, visitor, plan_id)
    ids = [s.id for s in context["sessions"]]
    chosen = session if session in ids else (ids[0] if ids else "")
    values = {"session_id": chosen, "occurred_on": context["today"].isoformat()}
    return render(request, "sessions/adverse_event.html", {**context, "values": values, "problems": []})


@router.post("/{plan_id}/adverse-events/new")
async def record_adverse_event(request: Request, plan_id: str, form: CsrfFormDep, visitor: VisitorDep) -> Response:
    """Record the event and go to the plan page; else the form as typed (422), each problem named."""
    require_clinical(visitor.actor)
    context = await run_in_threadpool(_context, request, visitor, plan_id)
    data = without_blanks({name: form.get(name, "") for name in LABELS})
    problems: list[Problem] = refused_characters(form, LABELS) or problems_of(
        AdverseEventInput, data, LABELS, choices=("severity", "outcome"))
    if not problems:
        try:
            await run_in_threadpool(sessions.record_adverse_event, unit_of_work(request), visitor.actor,
                                    context["record"].patient_id, data, today=context["today"])
        except InputError as exc:
            problems.append(problem_of(exc, LABELS.get(exc.field)))
        else:
            return RedirectResponse(f"/clinic/plans/{plan_id}?recorded=adverse-event", status_code=303)
    return render(request, "sessions/adverse_event.html", {**context, "values": form, "problems": problems},
                  status_code=422)
