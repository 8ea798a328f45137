"""``acupath fhir export [--since DATE] [--type T,..] [--clinic ID] --db URL DIR``: a clinic's Bulk Data export.

Writes the same NDJSON files as ``GET /fhir/R4/$export`` (one per resource type, ``acupath.fhir.bulk``)
and their ``manifest.json`` into ``DIR``, as the command line's administrator (``Actor.system``),
audited like an export through the API (its start, and one ``fhir.export`` entry per patient written).
``DIR`` must be empty or new, so an earlier export is never mixed with this one; an export that fails
or is interrupted removes what it wrote. The export is kept as a job (migration 0014) while it runs, so
the API refuses a second export of the clinic meanwhile.
"""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path
from typing import Annotated
from urllib.parse import urlencode

import typer

from acupath.cli.server import DbOption, settings_for, unit_of_work_factory
from acupath.errors import InputError

# A date alone (``--since 2026-12-01``) means its midnight in UTC.
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _option(error: InputError, option: str) -> InputError:
    return InputError(option, error.problem, error.allowed)


def export(
    directory: Annotated[Path, typer.Argument(metavar="DIR", help="Where to write the files (empty or new).")],
    since: Annotated[str | None, typer.Option(help="Only what changed after this date (UTC midnight) or "
                                                    "instant, e.g. 2026-12-01 or 2026-12-01T09:00:00Z.")] = None,
    types: Annotated[str | None, typer.Option("--type", help="Resource types, comma-separated "
                                                             "(default: every type exported).")] = None,
    clinic: Annotated[str | None, typer.Option(help="The clinic to export (default: the only one).")] = None,
    base: Annotated[str | None, typer.Option(help="Base of the canonical URLs (default: ACUPATH_FHIR_BASE).")] = None,
    db: DbOption = None,
) -> None:
    """Export a clinic's records as FHIR R4 NDJSON files (Bulk Data format) and their manifest.json."""
    from acupath.fhir import Canon
    from acupath.fhir import bulk_request as params
    from acupath.fhir.bulk import ExportRequest, write_export
    from acupath.fhir.bulk_files import manifest
    from acupath.knowledge import load_knowledge
    from acupath.services import fhir_export
    from acupath.services.actor import Actor
    from acupath.services.fhir_export_records import ExportLevel

    try:
        asked = params.resource_types(types)
    except InputError as error:
        raise _option(error, "--type") from None
    try:
        since_at = params.since(f"{since}T00:00:00Z" if since and _DATE.match(since.strip()) else since)
    except InputError as error:
        raise _option(error, "--since") from None
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise InputError("DIR", f"{directory} is not an empty directory", "a new or empty directory")
    settings = settings_for(db)
    uow_factory = unit_of_work_factory(settings)
    with uow_factory() as uow:
        clinics = uow.bulk_records.clinic_ids()
    if clinic is None and len(clinics) != 1:
        raise InputError("--clinic", f"the database holds {len(clinics)} clinics: name one", ", ".join(clinics) or
                         "none: create one with `acupath clinics create`")
    clinic_id = clinic if clinic is not None else clinics[0]
    if clinic_id not in clinics:
        raise InputError("--clinic", f"no clinic {clinic_id!r}", ", ".join(clinics))
    actor = Actor.system(clinic_id)
    query = {key: value for key, value in (("_type", types and ",".join(asked)),
                                           ("_since", since_at and since_at.isoformat())) if value}
    request_url = "$export" + (f"?{urlencode(query)}" if query else "")
    job = fhir_export.start_export(uow_factory(), actor, job_id=uuid.uuid4().hex, level=ExportLevel.SYSTEM,
                                   types=asked, since=since_at, request_url=request_url)
    try:
        output = write_export(uow_factory, actor, job.id, ExportRequest(types=tuple(asked), since=since_at),
                              directory, load_knowledge(), Canon(base or settings.fhir_base))
    except BaseException:
        fhir_export.finish_export(uow_factory(), actor, job.id, output=None, failed=True)
        raise
    fhir_export.finish_export(uow_factory(), actor, job.id, output=output or [])
    document = manifest(transaction_time=job.transaction_time, request_url=request_url, output=output or [],
                        url_of=lambda name: name, requires_token=False)
    (directory / "manifest.json").write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    counts = ", ".join(f"{item['count']} {item['type']}" for item in output or []) or "nothing"
    typer.echo(f"exported {counts} to {directory} (manifest.json)")
