"""The patient's questionnaires on the portal: one question per screen, saved as it is answered.

``/portal/questionnaires`` lists what is due; each question is a page of its own
(``/portal/questionnaires/{id}/questions/{n}``) with a progress bar, back and "save and continue";
every answer is saved at once (``services.between_visits.answering.save_answer``), so leaving and coming
back later resumes at the first unanswered question. An answer to a safety item above 0 (PHQ-9 item 9)
goes straight to the crisis contacts page, before the next question: the urgent task is already on the
clinician's list. The last step is "check your answers" (GOV.UK pattern), each with a "Change" link,
then submit (``answering.complete``: a reassessment on the clinician's progress chart). Another
patient's questionnaire is the portal's 404 page.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from acupath.errors import Conflict, InputError
from acupath.knowledge.schema.instruments import InstrumentFile, Item
from acupath.services.between_visits import answering, crisis_contacts, safety_answers
from acupath.services.records.between_visits import AssignmentStatus, QuestionnaireAssignment
from acupath.web.forms import Problem
from acupath.web.pages import web_state
from acupath.web.portal.pages import PortalRoute, render_portal
from acupath.web.portal.visitor import PortalVisitor, PortalVisitorDep
from acupath.web.visitor import CsrfFormDep, unit_of_work

router = APIRouter(prefix="/portal", route_class=PortalRoute, include_in_schema=False)

AssignmentId = Annotated[str, Path(min_length=1, max_length=64)]
Number = Annotated[int, Path(ge=1, le=200)]
NAV = "questionnaires"


def answer_label(doc: InstrumentFile, item: Item, answer: Any) -> str:
    """Return how the patient's answer reads (its option's label, else the number or time given)."""
    for option in doc.option_sets.get(item.options or "", ()):
        if option.answer == answer:
            return option.label[:1].upper() + option.label[1:]
    unit = f" {item.range.unit}" if item.range is not None and item.range.unit else ""
    return f"{answer}{unit}"


def _first_open(doc: InstrumentFile, assignment: QuestionnaireAssignment) -> int | None:
    return next((n for n, item in enumerate(doc.items, start=1) if item.key not in assignment.answers), None)


#: A questionnaire is offered from this many days before its due date (a reassessment visit): the patient
#: saw every questionnaire of the plan up to its last visit months ahead, each with "Start", and one
#: answered then would measure before the sessions it is meant to follow.
OPEN_DAYS = 7


@router.get("/questionnaires")
async def questionnaires(request: Request, visitor: PortalVisitorDep, done: str | None = None) -> Response:
    """Return the patient's questionnaires to fill in, by due date."""
    due = await run_in_threadpool(answering.due_questionnaires, unit_of_work(request), visitor.patient)
    kb = web_state(request).kb
    opens_by = web_state(request).clock().date() + timedelta(days=OPEN_DAYS)
    rows = [(a, kb.instruments[a.instrument]) for a in due]
    return render_portal(request, "portal/between/questionnaires.html", {
        "rows": [(a, doc) for a, doc in rows if a.due_on <= opens_by or a.answers],
        "later": [(a, doc, a.due_on - timedelta(days=OPEN_DAYS)) for a, doc in rows
                  if a.due_on > opens_by and not a.answers],
        "nav": NAV, "submitted": done == "1"})


def _assignment(request: Request, visitor: PortalVisitor, assignment_id: str) -> tuple[QuestionnaireAssignment,
                                                                                          InstrumentFile]:
    assignment = answering.get_assignment(unit_of_work(request), visitor.patient, assignment_id)
    return assignment, web_state(request).kb.instruments[assignment.instrument]


@router.get("/questionnaires/{assignment_id}")
async def resume(request: Request, assignment_id: AssignmentId, visitor: PortalVisitorDep) -> Response:
    """Go to the first unanswered question (or to "check your answers" when every one is answered)."""
    assignment, doc = await run_in_threadpool(_assignment, request, visitor, assignment_id)
    if not AssignmentStatus(assignment.status).is_open:
        return RedirectResponse("/portal/questionnaires", status_code=303)
    first = _first_open(doc, assignment)
    target = f"questions/{first}" if first else "check"
    return RedirectResponse(f"/portal/questionnaires/{assignment_id}/{target}", status_code=303)


def _question_page(request: Request, assignment: QuestionnaireAssignment, doc: InstrumentFile, number: int,
                   problems: list[Problem], typed: str | None = None, status_code: int = 200,
                   from_check: bool = False) -> Response:
    item = doc.items[number - 1]
    chosen = typed if typed is not None else assignment.answers.get(item.key)
    return render_portal(request, "portal/between/question.html", {
        "assignment": assignment, "doc": doc, "item": item, "number": number, "total": len(doc.items),
        "options": doc.option_sets.get(item.options or "", ()), "chosen": "" if chosen is None else str(chosen),
        "required": item.key in safety_answers.required_items(doc), "problems": problems, "nav": NAV,
        "answered": len(assignment.answers), "from_check": from_check}, status_code)


@router.get("/questionnaires/{assignment_id}/questions/{number}")
async def question(request: Request, assignment_id: AssignmentId, number: Number, visitor: PortalVisitorDep,
                   back: str | None = None) -> Response:
    """Return one question of the questionnaire, its saved answer ticked (``back=check``: opened by "Change"
    on "Check your answers", to which saving it returns)."""
    assignment, doc = await run_in_threadpool(_assignment, request, visitor, assignment_id)
    if not AssignmentStatus(assignment.status).is_open or number > len(doc.items):
        return RedirectResponse(f"/portal/questionnaires/{assignment_id}", status_code=303)
    return _question_page(request, assignment, doc, number, [], from_check=back == "check")


