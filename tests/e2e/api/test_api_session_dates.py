"""A session's number and date agree in order over HTTP: 422 naming ``session_date`` otherwise, with
ISO 8601 dates in the message (the API's), for server-numbered, client-numbered and amended sessions."""

from __future__ import annotations

from typing import Any

from api_world import World, example_intake, session_body


def _fresh_plan(world: World) -> dict[str, Any]:
    patient = world.call("dr_lee", "POST", "/patients", {
        "given_name": "Ola", "family_name": "Order", "birth_date": "1971-02-03", "sex": "female"})
    intake = world.call("dr_lee", "POST", f"/patients/{patient.json()['id']}/intakes", example_intake())
    plan = world.call("dr_lee", "POST", f"/intakes/{intake.json()['id']}/plans", {})
    assert plan.status_code == 201, plan.text
    return plan.json()


def _post(world: World, plan: dict[str, Any], day: str, number: int | None = None) -> Any:
    return world.call("dr_lee", "POST", f"/plans/{plan['id']}/sessions",
                      {**session_body(plan, number), "session_date": day})


def test_a_session_dated_before_a_lower_numbered_one_is_refused_with_422(world: World) -> None:
    plan = _fresh_plan(world)  # starts 2026-12-01 (the intake's schedule)
    ids = [_post(world, plan, day).json()["id"] for day in ("2026-12-01", "2026-12-02", "2026-12-04")]
    refused = _post(world, plan, "2026-12-03")
    assert refused.status_code == 422, refused.text
    [error] = refused.json()["errors"]
    assert error["field"] == "session_date"
    assert error["problem"] == "2026-12-03 is before the date of session 3 (2026-12-04)"
    assert error["allowed"].startswith("a date on or after 2026-12-04, the date of session 3, and on or before today")
    named = _post(world, plan, "2026-12-03", number=5)
    assert named.status_code == 422 and "session 3" in named.json()["errors"][0]["problem"]
    assert _post(world, plan, "2026-12-04", number=5).status_code == 201  # on one day as session 3: allowed
    moved = world.call("dr_lee", "POST", f"/sessions/{ids[1]}/amendments", {
        "version": 1, "changes": {"session_date": "2026-12-05"}, "reason": "typed the wrong day"})
    assert moved.status_code == 422 and moved.json()["errors"][0]["field"] == "session_date", moved.text
    assert "after the date of session 3 (2026-12-04)" in moved.json()["errors"][0]["problem"]
    stored = world.call("dr_lee", "GET", f"/plans/{plan['id']}/sessions").json()["items"]
    assert [(s["number"], s["session_date"], s["version"]) for s in stored] == [
        (1, "2026-12-01", 1), (2, "2026-12-02", 1), (3, "2026-12-04", 1), (5, "2026-12-04", 1)]
