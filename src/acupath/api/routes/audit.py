"""The clinic's audit log, for its administrator: who read or changed which record, when, from where."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query

from acupath.api.deps import SignedInDep
from acupath.api.paging import PageDep, page_body
from acupath.services import audit_log

router = APIRouter(prefix="/audit", tags=["accounts"])


@router.get("", summary="Search the clinic's audit log, newest first (administrators)")
def search_audit(
    signed: SignedInDep,
    page: PageDep,
    patient_id: Annotated[str | None, Query(max_length=64, description="Entries about this patient.")] = None,
    user_id: Annotated[str | None, Query(max_length=254, description="Entries of this user.")] = None,
    action: Annotated[str | None, Query(max_length=64, description="e.g. patient.read, plan.amend.")] = None,
    since: Annotated[datetime | None, Query(description="From this time (inclusive; UTC if no zone).")] = None,
    until: Annotated[datetime | None, Query(description="Before this time (exclusive; UTC if no zone).")] = None,
) -> dict[str, Any]:
    """Return one page of the clinic's entries matching every filter given; 403 unless an admin."""
    found = audit_log.search_audit(signed.uow, signed.actor, patient_id=patient_id, user_id=user_id, action=action,
                                   since=since, until=until, offset=page.offset, limit=page.limit)
    return page_body(found, asdict)
