"""Reading the files a command is given: text, then JSON or YAML, every failure one ``InputError`` line.

``read_data(path, what)`` is for every command that reads a YAML or JSON document (intakes, plans,
records): a missing or unreadable file, or a syntax error, becomes an ``InputError`` naming the file.
YAML is read with YAML 1.2 booleans (only true/false), so that a key such as ``on`` or a value such as
``no`` is not silently turned into a boolean.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

from acupath.errors import InputError


class _Yaml12Loader(yaml.SafeLoader):
    """The safe loader with YAML 1.2 booleans."""


_Yaml12Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Yaml12Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)



def _timestamp(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    # An impossible date (2026-13-01) is a syntax error of the document, reported with its line.
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError as exc:
        raise yaml.constructor.ConstructorError(
            None, None, f"{node.value!r} is not a valid date or time ({exc})", node.start_mark
        ) from None


_Yaml12Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)


def read_text(path: Path) -> str:
    """Return the UTF-8 text of ``path``. Raises ``InputError`` naming the file when it cannot be read."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(str(path), "no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(str(path), f"cannot be read ({exc.__class__.__name__})") from None


def read_json(path: Path, what: str = "document") -> Any:
    """Return the JSON document in ``path``.

    Raises ``InputError`` naming the file when it cannot be read, or with the line for a syntax error.
    """
    return _parse_json(read_text(path), path, what)


def _parse_json(text: str, path: Path, what: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(str(path), f"not valid JSON ({what}): {exc.msg} at line {exc.lineno}") from None


def read_data(path: Path, what: str = "document") -> Any:
    """Return the document in ``path``: JSON when it ends in ``.json``, YAML otherwise.

    Raises ``InputError`` naming the file, with the line, for a syntax error.
    """
    text = read_text(path)
    if path.suffix.lower() == ".json":
        return _parse_json(text, path, what)
    try:
        return yaml.load(text, Loader=_Yaml12Loader)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise InputError(str(path), f"not valid YAML ({what}): {getattr(exc, 'problem', None) or exc}{where}") from None
