"""``acupath fhir import BUNDLE.json --clinic ID --as EMAIL``: import a FHIR transaction Bundle (a patient and
their intake, ``acupath.fhir.imports``) into a clinic, as one of its clinicians or administrators.

The command line acts as the account named by ``--as`` (it must belong to ``--clinic``, be active, and
be a clinician or an administrator), so the intake is recorded by a real person and the audit log says
who. Prints the transaction-response Bundle (JSON); bad input exits 2 with one line naming the element
(``Bundle.entry[2].resource.item[0].answer[0].valueCoding.code: ...``). Nothing is stored unless
everything is.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from acupath.cli.server import DbOption, settings_for, unit_of_work_factory


def import_bundle(
    bundle: Annotated[Path, typer.Argument(help="The transaction Bundle (FHIR R4 JSON).")],
    clinic: Annotated[str, typer.Option(help="The clinic to import into (its id).")],
    as_email: Annotated[str, typer.Option("--as", help="E-mail of the clinician or administrator importing.")],
    db: DbOption = None,
) -> None:
    """Import a transaction Bundle: create the patient, record, score and screen the intake."""
    from acupath.cli.files import read_json
    from acupath.errors import InputError, NotFound
    from acupath.fhir import Canon, as_json
    from acupath.fhir.transaction import import_transaction
    from acupath.knowledge import load_knowledge
    from acupath.services import users
    from acupath.services.actor import Actor

    body = read_json(bundle, "a FHIR R4 transaction Bundle")
    settings = settings_for(db)
    uows = unit_of_work_factory(settings)
    try:
        user = users.user_by_email(uows(), as_email)
    except NotFound:
        raise InputError("--as", f"no account {as_email.strip().lower()!r}", "a clinician's or administrator's e-mail") from None
    if user.clinic_id != clinic or not user.active:
        raise InputError("--as", f"{user.email} is not an active account of clinic {clinic!r}",
                         "an active clinician or administrator of --clinic")
    answer = import_transaction(uows(), Actor(user.id, clinic, user.role, "cli"), body, load_knowledge(),
                                Canon(settings.fhir_base))
    typer.echo(json.dumps(as_json(answer), indent=2, ensure_ascii=False))
