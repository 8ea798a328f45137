"""Logging in and out, and changing one's password: a signed, expiring bearer token, also a cookie.

Logins are throttled per account and per client address (``services.login_throttle``: 429 with
``Retry-After``), and every password is hashed or verified by the process's one ``Argon2idHasher``,
which lets only ``ACUPATH_PASSWORD_HASHES`` run at once (``acupath.security.passwords``). The routes
are plain ``def``: FastAPI runs them in its thread pool, where a login waiting for its turn to hash
holds a thread but no database connection (``services.logins``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from acupath.api.deps import SESSION_COOKIE, ClaimsDep, PublicUowDep, SignedInDep, StateDep, remote_address
from acupath.security.passwords import Argon2idHasher
from acupath.services import logins, logouts
from acupath.services.login_throttle import LoginLimits
from acupath.services.password_policy import MAX_LENGTH, MIN_LENGTH
from acupath.services.passwords import PasswordHasher
from acupath.settings import Settings
from acupath.validation import OneLine

router = APIRouter(prefix="/auth", tags=["accounts"])


@dataclass(frozen=True)
class Logins:
    """What the app's account routes share: the password hasher and the login throttle's limits."""

    hasher: PasswordHasher
    limits: LoginLimits


def logins_for(settings: Settings) -> Logins:
    """Return the hasher (``settings.password_hashes`` at once) and limits the settings ask for."""
    return Logins(hasher=Argon2idHasher(settings.password_hashes),
                  limits=LoginLimits(account_failures=settings.login_account_failures,
                                     address_failures=settings.login_address_failures,
                                     window=timedelta(minutes=settings.login_lockout_minutes)))


def get_logins(request: Request) -> Logins:
    """Return the app's ``Logins`` (set by ``create_app``)."""
    return request.app.state.logins  # type: ignore[no-any-return]


LoginsDep = Annotated[Logins, Depends(get_logins)]


def _wrong_login() -> HTTPException:
    # One message for unknown email and wrong password, so accounts cannot be discovered.
    return HTTPException(status_code=401, detail="wrong email or password", headers={"WWW-Authenticate": "Bearer"})


class Login(BaseModel):
    """An email and password."""

    model_config = ConfigDict(extra="forbid")

    email: OneLine = Field(min_length=3, max_length=254)
    password: str = Field(min_length=1, max_length=MAX_LENGTH)


class PasswordChange(BaseModel):
    """An account's email, its current (or temporary) password, and the new one."""

    model_config = ConfigDict(extra="forbid")

    email: OneLine = Field(min_length=3, max_length=254)
    current_password: str = Field(min_length=1, max_length=MAX_LENGTH)
    new_password: str = Field(min_length=MIN_LENGTH, max_length=MAX_LENGTH,
                              description="at least 12 characters, not the email, not a common password")


@router.post("/login", summary="Log in: returns a bearer token and sets a session cookie")
def login(request: Request, response: Response, state: StateDep, uow: PublicUowDep, body: Login,
          accounts: LoginsDep) -> dict[str, Any]:
    """Return ``access_token``, ``token_type`` and ``expires_at``; 401 for a wrong email or password.

    429 with ``Retry-After`` (seconds) after too many failures of the account or the address; 403 for
    a temporary password that must be changed first (``POST /auth/password``). The same token is set
    as a ``Secure; HttpOnly; SameSite=Strict`` cookie for browsers.
    """
    actor = logins.authenticate(uow, body.email, body.password, accounts.hasher, remote_address(request),
                                accounts.limits)
    if actor is None:
        raise _wrong_login()
    token, claims = state.signer.issue(actor.user_id, actor.clinic_id, actor.role.value, datetime.now(UTC))
    response.set_cookie(SESSION_COOKIE, token, max_age=int(state.signer.lifetime.total_seconds()),
                        httponly=True, secure=state.secure_cookies, samesite="strict", path="/")
    return {"access_token": token, "token_type": "bearer", "expires_at": claims.expires_at.isoformat(),
            "user_id": actor.user_id, "role": actor.role.value}


@router.post("/password", status_code=204, summary="Change one's password, proven by the current one")
def change_password(request: Request, uow: PublicUowDep, body: PasswordChange, accounts: LoginsDep) -> Response:
    """Set a new password; then log in with it. Needs no token: the current password is the proof.

    This is also how a temporary password (``acupath users reset-password``) is replaced. 401 for a
    wrong email or current password (counted as a failed login), 429 as ``/auth/login``, 422 naming
    ``new_password`` when the policy refuses it (at least 12 characters, not the email or its name
    before the @, not a common password, not the current one).
    """
    changed = logins.change_password(uow, body.email, body.current_password, body.new_password, accounts.hasher,
                                     remote_address(request), accounts.limits)
    if changed is None:
        raise _wrong_login()
    return Response(status_code=204)


@router.post("/logout", status_code=204, summary="Log out: the token stops working at once")
def logout(signed: SignedInDep, response: Response) -> Response:
    """Revoke the token (bearer or cookie) for every worker and clear the cookie; 401 without a valid token.

    The unit of work refuses a token revoked already (401), as it opens.
    """
    logouts.revoke_token(signed.uow, signed.actor, signed.claims.token_id, signed.claims.expires_at)
    response.status_code = 204
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, secure=signed.state.secure_cookies,
                           samesite="strict")
    return response


@router.get("/me", summary="Who is logged in")
def me(claims: ClaimsDep) -> dict[str, Any]:
    """Return the user id, clinic id and role of the token's user; 401 for a token revoked at logout."""
    return {"user_id": claims.user_id, "clinic_id": claims.clinic_id, "role": claims.role}
