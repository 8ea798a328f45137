"""Rendering a page: the templates, the Content-Security-Policy of every page, and errors as pages.

Pages are rendered by Jinja2 through Starlette's ``Jinja2Templates`` (autoescaping on for ``.html``).
Every page sets its own ``PAGE_POLICY`` (the API's ``SecurityHeaders`` keeps a policy a response set):
scripts, styles and images from this server only, no inline script or style anywhere (htmx is
configured by a ``<meta>`` tag), forms posted to this server only, never framed.

``PageRoute`` is the route class of every web router (FastAPI's documented custom ``APIRoute``): a
service's ``NotFound`` becomes the 404 page, ``PermissionDenied`` the 403 page, an ``InputError`` no
form caught the 422 page naming the field, ``Conflict`` the 409 page, and a request that is not signed
in (``NotSignedIn``) goes to the sign-in page; the API's JSON error handlers never see them.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi.routing import APIRoute
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.templating import Jinja2Templates

from acupath.errors import Conflict, InputError, NotFound, PermissionDenied
from acupath.services.records.people import DEFAULT_LOCALE
from acupath.web import csrf, locales, wording
from acupath.web.state import WebState

HERE = Path(__file__).parent
PAGE_POLICY = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
               "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")

templates = Jinja2Templates(directory=HERE / "templates")


locales.install(templates.env)  # the filters day, when and number: in the clinic's locale
wording.install(templates.env)  # the filter words: a code as the pages say it


def web_state(request: Request) -> WebState:
    """Return the web's state (set by ``web.install_web``)."""
    return request.app.state.acupath_web  # type: ignore[no-any-return]


class NotSignedIn(Exception):
    """The request has no login that still counts: the page answers with the sign-in page."""


class FormRefused(Exception):
    """A form posted without the CSRF token of this browser: the page answers 403."""


def render(request: Request, template: str, context: dict[str, Any] | None = None, status_code: int = 200) -> Response:
    """Return ``template`` rendered as a page (CSP header, CSRF token and cookie, the signed-in user).

    The context always holds ``csrf_token`` (for every form), ``visitor`` (the signed-in ``Visitor``
    or None), ``locale`` (the visitor's clinic's, for the filters of ``web.locales``) and ``request``.
    """
    state = web_state(request)
    values = {"csrf_token": csrf.token_for(state.csrf_key, csrf.nonce_of(request)),
              "visitor": getattr(request.state, "visitor", None),
              "locale": getattr(request.state, "locale", DEFAULT_LOCALE), **(context or {})}
    response = templates.TemplateResponse(request, template, values, status_code=status_code)
    response.headers["content-security-policy"] = PAGE_POLICY
    csrf.remember_nonce(request, response, state.secure_cookies)
    return response


def error_page(request: Request, status_code: int, title: str, message: str) -> Response:
    """Return the error page: ``title`` as its heading, ``message`` saying what to do."""
    return render(request, "error.html", {"title": title, "message": message}, status_code)


def sign_in_redirect(request: Request) -> Response:
    """Return a redirect to the sign-in page that comes back to this page after signing in (GET only).

    An htmx request gets an ``HX-Redirect`` header instead, so that the whole page goes to sign-in.
    """
    target = "/sign-in"
    if request.method == "GET" and request.url.path != "/":
        back = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        target += "?next=" + quote(back, safe="")
    if request.headers.get("hx-request") == "true":
        # htmx would follow a 303 inside its request and swap a piece of the sign-in page in; this
        # header makes it load the sign-in page itself (htmx's documented HX-Redirect).
        return Response(status_code=200, headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)


class PageRoute(APIRoute):
    """A page's route: service errors become pages (404, 403), a missing login the sign-in page."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        """Return FastAPI's handler wrapped so that the errors above answer as pages."""
        handler = super().get_route_handler()

        async def page_handler(request: Request) -> Response:
            try:
                return await handler(request)
            except NotSignedIn:
                # The cookie no longer counts (user deactivated, signed out elsewhere, idle): forget it, or
                # the sign-in page, which reads only the token's signature, would send the visitor back here.
                redirect = sign_in_redirect(request)
                state = web_state(request)
                if state.cookie_name in request.cookies:
                    redirect.delete_cookie(state.cookie_name, path="/", httponly=True, secure=state.secure_cookies,
                                           samesite="lax")
                return redirect
            except FormRefused:
                return error_page(request, 403, "This form was not accepted",
                                  "The form was sent without its security token, or from another site. "
                                  "Go back, reload the page and send the form again.")
            except NotFound:
                return error_page(request, 404, "Page not found",
                                  "There is no such page or record in your clinic. Check the address, or "
                                  "find the patient from the patient list.")
            except PermissionDenied:
                return error_page(request, 403, "Not available to your role",
                                  "Your role does not show this page. Ask a clinician or your clinic's "
                                  "administrator.")
            except InputError as exc:  # a page's own form maps these to its fields; this is the safety net
                return error_page(request, 422, "This request could not be read",
                                  f"{exc.field}: {exc.problem}. Go back and try again.")
            except Conflict:
                return error_page(request, 409, "Someone changed this record meanwhile",
                                  "Nothing was saved. Reload the page to see the record as it is now, then "
                                  "make your change again.")

        return page_handler
