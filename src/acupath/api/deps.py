"""What a route declares to be served: ``SignedInDep`` for a signed-in user, else ``PublicUowDep``.

A request acts for a signed-in user through ``SignedInDep``: the bearer scheme (``bearer``, so OpenAPI
shows the lock) reads the login token (``Authorization: Bearer`` or the session cookie) and checks its
signature and expiry; then ``signed_in`` asks the database, in one query, whether the token still
counts (not revoked at logout by any worker, its user active, not idle too long) and which clinic and
role the user has now (``services.sign_ins``). It gives a ``SignedIn``: the ``Actor`` (clinic, role and
the client's address, which the services write into every audit entry), a fresh unit of work, and the
knowledge base. ``tests/e2e/api/test_api_auth.py`` sends a revoked token to every authenticated route,
``tests/e2e/api/test_api_accounts_now.py`` a deactivated user's, a demoted user's and an idle one.
Every 401 either step gives is an audit entry (``api.refusals``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Annotated, NoReturn

from fastapi import Depends, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPBearer

from acupath.api.refusals import audit_refused_token
from acupath.api.tokens import InvalidToken, TokenClaims, TokenSigner
from acupath.errors import NotAuthenticated
from acupath.knowledge import KnowledgeBase
from acupath.services import sign_ins
from acupath.services.actor import Actor
from acupath.services.sign_ins import SignedToken
from acupath.services.unit_of_work import AbstractUnitOfWork, utc_now

SESSION_COOKIE = "acupath_session"


@dataclass
class ApiState:
    """What the app holds for its whole life: how to open a unit of work, the knowledge base, tokens."""

    uow_factory: Callable[[], AbstractUnitOfWork]
    kb: KnowledgeBase
    signer: TokenSigner
    secure_cookies: bool
    #: How long a token may go unused before it is refused (``services.sign_ins``).
    idle_timeout: timedelta = sign_ins.IDLE_TIMEOUT
    #: Where the API reads the time to check tokens; tests move it.
    clock: Callable[[], datetime] = field(default=utc_now)


async def get_state(request: Request) -> ApiState:
    """Return the app's ``ApiState`` (set by ``create_app``)."""
    return request.app.state.acupath  # type: ignore[no-any-return]


StateDep = Annotated[ApiState, Depends(get_state)]


async def get_kb(state: StateDep) -> KnowledgeBase:
    """Return the knowledge base loaded at start-up."""
    return state.kb


def _unauthorised(reason: str) -> HTTPException:
    return HTTPException(status_code=401, detail=reason, headers={"WWW-Authenticate": "Bearer"})


def remote_address(request: Request) -> str:
    """Return the client's address as the server saw it (``unknown`` when the server cannot tell)."""
    return request.client.host if request.client else "unknown"


@dataclass(frozen=True)
class SignedIn:
    """A request of a signed-in user: who acts (``actor``, ``claims``), the unit of work, the knowledge.

    ``actor`` and ``claims`` carry the user's clinic and role as stored when the request arrived (not
    as the token says); ``uow`` is fresh for this request.
    """

    actor: Actor
    claims: TokenClaims
    uow: AbstractUnitOfWork
    kb: KnowledgeBase
    state: ApiState


class SignedInBearer(HTTPBearer):
    """The bearer scheme of the API (OpenAPI shows the lock), which reads and verifies the token."""

    async def __call__(self, request: Request) -> TokenClaims:  # type: ignore[override]
        """Return the claims of a genuine, unexpired token from the header or the session cookie.

        Raises ``HTTPException`` 401 when there is no token (header or cookie), or it is forged or expired.
        """
        credentials = await super().__call__(request)
        token = credentials.credentials if credentials is not None else request.cookies.get(SESSION_COOKIE)
        if not token:
            await _audited_refusal(request, "log in first: no bearer token or session cookie")
        state: ApiState = request.app.state.acupath
        try:
            return state.signer.verify(token, state.clock())
        except InvalidToken as exc:
            await _audited_refusal(request, str(exc), exc.claims)


async def _audited_refusal(request: Request, reason: str, claims: TokenClaims | None = None) -> NoReturn:
    # The audit entry is written in the thread pool: no database work in the event loop.
    await run_in_threadpool(audit_refused_token, request, remote_address(request), reason, claims)
    raise _unauthorised(reason)


# auto_error=False: a missing header may still be a cookie login, and a refusal must be 401, not 403.
bearer = SignedInBearer(auto_error=False, scheme_name="bearer", description="The access token from POST /auth/login.")


def signed_in(request: Request, claims: Annotated[TokenClaims, Depends(bearer)]) -> SignedIn:
    """Return the signed-in request of a token that still counts, with its user's clinic and role now.

    A plain ``def``: FastAPI runs it in its thread pool, as the database is asked (one query,
    ``services.sign_ins.check_sign_in``). Raises ``HTTPException`` 401 as ``bearer``, and when the user
    is deactivated or gone, the token was revoked at logout or was idle too long.
    """
    state: ApiState = request.app.state.acupath
    token = SignedToken(token_id=claims.token_id, user_id=claims.user_id, issued_at=claims.issued_at,
                        expires_at=claims.expires_at)
    try:
        actor = sign_ins.check_sign_in(state.uow_factory(), token, remote_address(request), state.clock(),
                                       state.idle_timeout)
    except NotAuthenticated as exc:
        audit_refused_token(request, remote_address(request), str(exc), claims)
        raise _unauthorised(str(exc)) from None
    now = replace(claims, clinic_id=actor.clinic_id, role=actor.role.value)
    return SignedIn(actor=actor, claims=now, uow=state.uow_factory(), kb=state.kb, state=state)


SignedInDep = Annotated[SignedIn, Depends(signed_in)]


def current_claims(signed: SignedInDep) -> TokenClaims:
    """Return the claims of a token that still counts, with the user's clinic and role as stored now.

    For routes that open no unit of work. Raises ``HTTPException`` 401 as ``signed_in``.
    """
    return signed.claims


ClaimsDep = Annotated[TokenClaims, Depends(current_claims)]


async def get_public_uow(state: StateDep) -> AbstractUnitOfWork:
    """Return a fresh unit of work for a route that needs no login (log in, health)."""
    return state.uow_factory()


PublicUowDep = Annotated[AbstractUnitOfWork, Depends(get_public_uow)]
KbDep = Annotated[KnowledgeBase, Depends(get_kb)]
