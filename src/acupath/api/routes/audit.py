"""The clinic's audit log, for its administrator: who read or changed which record, when, from where."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse

from acupath.api.bounds import ClinicTime
from acupath.api.deps import SignedInDep
from acupath.api.paging import CursorDep, keyset_body
from acupath.services import audit_export, audit_log

router = APIRouter(prefix="/audit", tags=["accounts"])


@router.get("", summary="Search the clinic's audit log, newest first (administrators)")
def search_audit(
    signed: SignedInDep,
    page: CursorDep,
    patient_id: Annotated[str | None, Query(max_length=64, description="Entries about this patient.")] = None,
    user_id: Annotated[str | None, Query(max_length=254, description="Entries of this user.")] = None,
    action: Annotated[str | None, Query(max_length=64, description="e.g. patient.read, plan.amend.")] = None,
    since: Annotated[ClinicTime | None, Query(description="From this time (inclusive; UTC if no zone).")] = None,
    until: Annotated[ClinicTime | None, Query(description="Before this time (exclusive; UTC if no zone).")] = None,
) -> dict[str, Any]:
    """Return one page of the clinic's entries matching every filter given; 403 unless an admin."""
    found = audit_log.search_audit(signed.uow, signed.actor, patient_id=patient_id, user_id=user_id, action=action,
                                   since=since, until=until, cursor=page.cursor, limit=page.limit,
                                   total=page.total)
    return keyset_body(found, asdict)


@router.get("/export", summary="Export the clinic's audit log as CSV or NDJSON, oldest first (administrators)",
            response_class=StreamingResponse,
            responses={200: {"content": {media: {} for media in audit_export.FORMATS.values()},
                             "description": "One entry a line (CSV: a header first)."}})
def export_audit(
    signed: SignedInDep,
    fmt: Annotated[Literal["csv", "ndjson"], Query(alias="format", description="csv or ndjson.")] = "csv",
    since: Annotated[ClinicTime | None, Query(description="From this time (inclusive; UTC if no zone).")] = None,
    until: Annotated[ClinicTime | None, Query(description="Before this time (exclusive; UTC if no zone).")] = None,
) -> StreamingResponse:
    """Stream every entry of the clinic up to this export's own entry; 403 unless an admin.

    The export is audited before the first line, read in batches (the response streams).
    """
    lines = audit_export.export_audit(signed.uow, signed.actor, fmt, since=since, until=until)
    name = f"audit-{signed.actor.clinic_id}.{fmt}"
    # Starlette iterates a plain iterator in its thread pool, so the batches' reads stay off the event loop.
    return StreamingResponse(lines, media_type=audit_export.FORMATS[fmt],
                             headers={"Content-Disposition": f'attachment; filename="{name}"',
                                      "Cache-Control": "no-store"})
