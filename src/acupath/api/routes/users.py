"""Accounts of the clinic (administrators only)."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from acupath.api.deps import SignedInDep
from acupath.api.paging import PageDep, page_body
from acupath.api.routes.auth import HASHER
from acupath.services import users

router = APIRouter(prefix="/users", tags=["accounts"])


class NewUser(BaseModel):
    """A new account of the administrator's clinic."""

    model_config = ConfigDict(extra="forbid")

    email: str = Field(min_length=3, max_length=254)
    name: str = Field(min_length=1, max_length=200)
    role: Literal["admin", "clinician", "reception"]
    password: str = Field(min_length=users.MIN_PASSWORD, max_length=1024)


@router.post("", status_code=201, summary="Create an account (administrators)")
def create_user(signed: SignedInDep, body: NewUser) -> dict[str, Any]:
    """Return the account without its password hash; 403 unless an admin, 409 if the email is taken."""
    user = users.create_user(signed.uow, signed.actor, email=body.email, name=body.name, role=body.role,
                             password=body.password, hasher=HASHER)
    return users.public_user(user)


@router.get("", summary="The clinic's accounts, one page at a time (administrators)")
def list_users(signed: SignedInDep, page: PageDep) -> dict[str, Any]:
    """Return one page of the clinic's accounts by email, without password hashes; 403 unless an admin."""
    found = users.list_users(signed.uow, signed.actor, offset=page.offset, limit=page.limit)
    return page_body(found, users.public_user)
