"""``GET /analytics/*``: practice evidence through the API on SQLite and PostgreSQL: the JSON shape, small
cells suppressed, reception refused, the clinic kept apart, bad input named, every answer audited."""

from __future__ import annotations

from api_world import World

from acupath.services.records import AuditQuery


def test_a_group_under_ten_courses_is_suppressed_with_n_and_responders_null(world: World) -> None:
    response = world.call("dr_lee", "GET", "/analytics/responders?by=condition,ea")
    assert response.status_code == 200, response.text
    rows = response.json()["rows"]
    assert rows and all(set(r) == {"group", "n", "responders", "rate", "ci_low", "ci_high"} for r in rows)
    assert all(set(r["group"]) == {"condition", "ea"} for r in rows)
    # dr_lee's one course is far below the threshold of 10: nothing but the group is shown.
    assert all(r["n"] is None and r["responders"] is None and r["rate"] is None for r in rows)


def test_mean_change_and_time_to_response_are_suppressed_alike(world: World) -> None:
    means = world.call("ada_admin", "GET", "/analytics/mean-change?by=payer&analysis=itt")
    curves = world.call("ada_admin", "GET", "/analytics/time-to-response?by=condition")
    assert means.status_code == curves.status_code == 200
    assert all(r["n"] is None and r["mean"] is None for r in means.json()["rows"])
    assert all(c["n"] is None and c["steps"] == [] for c in curves.json()["curves"])


def test_reception_is_refused_and_another_clinic_sees_none_of_these_courses(world: World) -> None:
    assert world.call("rita_reception", "GET", "/analytics/responders?by=condition").status_code == 403
    outsider = world.call("dr_outsider", "GET", "/analytics/responders?by=condition")
    assert outsider.status_code == 200 and outsider.json() == {"rows": []}
    assert world.call(None, "GET", "/analytics/responders?by=condition").status_code == 401


def test_a_bad_facet_or_filter_is_a_422_naming_it(world: World) -> None:
    for query, field in (("by=colour", "by"), ("by=condition,ea,payer", "by"), ("by=ea&start=yesterday", "start"),
                         ("by=ea&analysis=all", "analysis"), ("by=ea&at_session=0", "at_session")):
        response = world.call("dr_lee", "GET", f"/analytics/responders?{query}")
        assert response.status_code == 422, (query, response.text)
        assert field in response.text


def test_every_answer_is_audited(world: World) -> None:
    world.call("dr_patel", "GET", "/analytics/responders?by=practitioner")
    with world.uow_factory() as uow:
        entries = uow.audit.search(world.clinic_ids["harbour_clinic"], AuditQuery(action="analytics.read"), None, 50)
    assert any(e.user_id == world.user_ids["dr_patel"] and e.record_id == "responders:practitioner"
               and e.outcome.value == "ok" for e in entries)
