"""``acupath intake``: the intake's JSON Schema, and reading an intake file for every command.

``read_intake(path)`` is the one place that turns a YAML or JSON file into an ``Intake``: a missing
file, a syntax error or an invalid field becomes an ``InputError`` (exit 2, one line naming the field).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from acupath.assessment.intake import Intake, parse_intake
from acupath.cli.files import read_data
from acupath.cli.output import emit_json
from acupath.errors import InputError
from acupath.knowledge import load_knowledge
from acupath.planning.protocol import protocol_for
from acupath.safety.screening import default_scorer


def read_intake(path: Path) -> Intake:
    """Read and validate the intake in ``path`` (``.json`` as JSON, anything else as YAML).

    Returns the intake. Raises ``InputError`` naming the file for an unreadable file or a syntax error,
    and naming the field path (``safety.bleeding_disorder``) for an invalid intake.
    """
    return parse_intake(read_data(path, "intake"))


def check_against_knowledge(checked: Intake, kb: object) -> None:
    """Refuse what screen and plan would refuse: an unknown pattern, or a questionnaire that cannot be scored.

    Raises ``InputError`` naming ``pattern`` or ``questionnaires.<instrument>.<item>`` (exit 2).
    """
    protocol_for(kb, checked.condition).pattern(checked.pattern)
    score_flags = default_scorer(kb)
    for instrument, answers in checked.questionnaires.items():
        score_flags(instrument, answers)


def intake(
    file: Annotated[Path | None, typer.Argument(help="An intake (YAML or JSON) to validate and print.")] = None,
    schema: Annotated[bool, typer.Option("--schema", help="Print the intake's JSON Schema.")] = False,
) -> None:
    """Print the intake's JSON Schema (--schema), or validate an intake file and print it as JSON."""
    if schema:
        emit_json(Intake.model_json_schema())
        return
    if file is None:
        raise InputError("intake", "give an intake file or --schema")
    checked = read_intake(file)
    check_against_knowledge(checked, load_knowledge())
    emit_json(checked.model_dump(mode="json"))


def register(app: typer.Typer) -> None:
    """Add the ``intake`` command to ``app``."""
    app.command("intake")(intake)
