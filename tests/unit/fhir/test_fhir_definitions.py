"""The definitions acupath publishes: a Questionnaire per instrument file, a PlanDefinition per condition
file, the CodeSystems and the shipped StructureDefinitions, and the CapabilityStatement."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from fhir_checks import QUESTIONNAIRE_ITEM_TYPES, REQUIRED

from acupath.fhir import Canon, as_json
from acupath.fhir.capability import capability_statement
from acupath.fhir.chart import CLINICAL_TYPES
from acupath.fhir.extensions import STRUCTURE_DEFINITIONS, structure_definition
from acupath.fhir.published import DEFINITION_TYPES, definition, definitions
from acupath.fhir.questionnaires import copyright_of

CANON = Canon("https://clinic.example/fhir/")


def test_each_instrument_file_is_a_questionnaire_with_its_items_options_codes_and_licence(kb) -> None:
    questionnaires = {q.id: as_json(q) for q in definitions(kb, CANON, "Questionnaire")}
    assert len(questionnaires) == len(kb.instruments) + 1 and "intake" in questionnaires  # + the intake's own
    for instrument_id, doc in kb.instruments.items():
        q = questionnaires[instrument_id.replace("_", "-")]
        assert q["url"] == f"https://clinic.example/fhir/Questionnaire/{q['id']}"
        assert q["version"] == kb.version and q["status"] in REQUIRED[("Questionnaire", "status")]
        assert q["copyright"] == copyright_of(doc) and doc.licence.note in q["copyright"]
        assert [i["linkId"] for i in q["item"]] == [i.key for i in doc.items]
        for item, question in zip(doc.items, q["item"], strict=True):
            assert question["type"] in QUESTIONNAIRE_ITEM_TYPES
            assert [c["code"] for c in question.get("code", [])] == ([item.loinc] if item.loinc else [])
            if item.options:
                options = doc.option_sets[item.options]
                assert [(o["valueCoding"]["code"], o["valueCoding"]["extension"][0]["valueDecimal"])
                        for o in question["answerOption"]] == [(str(o.answer), o.points) for o in options]


def test_the_peg_panel_code_is_marked_unverified_and_the_phq9_one_is_not(kb) -> None:
    peg = as_json(definition(kb, CANON, "Questionnaire", "peg"))
    phq9 = as_json(definition(kb, CANON, "Questionnaire", "phq9"))
    assert peg["code"][0]["code"] == "91148-7" and peg["code"][0]["extension"][0]["url"].endswith("/unverified-code")
    assert phq9["code"] == [{"system": "http://loinc.org", "code": "44249-1"}]


def test_each_condition_file_is_a_plan_definition_at_the_file_version(kb) -> None:
    for condition_id, doc in kb.conditions.items():
        plan = as_json(definition(kb, CANON, "PlanDefinition", condition_id.replace("_", "-")))
        assert plan["version"] == doc.version and plan["status"] in REQUIRED[("PlanDefinition", "status")]
        titles = [action["title"] for action in plan["action"]]
        assert [t.split(" ")[0] for t in titles[: len(doc.points)]] == [p.code for p in doc.points]
        assert {a["label"] for a in plan["relatedArtifact"]} == doc.cited_keys()
        for checkpoint in doc.checkpoints:  # a payer's own checkpoint says whose plans carry it
            [action] = [a for a in plan["action"] if a["title"].startswith(f"Checkpoint {checkpoint.id} ")]
            assert ("Only on plans whose payer is medicare." in action["description"]) == (checkpoint.payers == ("medicare",))


def test_each_code_system_is_complete_and_counts_its_concepts(kb) -> None:
    systems = definitions(kb, CANON, "CodeSystem")
    assert len({s.id for s in systems}) == len(systems)
    for system in systems:
        data = as_json(system)
        assert data["content"] == "complete" and data["count"] == len(data["concept"])
        assert len({c["code"] for c in data["concept"]}) == len(data["concept"]), data["id"]
    points = as_json(definition(kb, CANON, "CodeSystem", "acupuncture-points"))
    assert {c["code"] for c in points["concept"]} == {p.code for p in kb.points.points}


def test_the_shipped_structure_definitions_validate_and_take_the_clinics_base(kb) -> None:
    for name in STRUCTURE_DEFINITIONS:
        data = as_json(structure_definition(CANON, name))
        assert data["url"] == f"https://clinic.example/fhir/StructureDefinition/{name}"
        assert "{base}" not in str(data)
    with pytest.raises(KeyError):
        structure_definition(CANON, "made-up")


def test_an_unknown_definition_id_is_none(kb) -> None:
    for kind in DEFINITION_TYPES:
        assert definition(kb, CANON, kind, "made-up") is None


def test_the_capability_statement_lists_every_type_the_api_reads() -> None:
    data = as_json(capability_statement("0.1.0", "https://h/fhir/R4", datetime(2026, 12, 6, tzinfo=UTC)))
    listed = {r["type"]: r for r in data["rest"][0]["resource"]}
    assert set(listed) == {"Patient", "Organization", "Practitioner", "PractitionerRole", *CLINICAL_TYPES,
                           *DEFINITION_TYPES, "Group"}
    assert all({i["code"] for i in r["interaction"]} == {"read", "search-type"} for r in listed.values())
    assert [p["name"] for p in listed["Observation"]["searchParam"]][0] == "patient"
    assert listed["Patient"]["operation"][0]["name"] == "everything"
    assert data["fhirVersion"] == "4.0.1"
