"""``GET /health``: is the server up and its database reachable (no login needed, no patient data)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from acupath.api.deps import KbDep, PublicUowDep
from acupath.services.health import check_database

router = APIRouter(tags=["health"])


@router.get("/health", summary="Liveness and database check")
def health(uow: PublicUowDep, kb: KbDep) -> JSONResponse:
    """Return 200 with ``status: ok`` when the database answers, else 503 with ``status: unavailable``."""
    database = check_database(uow)
    ok = database["database"] == "ok"
    body: dict[str, Any] = {"status": "ok" if ok else "unavailable", "knowledge_version": kb.version,
                            **database}
    return JSONResponse(body, status_code=200 if ok else 503)
