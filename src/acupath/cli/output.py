"""Small helpers the command groups share for printing results."""

from __future__ import annotations

import json
from typing import Any

import typer


def emit_json(payload: Any) -> None:
    """Print ``payload`` as indented JSON on stdout (dates and other objects as strings)."""
    typer.echo(json.dumps(payload, indent=2, ensure_ascii=False, default=str))
