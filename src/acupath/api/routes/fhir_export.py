"""FHIR Bulk Data export (Bulk Data Access IG 2.0) at ``/fhir/R4``, and the Groups it exports.

Kick-off: ``GET $export`` (the clinic), ``GET Patient/$export`` (every patient) or ``GET
Group/{id}/$export`` (a clinician's panel, ``fhir.bulk_group``), with ``Prefer: respond-async`` and
``Accept: application/fhir+json``, and ``_type``, ``_since``, ``_outputFormat``: 202 with the status
URL in ``Content-Location``. Status (``GET $export-status/{id}``): 202 with ``X-Progress`` and
``Retry-After`` while it runs, 200 with the manifest when done, an OperationOutcome (500) when it
failed; ``DELETE`` cancels it (202) and removes its files. Files (``GET $export-file/{id}/{name}``):
``application/fhir+ndjson`` with the same bearer token. A bad parameter or header is 400 naming it;
another clinic's (or another user's) export is 404; reception 403; a second export of a clinic while
one runs is 429 with ``Retry-After``. Every route here is matched before ``routes.fhir``'s
``{resource_type}/{resource_id}``.
"""

from __future__ import annotations

import uuid
from email.utils import format_datetime
from typing import Annotated

from fastapi import APIRouter, Header, Path, Request
from fastapi.responses import FileResponse, JSONResponse, Response

from acupath.api.deps import SignedIn, SignedInDep
from acupath.api.fhir_export_runner import ExportRunner
from acupath.api.fhir_responses import FHIR_PREFIX, fhir_response, outcome_response
from acupath.errors import InputError
from acupath.fhir import Canon
from acupath.fhir.bulk import ExportRequest
from acupath.fhir.bulk_files import NDJSON, manifest
from acupath.fhir.bulk_group import panel_group
from acupath.fhir.bulk_request import PARAMETERS, output_format, resource_types, since
from acupath.fhir.bundles import paged
from acupath.services import fhir_export
from acupath.services.fhir_export_records import ExportLevel, ExportState

router = APIRouter(prefix=FHIR_PREFIX, tags=["FHIR R4"])

#: Seconds a client is asked to wait between status requests.
RETRY_AFTER = "5"
ExportId = Annotated[str, Path(description="The export's id (from the kick-off's Content-Location).", max_length=64)]
PreferHeader = Annotated[str | None, Header(alias="Prefer", description="respond-async (required); "
                                            "handling=lenient ignores unknown parameters")]
AcceptHeader = Annotated[str | None, Header(alias="Accept", description="application/fhir+json (required)")]


def _runner(request: Request) -> ExportRunner:
    return request.app.state.fhir_export  # type: ignore[no-any-return]


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/") + FHIR_PREFIX


def _bad(error: InputError) -> Response:
    # The Bulk Data IG answers a bad kick-off with 400 (the JSON API's InputError is 422).
    return outcome_response(400, error.message, [error.field])


def _kick_off(request: Request, signed: SignedIn, level: ExportLevel, prefer: str | None, accept: str | None,
              group_id: str | None = None) -> Response:
    preferences = {part.strip().lower() for part in (prefer or "").replace(";", ",").split(",")}
    try:
        if "respond-async" not in preferences:
            raise InputError("Prefer", "must ask for respond-async (the export runs asynchronously)", "respond-async")
        if "application/fhir+json" not in (accept or ""):
            raise InputError("Accept", "must accept application/fhir+json (the kick-off's OperationOutcome)",
                             "application/fhir+json")
        params = request.query_params
        if "handling=lenient" not in preferences:
            for name in params:
                if name not in PARAMETERS:
                    raise InputError(name, "is not a parameter of $export", ", ".join(PARAMETERS))
        output_format(",".join(params.getlist("_outputFormat")) or None)
        types = resource_types(",".join(params.getlist("_type")) or None)
        since_at = since(params.get("_since"))
        job = fhir_export.start_export(signed.uow, signed.actor, job_id=uuid.uuid4().hex, level=level, types=types,
                                       since=since_at, request_url=str(request.url), group_id=group_id)
    except InputError as error:
        return _bad(error)
    except fhir_export.ExportInProgress as error:
        return outcome_response(429, error.message, headers={"Retry-After": "60"})
    canon: Canon = request.app.state.fhir_canon
    panel = fhir_export.panel_owner(group_id) if group_id else None
    _runner(request).submit(signed.state.uow_factory, signed.actor, job.id,
                            ExportRequest(types=tuple(types), since=since_at, panel_of=panel), signed.kb, canon)
    return Response(status_code=202, headers={"Content-Location": f"{_base(request)}/$export-status/{job.id}"})


