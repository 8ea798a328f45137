"""Every record of the demo clinic maps to FHIR R4 resources that validate through fhir.resources' R4B
models, carry codes from the R4 value sets (checked here: the library does not) and acupath codes
that its published CodeSystems hold, and reference only resources that exist."""

# ruff: noqa: F811  (each test takes the imported ``demo`` fixture as its argument)
from __future__ import annotations

import importlib
from collections import Counter
from typing import Any

from fhir_checks import (
    CARE_PLAN_ACTIVITY_STATUS,
    CODED,
    OVERRIDE_REASON,
    PROVENANCE_ENTITY_ROLES,
    REQUIRED,
    codings,
    references,
    walk,
)
from fhir_demo import demo  # noqa: F401  (the fixture)

from acupath.fhir import as_json
from acupath.fhir.canonical import FHIR_ID
from acupath.fhir.chart import PATIENT_TYPES
from acupath.fhir.extensions import STRUCTURE_DEFINITIONS
from acupath.fhir.published import definitions


def _by_type(demo) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for resource in demo.resources:
        out.setdefault(resource.get_resource_type(), []).append(as_json(resource))
    return out


def test_every_type_of_the_patient_record_is_produced_from_the_demo_clinic(demo) -> None:
    counts = Counter(r.get_resource_type() for r in demo.resources)
    assert set(PATIENT_TYPES) <= set(counts), set(PATIENT_TYPES) - set(counts)


def test_every_resource_round_trips_through_its_r4b_model(demo) -> None:
    for resource in demo.resources:
        data = as_json(resource)
        module = importlib.import_module(f"fhir.resources.R4B.{data['resourceType'].lower()}")
        again = getattr(module, data["resourceType"]).model_validate(data)
        assert as_json(again) == data
        assert FHIR_ID.match(data["id"]), data["id"]


def test_ids_are_unique_within_each_type(demo) -> None:
    seen = Counter((r.get_resource_type(), r.id) for r in demo.resources
                   if r.get_resource_type() not in ("Organization", "Practitioner", "PractitionerRole"))
    assert [key for key, n in seen.items() if n > 1] == []


def test_required_codes_come_from_the_r4_value_sets(demo) -> None:
    checked = Counter()
    for resource in demo.resources:
        data = as_json(resource)
        kind = data["resourceType"]
        for (of, element), allowed in REQUIRED.items():
            if of == kind and element in data:
                assert data[element] in allowed, (kind, element, data[element])
                checked[(of, element)] += 1
        for path, coding in codings(data):
            if coding["system"] in CODED:
                assert coding["code"] in CODED[coding["system"]], (kind, path, coding)
                checked[coding["system"]] += 1
        for activity in data.get("activity", []) if kind == "CarePlan" else []:
            assert activity["detail"]["status"] in CARE_PLAN_ACTIVITY_STATUS
        for entity in data.get("entity", []) if kind == "Provenance" else []:
            assert entity["role"] in PROVENANCE_ENTITY_ROLES
    assert {key for key in REQUIRED if key[0] in PATIENT_TYPES} <= set(checked), "a required element never checked"
    assert set(CODED) - {"http://terminology.hl7.org/CodeSystem/data-absent-reason"} <= set(checked)


def test_every_acupath_code_is_in_the_codesystem_acupath_publishes(demo) -> None:
    systems = {cs.url: {c.code for c in cs.concept} for cs in definitions(demo.kb, demo.canon, "CodeSystem")}
    own = f"{demo.canon.base}/CodeSystem/"
    used = 0
    for resource in demo.resources:
        for path, coding in codings(as_json(resource)):
            if coding["system"].startswith(own):
                assert coding["system"] in systems, (path, coding)
                assert coding["code"] in systems[coding["system"]], (path, coding)
                used += 1
    assert used > 0


def test_every_acupath_extension_is_defined_by_a_shipped_structure_definition(demo) -> None:
    own = f"{demo.canon.base}/StructureDefinition/"
    urls = set()
    for resource in demo.resources:
        for _, node in walk(as_json(resource)):
            url = node.get("url")
            if isinstance(url, str) and url.startswith(own):
                urls.add(url.removeprefix(own))
    assert urls and urls <= set(STRUCTURE_DEFINITIONS)


def test_every_reference_of_a_patient_record_resolves_within_it(demo) -> None:
    present = {f"{r.get_resource_type()}/{r.id}" for r in demo.resources}
    dangling = {ref for r in demo.resources for ref in references(as_json(r)) if ref not in present}
    assert dangling == set()


def test_each_score_is_an_observation_derived_from_its_questionnaire_response(demo) -> None:
    types = _by_type(demo)
    responses = {r["id"] for r in types["QuestionnaireResponse"]}
    for observation in types["Observation"]:
        [derived] = observation["derivedFrom"]
        assert derived["reference"].removeprefix("QuestionnaireResponse/") in responses
        assert ("valueQuantity" in observation) != ("dataAbsentReason" in observation)


def test_totals_carry_the_loinc_code_of_their_instrument_file_and_the_peg_is_marked_unverified(demo) -> None:
    seen = {}
    for observation in _by_type(demo)["Observation"]:
        loinc = [c for c in observation["code"]["coding"] if c["system"] == "http://loinc.org"]
        own = [c for c in observation["code"]["coding"] if c["system"].endswith("/instrument-scores")]
        instrument, scale = own[0]["code"].split(".")
        doc = demo.kb.instruments[instrument]
        if doc.loinc is not None and doc.loinc.score and scale == doc.total:
            assert [c["code"] for c in loinc] == [doc.loinc.score]
            marked = any(e["url"].endswith("/unverified-code") for e in loinc[0].get("extension", []))
            assert marked is (not doc.loinc.verified)
            seen[instrument] = loinc[0]["code"]
        else:
            assert loinc == []
    assert seen.get("peg") == "91147-9"


