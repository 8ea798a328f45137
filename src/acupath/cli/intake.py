"""``acupath intake``: the intake's JSON Schema, and reading an intake file for every command.

``read_intake(path)`` is the one place that turns a YAML or JSON file into an ``Intake``: a missing
file, a syntax error or an invalid field becomes an ``InputError`` (exit 2, one line naming the field).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Annotated, Any

import typer
import yaml

from acupath.assessment.intake import Intake, parse_intake
from acupath.cli.output import emit_json
from acupath.errors import InputError


class _Yaml12Loader(yaml.SafeLoader):
    """The safe loader with YAML 1.2 booleans: only true/false, so that a key such as ``on`` (an
    override's date) or a value such as ``no`` is not silently turned into a boolean (YAML 1.1)."""


_Yaml12Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Yaml12Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def read_intake(path: Path) -> Intake:
    """Read and validate the intake in ``path`` (``.json`` as JSON, anything else as YAML).

    Returns the intake. Raises ``InputError`` naming the file for an unreadable file or a syntax error,
    and naming the field path (``safety.bleeding_disorder``) for an invalid intake.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(str(path), "no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(str(path), f"cannot be read ({exc.__class__.__name__})") from None
    data: Any
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(str(path), f"not valid JSON: {exc.msg} at line {exc.lineno}") from None
    else:
        try:
            data = yaml.load(text, Loader=_Yaml12Loader)  # noqa: S506 - a safe loader
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" at line {mark.line + 1}" if mark is not None else ""
            raise InputError(str(path), f"not valid YAML: {getattr(exc, 'problem', None) or exc}{where}") from None
    return parse_intake(data)


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
    emit_json(read_intake(file).model_dump(mode="json"))


def register(app: typer.Typer) -> None:
    """Add the ``intake`` command to ``app``."""
    app.command("intake")(intake)
