"""Answers of the FHIR API (``/fhir/R4``): ``application/fhir+json`` resources and OperationOutcomes.

``api.errors`` sends every error of a path under ``FHIR_PREFIX`` here, and ``api.guards`` its 413 and
422 (answered before any route), so a FHIR client always gets an OperationOutcome (401, 403, 404, 400/422 naming the parameter, 5xx) rather than the JSON API's
``{"detail"}``.
"""

from __future__ import annotations

from typing import Any

import orjson
from fastapi.responses import Response

from acupath.fhir import as_json
from acupath.fhir.outcome import operation_outcome

FHIR_PREFIX = "/fhir/R4"
FHIR_JSON = "application/fhir+json"


def fhir_response(resource: Any, status_code: int = 200, headers: dict[str, str] | None = None) -> Response:
    """Return a ``fhir.resources`` model as an ``application/fhir+json`` response."""
    return Response(orjson.dumps(as_json(resource)), status_code=status_code, media_type=FHIR_JSON,
                    headers=headers)


def outcome_response(status: int, message: str, fields: list[str] | None = None,
                     headers: dict[str, str] | None = None) -> Response:
    """Return the OperationOutcome response of an error (``fields``: the inputs it names)."""
    return fhir_response(operation_outcome(status, message, fields), status, headers)


def is_fhir_path(path: str) -> bool:
    """Return True for a path of the FHIR API."""
    return path == FHIR_PREFIX or path.startswith(FHIR_PREFIX + "/")
