"""Overrides over HTTP (issue 10, item 5): an "ok"-style reason for an urgent finding gets 422 naming
``overrides[0].reason``; an accepted one is returned with its reason, clinician and date."""

from __future__ import annotations

from api_world import World, example_intake

GOOD = "MRI and CT angiography 2026-11-28 normal; neurology letter clears acupuncture"


def _neck_red_flag_intake(world: World) -> str:
    patient = world.call("dr_lee", "POST", "/patients", {
        "given_name": "Pat", "family_name": "Neck", "birth_date": "1970-05-02", "sex": "female"})
    assert patient.status_code == 201, patient.text
    intake = world.call("dr_lee", "POST", f"/patients/{patient.json()['id']}/intakes",
                        example_intake("safety_neck_red_flags"))
    assert intake.status_code == 201, intake.text
    return str(intake.json()["id"])


def test_an_ok_style_override_of_an_urgent_finding_gets_422_naming_the_reason(world: World) -> None:
    intake_id = _neck_red_flag_intake(world)
    response = world.call("dr_lee", "POST", f"/intakes/{intake_id}/plans",
                          {"overrides": [{"finding": "headache_thunderclap", "reason": "ok"}]})
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"] == "overrides[0].reason"


def test_an_accepted_urgent_override_is_returned_with_reason_clinician_and_date(world: World) -> None:
    intake_id = _neck_red_flag_intake(world)
    codes = ["systemic_cauda_equina_or_myelopathy", "headache_thunderclap", "headache_papilloedema"]
    response = world.call("dr_lee", "POST", f"/intakes/{intake_id}/plans",
                          {"overrides": [{"finding": code, "reason": GOOD} for code in codes]})
    assert response.status_code == 201, response.text
    shown = {o["finding"]: o for o in response.json()["plan"]["overrides"]}
    assert set(codes) <= set(shown)
    assert all(shown[c]["reason"] == GOOD and shown[c]["by"] and shown[c]["on"] for c in codes)
