"""The CDS Hooks service's pure part: orders recognised, the EHR record screened with the same rules as an
intake, and cards (indicator, citation links, remove-EA suggestion) made from the findings."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from acupath.errors import InputError
from acupath.fhir import Canon
from acupath.fhir.cds.answer import acupath_mrn, prepare, respond
from acupath.fhir.cds.ehr_screening import ehr_intake, screen_record
from acupath.fhir.cds.hooks import discovery, parse_feedback, parse_hook_request
from acupath.fhir.cds.orders import manual_instead, recognise
from acupath.fhir.cds.record_terms import Match, matches_terms, record_matches
from acupath.fhir.terminology import CDS_OVERRIDE_REASONS, code_system
from acupath.knowledge import load_knowledge
from acupath.knowledge.schema.safety import When
from cds_records import (
    CPT,
    ICD10CM,
    SNOMED,
    condition,
    device,
    hook_request,
    medication,
    observation,
    order,
    prefetch,
)

KB = load_knowledge()
CANON = Canon("https://clinic.example/fhir")
TODAY = date(2026, 12, 6)


def answer(service: str, body: dict[str, Any]) -> dict[str, Any]:
    prepared = prepare(service, parse_hook_request(service, body), KB, CANON, "harbour", TODAY)
    return respond(prepared, None, KB, CANON)


def cards_of(response: dict[str, Any], code: str) -> list[dict[str, Any]]:
    return [c for c in response["cards"] if c.get("source", {}).get("topic", {}).get("code") == code]


# --- the knowledge file -------------------------------------------------------------------------------

@pytest.mark.parametrize("example", KB.ehr_terms.examples, ids=lambda e: str(e["resource"])[:50])
def test_ehr_terms_worked_examples(example: dict[str, Any]) -> None:
    found = {m.answer.answer: m.answer.value for m in record_matches([example["resource"]], KB.ehr_terms)}
    assert found == example["answers"]


@pytest.mark.parametrize("entry", KB.ehr_terms.answers, ids=lambda a: f"{a.answer}={a.value}")
def test_every_answer_names_an_intake_field_the_intake_accepts(entry: Any) -> None:
    intake = ehr_intake({"medications": {}}, [Match(answer=entry, source="Condition/x", text="t")],
                        "neck_pain", date(1960, 1, 1), None, TODAY)
    if entry.answer == "medications":
        assert intake.medication_classes() == {entry.value}
    else:
        value: Any = intake
        for part in entry.answer.split("."):
            value = getattr(value, part)
        assert value == entry.value


def _fields(when: When) -> set[str]:
    name, operand = when.operator()
    if name in ("all", "any"):
        return set().union(*(_fields(c) for c in operand))
    if name == "not":
        return _fields(operand)
    if isinstance(operand, str):
        return {operand}
    return {operand.field} if hasattr(operand, "field") else set()


def test_no_safety_rule_reads_the_intake_fields_the_ehr_cannot_fill() -> None:
    # ehr_screening fills the pain score and the clinic days with neutral values: no rule may read them.
    read = set().union(*(_fields(rule.when) for rule in KB.safety.rules))
    assert not {f for f in read if f == "pain.nrs" or f.startswith("schedule.")}


# --- words and resources ------------------------------------------------------------------------------

def test_terms_match_whole_words_and_prefixes_and_are_vetoed_by_unless() -> None:
    assert matches_terms("Implantable cardiac Pacemaker", ("pacemaker*",))
    assert matches_terms("ICD in situ", ("ICD",)) and not matches_terms("ICDX", ("ICD",))
    assert not matches_terms("Family history of cancer", ("cancer*",), ("family history",))
    assert matches_terms("Pregnant", ("pregnan*",), ("not pregnant",))
    assert not matches_terms("Not pregnant", ("pregnan*",), ("not pregnant",))


def test_resources_that_no_longer_stand_give_no_answer() -> None:
    resources = [condition("Pregnancy", clinical="resolved"), medication("Warfarin 5 mg", status="stopped"),
                 condition("Haemophilia A", verificationStatus={"coding": [{"code": "refuted"}]}),
                 device("Cardiac pacemaker", status="entered-in-error")]
    assert record_matches(resources, KB.ehr_terms) == []


def test_an_observation_is_read_by_its_value_not_its_code() -> None:
    found = record_matches([observation("Pregnancy status", "Unknown")], KB.ehr_terms)
    assert found == []
    found = record_matches([observation("Pregnancy status", "Pregnant")], KB.ehr_terms)
    assert [m.answer.answer for m in found] == ["patient.pregnancy.pregnant"]


# --- orders -------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("resource", "electrical"), [
    (order("97810"), False), (order("97811"), False), (order("97813"), True), (order("97814"), True),
    (order("44868003", SNOMED), False), (order("224721000000103", SNOMED), True),
    (order("231102004", SNOMED), True), (order("", text="Electroacupuncture, 6 sessions"), True),
    (order("", text="Acupuncture for low back pain"), False),
    (order("97810", text="Electro-acupuncture"), True),  # any sign of electrical stimulation wins
])
def test_acupuncture_orders_are_recognised_by_cpt_snomed_or_text(resource: dict[str, Any], electrical: bool) -> None:
    found = recognise(resource, KB)
    assert found is not None and found.electrical is electrical


def test_other_orders_and_revoked_ones_are_not_acupuncture() -> None:
    assert recognise(order("71046"), KB) is None  # a chest X-ray's CPT code
    assert recognise({**order("97813"), "status": "revoked"}, KB) is None
    assert recognise({"resourceType": "MedicationRequest", "id": "m", "status": "draft"}, KB) is None


def test_manual_instead_keeps_the_unit_and_drops_the_id() -> None:
    found = recognise({**order("97813"), "code": {"coding": [{"system": CPT, "code": "97813"},
                                                             {"system": CPT, "code": "97814"}]}}, KB)
    assert found is not None
    manual = manual_instead(found, KB)
    assert [c["code"] for c in manual["code"]["coding"]] == ["97810", "97811"]
    assert "id" not in manual and manual["subject"] == found.resource["subject"]


# --- screening and cards ------------------------------------------------------------------------------

def test_pacemaker_and_an_ea_order_give_a_critical_card_with_its_citation_and_a_remove_ea_suggestion() -> None:
    body = hook_request("order-sign", orders=(order("97813", rid="ea-1"),),
                        prefetch=prefetch(devices=(device("Permanent cardiac pacemaker"),)))
    response = answer("order-sign", body)
    (card,) = cards_of(response, "ea_implanted_device")
    assert card["indicator"] == "critical" and response["cards"][0] is card
    assert len(card["summary"]) < 140 and card["summary"].startswith("Electroacupuncture order")
    assert {"label": "Cummings M. Safety aspects of electroacupuncture. Acupunct Med 2011;29(2):83-85.",
            "url": "https://aim.bmj.com/content/29/2/83", "type": "absolute"} in card["links"]
    assert card["source"]["url"] == card["links"][0]["url"]
    assert card["selectionBehavior"] == "at-most-one"
    manual, remove = card["suggestions"]
    assert manual["isRecommended"] is True
    assert [(a["type"], a.get("resourceId")) for a in manual["actions"]] == [("delete", "ServiceRequest/ea-1"),
                                                                           ("create", None)]
    assert manual["actions"][1]["resource"]["code"]["coding"][0]["code"] == "97810"
    assert remove["actions"] == [{"type": "delete", "description": "Remove the acupuncture order",
                                  "resourceId": "ServiceRequest/ea-1"}]
    assert all(r["display"] for r in card["overrideReasons"])
    published = code_system(KB, CANON, CDS_OVERRIDE_REASONS)  # the reasons' system is a CodeSystem acupath serves
    assert {r["system"] for r in card["overrideReasons"]} == {published.url}
    assert {r["code"] for r in card["overrideReasons"]} == {c.code for c in published.concept}


def test_the_same_pacemaker_with_a_manual_order_warns_without_blocking() -> None:
    body = hook_request("order-sign", orders=(order("97810"),),
                        prefetch=prefetch(devices=(device("Implantable cardioverter defibrillator"),)))
    (card,) = cards_of(answer("order-sign", body), "ea_implanted_device")
    assert card["indicator"] == "warning" and "suggestions" not in card


def test_pregnancy_and_an_anticoagulant_are_warnings() -> None:
    body = hook_request("order-sign", orders=(order("97810"),), prefetch=prefetch(
        conditions=(condition("Pregnancy", rid="preg"),), medications=(medication("Apixaban 5 MG Oral Tablet"),)))
    response = answer("order-sign", body)
    assert cards_of(response, "pregnancy_points_and_regions")[0]["indicator"] == "warning"
    assert cards_of(response, "bleeding_risk_caution")[0]["indicator"] == "warning"
    assert not [c for c in response["cards"] if c["indicator"] == "critical"]
    record = next(c for c in response["cards"] if c["uuid"] == response["cards"][-1]["uuid"])
    assert "`Condition/preg`" in record["detail"] and "`MedicationStatement/med-1`" in record["detail"]


def test_severe_bleeding_disorder_blocks_any_needling_and_offers_no_manual_instead() -> None:
    body = hook_request("order-sign", orders=(order("97813", rid="ea-2"),), prefetch=prefetch(
        conditions=(condition("Haemophilia A"),), devices=(device("Cardiac pacemaker"),)))
    response = answer("order-sign", body)
    (bleeding,) = cards_of(response, "severe_bleeding_disorder")
    assert bleeding["indicator"] == "critical"
    device_card = cards_of(response, "ea_implanted_device")[0]
    assert [s["label"] for s in device_card["suggestions"]] == ["Remove the electroacupuncture order"]


def test_the_pain_condition_comes_from_the_orders_reason_or_else_every_condition_is_screened() -> None:
    back = prefetch(person={"resourceType": "Patient", "id": "p1", "gender": "male", "birthDate": "1950-01-01"},
                    conditions=(condition(code=(ICD10CM, "M54.50"), onsetDateTime="2026-01-05"),))
    screening = screen_record(back, [], KB, TODAY)
    assert screening.conditions == ("chronic_low_back_pain",)
    assert "lbp_onset_after_50" in {f.code for f in screening.findings}
    unknown = screen_record(prefetch(conditions=(condition("Osteoporosis"),)), [], KB, TODAY)
    assert len(unknown.conditions) == 6
    assert unknown.applies_to["back_fracture_risk"] == ("chronic_low_back_pain", "upper_back_pain")
    assert any("pain condition" in u for u in unknown.unknown)


def test_a_missing_prefetch_is_answered_with_what_there_is_and_said() -> None:
    body = hook_request("patient-view", prefetch={"patient": None})
    response = answer("patient-view", body)
    (record,) = response["cards"]
    assert record["indicator"] == "info"
    assert "Devices (not sent)" in record["detail"] and "birth date" in record["detail"]


def test_cards_follow_the_json_rules_of_the_specification() -> None:
    body = hook_request("order-sign", orders=(order("97813"),), prefetch=prefetch(
        devices=(device("Spinal cord stimulator"),), conditions=(condition("Pregnancy"), condition("Epilepsy", rid="e")),
        medications=(medication("Warfarin"),)))

    def walk(value: Any, path: str) -> None:
        assert value not in (None, "", [], {}), f"empty or null at {path}"
        if isinstance(value, dict):
            for key, item in value.items():
                walk(item, f"{path}.{key}")
        elif isinstance(value, list):
            for i, item in enumerate(value):
                walk(item, f"{path}[{i}]")

    response = answer("order-sign", body)
    for card in response["cards"]:
        walk(card, "card")
        assert len(card["summary"]) < 140 and card["indicator"] in ("info", "warning", "critical")
        assert card["source"]["label"]
    assert len({c["uuid"] for c in response["cards"]}) == len(response["cards"])


# --- requests -----------------------------------------------------------------------------------------

def test_discovery_lists_both_services_with_their_prefetch_templates() -> None:
    services = {s["id"]: s for s in discovery()["services"]}
    assert set(services) == {"patient-view", "order-sign"}
    assert services["order-sign"]["prefetch"]["devices"] == "Device?patient={{context.patientId}}"
    assert all(s["description"] and s["hook"] == s["id"] for s in services.values())


@pytest.mark.parametrize(("service", "body", "field"), [
    ("order-sign", {"hook": "patient-view", "hookInstance": "x", "context": {"patientId": "p"}}, "hook"),
    ("patient-view", {"hook": "patient-view", "hookInstance": "x", "context": {}}, "context.patientId"),
    ("order-sign", {"hook": "order-sign", "hookInstance": "x", "context": {"patientId": "p"}}, "context.draftOrders"),
    ("patient-view", {"hook": "patient-view", "context": {"patientId": "p"}}, "hookInstance"),
    ("patient-view", {"hook": "patient-view", "hookInstance": "x", "context": {"patientId": "p"},
                      "fhirAuthorization": {"access_token": "t"}}, "body"),
    ("patient-view", [], "body"),
])
def test_a_malformed_request_is_refused_naming_the_field(service: str, body: Any, field: str) -> None:
    with pytest.raises(InputError) as refused:
        parse_hook_request(service, body)
    assert refused.value.field == field


def test_feedback_accepted_needs_its_suggestions() -> None:
    with pytest.raises(InputError):
        parse_feedback({"feedback": [{"card": "c", "outcome": "accepted", "outcomeTimestamp": "2020-12-11T00:00:00Z"}]})
    parsed = parse_feedback({"feedback": [{"card": "c", "outcome": "overridden", "outcomeTimestamp": "2020-12-11T00:00:00Z",
                                           "overrideReason": {"reason": {"system": "s", "code": "specialist-cleared"}}}]})
    assert parsed.feedback[0].overrideReason is not None


def test_acupath_mrn_is_read_from_the_clinic_identifier_only() -> None:
    system = CANON.identifier_system("mrn/harbour")
    person = {"resourceType": "Patient", "identifier": [{"system": "urn:other", "value": "X"},
                                                        {"system": system, "value": "MRN-7"}]}
    assert acupath_mrn(person, CANON, "harbour") == "MRN-7"
    assert acupath_mrn(person, CANON, "hill") is None


# --- acupath's own record -----------------------------------------------------------------------------

def _acupath(**fields: Any) -> Any:
    from acupath.outcomes import Alert
    from acupath.safety import screen
    from acupath.services.cds_hooks import AcupathPatient
    from strategies import build_intake

    screening = screen(build_intake(patient={"pregnancy": {"pregnant": True, "weeks": 20}},
                                    overrides=[{"finding": "pregnancy_points_and_regions", "by": "Dr Lee",
                                                "reason": "risk and benefit discussed, documented in the notes"}]),
                       KB, TODAY)
    base = {"patient_id": "p-1", "findings": screening.findings, "screened_on": TODAY,
            "alerts": (Alert("discontinue", 6, "Worse by at least an MCID (odi): discontinue and reassess.", ()),
                       Alert("medicare_extension_eligible", 8, "Improvement documented: eligible.", ())),
            "overdue_plans": ("plan-9",)}
    return AcupathPatient(**{**base, **fields})


def test_acupaths_findings_alerts_and_overdue_reassessment_become_cards() -> None:
    prepared = prepare("patient-view", parse_hook_request("patient-view", hook_request("patient-view", prefetch=prefetch())),
                       KB, CANON, "harbour", TODAY)
    response = respond(prepared, _acupath(), KB, CANON)
    overridden = cards_of(response, "pregnancy_points_and_regions")[0]
    assert overridden["indicator"] == "info" and "Overridden in acupath** by Dr Lee" in overridden["detail"]
    assert "overrideReasons" not in overridden
    assert cards_of(response, "pregnancy_no_ea_over_uterus")[0]["indicator"] == "warning"
    by_summary = {c["summary"]: c["indicator"] for c in response["cards"]}
    assert by_summary["Worse by at least an MCID (odi): discontinue and reassess."] == "warning"
    assert by_summary["Improvement documented: eligible."] == "info"
    assert any(c["indicator"] == "warning" and "reassessment is overdue" in c["summary"] for c in response["cards"])
    order_of = [{"critical": 0, "warning": 1, "info": 2}[c["indicator"]] for c in response["cards"]]
    assert order_of == sorted(order_of)


def test_an_ehr_finding_is_never_lifted_by_an_override_in_acupath() -> None:
    # acupath's override answers acupath's intake; the EHR's own record is screened afresh.
    body = hook_request("order-sign", orders=(order("97810"),), prefetch=prefetch(conditions=(condition("Pregnancy"),)))
    prepared = prepare("order-sign", parse_hook_request("order-sign", body), KB, CANON, "harbour", TODAY)
    card = cards_of(respond(prepared, _acupath(), KB, CANON), "pregnancy_points_and_regions")
    assert len(card) == 1 and card[0]["indicator"] == "warning"
