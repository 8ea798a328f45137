"""Signing in and out: the sign-in form, the session cookie, ``/`` sending each visitor where they belong."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from acupath.errors import PasswordChangeRequired, TooManyAttempts
from acupath.services import logins, logouts
from acupath.web import csrf
from acupath.web.forms import Problem, sign_in_problems
from acupath.web.pages import PageRoute, render, web_state
from acupath.web.visitor import CsrfFormDep, VisitorDep, remote_address, signed_in_claims, unit_of_work

router = APIRouter(route_class=PageRoute, include_in_schema=False)

HOME = "/clinic/today"


def safe_next(target: str | None) -> str:
    """Return ``target`` when it is a page of this site (a path under ``/clinic/``), else today's list.

    Only local paths are followed, so the sign-in page cannot send anyone to another site.
    """
    if target and len(target) <= 500 and target.startswith("/clinic/") and "//" not in target and "\\" not in target:
        return target
    return HOME


@router.get("/")
def home(request: Request) -> Response:
    """Send a signed-in visitor to today's list and anyone else to the sign-in page."""
    return RedirectResponse(HOME if signed_in_claims(request) else "/sign-in", status_code=303)


@router.get("/sign-in")
def sign_in_page(request: Request, next: Annotated[str | None, Query()] = None) -> Response:
    """Return the sign-in form (a visitor signed in already goes where they were going)."""
    if signed_in_claims(request):
        return RedirectResponse(safe_next(next), status_code=303)
    return render(request, "sign_in.html", {"next": safe_next(next), "email": "", "problems": []})


@router.post("/sign-in")
async def sign_in(request: Request, form: CsrfFormDep) -> Response:
    """Sign in: set the session cookie and go to the page asked for; the form again with the problem.

    Answers 400 with the form for a wrong email or password (one message for both, so accounts
    cannot be discovered), 429 while the account or address is locked out.
    """
    state = web_state(request)
    email, password = form.get("email", "").strip(), form.get("password", "")
    target = safe_next(form.get("next"))
    problems = sign_in_problems(email, password)
    status = 400
    if not problems:
        try:
            actor = await run_in_threadpool(logins.authenticate, unit_of_work(request), email[:254], password[:1024],
                                            state.hasher, remote_address(request), state.login_limits)
        except TooManyAttempts as exc:
            actor, status = None, 429
            problems.append(Problem("email", f"Too many failed sign-ins: try again in {exc.retry_after // 60 + 1} "
                                             "minutes, or ask your clinic's administrator"))
        except PasswordChangeRequired:
            actor = None
            problems.append(Problem("password", "Your password was reset: set a new one before signing in "
                                                "(ask your clinic's administrator how)"))
        if actor is None and not problems:
            problems.append(Problem("email", "The email or password is wrong: check both and try again"))
        if actor is not None:
            token, _ = state.tokens.issue(actor.user_id, actor.clinic_id, actor.role.value, state.clock())
            response = RedirectResponse(target, status_code=303)
            response.set_cookie(state.cookie_name, token, max_age=int(state.tokens.lifetime.total_seconds()),
                                httponly=True, secure=state.secure_cookies, samesite="lax", path="/")
            csrf.renew_nonce(request)
            csrf.remember_nonce(request, response, state.secure_cookies)
            return response
    return render(request, "sign_in.html", {"next": target, "email": email, "problems": problems}, status)


@router.post("/sign-out")
async def sign_out(request: Request, form: CsrfFormDep, visitor: VisitorDep) -> Response:
    """Sign out: the token stops working at once everywhere, the cookie is cleared; to the sign-in page."""
    state = web_state(request)
    await run_in_threadpool(logouts.revoke_token, unit_of_work(request), visitor.actor, visitor.claims.token_id,
                            visitor.claims.expires_at)
    response = RedirectResponse("/sign-in?signed_out=1", status_code=303)
    response.delete_cookie(state.cookie_name, path="/", httponly=True, secure=state.secure_cookies, samesite="lax")
    csrf.renew_nonce(request)
    csrf.remember_nonce(request, response, state.secure_cookies)
    return response
