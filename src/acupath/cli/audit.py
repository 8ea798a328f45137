"""``acupath audit verify`` (the audit log's hash chain) and ``acupath audit export`` (CSV or NDJSON).

``verify`` reads the whole log, every clinic's, and writes nothing: it may run on a copy of the
database or a read-only replica. Exit codes: 0 intact, 1 broken (the first broken entry named), 2 bad
input (``acupath.cli``). ``export`` writes one clinic's log as the command line's administrator
(``Actor.system``), audited like an export through the API.
"""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from acupath.cli.server import DbOption, settings_for, unit_of_work_factory
from acupath.errors import InputError
from acupath.services import audit_export
from acupath.services.actor import Actor

audit_group = typer.Typer(no_args_is_help=True, help="The audit log: check its hash chain, export it.")


@audit_group.command("verify")
def verify(db: DbOption = None) -> None:
    """Check the audit log's hash chain; exit 0 when intact, 1 naming the first broken entry."""
    from acupath.storage import make_engine
    from acupath.storage.repositories.audit import verify_chain

    engine = make_engine(settings_for(db).database_url)
    try:
        with engine.connect() as connection:
            report = verify_chain(connection)
    finally:
        engine.dispose()
    if report.intact:
        typer.echo(f"audit log intact: {report.checked} entries checked; last hash {report.last_hash}")
        return
    typer.echo(f"audit log broken: {report.problem} ({report.checked} entries before it are intact)", err=True)
    raise typer.Exit(1)


@audit_group.command("export")
def export(
    clinic: Annotated[str, typer.Option(help="The clinic whose log to export (its id).")],
    fmt: Annotated[str, typer.Option("--format", help="csv or ndjson.")] = "csv",
    since: Annotated[datetime | None, typer.Option(help="From this time (inclusive; UTC if no zone).")] = None,
    until: Annotated[datetime | None, typer.Option(help="Before this time (exclusive; UTC if no zone).")] = None,
    output: Annotated[Path | None, typer.Option(help="Write here instead of standard output.")] = None,
    db: DbOption = None,
) -> None:
    """Export one clinic's audit log, oldest first, up to this export's own (audited) entry."""
    uow = unit_of_work_factory(settings_for(db))()
    with uow:
        if uow.clinics.get(clinic) is None:
            raise InputError("--clinic", f"no clinic {clinic!r}", "the id `acupath clinics create` printed")
    lines = audit_export.export_audit(uow, Actor.system(clinic), fmt, since=since, until=until)
    if output is None:
        sys.stdout.writelines(lines)
        return
    with output.open("w", encoding="utf-8", newline="") as file:
        file.writelines(lines)
    typer.echo(f"audit log of clinic {clinic} written to {output}")


def register(app: typer.Typer) -> None:
    """Add ``audit`` to ``app``."""
    app.add_typer(audit_group, name="audit")
