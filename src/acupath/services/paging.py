"""One rule for every paginated list, and the one audited listing of a patient's or a plan's clinical
records that the use cases share.

Two kinds of page. The lists that can grow with the clinic (patients, the audit log, a patient's
schedule) are read by keyset: a page is the ``limit`` items after the one a cursor names, in the
listing's index order, so its cost does not grow with how deep it is; a total is counted only when
asked, exactly up to ``COUNT_CAP`` items. The short lists of one patient or plan keep ``offset``/
``limit`` and an exact total.

A cursor is opaque to clients: the listing's name and the last item's position, base64url-encoded.
Positions are record ids (and, for the audit log, the entry's time), never a name or other patient data,
since URLs end up in proxies' and servers' access logs.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from acupath.errors import InputError
from acupath.services.access import found, require_clinical
from acupath.services.actor import Actor
from acupath.services.audit import audited
from acupath.services.records import Page
from acupath.services.records.listings import Total
from acupath.services.unit_of_work import AbstractUnitOfWork

T = TypeVar("T")
#: Picks the repository's page method from the open unit of work (a unit of work makes its
#: repositories on entering, so the method cannot be looked up before).
Pages = Callable[[AbstractUnitOfWork], Callable[[str, str, int, int], tuple[list[T], int]]]

#: The longest page any list returns (a bigger ``limit`` is an input error, not silently cut).
MAX_PAGE = 200
#: A total asked for is counted exactly up to this many items; past it, PostgreSQL's planner estimates
#: it and SQLite answers "more than" this (counting every row is what made deep listings slow).
COUNT_CAP = 1000
#: What a cursor's position may hold: ids, digits, an ISO time (letters, digits, ``-_.:+|``).
_POSITION = re.compile(r"[0-9A-Za-z_.:+|-]{1,120}")
_ALLOWED_CURSOR = "the next_cursor of a previous page of this list"


def check_page(offset: int, limit: int) -> None:
    """Raise ``InputError`` naming ``offset`` (negative) or ``limit`` (outside 1..``MAX_PAGE``)."""
    if offset < 0:
        raise InputError("offset", "must not be negative")
    check_limit(limit)


def check_limit(limit: int) -> None:
    """Raise ``InputError`` naming ``limit`` when it is outside 1..``MAX_PAGE``."""
    if not 1 <= limit <= MAX_PAGE:
        raise InputError("limit", f"must be between 1 and {MAX_PAGE}")


def encode_cursor(listing: str, position: str) -> str:
    """Return the cursor of ``position`` (an item's id, or ``time|id``) in ``listing``."""
    return base64.urlsafe_b64encode(f"{listing}:{position}".encode()).decode().rstrip("=")


def decode_cursor(listing: str, cursor: str | None) -> str | None:
    """Return the position a cursor of ``listing`` names, or None without a cursor.

    Raises ``InputError`` naming ``cursor`` for anything this listing did not give out.
    """
    if cursor is None:
        return None
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise InputError("cursor", "is not a cursor", _ALLOWED_CURSOR) from None
    name, _, position = text.partition(":")
    if name != listing or not _POSITION.fullmatch(position):
        raise InputError("cursor", f"is not a cursor of the {listing} list", _ALLOWED_CURSOR)
    return position


def unknown_cursor(listing: str) -> InputError:
    """Return the error for a well-formed cursor whose item this clinic's list does not hold."""
    return InputError("cursor", f"names no item of this clinic's {listing} list", _ALLOWED_CURSOR)


@dataclass(frozen=True)
class KeysetPage(Generic[T]):
    """One page of a keyset listing: its items, the cursor of the next page (None on the last), the
    ``limit`` asked, and the total when it was asked for."""

    items: list[T]
    next_cursor: str | None
    limit: int
    total: Total | None = None


def keyset_page(listing: str, rows: list[T], limit: int, position: Callable[[T], str],
                total: Total | None = None) -> KeysetPage[T]:
    """Return the page of ``rows`` read as up to ``limit + 1`` items after the cursor.

    The extra row only says that a next page exists; the next cursor names the page's last item.
    """
    items = rows[:limit]
    more = len(rows) > limit
    return KeysetPage(items=items, next_cursor=encode_cursor(listing, position(items[-1])) if more else None,
                      limit=limit, total=total)


def page_of_patient(
    uow: AbstractUnitOfWork, actor: Actor, patient_id: str, action: str, pages: Pages[T], offset: int, limit: int
) -> Page[T]:
    """Return one page of the clinic's patient's clinical records, audited under the patient.

    Raises ``PermissionDenied`` (reception), ``NotFound`` (not the clinic's patient), ``InputError``.
    """
    with uow, audited(uow, actor, action, "patient", patient_id, patient_id):
        require_clinical(actor)
        check_page(offset, limit)
        found(uow.patients.get(actor.clinic_id, patient_id), "patient", patient_id)
        items, total = pages(uow)(actor.clinic_id, patient_id, offset, limit)
        return Page(items=items, total=total, offset=offset, limit=limit)


def page_of_plan(
    uow: AbstractUnitOfWork, actor: Actor, plan_id: str, action: str, pages: Pages[T], offset: int, limit: int
) -> Page[T]:
    """Return one page of the records of the clinic's plan, audited under the plan and its patient.

    Raises ``PermissionDenied`` (reception), ``NotFound`` (not the clinic's plan), ``InputError``.
    """
    with uow, audited(uow, actor, action, "plan", plan_id) as note:
        require_clinical(actor)
        check_page(offset, limit)
        plan = found(uow.plans.get(actor.clinic_id, plan_id), "plan", plan_id)
        note.patient_id = plan.patient_id
        items, total = pages(uow)(actor.clinic_id, plan_id, offset, limit)
        return Page(items=items, total=total, offset=offset, limit=limit)
