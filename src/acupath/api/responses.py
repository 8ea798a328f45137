"""JSON written straight from plain data, for the routes that answer most often.

A route that returns a dict has FastAPI validate it against the return annotation and walk it with
``jsonable_encoder`` before ``json.dumps``; for a progress report that was more work than computing
it. ``json_response`` writes the same JSON (dataclasses as ``asdict`` would, dates and times as
ISO 8601, tuples as arrays, enums as their values, sets sorted, UTF-8) in one call of orjson, which
meets dataclasses, dates and enums in C (the standard ``json`` called back into Python for each, a
tenth of recording a session). JSON has no NaN or infinity: orjson writes them as ``null``.
"""

from __future__ import annotations

from typing import Any

import orjson
from fastapi.responses import Response


def _encode(value: Any) -> Any:
    # What orjson does not write itself.
    if isinstance(value, set | frozenset):
        return sorted(value)
    raise TypeError(f"{type(value).__name__} is not JSON")


def json_body(data: Any) -> bytes:
    """Return ``data`` as UTF-8 JSON. Raises ``TypeError`` for a value JSON cannot hold."""
    try:
        return orjson.dumps(data, default=_encode)
    except orjson.JSONEncodeError as error:  # a TypeError: the callers' contract
        raise TypeError(str(error)) from None


def json_response(data: Any, status_code: int = 200, *, body: bytes | None = None) -> Response:
    """Return ``data`` (or its JSON ``body``, already written) as an ``application/json`` response.

    Raises ``TypeError`` for a value JSON cannot hold.
    """
    return Response(json_body(data) if body is None else body, status_code=status_code,
                    media_type="application/json")
