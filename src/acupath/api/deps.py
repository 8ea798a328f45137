"""The dependencies every route declares, as ``Annotated`` aliases (``UowDep``, ``ActorDep``, ``KbDep``).

They are ``async def``: none waits on anything, and FastAPI would otherwise send each one to the
thread pool and back, once per request. Only ``current_claims`` (for the few routes without a unit of
work) is a plain ``def``, because it asks the database.

What a request may do is decided here once: the login token (``Authorization: Bearer`` or the
session cookie) is checked (signature and expiry) and turned into an ``Actor`` carrying the user's
clinic, role and the client's address, which the services write into every audit entry. Whether the
token was revoked at logout (by any worker) is asked by the request's own unit of work, in its own
transaction, as it opens (``AbstractUnitOfWork.token_id``): a route that takes ``UowDep`` gets a unit of
work armed with the token; a route that does not takes ``ClaimsDep``, which asks in a unit of work of
its own. ``tests/e2e/api/test_api_auth.py`` checks that every authenticated route does one or the other.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, TypeVar

import anyio
from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from acupath.api.tokens import InvalidToken, TokenClaims, TokenSigner
from acupath.knowledge import KnowledgeBase
from acupath.services import logouts
from acupath.services.actor import Actor
from acupath.services.unit_of_work import AbstractUnitOfWork

SESSION_COOKIE = "acupath_session"
T = TypeVar("T")

#: Threads that run the hot routes' services on PostgreSQL at once. Enough to overlap the commits
#: (each waits about 2 ms for the WAL flush); more only make the threads queue for the GIL, which
#: lengthened the tail: at 16 clients 4 or 8 threads served 440-450 progress reads/s, 40 (anyio's
#: default) 320-330, 2 220.
SERVICE_THREADS = 8


@dataclass
class ApiState:
    """What the app holds for its whole life: how to open a unit of work, the knowledge base, tokens."""

    uow_factory: Callable[[], AbstractUnitOfWork]
    kb: KnowledgeBase
    signer: TokenSigner
    secure_cookies: bool
    #: Run the hot routes' services in the event loop (SQLite: in process, commits do not wait for the
    #: disk) rather than in the thread pool (PostgreSQL: a commit waits for the server's WAL flush, and
    #: concurrent requests in threads share those flushes). See ``in_service``.
    services_in_loop: bool = False
    service_threads: anyio.CapacityLimiter | None = None


async def in_service(state: ApiState, work: Callable[[], T]) -> T:
    """Return ``work()``, run in the event loop or in the thread pool as ``state.services_in_loop`` says.

    For ``async def`` routes whose service is short: in the loop, requests are served one after another
    in arrival order without a hop to a thread and back (one worker's CPU is the limit either way);
    work that waits on a database server goes to at most ``SERVICE_THREADS`` threads, so the loop serves
    others meanwhile and concurrent commits share the server's WAL flushes.
    """
    if state.services_in_loop:
        return work()
    if state.service_threads is None:  # made on first use: it belongs to the running event loop
        state.service_threads = anyio.CapacityLimiter(SERVICE_THREADS)
    return await anyio.to_thread.run_sync(work, limiter=state.service_threads)


async def get_state(request: Request) -> ApiState:
    """Return the app's ``ApiState`` (set by ``create_app``)."""
    return request.app.state.acupath  # type: ignore[no-any-return]


StateDep = Annotated[ApiState, Depends(get_state)]


async def get_kb(state: StateDep) -> KnowledgeBase:
    """Return the knowledge base loaded at start-up."""
    return state.kb


# auto_error=False: a missing header may still be a cookie login, and a refusal must be 401, not 403.
_bearer = HTTPBearer(auto_error=False, description="The access token from POST /auth/login.")


def _unauthorised(reason: str) -> HTTPException:
    return HTTPException(status_code=401, detail=reason, headers={"WWW-Authenticate": "Bearer"})


async def signed_claims(
    request: Request,
    state: StateDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> TokenClaims:
    """Return the claims of the request's genuine, unexpired login token (revocation is asked later).

    Raises ``HTTPException`` 401 when there is no token, or it is forged or expired.
    """
    token = credentials.credentials if credentials is not None else request.cookies.get(SESSION_COOKIE)
    if not token:
        raise _unauthorised("log in first: no bearer token or session cookie")
    try:
        return state.signer.verify(token, datetime.now(UTC))
    except InvalidToken as exc:
        raise _unauthorised(str(exc)) from None


SignedClaimsDep = Annotated[TokenClaims, Depends(signed_claims)]


def current_claims(state: StateDep, claims: SignedClaimsDep) -> TokenClaims:
    """Return the claims of a valid token not revoked at logout, asked in a unit of work of its own.

    For routes that take no ``UowDep``. Raises ``HTTPException`` 401 as ``signed_claims``, or revoked.
    """
    if logouts.is_token_revoked(state.uow_factory(), claims.token_id):
        raise _unauthorised("the token was revoked at logout; log in again")
    return claims


ClaimsDep = Annotated[TokenClaims, Depends(current_claims)]


async def get_uow(state: StateDep, claims: SignedClaimsDep) -> AbstractUnitOfWork:
    """Return a fresh unit of work for this request, which refuses the token if it was revoked.

    The service opens and commits it; opening it asks first whether the token was revoked at logout
    (``NotAuthenticated``, 401), in the same transaction as the work.
    """
    uow = state.uow_factory()
    uow.token_id = claims.token_id
    return uow


async def get_public_uow(state: StateDep) -> AbstractUnitOfWork:
    """Return a fresh unit of work for a route that needs no login (log in, health)."""
    return state.uow_factory()


def remote_address(request: Request) -> str:
    """Return the client's address as the server saw it (``unknown`` when the server cannot tell)."""
    return request.client.host if request.client else "unknown"


async def current_actor(request: Request, claims: SignedClaimsDep) -> Actor:
    """Return the signed-in user as the ``Actor`` services act for (with ``UowDep`` or ``ClaimsDep``)."""
    return Actor(user_id=claims.user_id, clinic_id=claims.clinic_id, role=claims.role,  # type: ignore[arg-type]
                 remote_address=remote_address(request))


UowDep = Annotated[AbstractUnitOfWork, Depends(get_uow)]
PublicUowDep = Annotated[AbstractUnitOfWork, Depends(get_public_uow)]
KbDep = Annotated[KnowledgeBase, Depends(get_kb)]
ActorDep = Annotated[Actor, Depends(current_actor)]
