"""JSON written straight from plain data, for the routes that answer most often.

A route that returns a dict has FastAPI validate it against the return annotation and walk it with
``jsonable_encoder`` before ``json.dumps``; for a progress report that was more work than computing
it. ``json_response`` writes the same JSON (dataclasses as ``asdict`` would, dates and times as
ISO 8601, tuples as arrays, enums as their values, UTF-8, no NaN) in one ``json.dumps``.
"""

from __future__ import annotations

import json
from dataclasses import fields, is_dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any

from fastapi.responses import Response


def _encode(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        # What ``dataclasses.asdict`` would give, one level at a time as the encoder meets it, without
        # building and deep-copying the whole tree first (a twentieth of recording a session).
        return {f.name: getattr(value, f.name) for f in fields(value)}
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, set | frozenset):
        return sorted(value)
    raise TypeError(f"{type(value).__name__} is not JSON")


def json_body(data: Any) -> bytes:
    """Return ``data`` as UTF-8 JSON. Raises ``TypeError`` for a value JSON cannot hold."""
    return json.dumps(data, default=_encode, ensure_ascii=False, allow_nan=False,
                      separators=(",", ":")).encode("utf-8")


def json_response(data: Any, status_code: int = 200, *, body: bytes | None = None) -> Response:
    """Return ``data`` (or its JSON ``body``, already written) as an ``application/json`` response.

    Raises ``TypeError`` for a value JSON cannot hold.
    """
    return Response(json_body(data) if body is None else body, status_code=status_code,
                    media_type="application/json")