@router.get("/$export", summary="Bulk Data export of the clinic (kick-off)", response_class=Response,
            status_code=202)
def export_clinic(request: Request, signed: SignedInDep, prefer: PreferHeader = None,
                  accept: AcceptHeader = None) -> Response:
    """Start an export of the clinic's records (its staff and every patient); 202 with Content-Location."""
    return _kick_off(request, signed, ExportLevel.SYSTEM, prefer, accept)


@router.get("/Patient/$export", summary="Bulk Data export of every patient (kick-off)", response_class=Response,
            status_code=202)
def export_patients(request: Request, signed: SignedInDep, prefer: PreferHeader = None,
                    accept: AcceptHeader = None) -> Response:
    """Start an export of every patient's record; 202 with Content-Location."""
    return _kick_off(request, signed, ExportLevel.PATIENT, prefer, accept)


@router.get("/Group/{group_id}/$export", summary="Bulk Data export of a clinician's panel (kick-off)",
            response_class=Response, status_code=202)
def export_group(request: Request, signed: SignedInDep,
                 group_id: Annotated[str, Path(max_length=64, description="panel-<user id>")],
                 prefer: PreferHeader = None, accept: AcceptHeader = None) -> Response:
    """Start an export of the patients of a clinician's panel; 202 with Content-Location, 404 for no such Group."""
    return _kick_off(request, signed, ExportLevel.GROUP, prefer, accept, group_id)


@router.get("/$export-status/{export_id}", summary="Bulk Data export status", response_class=Response)
def export_status(request: Request, signed: SignedInDep, export_id: ExportId) -> Response:
    """Return 202 while the export runs, the manifest (200) when complete, an OperationOutcome if it failed."""
    job = fhir_export.export_status(signed.uow, signed.actor, export_id)
    if job.state in (ExportState.QUEUED, ExportState.RUNNING):
        progress = "queued" if job.state is ExportState.QUEUED else f"{job.patients_done} patients exported"
        return Response(status_code=202, headers={"X-Progress": progress, "Retry-After": RETRY_AFTER})
    if job.state is ExportState.FAILED:
        return outcome_response(500, job.error or fhir_export.STOPPED)
    url = f"{_base(request)}/$export-file/{job.id}/"
    body = manifest(transaction_time=job.transaction_time, request_url=job.request_url, output=job.output,
                    url_of=lambda name: url + name)
    headers = {"Expires": format_datetime(job.expires_at, usegmt=True)} if job.expires_at else None
    return JSONResponse(body, headers=headers)


@router.delete("/$export-status/{export_id}", summary="Cancel a Bulk Data export", response_class=Response,
               status_code=202)
def cancel_export(request: Request, signed: SignedInDep, export_id: ExportId) -> Response:
    """Cancel the export and delete its files; 202 (its status is then 404)."""
    job = fhir_export.cancel_export(signed.uow, signed.actor, export_id)
    _runner(request).remove(job.id)
    return Response(status_code=202)


@router.get("/$export-file/{export_id}/{file_name}", summary="A Bulk Data export's NDJSON file",
            response_class=Response)
def export_file(request: Request, signed: SignedInDep, export_id: ExportId,
                file_name: Annotated[str, Path(max_length=64, description="Type.ndjson, from the manifest")]) -> Response:
    """Return one file of a completed export (``application/fhir+ndjson``); 404 once expired or cancelled."""
    job = fhir_export.export_file(signed.uow, signed.actor, export_id, file_name)
    path = _runner(request).directory_of(job.id) / file_name
    if not path.is_file():
        return outcome_response(404, f"the file {file_name!r} of export {export_id!r} is gone (expired)")
    return FileResponse(path, media_type=NDJSON)


@router.get("/Group", summary="The clinic's Groups (clinicians' panels)", response_class=Response)
def groups(request: Request, signed: SignedInDep) -> Response:
    """Return a searchset Bundle of the clinic's panels (members not listed: read each Group)."""
    _, staff = fhir_export.clinic_panels(signed.uow, signed.actor)
    found = [panel_group(user, None) for user in staff]
    return fhir_response(paged(found, base=_base(request), url=f"{_base(request)}/Group", params={}, offset=0,
                               count=max(1, len(found))))


@router.get("/Group/{group_id}", summary="A clinician's panel as a Group", response_class=Response)
def group(request: Request, signed: SignedInDep,
          group_id: Annotated[str, Path(max_length=64, description="panel-<user id>")]) -> Response:
    """Return the Group with its members; 404 for an id that is not a panel of the clinic, 403 for reception."""
    user, members = fhir_export.panel_members(signed.uow, signed.actor, group_id)
    return fhir_response(panel_group(user, members))
