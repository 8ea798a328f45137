"""The baseline of the API benchmark: FastAPI endpoints that do no work at all.

Shaped like acupath's own routes (plain ``def`` run in the thread pool, a JSON body in and a small
JSON document out) so that the ratio measures what acupath adds: authentication, the unit of work,
the database and the audit entry, not FastAPI itself.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

app = FastAPI(title="bare baseline", docs_url=None, redoc_url=None, openapi_url=None)


@app.get("/bare")
def bare_get() -> dict[str, Any]:
    """Return a fixed small document."""
    return {"ok": True, "points": ["BL23", "BL25", "GB30"]}


@app.post("/bare")
def bare_post(body: dict[str, Any]) -> dict[str, Any]:
    """Echo how many keys the posted document has."""
    return {"ok": True, "keys": len(body)}
