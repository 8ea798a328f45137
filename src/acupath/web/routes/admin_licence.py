"""A practitioner's licence and qualifications, for administrators: one form per account.

The form calls ``services.users.update_user`` with ``licence=`` and ``qualifications=``, as the API's
``PATCH /users/{id}`` does, so the limits are the service's. The qualifications are rows of three
boxes: the stored ones, then ``BLANK_ROWS`` empty ones to add more (up to the service's maximum);
a row left empty is no qualification. A refusal is the form again, as typed, with the part named.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from acupath.errors import InputError
from acupath.services import users
from acupath.web.forms import Problem, refused_characters
from acupath.web.pages import PageRoute, render
from acupath.web.routes.admin_users import ROLE_WORDS, UserId
from acupath.web.visitor import CsrfFormDep, Visitor, VisitorDep, unit_of_work

router = APIRouter(prefix="/clinic/admin/users", route_class=PageRoute, include_in_schema=False)

#: Empty qualification rows under the stored ones, to add new ones.
BLANK_ROWS = 2
LICENCE_LABELS = {"number": "Licence number", "authority": "Issuing authority", "expires": "Expiry date"}
QUALIFICATION_LABELS = {"text": "Qualification", "issuer": "Issued by", "year": "Year"}
#: A service field such as ``qualifications[1].year``: which qualification, which part.
QUALIFICATION_FIELD = re.compile(r"qualifications\[(\d+)\]\.(\w+)")


def _page(request: Request, visitor: Visitor, user_id: str, values: dict[str, str], rows: int,
          problems: list[Problem], status_code: int = 200) -> Response:
    user = users.get_user(unit_of_work(request), visitor.actor, user_id)
    return render(request, "admin/licence.html", {
        "user": user, "values": values, "rows": rows, "problems": problems, "role_words": ROLE_WORDS,
        "licence_labels": LICENCE_LABELS, "qualification_labels": QUALIFICATION_LABELS, "nav": "admin"},
        status_code)


@router.get("/{user_id}/licence")
def licence_page(request: Request, user_id: UserId, visitor: VisitorDep) -> Response:
    """Return the form with the account's stored licence and qualifications filled in.

    Raises ``PermissionDenied`` (403) unless an administrator, ``NotFound`` (404) for another clinic's account.
    """
    user = users.get_user(unit_of_work(request), visitor.actor, user_id)
    values = {"number": user.licence_number or "", "authority": user.licence_authority or "",
              "expires": user.licence_expires.isoformat() if user.licence_expires else ""}
    for index, item in enumerate(user.qualifications):
        values |= {f"q{index}-text": item.text, f"q{index}-issuer": item.issuer or "",
                   f"q{index}-year": "" if item.year is None else str(item.year)}
    rows = min(len(user.qualifications) + BLANK_ROWS, users.QUALIFICATIONS_MAX)
    return _page(request, visitor, user_id, values, rows, [])


def _posted(form: dict[str, str]) -> tuple[dict[str, str], int, dict[str, Any], list[dict[str, str]], list[int]]:
    """Return the form's values, its row count, the licence, the non-empty qualification rows and their row numbers."""
    rows = sum(1 for name in form if name.startswith("q") and name.endswith("-text"))
    rows = max(0, min(rows, users.QUALIFICATIONS_MAX + BLANK_ROWS))
    names = [*LICENCE_LABELS, *(f"q{i}-{part}" for i in range(rows) for part in QUALIFICATION_LABELS)]
    values = {name: form.get(name, "") for name in names}
    licence = {part: values[part] for part in LICENCE_LABELS if values[part].strip()}
    kept, numbers = [], []
    for i in range(rows):
        row = {part: values[f"q{i}-{part}"] for part in QUALIFICATION_LABELS if values[f"q{i}-{part}"].strip()}
        if row:
            kept.append(row)
            numbers.append(i)
    return values, rows, licence, kept, numbers


def _problem(error: InputError, numbers: list[int]) -> Problem:
    """Return the form problem of the service's refusal, on the box it names."""
    text = error.problem + (f" (allowed: {error.allowed})" if error.allowed else "")
    part = QUALIFICATION_FIELD.fullmatch(error.field)
    if part and int(part[1]) < len(numbers):
        row = numbers[int(part[1])]
        return Problem(f"q{row}-{part[2]}", f"{QUALIFICATION_LABELS.get(part[2], part[2])} of row {row + 1}: {text}")
    if error.field.startswith("licence."):
        name = error.field.removeprefix("licence.")
        return Problem(name, f"{LICENCE_LABELS.get(name, name)}: {text}")
    return Problem("q0-text", f"Qualifications: {text}")


@router.post("/{user_id}/licence")
async def save_licence(request: Request, user_id: UserId, form: CsrfFormDep, visitor: VisitorDep) -> Response:
    """Store the licence and qualifications as posted (replacing the stored ones) and go back to the list.

    A refusal is the form again (422) with the part named. Raises ``PermissionDenied`` (403) unless
    an administrator, ``NotFound`` (404) for another clinic's account.
    """
    values, rows, licence, qualifications, numbers = _posted(form)
    labels = {**LICENCE_LABELS, **{f"q{i}-{part}": f"{label} of row {i + 1}" for i in range(rows)
                                    for part, label in QUALIFICATION_LABELS.items()}}
    problems = refused_characters(values, labels)
    if not problems:
        try:
            await run_in_threadpool(users.update_user, unit_of_work(request), visitor.actor, user_id,
                                    licence=licence, qualifications=qualifications)
            return RedirectResponse(f"/clinic/admin/users?done=licence&who={user_id}", status_code=303)
        except InputError as exc:
            problems = [_problem(exc, numbers)]
    return await run_in_threadpool(_page, request, visitor, user_id, values, rows, problems, 422)
