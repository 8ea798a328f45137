"""Is the store reachable? The one use case of ``GET /health`` (added by the API engineer)."""

from __future__ import annotations

import time
from typing import Any

from acupath.services.unit_of_work import AbstractUnitOfWork


def check_database(uow: AbstractUnitOfWork) -> dict[str, Any]:
    """Return ``{"database": "ok", "ms": ...}`` after one round trip to the store.

    Any failure is reported as ``{"database": "unavailable", "error": <exception class>}``; the
    message is left out because it may name hosts or users.
    """
    started = time.perf_counter()
    try:
        with uow:
            # A lookup of a clinic that cannot exist: one indexed query, no patient data, nothing to audit.
            uow.clinics.get("-health-check-")
    except Exception as exc:  # the caller reports any failure of the store as "unavailable"
        return {"database": "unavailable", "error": type(exc).__name__}
    return {"database": "ok", "ms": round((time.perf_counter() - started) * 1000.0, 2)}
