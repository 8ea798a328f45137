"""``acupath fhir questionnaire ID``: one instrument's FHIR R4 Questionnaire, printed as JSON.

``acupath fhir export``: a clinic's Bulk Data export into a directory (``cli.fhir_export``).
"""

from __future__ import annotations

import json
from typing import Annotated

import typer

from acupath.cli import fhir_export

group = typer.Typer(help="FHIR R4: acupath's definitions as FHIR resources; a clinic's bulk export.", no_args_is_help=True)


@group.command("questionnaire")
def questionnaire(
    instrument: Annotated[str, typer.Argument(help="Instrument id, e.g. phq9 (see `acupath instruments list`).")],
    base: Annotated[str | None, typer.Option(help="Base of the canonical URLs (default: ACUPATH_FHIR_BASE).")] = None,
) -> None:
    """Print the Questionnaire generated from one instrument file (JSON, R4)."""
    from acupath.errors import InputError
    from acupath.fhir import Canon, as_json
    from acupath.fhir.canonical import knowledge_id
    from acupath.fhir.questionnaires import questionnaire as make_questionnaire
    from acupath.knowledge import load_knowledge
    from acupath.settings import Settings

    settings = Settings.from_env({"ACUPATH_FHIR_BASE": base} if base is not None else None)
    kb = load_knowledge()
    doc = kb.instruments.get(knowledge_id(instrument))
    if doc is None:
        raise InputError("ID", f"unknown instrument {instrument!r}", ", ".join(sorted(kb.instruments)))
    typer.echo(json.dumps(as_json(make_questionnaire(doc, kb, Canon(settings.fhir_base))), indent=2,
                          ensure_ascii=False))


group.command("export")(fhir_export.export)


def register(app: typer.Typer) -> None:
    """Add the ``fhir`` group to ``app``."""
    app.add_typer(group, name="fhir")
