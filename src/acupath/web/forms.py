"""A form's answer to bad input: each problem named by its field, shown in the summary and beside it.

The services' pydantic models are the truth (``PatientDetails`` and the others); a page checks the
posted fields against the same model only to list every problem at once (a service stops at the
first), then calls the service, whose ``InputError`` (a rule beyond the model, such as a birth date
in the future) becomes one more problem. Nothing typed is lost: the page is rendered again with the
values as sent.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

from acupath.errors import InputError
from acupath.validation import describe, field_path

#: Characters a form never accepts: C0 and C1 controls but tab, newline and carriage return, and lone
#: surrogates. The API's ``RequestGuard`` refuses the same in JSON bodies (PostgreSQL refuses NUL in
#: text outright: a 500 otherwise); form bodies are not JSON, so the pages check their fields here.
REFUSED_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


@dataclass(frozen=True)
class Problem:
    """One problem of a form: the field's name (the input's ``name`` and ``id``) and what to do."""

    field: str
    message: str


def problem_of(error: InputError, label: str | None = None) -> Problem:
    """Return the form problem of a service's ``InputError``: its field and problem (and what is allowed)."""
    text = f"{label or error.field.replace('_', ' ').capitalize()}: {error.problem}"
    if error.allowed:
        text += f" (allowed: {error.allowed})"
    return Problem(field=error.field.split(".")[0].split("[")[0], message=text)


def problems_of(model: type[BaseModel], data: dict[str, Any], labels: dict[str, str],
                choices: tuple[str, ...] = (), context: dict[str, Any] | None = None) -> list[Problem]:
    """Return every problem ``model`` finds in ``data``, in the model's field order (empty when valid).

    ``choices`` name the fields answered by picking an option (a missing one says "choose one");
    ``context`` is what the model's validators read (the clinic's today), as the service passes it.
    """
    try:
        model.model_validate(data, context=context)
    except ValidationError as exc:
        found: dict[str, Problem] = {}
        for error in exc.errors():
            name = field_path(error["loc"][:1]) or "form"
            if name in found:
                continue
            found[name] = Problem(field=name, message=f"{labels.get(name, name)}: {_plainly(error, name in choices)}")
        order = list(model.model_fields)
        return sorted(found.values(), key=lambda p: order.index(p.field) if p.field in order else len(order))
    return []


def every_problem(model: type[BaseModel], data: dict[str, Any], label_of: Callable[[str], str]) -> list[Problem]:
    """Return one problem per field ``model`` finds wrong in ``data`` (a nested document such as an intake),
    each named by its path (``pain.nrs``: the control's name) and labelled by ``label_of``; empty when valid.

    A service stops at the first problem; a form lists them all at once, so nothing is found one
    submission at a time.
    """
    try:
        model.model_validate(data)
    except ValidationError as exc:
        found: dict[str, Problem] = {}
        for error in exc.errors():
            name = field_path(error["loc"]).replace("[", ".").replace("]", "") or "form"
            if name not in found:
                found[name] = Problem(field=name, message=f"{label_of(name)}: {_plainly(error, False)}")
        return list(found.values())
    return []


def _plainly(error: Any, choice: bool) -> str:
    """Return what to do about one pydantic error, in the words of a form (pydantic's own otherwise)."""
    kind, context = error.get("type", ""), error.get("ctx") or {}
    if choice and kind in ("missing", "literal_error"):
        return "choose one of the options"
    if kind == "missing" or (kind == "string_too_short" and context.get("min_length") == 1):
        return "enter a value"
    if kind == "string_too_long":
        return f"must be at most {context.get('max_length')} characters"
    if kind == "literal_error":
        return "choose one of the options"
    if kind.startswith("date_"):
        return "enter a real date: day, month and year"
    if kind in ("int_parsing", "int_from_float"):
        return "enter a whole number"
    if kind in ("less_than_equal", "greater_than_equal"):
        bound = context.get("le", context.get("ge"))
        return f"must be {bound} or {'less' if kind == 'less_than_equal' else 'more'}"
    problem, allowed = describe(error)
    problem = problem.removeprefix("Value error, ")
    return f"{problem} (allowed: {allowed})" if allowed and allowed not in problem else problem


def refused_characters(fields: dict[str, str], labels: dict[str, str]) -> list[Problem]:
    """Return a problem for each field holding a character no form accepts (``REFUSED_CHARACTERS``)."""
    return [Problem(field=name, message=f"{labels.get(name, name)}: remove the control character it contains")
            for name, value in fields.items() if REFUSED_CHARACTERS.search(value)]


def without_blanks(fields: dict[str, str]) -> dict[str, Any]:
    """Return the posted fields without the empty ones: an empty box means no value (a required one
    is then "missing", an optional one left out)."""
    return {name: value for name, value in fields.items() if value.strip()}


def sign_in_problems(email: str, password: str) -> list[Problem]:
    """Return the problems of a sign-in form (staff and portal alike): an empty email or password, a
    character no form accepts; empty when both may be checked."""
    problems: list[Problem] = []
    if not email:
        problems.append(Problem("email", "Enter your email address"))
    if not password:
        problems.append(Problem("password", "Enter your password"))
    return problems + refused_characters({"email": email, "password": password},
                                         {"email": "Email", "password": "Password"})
