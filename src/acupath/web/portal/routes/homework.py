"""The patient's homework on the portal: each task of their plan, ticked off for today and the last days.

A day is a button that marks it done or not done (``services.between_visits.homework.tick``): a day in
the future, or outside the task's phases, is refused and named. Another patient's task is the 404 page.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from acupath.errors import InputError
from acupath.services.between_visits import homework
from acupath.web.forms import Problem
from acupath.web.pages import web_state
from acupath.web.portal.pages import PortalRoute, render_portal
from acupath.web.portal.visitor import PortalVisitor, PortalVisitorDep
from acupath.web.visitor import CsrfFormDep, unit_of_work

router = APIRouter(prefix="/portal", route_class=PortalRoute, include_in_schema=False)

TaskId = Annotated[str, Path(min_length=1, max_length=64)]


def _page(request: Request, visitor: PortalVisitor, problems: list[Problem], status_code: int = 200) -> Response:
    today = web_state(request).clock().date()
    tasks = homework.patient_homework(unit_of_work(request), visitor.patient, today=today)
    return render_portal(request, "portal/between/homework.html", {
        "tasks": tasks, "today": today, "problems": problems, "nav": "homework"}, status_code)


@router.get("/homework")
async def homework_page(request: Request, visitor: PortalVisitorDep) -> Response:
    """Return the patient's homework with today and the last days to tick."""
    return await run_in_threadpool(_page, request, visitor, [])


@router.post("/homework/{task_id}")
async def tick(request: Request, task_id: TaskId, visitor: PortalVisitorDep, form: CsrfFormDep) -> Response:
    """Mark one day of a task done (``done=1``) or not done; a refused day is named on the page (422)."""
    today = web_state(request).clock().date()
    try:
        day = date.fromisoformat(form.get("done_on", ""))
    except ValueError:
        return await run_in_threadpool(_page, request, visitor,
                                       [Problem(field="homework", message="That day is not a date: choose a day below")],
                                       422)
    try:
        await run_in_threadpool(homework.tick, unit_of_work(request), visitor.patient, task_id, day,
                                form.get("done") == "1", today=today)
    except InputError as error:
        return await run_in_threadpool(_page, request, visitor,
                                       [Problem(field="homework", message=f"That day cannot be ticked: {error.problem}")],
                                       422)
    return RedirectResponse(f"/portal/homework#task-{task_id}", status_code=303)
