"""``acupath score``: score one questionnaire (``score_file`` scores a CSV of responses).

Bad input (unknown instrument or item, an answer outside the options, an unreadable or invalid
file) is an ``InputError``: exit 2 with one line. The instrument is read on its own
(``instrument_knowledge``), not the whole knowledge base.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from acupath.assessment import display_number, score
from acupath.cli.files import read_json
from acupath.cli.instrument_knowledge import instrument_knowledge
from acupath.cli.output import emit_json
from acupath.errors import InputError


def read_answers(path: Path) -> dict[str, Any]:
    """Return the answers object in the JSON file ``path``.

    Raises ``InputError`` naming the file when it is missing, unreadable, not JSON or not an object.
    """
    data = read_json(path, "answers")
    if not isinstance(data, dict):
        raise InputError(str(path), "must hold one JSON object of item keys to answers",
                         '{"q1": 0, "q2": 1, ...}')
    return data


def score_command(
    instrument: Annotated[str, typer.Argument(help="Instrument id, e.g. phq9 (see `acupath instruments list`).")],
    answers: Annotated[Path, typer.Option("--answers", help="JSON object of item keys to answers.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the score as JSON.")] = False,
) -> None:
    """Score one questionnaire and print total, subscales, band, flags and validity."""
    result = score(instrument, read_answers(answers), instrument_knowledge(instrument))
    if as_json:
        emit_json(result.to_dict())
        return
    data = result.to_dict()
    band = f" ({data['band']['label']})" if data["band"] else ""
    total = "no total" if data["total"] is None else f"total {data['total']}"
    typer.echo(f"{instrument} v{data['version']}: {total}{band}")
    for key, value in data["subscales"].items():
        typer.echo(f"  {key}: {'not scored' if value is None else display_number(value)}")
    if data["flags"]:
        typer.echo(f"  flags: {', '.join(data['flags'])}")
    if data["missing_safety_items"]:
        typer.echo(f"  safety item not answered: {', '.join(data['missing_safety_items'])} (ask before treatment)")
    typer.echo("  valid" if data["valid"] else f"  not valid: {data['reason']}")
    typer.echo(f"  knowledge {data['knowledge_version']}")


def register(app: typer.Typer) -> None:
    """Add ``score`` to ``app``."""
    app.command("score")(score_command)
