"""Records over HTTP: stale versions get 409 and lose nothing, 422 names the fields, lists paginate,
every access is audited with the client's address, /health checks the database, no traceback leaks."""

from __future__ import annotations

from typing import Any

import pytest
from api_world import SECRET, World, example_intake, session_body
from fastapi.testclient import TestClient

from acupath.api.app import create_app
from acupath.settings import Settings


def _new_patient(world: World, persona: str, family_name: str) -> dict[str, Any]:
    response = world.call(persona, "POST", "/patients", {
        "given_name": "Pat", "family_name": family_name, "birth_date": "1980-05-06", "sex": "other"})
    assert response.status_code == 201, response.text
    return response.json()


def test_a_stale_patient_update_gets_409_and_the_newer_change_is_kept(world: World) -> None:
    patient = _new_patient(world, "dr_lee", "Stale")
    path = f"/patients/{patient['id']}"
    # dr_lee and dr_patel both read version 1; dr_lee saves first.
    first = world.call("dr_lee", "PATCH", path, {"version": 1, "phone": "111"})
    assert first.status_code == 200 and first.json()["version"] == 2
    second = world.call("dr_patel", "PATCH", path, {"version": 1, "phone": "222"})
    assert second.status_code == 409
    assert "version" in second.json()["detail"]
    stored = world.call("dr_patel", "GET", path).json()
    assert stored["phone"] == "111" and stored["version"] == 2


def test_a_stale_plan_amendment_gets_409_and_the_plan_keeps_its_amendment(world: World) -> None:
    plan_path = f"/plans/{world.ids['plan']}"
    version = world.version_of(plan_path)
    first = world.call("dr_lee", "PATCH", plan_path, {"version": version, "note": "first"})
    assert first.status_code == 200 and first.json()["version"] == version + 1
    second = world.call("dr_patel", "PATCH", plan_path, {"version": version, "status": "discontinued"})
    assert second.status_code == 409
    stored = world.call("dr_patel", "GET", plan_path).json()
    assert stored["version"] == version + 1 and stored["status"] == "active"
    revisions = world.call("dr_lee", "GET", f"{plan_path}/revisions").json()
    assert [r["version"] for r in revisions["items"]][-1] == version + 1


@pytest.mark.parametrize(("method", "path", "body", "fields"), [
    ("POST", "/patients", {"given_name": "", "birth_date": "not a date", "sex": "x"},
     {"given_name", "family_name", "birth_date", "sex"}),
    ("GET", "/patients?limit=0&offset=-1", None, {"limit", "offset"}),
    ("PATCH", "/patients/{patient}", {"phone": "1"}, {"version"}),
    ("POST", "/patients/{patient}/reassessments", {"answers": {}}, {"assessed_on", "answers"}),
    ("POST", "/plans/{plan}/sessions", {"session_date": "2026-12-01", "style": "tcm", "rationale": "r",
                                        "points": [], "stimulation": {"kind": "electro"}},
     {"points", "stimulation"}),
])
def test_invalid_requests_get_422_naming_every_bad_field(world: World, method: str, path: str, body: Any,
                                                         fields: set[str]) -> None:
    response = world.call("dr_lee", method, path.format(**world.ids), body)
    assert response.status_code == 422, response.text
    named = {e["field"].split(".")[0] for e in response.json()["errors"]}
    assert fields <= named


def test_a_bad_answer_inside_an_intake_gets_422_naming_its_path(world: World) -> None:
    intake = example_intake()
    intake["pain"]["nrs"] = 11
    response = world.call("dr_lee", "POST", f"/patients/{world.ids['patient']}/intakes", intake)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "pain.nrs"


def test_patients_are_listed_in_pages_with_a_total(world: World) -> None:
    created = {_new_patient(world, "dr_outsider", f"Page{i}")["id"] for i in range(5)}
    seen: list[str] = []
    query = "/patients?search=Page&limit=2&total=true"
    while query:
        page = world.call("dr_outsider", "GET", query).json()
        assert page["total"] == {"value": 5, "relation": "eq"} and page["limit"] == 2
        seen += [p["id"] for p in page["items"]]
        query = page["next_cursor"] and f"/patients?search=Page&limit=2&total=true&cursor={page['next_cursor']}"
    assert len(seen) == 5 and set(seen) == created


def test_a_clinic_lists_only_its_own_patients(world: World) -> None:
    harbour = world.call("dr_lee", "GET", "/patients?limit=200").json()["items"]
    hill = world.call("dr_outsider", "GET", "/patients?limit=200").json()["items"]
    assert world.ids["patient"] in {p["id"] for p in harbour}
    assert not {p["id"] for p in harbour} & {p["id"] for p in hill}


def test_reception_sees_the_schedule_but_no_clinical_notes(world: World) -> None:
    schedule = world.call("rita_reception", "GET", f"/patients/{world.ids['patient']}/schedule")
    assert schedule.status_code == 200
    text = schedule.text
    assert world.ids["plan"] in text and "rationale" not in text and "points" not in text


