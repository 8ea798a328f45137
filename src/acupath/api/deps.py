"""What a route declares to be served: ``SignedInDep`` for a signed-in user, else ``PublicUowDep``.

A request acts for a signed-in user through one dependency, ``SignedInDep``: the bearer scheme itself
(``SignedInBearer``, so OpenAPI shows the lock) checks the login token (``Authorization: Bearer`` or
the session cookie; signature and expiry) and gives a ``SignedIn``: the ``Actor`` (the user's clinic,
role and the client's address, which the services write into every audit entry), a unit of work armed
with the token, and the knowledge base. One dependency rather than a graph of small ones, because
FastAPI's cost per dependency was a fifth of a request's CPU time on the hottest routes.

Whether the token was revoked at logout (by any worker) is asked by the request's own unit of work
before anything it reads reaches the service (``AbstractUnitOfWork.token_id``; the SQL unit of work
asks in the same round trip as its first reads); a route that opens no unit of work takes
``ClaimsDep``, which asks in a unit of work of its own. ``tests/e2e/api/test_api_auth.py``
sends a revoked token to every authenticated route.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, TypeVar

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPBearer

from acupath.api.tokens import InvalidToken, TokenClaims, TokenSigner
from acupath.knowledge import KnowledgeBase
from acupath.services import logouts
from acupath.services.actor import Actor
from acupath.services.unit_of_work import AbstractUnitOfWork
from acupath.storage.cooperative import run_cooperatively

SESSION_COOKIE = "acupath_session"
T = TypeVar("T")

#: Requests whose services run at once on PostgreSQL (each suspended while the server answers, see
#: ``in_service``). Each holds a pooled connection meanwhile: below the pool's size (``storage.engine``),
#: so that none waits for a connection in the event loop.
SERVICES_AT_ONCE = 16


@dataclass
class ApiState:
    """What the app holds for its whole life: how to open a unit of work, the knowledge base, tokens."""

    uow_factory: Callable[[], AbstractUnitOfWork]
    kb: KnowledgeBase
    signer: TokenSigner
    secure_cookies: bool
    #: Run the hot routes' services straight in the event loop (SQLite: in process, commits do not
    #: wait for the disk) rather than as cooperative greenlets (PostgreSQL: every round trip waits for
    #: the server, and the loop serves other requests meanwhile). See ``in_service``.
    services_in_loop: bool = False
    services_at_once: asyncio.Semaphore | None = None


async def in_service(state: ApiState, work: Callable[[], T]) -> T:
    """Return ``work()``, run in the event loop, straight or cooperatively as ``state.services_in_loop`` says.

    For ``async def`` routes whose service is short. Straight, requests are served one after another
    in arrival order. Cooperatively (``storage.cooperative``), the work is suspended whenever it waits
    for the database server, and the loop serves other requests meanwhile; at most ``SERVICES_AT_ONCE``
    at once. A thread pool did the same at a hand-off of the GIL per round trip, which was a third of
    the server's CPU per request on PostgreSQL.
    """
    if state.services_in_loop:
        return work()
    if state.services_at_once is None:  # made on first use: it belongs to the running event loop
        # asyncio's semaphore, which passes at once while free; anyio's limiter yields to the loop on
        # every acquire, a loop cycle per request (``run_cooperatively`` is asyncio's too).
        state.services_at_once = asyncio.Semaphore(SERVICES_AT_ONCE)
    async with state.services_at_once:
        return await run_cooperatively(work)


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

    ``uow`` is fresh for this request and armed with the token: it refuses a token revoked at logout
    (``NotAuthenticated``, 401) before the work reads or writes anything.
    """

    actor: Actor
    claims: TokenClaims
    uow: AbstractUnitOfWork
    kb: KnowledgeBase
    state: ApiState


class SignedInBearer(HTTPBearer):
    """The bearer scheme of the API, which also turns a genuine token into a ``SignedIn`` request."""

    async def __call__(self, request: Request) -> SignedIn:  # type: ignore[override]
        """Return the signed-in request of a genuine, unexpired token (revocation is asked as ``uow`` opens).

        Raises ``HTTPException`` 401 when there is no token (header or cookie), or it is forged or expired.
        """
        credentials = await super().__call__(request)
        token = credentials.credentials if credentials is not None else request.cookies.get(SESSION_COOKIE)
        if not token:
            raise _unauthorised("log in first: no bearer token or session cookie")
        state: ApiState = request.app.state.acupath
        try:
            claims = state.signer.verify(token, datetime.now(UTC))
        except InvalidToken as exc:
            raise _unauthorised(str(exc)) from None
        uow = state.uow_factory()
        uow.token_id = claims.token_id
        actor = Actor(user_id=claims.user_id, clinic_id=claims.clinic_id, role=claims.role,  # type: ignore[arg-type]
                      remote_address=remote_address(request))
        return SignedIn(actor=actor, claims=claims, uow=uow, kb=state.kb, state=state)


# auto_error=False: a missing header may still be a cookie login, and a refusal must be 401, not 403.
signed_in = SignedInBearer(auto_error=False, scheme_name="bearer",
                           description="The access token from POST /auth/login.")
SignedInDep = Annotated[SignedIn, Depends(signed_in)]


def current_claims(signed: SignedInDep) -> TokenClaims:
    """Return the claims of a valid token not revoked at logout, asked in a unit of work of its own.

    For routes that open no unit of work. Raises ``HTTPException`` 401 as ``signed_in``, or revoked.
    """
    if logouts.is_token_revoked(signed.state.uow_factory(), signed.claims.token_id):
        raise _unauthorised("the token was revoked at logout; log in again")
    return signed.claims


ClaimsDep = Annotated[TokenClaims, Depends(current_claims)]


async def get_public_uow(state: StateDep) -> AbstractUnitOfWork:
    """Return a fresh unit of work for a route that needs no login (log in, health)."""
    return state.uow_factory()


PublicUowDep = Annotated[AbstractUnitOfWork, Depends(get_public_uow)]
KbDep = Annotated[KnowledgeBase, Depends(get_kb)]
