"""OperationOutcome: how the FHIR API states an error (R4 issue-type codes by HTTP status)."""

from __future__ import annotations

from fhir.resources.R4B.operationoutcome import OperationOutcome

#: HTTP status -> R4 issue-type code.
ISSUE_TYPES = {400: "invalid", 401: "login", 403: "forbidden", 404: "not-found", 409: "conflict",
               413: "too-costly", 415: "not-supported", 422: "invalid", 429: "throttled", 503: "transient"}


def operation_outcome(status: int, message: str, fields: list[str] | None = None) -> OperationOutcome:
    """Return the OperationOutcome of an error answered with ``status``; ``fields`` name the bad inputs."""
    issues = [{"severity": "error", "code": ISSUE_TYPES.get(status, "exception"), "diagnostics": message[:1000],
               "expression": [field] if field else None} for field in (fields or [None])]  # type: ignore[list-item]
    return OperationOutcome.model_validate({"resourceType": "OperationOutcome", "issue": issues})