def test_every_read_and_refusal_is_audited_with_the_clients_address(world: World) -> None:
    patient_id = world.ids["patient"]
    world.call("dr_patel", "GET", f"/patients/{patient_id}")
    world.call("dr_outsider", "GET", f"/patients/{patient_id}")
    world.call("rita_reception", "GET", f"/intakes/{world.ids['intake']}")
    with world.uow_factory() as uow:
        harbour = uow.audit.list(world.clinic_ids["harbour_clinic"], limit=10_000)
        hill = uow.audit.list(world.clinic_ids["hill_clinic"], limit=10_000)
    read = [e for e in harbour if e.action == "patient.read" and e.user_id == world.user_ids["dr_patel"]]
    assert read and read[-1].outcome == "ok" and read[-1].remote_address == "testclient"
    refused = [e for e in harbour if e.action == "intake.read" and e.user_id == world.user_ids["rita_reception"]]
    assert refused and refused[-1].outcome == "denied"
    outsider = [e for e in hill if e.user_id == world.user_ids["dr_outsider"] and e.action == "patient.read"]
    assert outsider and outsider[-1].outcome == "not_found" and outsider[-1].record_id == patient_id


def test_health_reports_the_database_without_a_login(world: World) -> None:
    world.client.cookies.clear()
    response = world.client.get("/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok" and response.json()["database"] == "ok"


class _BrokenStore:
    def __enter__(self) -> _BrokenStore:
        raise RuntimeError("connection refused at db.internal:5432 user=acupath")

    def __exit__(self, *args: object) -> None:
        return None


def test_a_broken_database_gives_503_on_health_and_500_without_a_traceback_elsewhere(world: World) -> None:
    app = create_app(Settings(env="test", secret_key=SECRET), uow_factory=_BrokenStore,
                     kb=world.client.app.state.acupath.kb)
    with TestClient(app, base_url="https://testserver", raise_server_exceptions=False) as client:
        health = client.get("/health")
        assert health.status_code == 503 and health.json()["database"] == "unavailable"
        assert "db.internal" not in health.text
        response = client.get("/patients", headers=world.headers("dr_lee"))
    assert response.status_code == 500
    assert "Traceback" not in response.text and "db.internal" not in response.text


def test_an_amended_session_keeps_the_original_and_a_stale_amendment_gets_409(world: World) -> None:
    plan = world.call("dr_lee", "GET", f"/plans/{world.ids['plan']}").json()
    recorded = world.call("dr_lee", "POST", f"/plans/{plan['id']}/sessions", session_body(plan))
    assert recorded.status_code == 201, recorded.text
    session = recorded.json()
    path = f"/sessions/{session['id']}"
    assert session["version"] == 1 and session["retention_minutes"] == 20
    # dr_lee corrects the retention time; dr_patel, who read version 1 too, is refused afterwards.
    amended = world.call("dr_lee", "POST", f"{path}/amendments", {
        "version": 1, "changes": {"retention_min": 30, "pain_after": 3},
        "reason": "retention was 30 minutes; 20 was the planned time"})
    assert amended.status_code == 201, amended.text
    assert amended.json()["version"] == 2 and amended.json()["retention_minutes"] == 30
    stale = world.call("dr_patel", "POST", f"{path}/amendments", {
        "version": 1, "changes": {"notes": "late"}, "reason": "a correction made on a stale copy"})
    assert stale.status_code == 409 and "version" in stale.json()["detail"]
    history = world.call("dr_patel", "GET", f"{path}/history").json()
    assert history["current"]["version"] == 2 and history["current"]["pain_after"] == 3
    (only,) = history["amendments"]
    assert only["version"] == 1 and only["previous"]["retention_minutes"] == 20
    assert only["previous"]["pain_after"] == 4 and only["amended_by"] == world.user_ids["dr_lee"]
    assert world.call("dr_outsider", "GET", f"{path}/history").status_code == 404
    assert world.call("rita_reception", "GET", path).status_code == 403


@pytest.mark.parametrize(("changes", "field"), [
    ({"session_date": "2099-01-01"}, "session_date"),
    ({"session_date": "2020-01-01"}, "session_date"),
    ({"retention_minutes": 0}, "retention_minutes"),
    ({"recorded_by": "someone"}, "changes.recorded_by"),
])
def test_an_amendment_that_says_what_did_not_happen_gets_422(world: World, changes: dict[str, Any],
                                                             field: str) -> None:
    path = f"/sessions/{world.ids['session']}"
    response = world.call("dr_lee", "POST", f"{path}/amendments", {
        "version": world.version_of(path), "changes": changes, "reason": "testing impossible corrections"})
    assert response.status_code == 422, response.text
    assert field in response.text


def test_a_session_dated_after_today_or_before_the_plan_is_refused_with_422(world: World) -> None:
    plan = world.call("dr_lee", "GET", f"/plans/{world.ids['plan']}").json()
    for day in ("2099-03-01", "2026-11-30"):
        response = world.call("dr_lee", "POST", f"/plans/{plan['id']}/sessions",
                              {**session_body(plan), "session_date": day})
        assert response.status_code == 422 and "session_date" in response.text, response.text
    event = world.call("dr_lee", "POST", f"/patients/{world.ids['patient']}/adverse-events", {
        "occurred_on": "2099-01-01", "type": "bruising", "severity": "mild", "outcome": "resolved"})
    assert event.status_code == 422 and "occurred_on" in event.text
