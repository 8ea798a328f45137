"""Logging in and out: a signed, expiring bearer token, also set as an HttpOnly session cookie."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, HTTPException, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from acupath.api.deps import SESSION_COOKIE, ClaimsDep, PublicUowDep, SignedInDep, StateDep, remote_address
from acupath.services import logouts, users
from acupath.services.passwords import Argon2idHasher

router = APIRouter(prefix="/auth", tags=["accounts"])

# One hasher for the process: argon2id parameters are fixed, the object holds no per-call state.
HASHER = Argon2idHasher()


class Login(BaseModel):
    """An email and password."""

    model_config = ConfigDict(extra="forbid")

    email: str = Field(min_length=3, max_length=254)
    password: str = Field(min_length=1, max_length=1024)


@router.post("/login", summary="Log in: returns a bearer token and sets a session cookie")
def login(request: Request, response: Response, state: StateDep, uow: PublicUowDep, body: Login) -> dict[str, Any]:
    """Return ``access_token``, ``token_type`` and ``expires_at``; 401 for a wrong email or password.

    The same token is set as a ``Secure; HttpOnly; SameSite=Strict`` cookie for browsers.
    """
    actor = users.authenticate(uow, body.email, body.password, HASHER, remote_address(request))
    if actor is None:
        # One message for unknown email and wrong password, so accounts cannot be discovered.
        raise HTTPException(status_code=401, detail="wrong email or password",
                            headers={"WWW-Authenticate": "Bearer"})
    token, claims = state.signer.issue(actor.user_id, actor.clinic_id, actor.role.value, datetime.now(UTC))
    response.set_cookie(SESSION_COOKIE, token, max_age=int(state.signer.lifetime.total_seconds()),
                        httponly=True, secure=state.secure_cookies, samesite="strict", path="/")
    return {"access_token": token, "token_type": "bearer", "expires_at": claims.expires_at.isoformat(),
            "user_id": actor.user_id, "role": actor.role.value}


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
