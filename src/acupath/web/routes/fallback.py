"""Any other address under ``/clinic/``: the 404 page rather than the API's JSON answer."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from acupath.errors import NotFound
from acupath.web.pages import PageRoute
from acupath.web.visitor import VisitorDep

router = APIRouter(prefix="/clinic", route_class=PageRoute, include_in_schema=False)


@router.get("/{rest:path}")
def no_such_page(rest: str, visitor: VisitorDep) -> Response:
    """Raise ``NotFound`` (the 404 page) for a signed-in visitor; the sign-in page for anyone else."""
    raise NotFound(f"no page {rest!r}")
