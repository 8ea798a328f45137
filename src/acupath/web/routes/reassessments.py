"""Recording a reassessment under a plan: the questionnaires the plan reassesses with, scored as typed.

The questionnaires are rendered by the intake form's macro (``intakes/questionnaire.html``): the same
controls (``questionnaires.<instrument>.<item>``) and the same live total
(``POST /clinic/intakes/score``). ``services.progress.record_reassessment`` scores and stores what is
sent, as the API's ``POST /patients/{id}/reassessments`` does; a questionnaire left blank is not sent,
and a bad answer or date is named beside its control. Nothing is stored on error.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from acupath.errors import InputError
from acupath.planning.protocol import protocol_for
from acupath.services import patients, plans, progress, sessions
from acupath.services.access import require_clinical
from acupath.services.progress import ReassessmentInput
from acupath.web.forms import Problem, problems_of, refused_characters
from acupath.web.pages import PageRoute, render, web_state
from acupath.web.routes.chart import LONG_LIST
from acupath.web.routes.intakes import answerable, problem_at
from acupath.web.visitor import CsrfFormDep, VisitorDep, unit_of_work

router = APIRouter(prefix="/clinic/plans", route_class=PageRoute, include_in_schema=False)

PREFIX = "questionnaires."
LABELS = {"assessed_on": "Date of the reassessment", "session_number": "At session",
          "questionnaires": "Questionnaires"}


def scheduled_instruments(kb: Any, plan: dict[str, Any]) -> list[Any]:
    """Return the instrument files the plan's visits reassess with, in order (those the forms can ask,
    ``intakes.answerable``: the pain NRS and other number items too).

    A plan that names none (no reassessment planned) falls back on its condition's reassessment instruments.
    """
    wanted = [i for visit in plan.get("sessions") or [] for i in visit.get("reassess") or []]
    if not wanted:
        wanted = list(protocol_for(kb, plan["condition"]).reassessment_instruments)  # a variant's too
    return answerable(kb, wanted)


def reassessment_document(form: dict[str, str], plan_id: str) -> dict[str, Any]:
    """Return the reassessment the posted form describes: answered questionnaires only, answers as numbers."""
    answers: dict[str, dict[str, Any]] = {}
    for name, value in form.items():
        if name.startswith(PREFIX) and value.strip():
            instrument, _, item = name[len(PREFIX):].partition(".")
            answers.setdefault(instrument, {})[item] = int(value) if value.strip().lstrip("-").isdigit() else value
    document: dict[str, Any] = {"plan_id": plan_id, "answers": answers}
    for name in ("assessed_on", "session_number"):
        if form.get(name, "").strip():
            document[name] = form[name].strip()
    return document


def _context(request: Request, visitor: Any, plan_id: str) -> dict[str, Any]:
    """Return the plan, its patient, its sessions (newest first) and its questionnaires."""
    state = web_state(request)
    record = plans.get_plan(unit_of_work(request), visitor.actor, plan_id)
    patient = patients.get_patient(unit_of_work(request), visitor.actor, record.patient_id)
    given = sessions.list_sessions(unit_of_work(request), visitor.actor, plan_id, limit=LONG_LIST).items
    upcoming = [v for v in record.plan.get("sessions") or [] if v.get("reassess")
                and v["number"] >= (given[-1].number if given else 0)]
    return {"record": record, "patient": patient, "sessions": list(reversed(given)), "labels": LABELS,
            "instruments": scheduled_instruments(state.kb, record.plan), "due": upcoming[0] if upcoming else None,
            "today": state.clock().date()}


def _problem(error: InputError) -> Problem:
    """Return the problem of a service's ``InputError``, its ``answers.<instrument>...`` as the control's name."""
    if error.field == "answers" or error.field.startswith("answers."):
        error = InputError(PREFIX.rstrip(".") + error.field[len("answers"):], error.problem, error.allowed)
    return problem_at(error) if error.field.startswith(PREFIX) else Problem(
        error.field, f"{LABELS.get(error.field, error.field)}: {error.problem}"
        + (f" (allowed: {error.allowed})" if error.allowed else ""))


@router.get("/{plan_id}/reassessments/new")
def new_reassessment_page(request: Request, plan_id: str, visitor: VisitorDep) -> Response:
    """Return the reassessment form, dated today, at the latest session given.

    Reception gets the 403 page, another clinic's plan the 404 page.
    """
    require_clinical(visitor.actor)
    context = _context(request, visitor, plan_id)
    values = {"assessed_on": context["today"].isoformat()}
    if context["sessions"]:
        values["session_number"] = str(context["sessions"][0].number)
    return render(request, "reassessments/new.html", {**context, "values": values, "problems": []})


@router.post("/{plan_id}/reassessments/new")
async def record_reassessment(request: Request, plan_id: str, form: CsrfFormDep, visitor: VisitorDep) -> Response:
    """Score and record the reassessment, then go to the plan page; else the form as typed (422)."""
    require_clinical(visitor.actor)
    context = await run_in_threadpool(_context, request, visitor, plan_id)
    document = reassessment_document(form, plan_id)
    problems = refused_characters(form, LABELS)
    if not problems:
        problems = [Problem("questionnaires" if p.field == "answers" else p.field,
                            "Questionnaires: answer at least one questionnaire" if p.field == "answers" else p.message)
                    for p in problems_of(ReassessmentInput, document, LABELS)]
    if not problems:
        try:
            await run_in_threadpool(progress.record_reassessment, unit_of_work(request), visitor.actor,
                                    context["record"].patient_id, document, web_state(request).kb,
                                    today=context["today"])
        except InputError as exc:
            problems.append(_problem(exc))
        else:
            return RedirectResponse(f"/clinic/plans/{plan_id}?recorded=reassessment", status_code=303)
    return render(request, "reassessments/new.html", {**context, "values": form, "problems": problems},
                  status_code=422)
