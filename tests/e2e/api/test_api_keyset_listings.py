"""Patients, the audit log and the schedule come by cursor: ``next_cursor`` in, every item once, a total
only when asked; names are searched by substring and word start, MRNs exactly, within the clinic; a bad
cursor is 422 naming ``cursor``; the search never reaches a log line."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from api_world import World, session_body


def _patient(world: World, persona: str, given: str, family: str, mrn: str | None = None) -> str:
    response = world.call(persona, "POST", "/patients", {
        "given_name": given, "family_name": family, "birth_date": "1971-02-03", "sex": "female", "mrn": mrn})
    assert response.status_code == 201, response.text
    return response.json()["id"]


def _every_page(world: World, persona: str, path: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    query = path
    while query:
        page = world.call(persona, "GET", query)
        assert page.status_code == 200, page.text
        body = page.json()
        items += body["items"]
        joiner = "&" if "?" in path else "?"
        query = body["next_cursor"] and f"{path}{joiner}cursor={body['next_cursor']}"
    return items


def _found(world: World, persona: str, search: str) -> list[str]:
    items = world.call(persona, "GET", f"/patients?search={search}&limit=200").json()["items"]
    return [f"{p['given_name']} {p['family_name']}" for p in items]


def test_pages_of_patients_give_each_once_and_a_total_only_when_asked(world: World) -> None:
    created = {_patient(world, "rita_reception", "Kim", f"Keyset{i}") for i in range(5)}
    items = _every_page(world, "rita_reception", "/patients?search=keyset&limit=2")
    assert sorted(p["id"] for p in items) == sorted(created)
    first = world.call("rita_reception", "GET", "/patients?search=keyset&limit=2").json()
    assert set(first) == {"items", "next_cursor", "limit"}
    counted = world.call("rita_reception", "GET", "/patients?search=keyset&limit=2&total=true").json()
    assert counted["total"] == {"value": 5, "relation": "eq"}


def test_names_are_searched_by_substring_and_word_start_and_mrns_exactly(world: World) -> None:
    _patient(world, "rita_reception", "Rua", "Tekapo", mrn="HB-4410")
    _patient(world, "rita_reception", "Ana", "Rutherford")
    assert _found(world, "rita_reception", "kap") == ["Rua Tekapo"]
    assert _found(world, "rita_reception", "ru") == ["Ana Rutherford", "Rua Tekapo"]
    assert _found(world, "rita_reception", "rua%20t") == ["Rua Tekapo"]
    assert _found(world, "rita_reception", "HB-4410") == ["Rua Tekapo"]
    assert _found(world, "rita_reception", "HB-441") == []
    assert _found(world, "dr_outsider", "tekapo") == [] and _found(world, "dr_outsider", "HB-4410") == []


@pytest.mark.parametrize("cursor", ["not-a-cursor", "cGxhbnM6MTIz", "x" * 201])
def test_a_bad_cursor_is_a_422_naming_cursor(world: World, cursor: str) -> None:
    for path in ("/patients", "/audit", f"/patients/{world.ids['patient']}/schedule"):
        persona = "ada_admin" if path == "/audit" else "rita_reception"
        response = world.call(persona, "GET", f"{path}?cursor={cursor}")
        assert response.status_code == 422, (path, response.text)
        assert {e["field"] for e in response.json()["errors"]} == {"cursor"}


def test_another_clinics_cursor_is_refused(world: World) -> None:
    for family in ("Ahn", "Bell"):
        _patient(world, "dr_outsider", "Jo", family)
    theirs = world.call("dr_outsider", "GET", "/patients?limit=1").json()["next_cursor"]
    response = world.call("rita_reception", "GET", f"/patients?cursor={theirs}")
    assert response.status_code == 422 and "cursor" in response.text


def test_an_offset_past_the_first_page_is_refused_rather_than_ignored(world: World) -> None:
    assert world.call("rita_reception", "GET", "/patients?offset=0").status_code == 200
    response = world.call("rita_reception", "GET", "/patients?offset=50")
    assert response.status_code == 422 and {e["field"] for e in response.json()["errors"]} == {"offset"}


def test_the_audit_log_comes_newest_first_one_page_at_a_time(world: World) -> None:
    entries = _every_page(world, "ada_admin", "/audit?limit=7")
    ids = [e["id"] for e in entries]
    assert len(ids) == len(set(ids)) and ids == sorted(ids, reverse=True)


def test_the_schedule_is_paged_by_date_with_the_plans(world: World) -> None:
    plan_path = f"/plans/{world.ids['plan']}"
    plan = world.call("dr_lee", "GET", plan_path).json()
    for number in (20, 21):
        assert world.call("dr_lee", "POST", f"{plan_path}/sessions", session_body(plan, number)).status_code == 201
    path = f"/patients/{world.ids['patient']}/schedule?limit=1"
    first = world.call("rita_reception", "GET", path).json()
    assert first["plans"] == [{"plan_id": world.ids["plan"], "status": plan["status"]}]
    sessions = _every_page(world, "rita_reception", path)
    assert {s["number"] for s in sessions} >= {20, 21} and len(sessions) == len({s["number"] for s in sessions})
    assert [s["date"] for s in sessions] == sorted(s["date"] for s in sessions)
    assert all(set(s) == {"plan_id", "number", "date"} for s in sessions)


def test_a_search_reaches_no_log_line(world: World, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG):
        world.call("rita_reception", "GET", "/patients?search=Quillfeather")
        world.call("rita_reception", "GET", "/patients?search=Quillfeather&cursor=broken")
    # httpx logs the test client's own requests: that is the client's side, not the server's.
    server_lines = [r.getMessage() for r in caplog.records if not r.name.startswith("httpx")]
    assert not [line for line in server_lines if "quillfeather" in line.lower()]