def test_each_intakes_own_pain_score_is_a_pain_nrs_observation_of_its_intake_response(demo) -> None:
    # The baseline pain a payer or registry looks for: the intake form's pain.nrs, as LOINC 72514-3.
    types = _by_type(demo)
    intakes = {r["id"].removesuffix("-intake"): r for r in types["QuestionnaireResponse"]
               if r["questionnaire"].split("|")[0].endswith("/Questionnaire/intake")}
    assert intakes
    for intake_id, response in intakes.items():
        pain = next(i for i in response["item"] if i["linkId"] == "pain")
        nrs = next(i for i in pain["item"] if i["linkId"] == "pain.nrs")["answer"][0]["valueInteger"]
        [observation] = [o for o in types["Observation"] if o["derivedFrom"][0]["reference"]
                         == f"QuestionnaireResponse/{intake_id}-intake"]
        assert [c["code"] for c in observation["code"]["coding"] if c["system"] == "http://loinc.org"] == ["72514-3"]
        assert observation["valueQuantity"]["value"] == nrs and observation["subject"] == response["subject"]


def test_the_overridden_finding_is_a_detected_issue_with_who_when_and_why(demo) -> None:
    issues = [i for i in _by_type(demo)["DetectedIssue"]
              if any(r["reference"] == f"CarePlan/{demo.overridden_plan_id}" for r in i.get("implicated", []))]
    overridden = [i for i in issues if i["code"]["coding"][0]["code"] == "systemic_malignancy"]
    assert overridden, "the overridden red flag was dropped"
    [mitigation] = overridden[-1]["mitigation"]
    assert mitigation["action"]["coding"][0]["code"] == "override"
    assert OVERRIDE_REASON in mitigation["action"]["text"]
    assert mitigation["author"] == {"reference": f"Practitioner/{demo.clinician.user_id}"}
    assert mitigation["date"] == "2026-12-01"


def test_each_amendment_is_a_provenance_naming_the_author_and_the_reason(demo) -> None:
    [provenance] = [p for p in _by_type(demo)["Provenance"]
                    if p["target"] == [{"reference": f"AdverseEvent/{demo.amended_event_id}"}]]
    assert provenance["reason"] == [{"text": "the bruise had not gone at the call"}]
    assert provenance["agent"][0]["who"] == {"reference": f"Practitioner/{demo.clinician.user_id}"}


def test_an_electroacupuncture_session_carries_its_settings_and_each_point_its_side(demo) -> None:
    procedures = _by_type(demo)["Procedure"]
    electro = [p for p in procedures if p["code"]["coding"][0]["code"] == "electroacupuncture"]
    assert electro and len(electro) < len(procedures)
    for procedure in procedures:
        [cpt] = [c["code"] for c in procedure["code"]["coding"] if c["system"] == "http://www.ama-assn.org/go/cpt"]
        assert cpt == ("97813" if procedure in electro else "97810")
    for procedure in electro:
        [settings] = procedure["extension"]
        assert {part["url"] for part in settings["extension"]} >= {"electrodePair"}
        for site in procedure["bodySite"]:
            assert site["coding"][0]["system"].endswith("/CodeSystem/acupuncture-points")
            assert site["extension"][0]["valueCode"] in {"left", "right", "bilateral", "midline"}


def test_a_care_plan_instantiates_its_condition_plan_definition_at_its_version(demo) -> None:
    for plan in _by_type(demo)["CarePlan"]:
        [canonical] = plan["instantiatesCanonical"]
        url, _, version = canonical.partition("|")
        condition = url.rsplit("/", 1)[1].replace("-", "_")
        assert version == demo.kb.conditions[condition].version
        kinds = {a["detail"]["code"]["coding"][0]["code"] for a in plan["activity"]
                 if "coding" in a["detail"]["code"]}
        assert "treatment_session" in kinds


def test_conditions_carry_icd10cm_with_unverified_codes_marked(demo) -> None:
    for condition in _by_type(demo)["Condition"]:
        for coding in condition["code"]["coding"]:
            if coding["system"] != "http://hl7.org/fhir/sid/icd-10-cm":
                continue
            [doc] = [d for d in demo.kb.conditions.values() if any(c.code == coding["code"] for c in d.codes)]
            [code] = [c for c in doc.codes if c.code == coding["code"]]
            assert ("extension" in coding) is (not code.verified)
    low_back = [c for c in _by_type(demo)["Condition"]
                if any(x["code"] == "M54.50" for x in c["code"]["coding"])]
    assert low_back and all("extension" not in x for c in low_back for x in c["code"]["coding"])


def test_audit_events_name_the_patient_as_balp_does(demo) -> None:
    events = _by_type(demo)["AuditEvent"]
    assert events
    for event in events:
        patients = [e for e in event.get("entity", []) if e["role"]["code"] == "1"]
        assert len(patients) == 1 and patients[0]["what"]["reference"].startswith("Patient/")
        assert event["agent"][0]["requestor"] is True
