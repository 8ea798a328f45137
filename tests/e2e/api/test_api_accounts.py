"""Managing accounts through the API, as the personas: role changes, deactivation, passwords, lockout.

Each test makes its own accounts (as ``ada_admin``), so the tests of this module never depend on one
another's order. Every login here comes from the test client's one address, which the throttle
counts too: the module stays under its 30 failures.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from api_world import World

PASSWORD = "correct horse battery staple"


def _new_account(world: World, role: str = "clinician") -> dict[str, Any]:
    email = f"staff-{uuid.uuid4().hex[:8]}@harbour_clinic.example"
    made = world.call("ada_admin", "POST", "/users", {"email": email, "name": "New staff", "role": role,
                                                      "password": PASSWORD})
    assert made.status_code == 201, made.text
    return made.json()


def _login(world: World, email: str, password: str = PASSWORD) -> Any:
    world.client.cookies.clear()
    return world.client.post("/auth/login", json={"email": email, "password": password})


def _audit(world: World, action: str) -> list[dict[str, Any]]:
    found = world.call("ada_admin", "GET", f"/audit?action={action}&limit=200")
    assert found.status_code == 200, found.text
    return found.json()["items"]


def test_an_admin_changes_a_role_and_the_change_is_stored_and_audited(world: World) -> None:
    account = _new_account(world)
    changed = world.call("ada_admin", "PATCH", f"/users/{account['id']}", {"role": "reception"})
    assert changed.status_code == 200, changed.text
    assert (changed.json()["role"], changed.json()["active"]) == ("reception", True)
    token = _login(world, account["email"]).json()
    assert token["role"] == "reception"
    entries = [e for e in _audit(world, "user.update") if e["record_id"] == account["id"]]
    assert [(e["outcome"], e["detail"]) for e in entries] == [("ok", "role clinician -> reception")]


def test_a_deactivated_account_cannot_log_in(world: World) -> None:
    account = _new_account(world)
    assert _login(world, account["email"]).status_code == 200
    off = world.call("ada_admin", "PATCH", f"/users/{account['id']}", {"active": False})
    assert off.status_code == 200 and off.json()["active"] is False
    refused = _login(world, account["email"])
    assert refused.status_code == 401 and refused.json() == {"detail": "wrong email or password"}
    listed = world.call("ada_admin", "GET", "/users?limit=200").json()["items"]
    assert next(u for u in listed if u["id"] == account["id"])["active"] is False


def test_the_only_admin_cannot_demote_or_deactivate_herself(world: World) -> None:
    ada = world.user_ids["ada_admin"]
    for change in ({"role": "clinician"}, {"active": False}):
        refused = world.call("ada_admin", "PATCH", f"/users/{ada}", change)
        assert refused.status_code == 409, refused.text
        assert "no active administrator" in refused.json()["detail"]
    assert world.call("ada_admin", "GET", "/audit?limit=1").status_code == 200  # still an admin


@pytest.mark.parametrize(("persona", "target", "body", "status"), [
    ("dr_lee", "dr_patel", {"role": "admin"}, 403),
    ("rita_reception", "dr_patel", {"active": False}, 403),
    ("dr_outsider", "dr_patel", {"active": False}, 403),
    ("ada_admin", "dr_outsider", {"active": False}, 404),
    (None, "dr_patel", {"active": False}, 401),
])
def test_only_an_admin_of_the_clinic_changes_an_account(world: World, persona, target, body, status) -> None:
    response = world.call(persona, "PATCH", f"/users/{world.user_ids[target]}", body)
    assert response.status_code == status, response.text
    listed = world.call("ada_admin", "GET", "/users?limit=200").json()["items"]
    patel = next(u for u in listed if u["id"] == world.user_ids["dr_patel"])
    assert (patel["role"], patel["active"]) == ("clinician", True)


@pytest.mark.parametrize(("body", "field"), [
    ({"role": "owner"}, "role"),
    ({"active": "maybe"}, "active"),
    ({"colour": "blue"}, "colour"),
    ({}, "body"),
])
def test_a_bad_change_is_422_naming_the_field(world: World, body, field) -> None:
    response = world.call("ada_admin", "PATCH", f"/users/{world.user_ids['dr_patel']}", body)
    assert response.status_code == 422, response.text
    assert [e["field"] for e in response.json()["errors"]] == [field]


def test_a_user_changes_their_password_with_the_current_one(world: World) -> None:
    account = _new_account(world)
    change = {"email": account["email"], "current_password": PASSWORD, "new_password": "my own harbour phrase"}
    wrong = world.client.post("/auth/password", json={**change, "current_password": "not my password"})
    assert wrong.status_code == 401
    weak = world.client.post("/auth/password", json={**change, "new_password": "password12345"})
    assert weak.status_code == 422 and weak.json()["errors"][0]["field"] == "new_password"
    assert world.client.post("/auth/password", json=change).status_code == 204
    assert _login(world, account["email"]).status_code == 401
    assert _login(world, account["email"], "my own harbour phrase").status_code == 200
    outcomes = [e["outcome"] for e in _audit(world, "user.password_change") if e["record_id"] == account["id"]]
    assert sorted(outcomes) == ["failed", "ok"]


def test_a_new_account_needs_a_policy_password(world: World) -> None:
    refused = world.call("ada_admin", "POST", "/users", {"email": "weak@harbour_clinic.example", "name": "Weak",
                                                        "role": "clinician", "password": "iloveyou12345"})
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "password"


def test_five_wrong_passwords_lock_the_account_with_retry_after(world: World) -> None:
    account = _new_account(world)
    for _ in range(5):
        assert _login(world, account["email"], "not my password").status_code == 401
    locked = _login(world, account["email"])  # even the right password waits
    assert locked.status_code == 429, locked.text
    assert 0 < int(locked.headers["Retry-After"]) <= 15 * 60
    assert "too many failed logins" in locked.json()["detail"]
    refusals = [e for e in _audit(world, "user.login") if e["record_id"] == account["id"] and e["outcome"] == "denied"]
    assert len(refusals) == 1 and refusals[0]["detail"].startswith("too many failed logins")


def test_a_deactivated_users_token_is_refused_at_once_and_a_new_role_counts_on_the_next_request(
        world: World) -> None:
    account = _new_account(world)
    token = _login(world, account["email"]).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    world.client.cookies.clear()
    assert world.client.get("/patients", headers=headers).status_code == 200
    assert world.call("ada_admin", "PATCH", f"/users/{account['id']}", {"role": "admin"}).status_code == 200
    assert world.client.get("/users", headers=headers).status_code == 200  # admin from this request on
    assert world.call("ada_admin", "PATCH", f"/users/{account['id']}", {"active": False}).status_code == 200
    assert world.client.get("/patients", headers=headers).status_code == 401


@pytest.mark.parametrize(("path", "body", "field"), [
    ("/auth/login", {"email": "lee@harbour\n.example", "password": PASSWORD}, "email"),
    ("/auth/password", {"email": "lee@harbour.example", "current_password": PASSWORD, "new_password": "short"},
     "new_password"),
    ("/auth/password", {"email": "lee@harbour.example\t", "current_password": PASSWORD,
                        "new_password": "a new phrase of mine"}, "email"),
])
def test_bad_login_and_password_bodies_are_422_naming_the_field(world: World, path, body, field) -> None:
    world.client.cookies.clear()
    response = world.client.post(path, json=body)
    assert response.status_code == 422, response.text
    assert [e["field"] for e in response.json()["errors"]] == [field]
