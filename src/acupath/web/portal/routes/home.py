"""The patient's plan: the home page (the plan in plain language), upcoming sessions, handouts.

All three read ``services.portal.own_record.my_plan``: the plan explained by
``planning.plain_language.explain_plan`` as of the server's today, so the page and the printed plan
say the same.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from acupath.services.portal import own_record
from acupath.web.pages import web_state
from acupath.web.portal.pages import PortalRoute, render_portal
from acupath.web.portal.visitor import PortalVisitorDep
from acupath.web.visitor import unit_of_work

router = APIRouter(prefix="/portal", route_class=PortalRoute, include_in_schema=False)


async def _my_plan(request: Request, visitor: PortalVisitorDep) -> own_record.MyPlan:
    state = web_state(request)
    return await run_in_threadpool(own_record.my_plan, unit_of_work(request), visitor.patient, state.kb,
                                   state.clock().date())


@router.get("")
async def home(request: Request, visitor: PortalVisitorDep) -> Response:
    """Return the patient's home page: their plan in plain language."""
    mine = await _my_plan(request, visitor)
    return render_portal(request, "portal/home.html", {"mine": mine, "who": mine.who, "nav": "plan"})


@router.get("/sessions")
async def sessions(request: Request, visitor: PortalVisitorDep) -> Response:
    """Return the patient's upcoming sessions (the plan's dated schedule after today)."""
    mine = await _my_plan(request, visitor)
    return render_portal(request, "portal/sessions.html", {"mine": mine, "who": mine.who, "nav": "sessions"})


@router.get("/handouts")
async def handouts(request: Request, visitor: PortalVisitorDep) -> Response:
    """Return the patient's handouts: each component of their plan explained."""
    mine = await _my_plan(request, visitor)
    return render_portal(request, "portal/handouts.html", {"mine": mine, "who": mine.who, "nav": "handouts"})
