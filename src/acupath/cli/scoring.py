"""``acupath score`` and ``acupath score-file``: score one questionnaire or a CSV of responses.

Bad input (unknown instrument or item, an answer outside the options, an unreadable or invalid
file) is an ``InputError``: exit 2 with one line. ``score-file`` writes to a temporary file beside the
output and renames it, so a bad row leaves no half-written output.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Annotated, Any

import typer

from acupath.assessment import display_number, score
from acupath.assessment.bulk import score_csv
from acupath.cli.files import read_json
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
    result = score(instrument, read_answers(answers))
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


def score_file_command(
    instrument: Annotated[str, typer.Argument(help="Instrument id, e.g. phq9.")],
    source: Annotated[Path, typer.Argument(help="CSV: one row per response, item keys as columns, optional id.")],
    target: Annotated[Path, typer.Argument(help="CSV to write: id, total, subscales, band, flags, valid, reason.")],
) -> None:
    """Score every row of a CSV; a bad row stops the run (row and column named) and writes nothing."""
    try:
        data = source.read_bytes()
    except FileNotFoundError:
        raise InputError(str(source), "no such file") from None
    except OSError as exc:
        raise InputError(str(source), f"cannot be read ({exc.__class__.__name__})") from None
    try:
        output, rows = score_csv(instrument, data)
    except InputError as exc:
        raise type(exc)(f"{source}: {exc.field}", exc.problem, exc.allowed) from None
    folder = target.resolve().parent
    if not folder.is_dir():
        raise InputError(str(target), "its folder does not exist")
    handle, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(output)
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    typer.echo(f"scored {rows} rows of {instrument} into {target}", err=True)


def register(app: typer.Typer) -> None:
    """Add ``score`` and ``score-file`` to ``app``."""
    app.command("score")(score_command)
    app.command("score-file")(score_file_command)
