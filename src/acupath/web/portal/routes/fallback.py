"""Any other address under ``/portal/``: the portal's 404 page (the sign-in page when not signed in)."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from acupath.errors import NotFound
from acupath.web.portal.pages import PortalRoute
from acupath.web.portal.visitor import PortalVisitorDep

router = APIRouter(prefix="/portal", route_class=PortalRoute, include_in_schema=False)


@router.get("/{rest:path}")
def no_such_page(rest: str, visitor: PortalVisitorDep) -> Response:
    """Raise ``NotFound`` (the portal's 404 page) for a signed-in patient."""
    raise NotFound(f"no portal page {rest!r}")
