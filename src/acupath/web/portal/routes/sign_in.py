"""Signing in to the portal: with email and password, from an invitation link (set a password, or
sign in once without one), with an emailed sign-in link; and signing out.

A link's token travels in the query string (``/portal/link?token=...``), which the server's access log
leaves out (``cli.access_log``), and in the forms' hidden field; the page that shows it answers with
``Referrer-Policy: no-referrer`` and ``Cache-Control: no-store`` like every page. Opening a link uses
nothing (mail scanners open links): only the form's POST does. With SMTP configured,
``/portal/email-link`` emails a one-time sign-in link to the account of an email, answering the same
whether or not there is one.
"""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from acupath.errors import InputError, NotFound, TooManyAttempts
from acupath.services.portal import signing_in
from acupath.services.portal.mail import sign_in_message
from acupath.services.portal.signing_in import LinkRefused, SignedIn
from acupath.web import csrf
from acupath.web.forms import Problem, problem_of, refused_characters, sign_in_problems
from acupath.web.pages import web_state
from acupath.web.portal.pages import PortalRoute, forget_cookie, portal_error, render_portal
from acupath.web.portal.visitor import PORTAL_COOKIE, PORTAL_PATH, PortalVisitorDep
from acupath.web.visitor import CsrfFormDep, remote_address, unit_of_work

log = logging.getLogger(__name__)

router = APIRouter(prefix="/portal", route_class=PortalRoute, include_in_schema=False)

HOME = "/portal"


def signed_in_response(request: Request, signed_in: SignedIn) -> Response:
    """Return the redirect to the portal's home that sets the portal cookie of ``signed_in``."""
    state = web_state(request)
    response = RedirectResponse(HOME, status_code=303)
    max_age = int(state.portal_times.session.total_seconds())
    response.set_cookie(PORTAL_COOKIE, signed_in.token, max_age=max_age, httponly=True, secure=state.secure_cookies,
                        samesite="lax", path=PORTAL_PATH)
    csrf.renew_nonce(request)  # a form token seen before signing in does not outlive it
    csrf.remember_nonce(request, response, state.secure_cookies)
    return response


def link_refused(request: Request) -> Response:
    """Return the page of a link that does not work (404), saying what to do."""
    return portal_error(request, 404, "This link does not work",
                        "It has been used already, replaced by a newer one, or it has expired. Ask your clinic "
                        "for a new invitation link.")


def _too_many(exc: TooManyAttempts) -> str:
    return f"Too many attempts: try again in {exc.retry_after // 60 + 1} minutes"


@router.get("/sign-in")
def sign_in_page(request: Request) -> Response:
    """Return the portal's sign-in form."""
    return render_portal(request, "portal/sign_in.html", {"email": "", "problems": [],
                                                           "can_email": web_state(request).link_sender is not None})


@router.post("/sign-in")
async def sign_in(request: Request, form: CsrfFormDep) -> Response:
    """Sign in with email and password; the form again with the problem (400, 429 when locked out)."""
    state = web_state(request)
    email, password = form.get("email", "").strip(), form.get("password", "")
    problems = sign_in_problems(email, password)
    status = 400
    if not problems:
        try:
            signed_in = await run_in_threadpool(signing_in.sign_in, unit_of_work(request), email, password,
                                                state.hasher, remote_address(request), state.login_limits,
                                                state.portal_times)
        except TooManyAttempts as exc:
            signed_in, status = None, 429
            problems.append(Problem("email", _too_many(exc)))
        if signed_in is not None:
            return signed_in_response(request, signed_in)
        if not problems:
            problems.append(Problem("email", "The email or password is wrong: check both and try again"))
    return render_portal(request, "portal/sign_in.html",
                         {"email": email, "problems": problems, "can_email": state.link_sender is not None}, status)


@router.get("/link")
async def link_page(request: Request, token: Annotated[str, Query(max_length=200)] = "") -> Response:
    """Return what an invitation or sign-in link offers (nothing is used until its form is sent)."""
    state = web_state(request)
    try:
        details = await run_in_threadpool(signing_in.open_link, unit_of_work(request), token, remote_address(request),
                                          state.login_limits)
    except LinkRefused:
        return link_refused(request)
    return render_portal(request, "portal/link.html", {"token": token, "details": details, "email": details.email or "",
                                                       "problems": []})


