"""The dependencies every route declares, as ``Annotated`` aliases (``UowDep``, ``ActorDep``, ``KbDep``).

They are ``async def`` where they wait on nothing: FastAPI would otherwise send each one to the thread
pool and back, once per request. The token check is a plain ``def``: it asks the database whether the
token was revoked at logout (by any worker), which must not block the event loop.

What a request may do is decided here once: the login token (``Authorization: Bearer`` or the
session cookie) is checked and turned into an ``Actor`` carrying the user's clinic, role and the
client's address, which the services write into every audit entry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from acupath.api.tokens import InvalidToken, TokenClaims, TokenSigner
from acupath.knowledge import KnowledgeBase
from acupath.services import logouts
from acupath.services.actor import Actor
from acupath.services.unit_of_work import AbstractUnitOfWork

SESSION_COOKIE = "acupath_session"


@dataclass
class ApiState:
    """What the app holds for its whole life: how to open a unit of work, the knowledge base, tokens."""

    uow_factory: Callable[[], AbstractUnitOfWork]
    kb: KnowledgeBase
    signer: TokenSigner
    secure_cookies: bool


async def get_state(request: Request) -> ApiState:
    """Return the app's ``ApiState`` (set by ``create_app``)."""
    return request.app.state.acupath  # type: ignore[no-any-return]


StateDep = Annotated[ApiState, Depends(get_state)]


async def get_uow(state: StateDep) -> AbstractUnitOfWork:
    """Return a fresh unit of work for this request (the service opens and commits it)."""
    return state.uow_factory()


async def get_kb(state: StateDep) -> KnowledgeBase:
    """Return the knowledge base loaded at start-up."""
    return state.kb


# auto_error=False: a missing header may still be a cookie login, and a refusal must be 401, not 403.
_bearer = HTTPBearer(auto_error=False, description="The access token from POST /auth/login.")


def _unauthorised(reason: str) -> HTTPException:
    return HTTPException(status_code=401, detail=reason, headers={"WWW-Authenticate": "Bearer"})


def current_claims(
    request: Request,
    state: StateDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> TokenClaims:
    """Return the claims of the request's valid login token.

    Raises ``HTTPException`` 401 when there is no token, or it is forged, expired or revoked.
    """
    token = credentials.credentials if credentials is not None else request.cookies.get(SESSION_COOKIE)
    if not token:
        raise _unauthorised("log in first: no bearer token or session cookie")
    now = datetime.now(UTC)
    try:
        claims = state.signer.verify(token, now)
    except InvalidToken as exc:
        raise _unauthorised(str(exc)) from None
    if logouts.is_token_revoked(state.uow_factory(), claims.token_id):
        raise _unauthorised("the token was revoked at logout; log in again")
    return claims


ClaimsDep = Annotated[TokenClaims, Depends(current_claims)]


def remote_address(request: Request) -> str:
    """Return the client's address as the server saw it (``unknown`` when the server cannot tell)."""
    return request.client.host if request.client else "unknown"


async def current_actor(request: Request, claims: ClaimsDep) -> Actor:
    """Return the signed-in user as the ``Actor`` services act for."""
    return Actor(user_id=claims.user_id, clinic_id=claims.clinic_id, role=claims.role,  # type: ignore[arg-type]
                 remote_address=remote_address(request))


UowDep = Annotated[AbstractUnitOfWork, Depends(get_uow)]
KbDep = Annotated[KnowledgeBase, Depends(get_kb)]
ActorDep = Annotated[Actor, Depends(current_actor)]
