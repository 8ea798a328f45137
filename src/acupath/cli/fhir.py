"""``acupath fhir questionnaire ID``: one instrument's FHIR R4 Questionnaire (or the intake's), printed as JSON;
``acupath fhir import`` is ``cli.fhir_import``.

``acupath fhir export``: a clinic's Bulk Data export into a directory (``cli.fhir_export``).
"""

from __future__ import annotations

import json
from typing import Annotated

import typer

from acupath.cli import fhir_export
from acupath.cli.fhir_import import import_bundle

group = typer.Typer(help="FHIR R4: acupath's definitions as FHIR resources; a clinic's bulk export; import of a "
                         "transaction Bundle.", no_args_is_help=True)


@group.command("questionnaire")
def questionnaire(
    instrument: Annotated[str, typer.Argument(help="Instrument id, e.g. phq9 (see `acupath instruments list`), "
                                                   "or intake.")],
    base: Annotated[str | None, typer.Option(help="Base of the canonical URLs (default: ACUPATH_FHIR_BASE).")] = None,
) -> None:
    """Print the Questionnaire generated from one instrument file, or the intake's own (JSON, R4)."""
    from acupath.errors import InputError
    from acupath.fhir import Canon, as_json
    from acupath.fhir.canonical import knowledge_id
    from acupath.fhir.intake_form import INTAKE_ID, intake_questionnaire
    from acupath.fhir.questionnaires import questionnaire as make_questionnaire
    from acupath.knowledge import load_knowledge
    from acupath.settings import Settings

    settings = Settings.from_env({"ACUPATH_FHIR_BASE": base} if base is not None else None)
    kb = load_knowledge()
    if instrument == INTAKE_ID:
        typer.echo(json.dumps(as_json(intake_questionnaire(kb, Canon(settings.fhir_base))), indent=2))
        return
    doc = kb.instruments.get(knowledge_id(instrument))
    if doc is None:
        raise InputError("ID", f"unknown instrument {instrument!r}", ", ".join(sorted(kb.instruments)))
    typer.echo(json.dumps(as_json(make_questionnaire(doc, kb, Canon(settings.fhir_base))), indent=2,
                          ensure_ascii=False))


group.command("export")(fhir_export.export)
group.command("import")(import_bundle)


def register(app: typer.Typer) -> None:
    """Add the ``fhir`` group to ``app``."""
    app.add_typer(group, name="fhir")
