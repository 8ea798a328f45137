"""Logging in and out: tokens, the session cookie, revocation, forged and expired tokens."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from api_world import PASSWORD, PERSONAS, SECRET, World, session_body
from fastapi.routing import APIRoute

from acupath.api.app import ROUTERS
from acupath.api.cds_auth import cds_caller
from acupath.api.deps import signed_in
from acupath.api.tokens import InvalidToken, TokenSigner


def _login(world: World, persona: str, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    world.client.cookies.clear()
    return world.client.post("/auth/login", json={"email": PERSONAS[persona].email, "password": password})


def test_login_returns_a_bearer_token_that_names_the_user_and_role(world: World) -> None:
    response = _login(world, "dr_patel")
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer" and body["role"] == "clinician"
    me = world.client.get("/auth/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.json() == {"user_id": world.user_ids["dr_patel"], "clinic_id": world.clinic_ids["harbour_clinic"],
                         "role": "clinician"}


def test_login_sets_a_secure_httponly_samesite_cookie_that_authenticates_alone(world: World) -> None:
    response = _login(world, "rita_reception")
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "secure" in cookie and "samesite=strict" in cookie
    me = world.client.get("/auth/me")  # no Authorization header: the cookie alone
    assert me.status_code == 200 and me.json()["role"] == "reception"


def test_a_wrong_password_and_an_unknown_email_get_the_same_401(world: World) -> None:
    wrong = _login(world, "dr_lee", "not the password")
    unknown = world.client.post("/auth/login", json={"email": "nobody@harbour_clinic.example", "password": PASSWORD})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json() == {"detail": "wrong email or password"}


def test_logout_revokes_the_token_at_once(world: World) -> None:
    token = _login(world, "dr_lee").json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert world.client.get("/patients", headers=headers).status_code == 200
    out = world.client.post("/auth/logout", headers=headers)
    assert out.status_code == 204
    assert 'acupath_session=""' in out.headers["set-cookie"] or "max-age=0" in out.headers["set-cookie"].lower()
    again = world.client.get("/patients", headers=headers)
    assert again.status_code == 401 and "revoked" in again.json()["detail"]


def test_logout_of_the_cookie_session_ends_it(world: World) -> None:
    _login(world, "ada_admin")
    assert world.client.post("/auth/logout").status_code == 204
    assert world.client.get("/auth/me").status_code == 401


def test_a_forged_token_gets_401(world: World) -> None:
    token = world.tokens["rita_reception"]
    payload, _, signature = token.partition(".")
    # Someone edits the role inside the payload: the signature no longer matches.
    forged = TokenSigner("another-secret-key-of-sufficient-length-000", timedelta(hours=1)).issue(
        world.user_ids["rita_reception"], world.clinic_ids["harbour_clinic"], "admin", datetime.now(UTC))[0]
    for bad in (forged, f"{forged.partition('.')[0]}.{signature}", "not-a-token", f"{payload}."):
        response = world.client.get("/auth/me", headers={"Authorization": f"Bearer {bad}"})
        assert response.status_code == 401, bad


def test_an_expired_token_gets_401(world: World) -> None:
    signer = TokenSigner(SECRET, timedelta(minutes=5))
    token, _ = signer.issue(world.user_ids["dr_lee"], world.clinic_ids["harbour_clinic"], "clinician",
                            datetime.now(UTC) - timedelta(minutes=6))
    response = world.client.get("/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401 and "expired" in response.json()["detail"]


def test_login_with_a_malformed_body_gets_422_naming_the_fields(world: World) -> None:
    response = world.client.post("/auth/login", json={"email": "x"})
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {"email", "password"}


def _calls(dependant) -> set[object]:  # type: ignore[no-untyped-def]
    found = set()
    for dependency in dependant.dependencies:
        found.add(dependency.call)
        found |= _calls(dependency)
    return found


# /auth/password is proven by the current password, throttled as a login (test_api_accounts.py).
PUBLIC_ROUTES = {"/health", "/auth/login", "/auth/password", "/fhir/R4/metadata", "/cds-services"}
#: Routes that authenticate the calling EHR by its own JWT (``api.cds_auth``), not a staff login.
EHR_ROUTES = {"/cds-services/{service_id}", "/cds-services/{service_id}/feedback"}


def test_every_route_but_login_and_health_acts_for_a_signed_in_user() -> None:
    # ``signed_in`` checks the token's signature and expiry and arms the request's unit of work with it,
    # so that opening the unit of work refuses a token revoked at logout.
    routes = [r for router in ROUTERS for r in router.routes if isinstance(r, APIRoute)]
    assert len(routes) > 20
    unsigned = [r.path for r in routes if signed_in not in _calls(r.dependant) and r.path not in PUBLIC_ROUTES | EHR_ROUTES]
    assert unsigned == []
    assert all(cds_caller in _calls(r.dependant) for r in routes if r.path in EHR_ROUTES)


def test_a_revoked_token_is_refused_by_every_route_that_reads(world: World) -> None:
    token = _login(world, "ada_admin").json()["access_token"]
    world.client.cookies.clear()
    headers = {"Authorization": f"Bearer {token}"}
    assert world.client.post("/auth/logout", headers=headers).status_code == 204
    reads = [r for router in ROUTERS for r in router.routes
             if isinstance(r, APIRoute) and "GET" in r.methods and r.path not in PUBLIC_ROUTES]
    assert len(reads) > 10
    for route in reads:
        path = route.path
        for name in ("patient_id", "plan_id", "intake_id"):
            path = path.replace("{" + name + "}", world.ids[name.removesuffix("_id")])
        refused = world.client.get(path, headers=headers)
        body = refused.json()  # the FHIR API answers with an OperationOutcome
        message = body["detail"] if "detail" in body else body["issue"][0]["diagnostics"]
        assert refused.status_code == 401 and "revoked" in message, path


def test_a_revoked_token_is_refused_by_the_hot_routes_too(world: World) -> None:
    token = _login(world, "dr_lee").json()["access_token"]
    world.client.cookies.clear()
    headers = {"Authorization": f"Bearer {token}"}
    plan_path = f"/plans/{world.ids['plan']}"
    assert world.client.get(f"{plan_path}/progress", headers=headers).status_code == 200
    body = session_body(world.client.get(plan_path, headers=headers).json(), 900)
    assert world.client.post("/auth/logout", headers=headers).status_code == 204
    for method, path in (("GET", f"{plan_path}/progress"), ("POST", f"{plan_path}/sessions"), ("GET", "/auth/me")):
        # (a body that fails validation gets its 422 first: it names schema fields, never patient data)
        refused = world.client.request(method, path, headers=headers, json=body if method == "POST" else None)
        assert refused.status_code == 401 and "revoked" in refused.json()["detail"], (method, path)
        assert refused.headers["WWW-Authenticate"] == "Bearer"


def test_a_token_accepted_once_is_refused_after_it_expires_and_a_forgery_never_passes() -> None:
    signer = TokenSigner(SECRET, timedelta(minutes=5))
    issued = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
    token, claims = signer.issue("u1", "c1", "clinician", issued)
    assert signer.verify(token, issued + timedelta(minutes=1)) == claims  # now kept as genuine
    with pytest.raises(InvalidToken, match="expired"):
        signer.verify(token, issued + timedelta(minutes=5))
    payload, _, signature = token.partition(".")
    for _ in range(2):  # a refusal is never kept as an acceptance
        with pytest.raises(InvalidToken, match="not genuine"):
            signer.verify(f"{payload}.{signature[:-2]}AA", issued)
