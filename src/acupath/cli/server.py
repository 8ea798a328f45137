"""``acupath serve``, ``db upgrade``, ``clinics create``, ``set-locale`` and ``set-crisis-contacts``; ``users`` is
``cli.accounts``.

The server is started by import string (``acupath.site:app_from_environment``: API and pages) because the CLI and
the API are separate composition roots that never import each other; ``--db`` reaches the API
through ``ACUPATH_DATABASE_URL``, the same variable the settings read.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Annotated

import typer

from acupath.cli.output import emit_json
from acupath.errors import InputError
from acupath.services import users
from acupath.services.unit_of_work import AbstractUnitOfWork
from acupath.settings import Settings

DbOption = Annotated[str | None, typer.Option("--db", help="Database URL (default: ACUPATH_DATABASE_URL "
                                                             "or sqlite:///acupath.sqlite3).")]

db_group = typer.Typer(help="Create or upgrade the database schema.", no_args_is_help=True)
clinics_group = typer.Typer(help="Clinics.", no_args_is_help=True)


def settings_for(db: str | None) -> Settings:
    """Return the settings from the environment, with ``db`` as the database URL when given.

    Raises ``InputError`` naming the variable or ``--db`` for a bad value.
    """
    environ = dict(os.environ)
    if db is not None:
        environ["ACUPATH_DATABASE_URL"] = db
    try:
        return Settings.from_env(environ)
    except InputError as exc:
        if db is not None and exc.field == "ACUPATH_DATABASE_URL":
            raise InputError("--db", exc.problem, exc.allowed) from None
        raise


def unit_of_work_factory(settings: Settings) -> Callable[[], AbstractUnitOfWork]:
    """Return a function giving a fresh SQLAlchemy unit of work on the settings' database (one engine)."""
    from acupath.storage import SqlAlchemyUnitOfWork, make_engine, make_session_factory

    sessions = make_session_factory(make_engine(settings.database_url))
    return lambda: SqlAlchemyUnitOfWork(sessions)


def serve(
    db: DbOption = None,
    host: Annotated[str, typer.Option(help="Address to listen on; keep 127.0.0.1 unless behind a proxy.")]
    = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535)] = 8000,
) -> None:
    """Serve the JSON API with uvicorn (OpenAPI at /docs when ACUPATH_DOCS or development mode says so).

    Refuses to start (``InputError``, exit code 2 with one line) on a bad setting, and outside
    development without a secret key of its own.
    """
    import uvicorn

    from acupath.cli.access_log import log_config

    settings = settings_for(db)  # refuse bad settings here, with one line, before uvicorn starts
    settings.signing_key()
    os.environ["ACUPATH_DATABASE_URL"] = settings.database_url
    if settings.env == "development":
        typer.echo("acupath: DEVELOPMENT MODE (ACUPATH_ENV=development): tokens are signed with the public "
                   "development key; never use this mode with real patients")
    docs = f" (docs: http://{host}:{port}/docs)" if settings.docs else ""
    typer.echo(f"acupath API on http://{host}:{port}{docs}, environment {settings.env}, "
               f"database {settings.database_url.split('@')[-1]}")
    # proxy_headers=False: uvicorn would otherwise believe X-Forwarded-For from 127.0.0.1 (its
    # default forwarded_allow_ips); the app trusts only ACUPATH_TRUSTED_PROXIES (``create_app``).
    uvicorn.run("acupath.site:app_from_environment", factory=True, host=host, port=port,
                log_level="info", log_config=log_config(), proxy_headers=False, server_header=False)


@db_group.command("upgrade")
def db_upgrade(db: DbOption = None) -> None:
    """Bring the database schema to the newest migration (creates it when empty)."""
    from acupath.storage.migrate import upgrade

    settings = settings_for(db)
    upgrade(settings.database_url)
    typer.echo(f"database at the newest schema: {settings.database_url.split('@')[-1]}")


LocaleOption = Annotated[str, typer.Option(help="How the pages write dates and numbers: en-GB, en-US, de-DE "
                                                  "or fr-FR.")]


@clinics_group.command("create")
def clinics_create(name: Annotated[str, typer.Option(help="The clinic's name.")], locale: LocaleOption = "en-GB",
                   db: DbOption = None) -> None:
    """Create a clinic and print its id (needed by ``acupath users create --clinic``)."""
    clinic = users.create_clinic(unit_of_work_factory(settings_for(db))(), name, locale)
    emit_json({"id": clinic.id, "name": clinic.name, "locale": clinic.locale})


@clinics_group.command("set-locale")
def clinics_set_locale(locale: Annotated[str, typer.Argument(help="en-GB, en-US, de-DE or fr-FR.")],
                       clinic: Annotated[str, typer.Option(help="Clinic id (see `acupath clinics create`).")],
                       db: DbOption = None) -> None:
    """Set how the clinic's pages write dates and numbers (audited; open pages follow within a minute)."""
    from acupath.services import clinics
    from acupath.services.actor import Actor

    changed = clinics.set_locale(unit_of_work_factory(settings_for(db))(), Actor.system(clinic), locale)
    emit_json({"id": changed.id, "name": changed.name, "locale": changed.locale})


@clinics_group.command("set-crisis-contacts")
def clinics_set_crisis_contacts(
    clinic: Annotated[str, typer.Option(help="Clinic id (see `acupath clinics create`).")],
    contact: Annotated[list[str] | None, typer.Option(
        help='One line as "NAME|PHONE|TEXT|HOURS" (leave parts empty: "Crisis team|0800 123||24/7"); repeat '
             "for more, in the order patients see them. None: back to the cited default.")] = None,
    db: DbOption = None,
) -> None:
    """Set the crisis contacts a patient sees at once after a safety answer on the portal (audited)."""
    from acupath.services.actor import Actor
    from acupath.services.between_visits import crisis_contacts

    lines = []
    for index, text in enumerate(contact or []):
        parts = text.split("|")
        if len(parts) > 4:
            raise InputError(f"--contact[{index}]", f"{len(parts)} parts separated by |", "NAME|PHONE|TEXT|HOURS")
        lines.append({k: v.strip() for k, v in zip(("name", "phone", "text", "hours"), parts, strict=False)
                      if v.strip() or k == "name"})
    stored = crisis_contacts.set_crisis_contacts(unit_of_work_factory(settings_for(db))(), Actor.system(clinic), lines)
    emit_json({"clinic": stored.clinic_id, "contacts": [
        {"name": c.name, "phone": c.phone, "text": c.text, "hours": c.hours} for c in stored.contacts],
        "default": not stored.contacts})


def register(app: typer.Typer) -> None:
    """Add ``serve``, ``db``, ``clinics`` and ``users`` to ``app``."""
    app.command("serve")(serve)
    app.add_typer(db_group, name="db")
    app.add_typer(clinics_group, name="clinics")
    from acupath.cli.accounts import users_group  # after this module: it uses ``settings_for``

    app.add_typer(users_group, name="users")