@router.post("/questionnaires/{assignment_id}/questions/{number}")
async def answer(request: Request, assignment_id: AssignmentId, number: Number, visitor: PortalVisitorDep,
                 form: CsrfFormDep) -> Response:
    """Save the answer and go on: to the crisis contacts after a safety answer, else the next question.

    A required question left blank, or an answer it does not offer, is named on the page (422).
    """
    assignment, doc = await run_in_threadpool(_assignment, request, visitor, assignment_id)
    if number > len(doc.items):
        return RedirectResponse(f"/portal/questionnaires/{assignment_id}", status_code=303)
    item = doc.items[number - 1]
    given = form.get("answer", "").strip()
    from_check = form.get("back") == "check"
    after = (f"/portal/questionnaires/{assignment_id}/questions/{number + 1}"
             if number < len(doc.items) and not from_check else f"/portal/questionnaires/{assignment_id}/check")
    if form.get("later") is not None:
        # "Save and come back later" keeps the answer ticked (if any), then goes back to the list.
        after = "/portal/questionnaires"
        if not given:
            return RedirectResponse(after, status_code=303)
    if not given:
        if item.key not in safety_answers.required_items(doc) and form.get("skip") is not None:
            return RedirectResponse(after, status_code=303)
        problem = Problem(field="answer", message="Choose an answer to go on" if item.kind == "choice"
                          else "Give an answer to go on")
        return _question_page(request, assignment, doc, number, [problem], "", 422, from_check)
    try:
        saved = await run_in_threadpool(answering.save_answer, unit_of_work(request), visitor.patient, assignment_id,
                                        item.key, given, web_state(request).kb)
    except InputError as error:
        allowed = f" ({error.allowed})" if error.allowed else ""
        problem = Problem(field="answer", message=f"This answer cannot be used: {error.problem}{allowed}")
        return _question_page(request, assignment, doc, number, [problem], given, 422, from_check)
    except Conflict:
        return RedirectResponse("/portal/questionnaires", status_code=303)
    if saved.crisis:
        return RedirectResponse(f"/portal/support?answered=1&next={after}", status_code=303)
    return RedirectResponse(after, status_code=303)


@router.get("/support")
async def support(request: Request, visitor: PortalVisitorDep, next: str = "/portal/questionnaires",
                  answered: bool = False) -> Response:
    """Return the crisis contacts: the clinic's own lines, else the cited default; then go on if you can.

    ``answered`` (set by the redirect after a saved safety answer) thanks the patient for what they told
    and says the clinic has been told; opened without it, the page offers the same help without either.
    """
    advice = await run_in_threadpool(crisis_contacts.crisis_advice, unit_of_work(request), visitor.patient.clinic_id,
                                     web_state(request).kb)
    target = next if next.startswith("/portal/questionnaires/") and "//" not in next else "/portal/questionnaires"
    return render_portal(request, "portal/between/support.html", {"advice": advice, "next": target, "nav": NAV,
                                                                  "answered": answered})


def _check_page(request: Request, assignment: QuestionnaireAssignment, doc: InstrumentFile,
                problems: list[Problem], status_code: int = 200) -> Response:
    rows = [(n, item, answer_label(doc, item, assignment.answers[item.key]) if item.key in assignment.answers else None)
            for n, item in enumerate(doc.items, start=1)]
    return render_portal(request, "portal/between/check.html", {
        "assignment": assignment, "doc": doc, "rows": rows, "problems": problems, "nav": NAV,
        "required": set(safety_answers.required_items(doc))}, status_code)


@router.get("/questionnaires/{assignment_id}/check")
async def check(request: Request, assignment_id: AssignmentId, visitor: PortalVisitorDep) -> Response:
    """Return "check your answers": every question with its answer and a link to change it."""
    assignment, doc = await run_in_threadpool(_assignment, request, visitor, assignment_id)
    if not AssignmentStatus(assignment.status).is_open:
        return RedirectResponse("/portal/questionnaires", status_code=303)
    return _check_page(request, assignment, doc, [])


@router.post("/questionnaires/{assignment_id}/check")
async def submit(request: Request, assignment_id: AssignmentId, visitor: PortalVisitorDep,
                 form: CsrfFormDep) -> Response:
    """Submit the answers to the clinic; an unanswered question is named with a link to it (422)."""
    try:
        await run_in_threadpool(answering.complete, unit_of_work(request), visitor.patient, assignment_id,
                                web_state(request).kb, today=web_state(request).clock().date())
    except InputError as error:
        assignment, doc = await run_in_threadpool(_assignment, request, visitor, assignment_id)
        keys = [item.key for item in doc.items]
        field = f"question-{keys.index(error.field) + 1}" if error.field in keys else "submit"
        message = (f"Answer {error.problem.replace(' is not answered', '')} before you send your answers"
                   if error.field in keys else f"Your answers cannot be sent yet: {error.problem}")
        return _check_page(request, assignment, doc, [Problem(field=field, message=message)], 422)
    except Conflict:
        return RedirectResponse("/portal/questionnaires", status_code=303)
    return RedirectResponse("/portal/questionnaires?done=1", status_code=303)
