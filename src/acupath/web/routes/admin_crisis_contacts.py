"""The clinic's crisis contacts (administrators): the lines a patient sees at once after a safety answer.

Shows what patients see now (the clinic's own lines, or the cited default of its country) and a form of
``MAX_CONTACTS`` rows; empty rows are left out, so saving no row goes back to the default. Through
``services.between_visits.crisis_contacts.set_crisis_contacts``, as ``acupath clinics set-crisis-contacts``.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from acupath.errors import InputError
from acupath.services.access import require_admin
from acupath.services.between_visits import crisis_contacts
from acupath.web.forms import Problem, problems_of
from acupath.web.pages import PageRoute, render, web_state
from acupath.web.visitor import CsrfFormDep, Visitor, VisitorDep, unit_of_work

router = APIRouter(prefix="/clinic/admin/crisis-contacts", route_class=PageRoute, include_in_schema=False)

FIELDS = ("name", "phone", "text", "hours")


def _page(request: Request, visitor: Visitor, rows: list[dict[str, str]] | None, problems: list[Problem],
          saved: bool = False, status_code: int = 200) -> Response:
    require_admin(visitor.actor)  # the 403 page for everyone else
    state = web_state(request)
    advice = crisis_contacts.crisis_advice(unit_of_work(request), visitor.actor.clinic_id, state.kb)
    if rows is None:
        rows = [{"name": c.name, "phone": c.phone or "", "text": c.text or "", "hours": c.hours or ""}
                for c in advice.contacts] if advice.own else []
    rows = rows + [dict.fromkeys(FIELDS, "") for _ in range(crisis_contacts.MAX_CONTACTS - len(rows))]
    sources = {c.key: c.text for c in state.kb.citations.sources if c.key in advice.citations}
    return render(request, "admin/crisis_contacts.html", {
        "advice": advice, "rows": rows, "problems": problems, "saved": saved, "sources": sources, "nav": "admin"},
        status_code)


def _line_problems(row: int, line: dict[str, str]) -> list[Problem]:
    """Return every problem of the form's line ``row`` (0 first), each named beside its box."""
    labels = {name: f"Line {row + 1}, {name}" for name in FIELDS}
    found = problems_of(crisis_contacts.ContactInput, {k: v for k, v in line.items() if v}, labels)
    if found:
        return [Problem(field=f"contacts[{row}].{p.field}", message=p.message) for p in found]
    try:
        crisis_contacts.check_contacts([{k: v for k, v in line.items() if v}])
    except InputError as error:
        rest = error.field[error.field.index("]") + 1:]
        message = f"Line {row + 1}, {rest.lstrip('.')}: {error.problem}" + (
            f" (allowed: {error.allowed})" if error.allowed else "")
        return [Problem(field=f"contacts[{row}]{rest}", message=message)]
    return []


@router.get("")
def contacts_page(request: Request, visitor: VisitorDep, saved: str | None = None) -> Response:
    """Return what patients see now and the form to set the clinic's own lines (administrators)."""
    return _page(request, visitor, None, [], saved == "1")


@router.post("")
async def save_contacts(request: Request, visitor: VisitorDep, form: CsrfFormDep) -> Response:
    """Store the filled rows as the clinic's lines; a bad row's field is named beside it (422)."""
    rows = [{f: form.get(f"contacts[{i}].{f}", "").strip() for f in FIELDS}
            for i in range(crisis_contacts.MAX_CONTACTS)]
    filled = [i for i, row in enumerate(rows) if any(row.values())]
    # Every line's problems at once (the service stops at the first, and a line's second problem read only
    # "(and 1 more problems)"): each field of each filled line, then the line's need of a number.
    problems = [problem for i in filled for problem in _line_problems(i, rows[i])]
    if problems:
        return await run_in_threadpool(_page, request, visitor, rows, problems, False, 422)
    try:
        await run_in_threadpool(crisis_contacts.set_crisis_contacts, unit_of_work(request), visitor.actor,
                                [{k: v for k, v in rows[i].items() if v} for i in filled])
    except InputError as error:
        field, label = error.field, "Crisis contacts"
        if field.startswith("contacts["):  # the index among the filled rows, back to the form's row
            row, rest = filled[int(field[9:field.index("]")])], field[field.index("]") + 1:]
            field, label = f"contacts[{row}]{rest}", f"Line {row + 1}, {rest.lstrip('.')}"
        message = f"{label}: {error.problem}" + (f" (allowed: {error.allowed})" if error.allowed else "")
        return await run_in_threadpool(_page, request, visitor, rows,
                                       [Problem(field=field, message=message)], False, 422)
    return RedirectResponse("/clinic/admin/crisis-contacts?saved=1", status_code=303)
