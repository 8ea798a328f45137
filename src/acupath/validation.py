"""Turning pydantic's validation errors into acupath's one-line ``InputError``, in one place.

The knowledge loader, the intake parser, the services and the API all name a bad field the same way:
a path such as ``overrides[0].reason`` or ``pain.nrs``, the problem, and (where pydantic knows them)
the allowed values.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Annotated, Any

from pydantic import AfterValidator, ValidationError

from acupath.errors import InputError

#: The largest integer a stored column holds on both databases (PostgreSQL ``integer``, 4 bytes): the
#: bound of every version and count a client sends, so that none reaches the database as an overflow.
MAX_STORED_INT = 2**31 - 1
#: Session numbers within one plan: more than any course of treatment (Medicare covers 20 a year;
#: the seeds' courses are 6-12 sessions), so a mistyped number is refused rather than stored.
MAX_SESSION_NUMBER = 1000
#: Dates a clinic's record can hold (a birth, a treatment start, a closure): outside them a date is a
#: typing error, and a start near year 9999 overflowed the schedule's arithmetic (a 500).
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2199, 12, 31)


def within_clinic_dates(value: date) -> date:
    """Return ``value`` if between ``EARLIEST_DATE`` and ``LATEST_DATE``; raises ``ValueError`` otherwise."""
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise ValueError(f"must be a date from {EARLIEST_DATE.isoformat()} to {LATEST_DATE.isoformat()}")
    return value


#: A date within ``EARLIEST_DATE`` .. ``LATEST_DATE`` (pydantic: 422 or ``InputError`` naming the field).
ClinicDate = Annotated[date, AfterValidator(within_clinic_dates)]


def one_line(value: str) -> str:
    """Return ``value`` if it holds no line break nor tab; raises ``ValueError`` otherwise.

    Names, numbers and addresses are one line; newline and tab belong only to free-text notes (the
    API's request guard refuses every other control character everywhere).
    """
    if any(char in value for char in "\r\n\t"):
        raise ValueError("must be one line: no line break nor tab")
    return value


#: Text of one line: a name, an MRN, a phone number, an email address.
OneLine = Annotated[str, AfterValidator(one_line)]


def field_path(location: Iterable[Any]) -> str:
    """Return a pydantic error location as a readable path, e.g. ``items[3].options``."""
    text = ""
    for part in location:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + str(part)
    return text


#: A number's bound as the clinic says it, by pydantic's error type: (its context key, the words).
_BOUNDS = {"less_than_equal": ("le", "at most"), "greater_than_equal": ("ge", "at least"),
           "less_than": ("lt", "less than"), "greater_than": ("gt", "more than")}


def describe(error: dict[str, Any]) -> tuple[str, str | None]:
    """Return ``(problem, allowed)`` for one pydantic error entry (``allowed`` is None if unknown)."""
    problem = "unknown key" if error.get("type") == "extra_forbidden" else str(error.get("msg", "invalid"))
    problem = problem.removeprefix("Value error, ")  # pydantic's prefix for a validator's ValueError
    ctx = error.get("ctx") or {}
    bound = _BOUNDS.get(str(error.get("type")))
    if bound is not None and bound[0] in ctx:
        # "must be at most 10" where pydantic says "Input should be less than or equal to 10".
        problem = f"must be {bound[1]} {ctx[bound[0]]}"
    if error.get("type") in ("too_long", "too_short") and isinstance(error.get("input"), str):
        # A length bound on an annotated string (``OneLine``) is checked as a collection's: pydantic says
        # "Value should have at most 40 items after validation"; the clinic reads characters.
        length = ctx.get("max_length") if error["type"] == "too_long" else ctx.get("min_length")
        problem = f"String should have {'at most' if error['type'] == 'too_long' else 'at least'} {length} characters"
    expected = ctx.get("expected")
    return problem, (str(expected) if expected else None)


def input_error(exc: ValidationError, prefix: str = "", default_field: str = "input") -> InputError:
    """Return the ``InputError`` for the first problem of ``exc``.

    The field is ``prefix`` joined to the error's path (``default_field`` when both are empty); the
    message says how many more problems there were, so that none is hidden.
    """
    first = exc.errors()[0]
    path = field_path(first["loc"])
    if prefix and path:
        field = prefix + ("" if path.startswith("[") else ".") + path
    else:
        field = prefix or path or default_field
    problem, allowed = describe(first)
    if exc.error_count() > 1:
        problem += f" (and {exc.error_count() - 1} more problems)"
    return InputError(field, problem, allowed)
