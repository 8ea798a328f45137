"""Between visits, the clinician's side: a plan's questionnaires and homework, and an urgent task.

``/clinic/plans/{id}/questionnaires`` lists what the patient was asked to fill in on the portal and
assigns more: the plan's reassessments in one go (the default schedule) or one instrument by a date;
it also starts the plan's homework. ``/clinic/urgent-tasks/{id}`` shows a task raised by a patient's
safety answer (what was asked and answered, when) and resolves it with a note. Everything goes
through ``services.between_visits``; reception gets the 403 page, another clinic's record the 404 page.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from acupath.errors import Conflict, InputError
from acupath.services import patients, plans
from acupath.services.between_visits import assignments, homework, urgent_tasks
from acupath.web.forms import Problem, problem_of
from acupath.web.pages import PageRoute, render, web_state
from acupath.web.visitor import CsrfFormDep, Visitor, VisitorDep, unit_of_work

router = APIRouter(prefix="/clinic", route_class=PageRoute, include_in_schema=False)

RecordId = Annotated[str, Path(min_length=1, max_length=64)]
#: What the page says after a change (``?done=``).
DONE = {"assigned": "The questionnaire is assigned: the patient sees it on the portal.",
        "from_plan": "The plan's reassessments are assigned: the patient sees each on the portal.",
        "nothing_new": "Every reassessment from today on was assigned already.",
        "cancelled": "The questionnaire is withdrawn.",
        "homework": "The homework of the plan's components is given: the patient ticks it off on the portal.",
        "homework_had": "The plan's homework was given already."}
STATUS_WORDS = {"due": "Due", "in_progress": "Started", "completed": "Completed", "cancelled": "Withdrawn"}


def _questionnaires_page(request: Request, visitor: Visitor, plan_id: str, problems: list[Problem],
                         typed: dict[str, str] | None = None, done: str | None = None,
                         status_code: int = 200) -> Response:
    state = web_state(request)
    plan = plans.get_plan(unit_of_work(request), visitor.actor, plan_id)
    patient = patients.get_patient(unit_of_work(request), visitor.actor, plan.patient_id)
    given = assignments.plan_assignments(unit_of_work(request), visitor.actor, plan_id)
    adherence = homework.plan_adherence(unit_of_work(request), visitor.actor, plan_id, today=state.clock().date())
    instruments = sorted((doc.id, doc.name or doc.title or doc.id) for doc in state.kb.instruments.values())
    return render(request, "between_visits/questionnaires.html", {
        "plan": plan, "patient": patient, "assignments": given, "adherence": adherence, "problems": problems,
        "typed": typed or {}, "message": DONE.get(done or ""), "instruments": instruments,
        "status_words": STATUS_WORDS, "today": state.clock().date()}, status_code)


@router.get("/plans/{plan_id}/questionnaires")
def questionnaires_page(request: Request, plan_id: RecordId, visitor: VisitorDep, done: str | None = None) -> Response:
    """Return the plan's questionnaires and homework with the forms to assign more (clinical roles)."""
    return _questionnaires_page(request, visitor, plan_id, [], done=done)


def _back(plan_id: str, done: str) -> RedirectResponse:
    return RedirectResponse(f"/clinic/plans/{plan_id}/questionnaires?done={done}", status_code=303)


@router.post("/plans/{plan_id}/questionnaires")
async def assign(request: Request, plan_id: RecordId, visitor: VisitorDep, form: CsrfFormDep) -> Response:
    """Assign one instrument by a date; a bad instrument or date is named beside its field (422)."""
    data = {"instrument": form.get("instrument", ""), "due_on": form.get("due_on", "")}
    kb = web_state(request).kb
    try:
        await run_in_threadpool(assignments.assign_questionnaire, unit_of_work(request), visitor.actor, plan_id, data, kb,
                                today=web_state(request).clock().date())
    except (InputError, Conflict) as error:
        problem = problem_of(error, "Questionnaire" if getattr(error, "field", "") == "instrument" else None) \
            if isinstance(error, InputError) else Problem(field="instrument", message=str(error))
        return await run_in_threadpool(_questionnaires_page, request, visitor, plan_id, [problem], data, None, 422)
    return _back(plan_id, "assigned")


