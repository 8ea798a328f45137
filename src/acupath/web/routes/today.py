"""Today's list: the clinic's patients with a visit planned today, with their status badges."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from acupath.errors import InputError
from acupath.outcomes.verdict import NOT_RESPONDER
from acupath.services import clinic_day, progress
from acupath.services.between_visits import urgent_tasks
from acupath.web.pages import PageRoute, render, web_state
from acupath.web.visitor import VisitorDep, unit_of_work

router = APIRouter(prefix="/clinic", route_class=PageRoute, include_in_schema=False)


@router.get("/today")
def today_page(request: Request, visitor: VisitorDep, done: str | None = None) -> Response:
    """Return today's list (every role; reception sees no clinical badge), with a clear empty state.

    A clinician's list opens with the clinic's open urgent tasks (a patient's safety answer on the
    portal, whoever is due today), each with a severity word and icon, linked to the task and the patient.

    A clinician's list also marks non-responders: the responder status on the latest measures that
    ``services.progress`` evaluated for the plan, once its first checkpoint is reached (``outcomes.verdict``:
    the chart, the progress page and the report say the same).
    """
    state = web_state(request)
    day = state.clock().date()
    due = clinic_day.patients_due(unit_of_work(request), visitor.actor, day)
    non_responders: set[str] = set()
    if visitor.clinical:
        for entry in due:
            try:
                course = progress.get_progress(unit_of_work(request), visitor.actor, entry.position.plan_id, state.kb)
            except InputError:
                continue  # answers the knowledge can no longer score: no status rather than a wrong one
            if course.verdict.state == NOT_RESPONDER:
                non_responders.add(entry.position.plan_id)
    urgent = urgent_tasks.open_tasks(unit_of_work(request), visitor.actor, state.kb) if visitor.clinical else []
    return render(request, "today.html", {"day": day, "due": due, "non_responders": non_responders,
                                          "urgent": urgent, "resolved": done == "resolved"})
