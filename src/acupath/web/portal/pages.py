"""Rendering a portal page, and errors as portal pages (the clinic's error pages speak to staff).

``PortalRoute`` is the route class of every portal router: a service's ``NotFound`` and
``PermissionDenied`` both become the portal's 404 page (a patient learns nothing about records that
are not theirs, not even that they exist), ``InputError`` the 422 page, ``Conflict`` the 409 page,
``TooManyAttempts`` the 429 page, a form without its CSRF token the 403 page, and a request without a
portal sign-in goes to the portal's sign-in page (its cookie forgotten).
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi.routing import APIRoute
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from acupath.errors import Conflict, InputError, NotFound, PermissionDenied, TooManyAttempts
from acupath.web.pages import FormRefused, render, web_state
from acupath.web.portal.visitor import PORTAL_COOKIE, PORTAL_PATH, PortalNotSignedIn


def render_portal(request: Request, template: str, context: dict[str, Any] | None = None,
                  status_code: int = 200) -> Response:
    """Return a portal template rendered as ``web.pages.render`` does, with ``portal`` (the signed-in
    ``PortalVisitor`` or None) and ``nav`` (``PORTAL_NAV``) in its context."""
    from acupath.web.portal.routes import PORTAL_NAV

    values = {"portal": getattr(request.state, "portal_visitor", None), "nav_links": PORTAL_NAV, **(context or {})}
    return render(request, template, values, status_code)


def portal_error(request: Request, status_code: int, title: str, message: str) -> Response:
    """Return the portal's error page: ``title`` as its heading, ``message`` saying what to do."""
    return render_portal(request, "portal/error.html", {"title": title, "message": message}, status_code)


def forget_cookie(request: Request, response: Response) -> None:
    """Delete the portal cookie on ``response`` (as it was set: path, flags)."""
    response.delete_cookie(PORTAL_COOKIE, path=PORTAL_PATH, httponly=True, secure=web_state(request).secure_cookies,
                           samesite="lax")


def sign_in_redirect(request: Request) -> Response:
    """Return a redirect to the portal's sign-in page (htmx: its ``HX-Redirect`` header), cookie forgotten."""
    target = "/portal/sign-in"
    if request.headers.get("hx-request") == "true":
        response: Response = Response(status_code=200, headers={"HX-Redirect": target})
    else:
        response = RedirectResponse(target, status_code=303)
    if PORTAL_COOKIE in request.cookies:
        forget_cookie(request, response)
    return response


class PortalRoute(APIRoute):
    """A portal page's route: errors answer as portal pages, a missing sign-in with the sign-in page."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        """Return FastAPI's handler wrapped so that the errors above answer as portal pages."""
        handler = super().get_route_handler()

        async def page_handler(request: Request) -> Response:
            try:
                return await handler(request)
            except PortalNotSignedIn:
                return sign_in_redirect(request)
            except FormRefused:
                return portal_error(request, 403, "This form was not accepted",
                                    "The form was sent without its security code, or from another site. Go back, "
                                    "reload the page and send it again.")
            except (NotFound, PermissionDenied):
                return portal_error(request, 404, "Page not found",
                                    "There is no such page in your portal. Check the address, or go to your plan.")
            except TooManyAttempts as exc:
                return portal_error(request, 429, "Too many attempts",
                                    f"Wait {exc.retry_after // 60 + 1} minutes, then try again.")
            except InputError as exc:
                return portal_error(request, 422, "This request could not be read",
                                    f"{exc.field}: {exc.problem}. Go back and try again.")
            except Conflict:
                return portal_error(request, 409, "This changed meanwhile",
                                    "Nothing was saved. Reload the page and try again.")

        return page_handler
