"""The portal's plan says the plan's safety findings in the patient's words, as the printed plan does:
each finding in force by its rule's ``for_patient``; a plan without one has no safety section."""

from __future__ import annotations

import html

from portal_world import clinician, set_up
from web_world import Site

from acupath.services import patients
from acupath.services.portal.own_record import shown_plan


def _in_force(site: Site, patient_id: str) -> list[str] | None:
    """Return the codes of the findings in force of the plan the portal shows (None: no plan to explain)."""
    with site.uow_factory() as uow:
        plan = shown_plan(uow.plans.list_for_patient(clinician(site).clinic_id, patient_id))
    if plan is None or plan.plan.get("status") != "planned":
        return None
    return [f["code"] for f in plan.plan.get("findings") or () if not f.get("overridden_by")]


def test_a_patient_reads_each_finding_in_force_in_their_words_and_one_with_none_reads_no_section(site: Site,
                                                                                                kb) -> None:
    listed = patients.list_patients(site.uow_factory(), clinician(site), limit=200).items
    found = {bool(codes): p for p in listed if (codes := _in_force(site, p.id)) is not None}
    assert set(found) == {True, False}, "the demo clinic has patients with and without a finding in force"
    flagged = found[True]
    page = html.unescape(set_up(site, flagged.id, "safety.patient@example.org").get("/portal").text)
    assert "For your safety" in page
    for code in _in_force(site, flagged.id) or ():
        assert kb.safety.rule_answering(code).for_patient in page
    calm = set_up(site, found[False].id, "calm.patient@example.org").get("/portal").text
    assert "Your plan, phase by phase" in calm and "For your safety" not in calm
