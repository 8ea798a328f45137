"""A corrected record's history: each amendment with who made it, when, why, and what it changed."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from acupath.errors import NotFound
from acupath.services import amendments
from acupath.services.records.amendments import AmendedType
from acupath.web.pages import PageRoute, render
from acupath.web.visitor import VisitorDep, unit_of_work

router = APIRouter(prefix="/clinic/records", route_class=PageRoute, include_in_schema=False)

#: The address's word for each kind of record, and how the page names it.
KINDS = {"session": (AmendedType.SESSION, "Session"), "adverse-event": (AmendedType.ADVERSE_EVENT, "Adverse event"),
         "reassessment": (AmendedType.REASSESSMENT, "Reassessment")}
#: Fields every version changes by itself (not what a clinician corrected).
_BOOKKEEPING = frozenset(("version", "clinic_id", "patient_id", "id"))


def _as_json(record: Any) -> dict[str, Any]:
    return dict(json.loads(json.dumps(asdict(record), default=str)))


def changes(before: dict[str, Any], after: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    """Return ``(field, was, became)`` for each field that differs between two versions of a record."""
    names = [n for n in dict.fromkeys([*before, *after]) if n not in _BOOKKEEPING]
    return [(n, before.get(n), after.get(n)) for n in names if before.get(n) != after.get(n)]


@router.get("/{kind}/{record_id}/history")
def history_page(request: Request, kind: str, record_id: str, visitor: VisitorDep) -> Response:
    """Return the record's amendments, oldest first, each with its changes; 404 page for another clinic's."""
    if kind not in KINDS:
        raise NotFound(f"no kind of record {kind!r}")
    amended, title = KINDS[kind]
    found = amendments.record_history(unit_of_work(request), visitor.actor, amended, record_id)
    versions = [a.previous for a in found.amendments] + [_as_json(found.current)]
    steps = [(amendment, changes(versions[i], versions[i + 1])) for i, amendment in enumerate(found.amendments)]
    return render(request, "records/history.html", {"title": title, "record": found.current, "steps": steps})
