"""Who is looking at a page: the signed-in user of the session cookie, checked as the API checks it.

A page depends on ``VisitorDep``: the session cookie (the API's, set at sign-in) must hold a genuine,
unexpired token, and ``services.sign_ins.check_sign_in`` must still accept it (not signed out, user
active, not idle too long; clinic and role as stored now). Otherwise the page answers with the
sign-in page (``pages.NotSignedIn``). A form's POST also depends on ``CsrfDep``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from acupath.errors import NotAuthenticated
from acupath.services import audit, sign_ins
from acupath.services.actor import Actor
from acupath.services.sign_ins import SignedToken
from acupath.services.unit_of_work import AbstractUnitOfWork
from acupath.web import csrf, locales
from acupath.web.pages import FormRefused, NotSignedIn, web_state
from acupath.web.state import Claims

log = logging.getLogger(__name__)


def remote_address(request: Request) -> str:
    """Return the client's address as the server saw it (``unknown`` when it cannot tell)."""
    return request.client.host if request.client else "unknown"


@dataclass(frozen=True)
class Visitor:
    """A signed-in user on a page: the ``Actor`` the services act for, the token's claims, a unit of work."""

    actor: Actor
    claims: Claims

    @property
    def clinical(self) -> bool:
        """True when the user may see clinical records (not reception)."""
        return self.actor.sees_clinical_notes


def signed_in_claims(request: Request) -> Claims | None:
    """Return the claims of the request's session cookie when genuine and unexpired, else None."""
    return _cookie_claims(request)[0]


def _cookie_claims(request: Request) -> tuple[Claims | None, str, Claims | None]:
    """Return (claims of a genuine unexpired cookie or None, why it was refused, a genuine token's claims)."""
    state = web_state(request)
    token = request.cookies.get(state.cookie_name)
    if not token:
        return None, "no session cookie", None
    try:
        return state.tokens.verify(token, state.clock()), "", None
    except state.invalid_token as exc:
        return None, str(exc), getattr(exc, "claims", None)


def _audit_refusal(request: Request, reason: str, claims: Claims | None) -> None:
    """Write the audit entry of a page refused for its login, as the API writes its 401s.

    Names the route by its template (no ids, no query) and, for a genuine token, its user and clinic.
    Raises nothing: the visitor is sent to sign in whatever happens here.
    """
    route = request.scope.get("route")
    try:
        audit.record_refused_token(web_state(request).uow_factory(),
                                   route=f"{request.method} {getattr(route, 'path', '?')}", reason=reason,
                                   remote_address=remote_address(request),
                                   clinic_id=getattr(claims, "clinic_id", None) if claims else None,
                                   user_id=claims.user_id if claims else None)
    except Exception as exc:
        log.warning("a refused page could not be audited (%s)", type(exc).__name__)


def visitor(request: Request) -> Visitor:
    """Return the signed-in visitor; raise ``NotSignedIn`` when the session does not count (any more).

    A plain ``def``: FastAPI runs it in its thread pool, as the database is asked (one query; and the
    clinic's locale at most once a minute, ``web.locales.clinic_locale``, kept in ``request.state.locale``).
    Every refusal is audited (``services.audit.record_refused_token``), as the API's 401s are.
    """
    state = web_state(request)
    claims, reason, genuine = _cookie_claims(request)
    if claims is None:
        _audit_refusal(request, reason, genuine)
        raise NotSignedIn
    token = SignedToken(token_id=claims.token_id, user_id=claims.user_id, issued_at=claims.issued_at,
                        expires_at=claims.expires_at)
    try:
        actor = sign_ins.check_sign_in(state.uow_factory(), token, remote_address(request), state.clock(),
                                       state.idle_timeout())
    except NotAuthenticated as exc:
        _audit_refusal(request, str(exc), claims)
        raise NotSignedIn from None
    found = Visitor(actor=actor, claims=claims)
    request.state.visitor = found
    request.state.locale = locales.clinic_locale(state, actor)  # for the pages' date and number filters
    return found


VisitorDep = Annotated[Visitor, Depends(visitor)]


def unit_of_work(request: Request) -> AbstractUnitOfWork:
    """Return a fresh unit of work for one service call (each call opens and closes its own)."""
    return web_state(request).uow_factory()


async def checked_form(request: Request) -> dict[str, str]:
    """Return the posted form's fields (the last value of each) after the CSRF check.

    Raises ``FormRefused`` (the 403 page) when the form's ``csrf_token`` (or the ``X-CSRF-Token`` header) is
    not the token of the browser's CSRF cookie (``web.csrf``).
    """
    form = await request.form()
    sent = form.get(csrf.CSRF_FIELD) or request.headers.get(csrf.CSRF_HEADER)
    if not csrf.genuine(web_state(request).csrf_key, request, sent if isinstance(sent, str) else None):
        raise FormRefused
    return {name: value for name, value in form.items() if isinstance(value, str) and name != csrf.CSRF_FIELD}


CsrfFormDep = Annotated[dict[str, str], Depends(checked_form)]
