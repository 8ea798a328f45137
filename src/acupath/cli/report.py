"""``acupath report KIND --patient ID --output FILE.pdf``: a patient's document as PDF.

KIND is one of ``services.documents.KINDS`` (plan, progress, ncd, referral, superbill, record). The
command acts as the administrator of the patient's clinic (``Actor.system``), audited like a download
from the pages or the API (``report.render``). The PDF is written to a temporary file beside FILE and
renamed over it only when whole, so a refusal (exit 2, one line) or a failure leaves FILE as it was.
WeasyPrint and the services are imported only when the command runs.
"""

from __future__ import annotations

import os
import tempfile
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from acupath.cli.server import DbOption, settings_for, unit_of_work_factory

KINDS_HELP = "plan, progress, ncd, referral, superbill or record"


def report(
    kind: Annotated[str, typer.Argument(help=f"The document: {KINDS_HELP}.")],
    patient: Annotated[str, typer.Option(help="The patient's id.")],
    output: Annotated[Path, typer.Option(help="Where to write the PDF (FILE.pdf).")],
    on: Annotated[str | None, typer.Option(help="The document's date, YYYY-MM-DD (default: today).")] = None,
    db: DbOption = None,
) -> None:
    """Write a patient's document (plan, progress, ncd, referral, superbill, record) as PDF."""
    from acupath.errors import InputError
    from acupath.knowledge import load_knowledge
    from acupath.reports.documents import document_pdf
    from acupath.services import documents
    from acupath.services.actor import Actor

    documents.check_kind(kind)
    day = None
    if on is not None:
        try:
            day = date.fromisoformat(on)
        except ValueError:
            raise InputError("--on", f"{on!r} is not a date", "YYYY-MM-DD") from None
    folder = output.resolve().parent
    if output.is_dir() or not folder.is_dir():
        raise InputError("--output", f"{output} is not a file in an existing folder")
    factory = unit_of_work_factory(settings_for(db))
    actor = Actor.system(documents.clinic_of_patient(factory(), patient))
    rendered = document_pdf(factory(), actor, patient, kind, load_knowledge(), today=day)
    handle, temporary = tempfile.mkstemp(prefix=f".{output.name}.", suffix=".part", dir=folder)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(rendered.pdf)
        os.replace(temporary, output)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    typer.echo(f"{kind} of patient {patient} written to {output} ({len(rendered.pdf):,} bytes)")


def register(app: typer.Typer) -> None:
    """Add ``report`` to ``app``."""
    app.command("report")(report)
