"""acupath.web: the clinic's pages, server-rendered (Jinja2) and enhanced by htmx, under ``acupath serve``.

``install_web(app, state)`` adds the pages' routers and ``/static`` to an application (``acupath.site``
composes it with the API). Pages call the same service functions as the API and never query the
database themselves; every form carries a CSRF token (``web.csrf``); every page sets its own
Content-Security-Policy (``web.pages``). Modules: ``state`` (what the pages share with the API),
``visitor`` (the signed-in user of the session cookie), ``pages`` (rendering and error pages),
``forms`` (problems named by field), ``routes`` (one router per topic), ``portal`` (the patient
portal under ``/portal``, its own sign-in), ``templates``, ``static``.
"""

from __future__ import annotations

from fastapi import FastAPI
from starlette.staticfiles import StaticFiles

from acupath.web.pages import HERE
from acupath.web.portal.routes import PORTAL_ROUTERS
from acupath.web.portal.routes import fallback as portal_fallback
from acupath.web.routes import ROUTERS
from acupath.web.state import WebState

__all__ = ["WebState", "install_web"]


def install_web(app: FastAPI, state: WebState) -> None:
    """Add the pages and their static files (``/static``) to ``app``, with ``state`` as their state."""
    app.state.acupath_web = state
    for router in ROUTERS:
        app.include_router(router)
    for router in [*PORTAL_ROUTERS, portal_fallback.router]:  # the patient portal (``web.portal``)
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
