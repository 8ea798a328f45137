"""Paginated lists (sessions, revisions, users, audit, adverse events, reassessments), logout shared
by every app instance on one database, and electrode pairs with their sides."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from api_world import PASSWORD, PERSONAS, SECRET, World, session_body
from fastapi.testclient import TestClient

from acupath.api.app import create_app
from acupath.settings import Settings


def _another_instance(database_url: str) -> TestClient:
    # A second app with its own engine: another worker process, or the same server after a restart.
    return TestClient(create_app(Settings(env="test", database_url=database_url, secret_key=SECRET)),
                      base_url="https://testserver")


def test_a_token_revoked_by_one_instance_is_refused_by_another(world: World, database_url: str) -> None:
    login = world.client.post("/auth/login", json={"email": PERSONAS["dr_patel"].email, "password": PASSWORD})
    world.client.cookies.clear()
    headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
    with _another_instance(database_url) as other:
        assert other.get("/auth/me", headers=headers).status_code == 200
        assert world.client.post("/auth/logout", headers=headers).status_code == 204
        refused = other.get("/auth/me", headers=headers)
    assert refused.status_code == 401 and "revoked" in refused.json()["detail"]
    with _another_instance(database_url) as restarted:
        assert restarted.get("/patients", headers=headers).status_code == 401
        assert restarted.get("/auth/me", headers=world.headers("dr_lee")).status_code == 200


def test_a_plans_sessions_and_revisions_come_one_page_at_a_time(world: World) -> None:
    plan_path = f"/plans/{world.ids['plan']}"
    plan = world.call("dr_lee", "GET", plan_path).json()
    for number in (2, 3):
        assert world.call("dr_lee", "POST", f"{plan_path}/sessions", session_body(plan, number)).status_code == 201
    page = world.call("dr_lee", "GET", f"{plan_path}/sessions?offset=1&limit=1").json()
    assert (page["total"], page["offset"], page["limit"]) == (3, 1, 1)
    assert [s["number"] for s in page["items"]] == [2]
    world.call("dr_lee", "PATCH", plan_path, {"version": plan["version"], "note": "paging"})
    revisions = world.call("dr_lee", "GET", f"{plan_path}/revisions?limit=1").json()
    assert revisions["total"] == 2 and [r["version"] for r in revisions["items"]] == [1]


@pytest.mark.parametrize("query", ["limit=0", "limit=201", "offset=-1"])
def test_a_page_out_of_range_is_a_422_naming_the_parameter(world: World, query: str) -> None:
    response = world.call("dr_lee", "GET", f"/plans/{world.ids['plan']}/sessions?{query}")
    assert response.status_code == 422 and query.split("=")[0] in response.text


def test_the_administrator_lists_the_clinics_accounts_without_password_hashes(world: World) -> None:
    page = world.call("ada_admin", "GET", "/users?limit=2").json()
    assert page["total"] == 4 and len(page["items"]) == 2
    everyone = world.call("ada_admin", "GET", "/users").json()["items"]
    assert {u["email"] for u in everyone} == {p.email for p in PERSONAS.values() if p.clinic == "harbour_clinic"}
    assert all("password_hash" not in u and "password" not in u for u in everyone)


def test_the_audit_log_answers_who_looked_at_a_record_and_only_for_the_clinic(world: World) -> None:
    patient = world.ids["patient"]
    assert world.call("dr_patel", "GET", f"/patients/{patient}").status_code == 200
    assert world.call("dr_outsider", "GET", f"/patients/{patient}").status_code == 404
    page = world.call("ada_admin", "GET", f"/audit?patient_id={patient}&action=patient.read").json()
    readers = {e["user_id"] for e in page["items"] if e["outcome"] == "ok"}
    assert world.user_ids["dr_patel"] in readers and world.user_ids["dr_outsider"] not in readers
    # The outsider's probe is in harbour's log too, refused, naming the clinic it came from.
    probes = [e for e in page["items"] if e["user_id"] == world.user_ids["dr_outsider"]]
    assert probes and {(e["outcome"], e["actor_clinic_id"]) for e in probes} == {
        ("denied", world.clinic_ids["hill_clinic"])}
    assert all(e["clinic_id"] == world.clinic_ids["harbour_clinic"] for e in page["items"])
    mine = world.call("ada_admin", "GET", f"/audit?user_id={world.user_ids['dr_patel']}&limit=1&total=true").json()
    assert mine["total"]["value"] >= 1 and len(mine["items"]) == 1
    assert mine["items"][0]["user_id"] == world.user_ids["dr_patel"]
    future = (datetime.now(UTC) + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%S")
    assert world.call("ada_admin", "GET", f"/audit?since={future}&total=true").json()["total"]["value"] == 0
    assert world.call("ada_admin", "GET", f"/audit?until={future}").json()["items"]
    bad = world.call("ada_admin", "GET", f"/audit?since={future}&until={future}")
    assert bad.status_code == 422 and "until" in bad.text


def test_a_patients_adverse_events_and_reassessments_are_listed(world: World) -> None:
    patient = world.ids["patient"]
    event = {"occurred_on": "2026-12-02", "type": "bruising", "severity": "mild", "outcome": "resolved",
             "session_id": world.ids["session"]}
    assert world.call("dr_lee", "POST", f"/patients/{patient}/adverse-events", event).status_code == 201
    events = world.call("dr_patel", "GET", f"/patients/{patient}/adverse-events").json()
    # The world's own event (seeded) and this one, both after the session.
    assert events["total"] == 2 and {e["session_id"] for e in events["items"]} == {world.ids["session"]}
    answers = {"assessed_on": "2026-12-04", "answers": {"peg": {"q1": 4, "q2": 3, "q3": 3}}}
    assert world.call("dr_lee", "POST", f"/patients/{patient}/reassessments", answers).status_code == 201
    reassessments = world.call("dr_lee", "GET", f"/patients/{patient}/reassessments").json()
    assert reassessments["total"] == 2 and all("peg" in r["scores"] for r in reassessments["items"])


def test_a_patients_intakes_and_plans_are_listed_for_clinicians_only(world: World) -> None:
    patient = world.ids["patient"]
    intakes = world.call("dr_patel", "GET", f"/patients/{patient}/intakes?limit=1").json()
    assert intakes["total"] >= 1 and intakes["items"][0]["id"] == world.ids["intake"] and intakes["limit"] == 1
    plans = world.call("ada_admin", "GET", f"/patients/{patient}/plans").json()
    assert world.ids["plan"] in [p["id"] for p in plans["items"]]
    assert all(p["patient_id"] == patient for p in plans["items"])
    assert world.call("rita_reception", "GET", f"/patients/{patient}/plans").status_code == 403
    assert world.call("dr_outsider", "GET", f"/patients/{patient}/intakes").status_code == 404
    assert world.call("dr_lee", "GET", f"/patients/{patient}/plans?limit=0").status_code == 422


def _electro_session(world: World, pairs: list) -> dict:
    plan = world.call("dr_lee", "GET", f"/plans/{world.ids['plan']}").json()
    body = session_body(plan)
    body["points"] = [{"code": "BL23", "side": "left"}, {"code": "BL25", "side": "left"},
                      {"code": "BL40", "side": "bilateral"}, {"code": "BL57", "side": "right"}]
    body["stimulation"] = {"kind": "electro", "frequency_hz": 2, "intensity_ma": 2.5, "minutes": 20,
                           "waveform": "dense_disperse", "electrode_pairs": pairs}
    return body


def test_an_electrode_pair_keeps_the_side_of_each_electrode(world: World) -> None:
    pairs = [[{"code": "BL23", "side": "left"}, {"code": "BL25", "side": "left"}], ["BL40", "BL40:right", "left"]]
    response = world.call("dr_lee", "POST", f"/plans/{world.ids['plan']}/sessions", _electro_session(world, pairs))
    assert response.status_code == 422  # a plan's triple names two points, not "BL40:right"
    pairs[1] = ["BL40:left", "BL40:right"]  # left leg to right leg: never (a standing rule)
    response = world.call("dr_lee", "POST", f"/plans/{world.ids['plan']}/sessions", _electro_session(world, pairs))
    assert response.status_code == 422 and "electrode_pairs[1]" in response.text, response.text
    pairs[1] = ["BL40:right", "BL57:right"]
    response = world.call("dr_lee", "POST", f"/plans/{world.ids['plan']}/sessions", _electro_session(world, pairs))
    assert response.status_code == 201, response.text
    assert response.json()["stimulation"]["electrode_pairs"] == [
        [{"code": "BL23", "side": "left"}, {"code": "BL25", "side": "left"}],
        [{"code": "BL40", "side": "right"}, {"code": "BL57", "side": "right"}]]


@pytest.mark.parametrize(("pairs", "field"), [
    ([["BL23", "BL25"]], "electrode_pairs"),
    ([[{"code": "BL23", "side": "right"}, {"code": "BL25", "side": "left"}]], "electrode_pairs[0][0]"),
])
def test_an_electrode_without_a_side_or_a_needle_is_a_422_naming_it(world: World, pairs: list, field: str) -> None:
    response = world.call("dr_lee", "POST", f"/plans/{world.ids['plan']}/sessions", _electro_session(world, pairs))
    assert response.status_code == 422 and field in response.text, response.text
