"""Every request uses the account as stored now: deactivation, a role change and idleness count at once.

Each test makes a new account in harbour_clinic (so the shared personas stay as they are), logs it in,
then changes the account in the database the way an administrator's change would, and sends the
same token again.
"""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from api_world import PASSWORD, World

from acupath.api.deps import ApiState
from acupath.security.passwords import Argon2idHasher
from acupath.services import users
from acupath.services.actor import Actor
from acupath.services.sign_ins import SEEN_EVERY
from acupath.services.unit_of_work import utc_now


def _new_account(world: World, role: str) -> tuple[str, str]:
    """Return the id and email of a new account of ``role`` in harbour_clinic (password ``PASSWORD``)."""
    email = f"{role}-{uuid.uuid4().hex[:8]}@harbour.example"
    user = users.create_user(world.uow_factory(), Actor.system(world.clinic_ids["harbour_clinic"]), email=email,
                             name=f"New {role}", role=role, password=PASSWORD, hasher=Argon2idHasher())
    return user.id, email


def _bearer(world: World, email: str, password: str = PASSWORD) -> dict[str, str]:
    """Return the bearer header of a new login of ``email`` (another device each time)."""
    world.client.cookies.clear()
    response = world.client.post("/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    world.client.cookies.clear()
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def _account(world: World, role: str) -> tuple[str, dict[str, str]]:
    """Return the id of a new account of ``role`` in harbour_clinic and its bearer header."""
    user_id, email = _new_account(world, role)
    return user_id, _bearer(world, email)


def _change(world: World, user_id: str, **changes: object) -> None:
    """Store ``changes`` to the user (as ``PATCH /users/{id}`` or ``acupath users ...`` would)."""
    with world.uow_factory() as uow:
        user = uow.users.get(user_id)
        assert user is not None
        uow.users.update(replace(user, **changes))
        uow.commit()


@pytest.fixture
def clock(world: World) -> Iterator[list[datetime]]:
    """The API's clock, set to the list's one value (now at first); restored after the test."""
    state: ApiState = world.client.app.state.acupath  # type: ignore[attr-defined]
    now = [utc_now()]
    state.clock = lambda: now[0]
    try:
        yield now
    finally:
        state.clock = utc_now


def test_a_deactivated_users_token_is_refused_on_the_next_request(world: World) -> None:
    user_id, headers = _account(world, "clinician")
    assert world.client.get("/auth/me", headers=headers).status_code == 200
    assert world.client.get(f"/plans/{world.ids['plan']}/progress", headers=headers).status_code == 200
    _change(world, user_id, active=False)
    for path in ("/auth/me", f"/plans/{world.ids['plan']}/progress", f"/patients/{world.ids['patient']}"):
        refused = world.client.get(path, headers=headers)
        assert refused.status_code == 401, path
        assert "deactivated" in refused.json()["detail"]
    _change(world, user_id, active=True)  # reactivated: the same token counts again
    assert world.client.get("/auth/me", headers=headers).status_code == 200


def test_a_role_change_applies_to_the_next_request(world: World) -> None:
    user_id, headers = _account(world, "clinician")
    progress = f"/plans/{world.ids['plan']}/progress"
    assert world.client.get(progress, headers=headers).status_code == 200
    _change(world, user_id, role="reception")
    assert world.client.get(progress, headers=headers).status_code == 403  # reception reads no clinical notes
    assert world.client.get("/auth/me", headers=headers).json()["role"] == "reception"
    assert world.client.get("/users", headers=headers).status_code == 403
    _change(world, user_id, role="admin")
    assert world.client.get("/users", headers=headers).status_code == 200
    assert world.client.get("/auth/me", headers=headers).json()["role"] == "admin"


def test_a_token_unused_for_the_idle_timeout_is_refused(world: World, clock: list[datetime]) -> None:
    _, headers = _account(world, "reception")
    idle = world.client.app.state.acupath.idle_timeout  # type: ignore[attr-defined]
    assert idle == timedelta(minutes=30)
    start = clock[0]
    # Used every few minutes, the token stays good well past one idle timeout...
    for minutes in range(0, 61, 10):
        clock[0] = start + timedelta(minutes=minutes)
        assert world.client.get("/auth/me", headers=headers).status_code == 200, minutes
    # ...but left alone for the timeout it is refused, though far from expired, and stays refused.
    clock[0] += idle
    refused = world.client.get("/auth/me", headers=headers)
    assert refused.status_code == 401 and "not used for 30 minutes" in refused.json()["detail"]
    clock[0] += timedelta(seconds=1)
    assert world.client.get(f"/patients/{world.ids['patient']}", headers=headers).status_code == 401


def test_a_token_never_used_counts_its_idle_time_from_its_login(world: World, clock: list[datetime]) -> None:
    _, headers = _account(world, "reception")
    clock[0] = datetime.now(UTC) + timedelta(minutes=31)
    assert world.client.get("/auth/me", headers=headers).status_code == 401


def test_last_use_is_written_at_most_once_a_minute(world: World, clock: list[datetime]) -> None:
    user_id, headers = _account(world, "reception")
    payload = headers["Authorization"].removeprefix("Bearer ").partition(".")[0]
    token_id = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["jti"]

    def last_seen() -> datetime | None:
        # Read through the repository the check itself asks.
        with world.uow_factory() as uow:
            found = uow.sign_ins.account_now(token_id, user_id)
            uow.commit()
        assert found is not None
        return found.last_seen_at

    assert last_seen() is None  # logged in, not used yet
    start = clock[0]
    assert world.client.get("/auth/me", headers=headers).status_code == 200
    assert last_seen() == start
    clock[0] = start + SEEN_EVERY / 2
    assert world.client.get("/auth/me", headers=headers).status_code == 200
    assert last_seen() == start  # not written again within a minute
    clock[0] = start + SEEN_EVERY
    assert world.client.get("/auth/me", headers=headers).status_code == 200
    assert last_seen() == clock[0]


def test_a_password_change_refuses_every_token_issued_before_it(world: World) -> None:
    # Dr Kim is signed in on the clinic's laptop, and someone who saw her password signed in too; she
    # changes it. Both earlier tokens stop at their next request; her login with the new one works at once.
    user_id, email = _new_account(world, "clinician")
    laptop, intruder = _bearer(world, email), _bearer(world, email)
    progress = f"/plans/{world.ids['plan']}/progress"
    assert world.client.get(progress, headers=intruder).status_code == 200
    change = {"email": email, "current_password": PASSWORD, "new_password": "kim's own harbour phrase"}
    assert world.client.post("/auth/password", json=change).status_code == 204
    for headers in (laptop, intruder):
        for path in ("/auth/me", progress):
            refused = world.client.get(path, headers=headers)
            assert refused.status_code == 401, path
            assert "password was changed" in refused.json()["detail"]
    fresh = _bearer(world, email, "kim's own harbour phrase")
    assert world.client.get(progress, headers=fresh).status_code == 200
    entries = world.call("ada_admin", "GET", "/audit?action=request.refused&limit=200").json()["items"]
    mine = [e for e in entries if e["user_id"] == user_id]
    assert len(mine) == 4 and all("password was changed" in e["detail"] for e in mine)


def test_a_reset_password_refuses_the_accounts_earlier_tokens(world: World) -> None:
    # The administrator resets a password (``acupath users reset-password``): the account's tokens stop
    # working, and the temporary password must be changed before a login gives a new one.
    user_id, email = _new_account(world, "reception")
    headers = _bearer(world, email)
    assert world.client.get("/auth/me", headers=headers).status_code == 200
    temporary = users.reset_password(world.uow_factory(), Actor.system(world.clinic_ids["harbour_clinic"]), user_id,
                                     Argon2idHasher())
    refused = world.client.get(f"/patients/{world.ids['patient']}", headers=headers)
    assert refused.status_code == 401 and "password was changed" in refused.json()["detail"]
    change = {"email": email, "current_password": temporary, "new_password": "rita's new front desk phrase"}
    assert world.client.post("/auth/password", json=change).status_code == 204
    again = _bearer(world, email, "rita's new front desk phrase")
    assert world.client.get(f"/patients/{world.ids['patient']}", headers=again).status_code == 200
    assert world.client.get("/auth/me", headers=headers).status_code == 401
