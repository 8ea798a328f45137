"""The portal's home: the signed-in patient's name and clinic, and their plan in plain language."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from acupath.services.portal import own_record
from acupath.web.portal.pages import PortalRoute, render_portal
from acupath.web.portal.visitor import PortalVisitorDep
from acupath.web.visitor import unit_of_work

router = APIRouter(prefix="/portal", route_class=PortalRoute, include_in_schema=False)


@router.get("")
async def home(request: Request, visitor: PortalVisitorDep) -> Response:
    """Return the patient's home page."""
    who = await run_in_threadpool(own_record.portal_patient, unit_of_work(request), visitor.patient)
    return render_portal(request, "portal/home.html", {"who": who, "nav": "plan"})