@router.post("/link/password")
async def set_password(request: Request, form: CsrfFormDep) -> Response:
    """Set the sign-in email and password from an invitation and sign in; the form again with problems."""
    state = web_state(request)
    token, email, password = form.get("token", ""), form.get("email", "").strip(), form.get("password", "")
    problems = refused_characters({"email": email, "password": password}, {"email": "Email", "password": "Password"})
    status = 422
    if not problems:
        try:
            signed_in = await run_in_threadpool(
                signing_in.set_password_with_link, unit_of_work(request), token, email, password, state.hasher,
                remote_address(request), state.login_limits, state.portal_times)
            return signed_in_response(request, signed_in)
        except LinkRefused:
            return link_refused(request)
        except TooManyAttempts as exc:
            problems, status = [Problem("password", _too_many(exc))], 429
        except InputError as exc:
            problems = [problem_of(exc, {"email": "Email", "password": "Password"}.get(exc.field))]
    try:
        details = await run_in_threadpool(signing_in.open_link, unit_of_work(request), token, remote_address(request),
                                          state.login_limits)
    except (LinkRefused, TooManyAttempts):
        return link_refused(request)
    return render_portal(request, "portal/link.html", {"token": token, "details": details, "email": email,
                                                       "problems": problems}, status)


@router.post("/link/sign-in")
async def sign_in_with_link(request: Request, form: CsrfFormDep) -> Response:
    """Sign in once with the link, using it up."""
    state = web_state(request)
    try:
        signed_in = await run_in_threadpool(signing_in.sign_in_with_link, unit_of_work(request), form.get("token", ""),
                                            remote_address(request), state.login_limits, state.portal_times)
    except LinkRefused:
        return link_refused(request)
    return signed_in_response(request, signed_in)


@router.post("/sign-out")
async def sign_out(request: Request, form: CsrfFormDep, visitor: PortalVisitorDep) -> Response:
    """Sign out: the sign-in stops counting at once, the cookie is cleared; to the sign-in page."""
    state = web_state(request)
    await run_in_threadpool(signing_in.sign_out, unit_of_work(request), visitor.patient, visitor.token)
    response = RedirectResponse("/portal/sign-in?signed_out=1", status_code=303)
    forget_cookie(request, response)
    csrf.renew_nonce(request)
    csrf.remember_nonce(request, response, state.secure_cookies)
    return response


@router.get("/email-link")
def email_link_page(request: Request) -> Response:
    """Return the form that emails a one-time sign-in link (404 page when no SMTP server is configured)."""
    if web_state(request).link_sender is None:
        raise NotFound("no email is configured")
    return render_portal(request, "portal/email_link.html", {"email": "", "problems": [], "sent": False})


@router.post("/email-link")
async def email_link(request: Request, form: CsrfFormDep) -> Response:
    """Email a one-time sign-in link to the account of the email given, if there is one.

    The answer is the same whether or not an account uses the email (accounts cannot be discovered);
    429 while the email or the address asked too often.
    """
    state = web_state(request)
    if state.link_sender is None:
        raise NotFound("no email is configured")
    email = form.get("email", "").strip()
    problems = refused_characters({"email": email}, {"email": "Email"})
    status = 422
    if not problems:
        try:
            made = await run_in_threadpool(signing_in.sign_in_link_for, unit_of_work(request), email,
                                           remote_address(request), state.login_limits, state.portal_times)
        except TooManyAttempts as exc:
            problems, status, made = [Problem("email", _too_many(exc))], 429, None
        except InputError as exc:
            problems, made = [problem_of(exc, "Email")], None
        if not problems:
            if made is not None:
                token, address = made
                url = f"{state.portal_url or str(request.base_url).rstrip('/')}/portal/link?token={token}"
                minutes = int(state.portal_times.sign_in_link.total_seconds() // 60)
                try:
                    await run_in_threadpool(state.link_sender.send, sign_in_message(address, url, minutes))
                except OSError as exc:  # no address in the log line
                    log.warning("a portal sign-in link could not be emailed (%s)", type(exc).__name__)
            return render_portal(request, "portal/email_link.html", {"email": email, "problems": [], "sent": True})
    return render_portal(request, "portal/email_link.html", {"email": email, "problems": problems, "sent": False},
                        status)