@router.post("/plans/{plan_id}/questionnaires/from-plan")
async def assign_from_plan(request: Request, plan_id: RecordId, visitor: VisitorDep, form: CsrfFormDep) -> Response:
    """Assign the plan's reassessments from today on (the default schedule)."""
    try:
        made = await run_in_threadpool(assignments.assign_plan_reassessments, unit_of_work(request), visitor.actor,
                                       plan_id, web_state(request).kb, today=web_state(request).clock().date())
    except Conflict as error:
        problem = Problem(field="from-plan", message=str(error))
        return await run_in_threadpool(_questionnaires_page, request, visitor, plan_id, [problem], None, None, 409)
    return _back(plan_id, "from_plan" if made else "nothing_new")


@router.post("/questionnaires/{assignment_id}/cancel")
async def cancel(request: Request, assignment_id: RecordId, visitor: VisitorDep, form: CsrfFormDep) -> Response:
    """Withdraw a questionnaire the patient has not completed (its urgent tasks stay open)."""
    plan_id = form.get("plan_id", "")
    try:
        cancelled = await run_in_threadpool(assignments.cancel_assignment, unit_of_work(request), visitor.actor,
                                            assignment_id)
    except Conflict as error:
        return await run_in_threadpool(_questionnaires_page, request, visitor, plan_id,
                                       [Problem(field="assignments", message=str(error))], None, None, 409)
    return _back(cancelled.plan_id, "cancelled")


@router.post("/plans/{plan_id}/homework")
async def start_homework(request: Request, plan_id: RecordId, visitor: VisitorDep, form: CsrfFormDep) -> Response:
    """Give the patient the homework of the plan's components (those programme.yaml gives a frequency)."""
    made = await run_in_threadpool(homework.start_homework, unit_of_work(request), visitor.actor, plan_id,
                                   web_state(request).kb)
    return _back(plan_id, "homework" if made else "homework_had")


def _task_page(request: Request, visitor: Visitor, task_id: str, problems: list[Problem], note: str = "",
               status_code: int = 200) -> Response:
    view = urgent_tasks.get_task(unit_of_work(request), visitor.actor, task_id, web_state(request).kb)
    return render(request, "between_visits/urgent_task.html", {
        "view": view, "task": view.task, "patient": view.patient, "problems": problems, "note": note}, status_code)


@router.get("/urgent-tasks/{task_id}")
def task_page(request: Request, task_id: RecordId, visitor: VisitorDep) -> Response:
    """Return an urgent task: the patient, the question and answer, when; the form to resolve it."""
    return _task_page(request, visitor, task_id, [])


@router.post("/urgent-tasks/{task_id}")
async def resolve(request: Request, task_id: RecordId, visitor: VisitorDep, form: CsrfFormDep) -> Response:
    """Resolve the task with the clinician's note (audited); a short note is named beside it (422)."""
    note = form.get("note", "")
    try:
        await run_in_threadpool(urgent_tasks.resolve_task, unit_of_work(request), visitor.actor, task_id,
                                {"note": note})
    except InputError as error:
        problem = Problem(field="note", message="Write what you did, at least 10 characters: for example "
                                                "“Phoned her at 14:10; safety plan agreed, GP seeing her today.”"
                          if "at least" in error.problem else problem_of(error, "Note").message)
        return await run_in_threadpool(_task_page, request, visitor, task_id, [problem], note, 422)
    except Conflict as error:
        return await run_in_threadpool(_task_page, request, visitor, task_id,
                                       [Problem(field="note", message=str(error))], note, 409)
    return RedirectResponse("/clinic/today?done=resolved", status_code=303)
