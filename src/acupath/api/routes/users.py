"""Accounts of the clinic (administrators only): create, list, change role or access."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Path
from pydantic import BaseModel, ConfigDict, Field

from acupath.api.deps import SignedInDep
from acupath.api.paging import PageDep, page_body
from acupath.api.routes.auth import LoginsDep
from acupath.services import users
from acupath.services.password_policy import MAX_LENGTH, MIN_LENGTH
from acupath.validation import OneLine

router = APIRouter(prefix="/users", tags=["accounts"])

Role = Literal["admin", "clinician", "reception"]


class NewUser(BaseModel):
    """A new account of the administrator's clinic."""

    model_config = ConfigDict(extra="forbid")

    email: OneLine = Field(min_length=3, max_length=254)
    name: OneLine = Field(min_length=1, max_length=200)
    role: Role
    password: str = Field(min_length=MIN_LENGTH, max_length=MAX_LENGTH,
                          description="at least 12 characters, not the email, not a common password")


class UserChange(BaseModel):
    """What to change of an account: its role, whether it may sign in, its licence, its qualifications.

    ``licence`` and ``qualifications`` are checked by ``services.users`` (422 naming the part, e.g.
    ``licence.expires``); each replaces what is stored, ``null``, ``{}`` or ``[]`` clears it.
    """

    model_config = ConfigDict(extra="forbid")

    role: Role | None = None
    active: bool | None = None
    licence: dict[str, Any] | None = Field(default=None, description="number, authority, expires (ISO date); "
                                           "each optional", examples=[{"number": "AC-12345", "authority":
                                           "California Acupuncture Board", "expires": "2027-06-30"}])
    qualifications: list[dict[str, Any]] | None = Field(default=None, description="each: text, issuer, year",
                                                        examples=[[{"text": "L.Ac.", "issuer": "NCCAOM",
                                                                    "year": 2012}]])


@router.post("", status_code=201, summary="Create an account (administrators)")
def create_user(signed: SignedInDep, body: NewUser, accounts: LoginsDep) -> dict[str, Any]:
    """Return the account without its password hash; 403 unless an admin, 409 if the email is taken."""
    user = users.create_user(signed.uow, signed.actor, email=body.email, name=body.name, role=body.role,
                             password=body.password, hasher=accounts.hasher)
    return users.public_user(user)


@router.get("", summary="The clinic's accounts, one page at a time (administrators)")
def list_users(signed: SignedInDep, page: PageDep) -> dict[str, Any]:
    """Return one page of the clinic's accounts by email, without password hashes; 403 unless an admin."""
    found = users.list_users(signed.uow, signed.actor, offset=page.offset, limit=page.limit)
    return page_body(found, users.public_user)


@router.patch("/{user_id}", summary="Change an account's role, access, licence or qualifications (administrators)")
def update_user(signed: SignedInDep, body: UserChange,
                user_id: str = Path(min_length=1, max_length=64)) -> dict[str, Any]:
    """Return the changed account; it counts from the account's next request.

    403 unless an admin, 404 for no such account in the clinic, 422 naming ``role``, a licence or
    qualification part (``licence.number``, ``qualifications[0].year``...) or ``body`` (nothing to
    change), 409 when the clinic would be left with no active administrator (an admin demoting or
    deactivating themselves while no other admin is active).
    """
    given = body.model_fields_set
    licence = {} if "licence" in given and body.licence is None else body.licence
    qualifications = [] if "qualifications" in given and body.qualifications is None else body.qualifications
    user = users.update_user(signed.uow, signed.actor, user_id, role=body.role, active=body.active,
                             licence=licence, qualifications=qualifications)
    return users.public_user(user)
