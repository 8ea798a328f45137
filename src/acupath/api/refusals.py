"""The audit entry of a request refused 401 for its login token (missing, forged, expired, revoked...).

The entry names the route by its method and path template (``GET /plans/{plan_id}/progress``: no ids,
no query string), the client's address as ``deps.remote_address`` gives it, the reason phrase (never
the token) and, when the token was genuine (expired, revoked, its user deactivated), its user and
clinic, so that the entry is in that clinic's log. Writing it must not turn the 401 into a 500: if the
database fails, the refusal stands and one log line says the entry is missing (no request values).
"""

from __future__ import annotations

import logging

from fastapi import Request

from acupath.api.tokens import TokenClaims
from acupath.services import audit

log = logging.getLogger(__name__)


def route_of(request: Request) -> str:
    """Return ``METHOD /path/{template}`` of the route the request matched (``METHOD ?`` if none did)."""
    route = request.scope.get("route")
    return f"{request.method} {getattr(route, 'path', '?')}"


def audit_refused_token(request: Request, address: str, reason: str, claims: TokenClaims | None = None) -> None:
    """Write the audit entry of the request refused for ``reason`` (runs the database: call it off the loop).

    ``claims`` are those of a genuine token only. Raises nothing.
    """
    state = request.app.state.acupath
    try:
        audit.record_refused_token(state.uow_factory(), route=route_of(request), reason=reason,
                                   remote_address=address, clinic_id=claims.clinic_id if claims else None,
                                   user_id=claims.user_id if claims else None)
    except Exception as exc:  # the 401 is the answer whatever happens here
        log.warning("a refused request could not be audited (%s)", type(exc).__name__)
