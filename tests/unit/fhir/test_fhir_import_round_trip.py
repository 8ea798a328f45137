"""Export -> import -> export of every demo patient (issue 15 item 7): the patient's $everything resources
made into a transaction Bundle, imported into a fresh clinic on a fresh (fake) database, exported again,
give the same instrument scores (totals and subscales), the same answers, the same condition and the
same screening findings; every resource on the way validates with fhir.resources' R4B models."""

# ruff: noqa: F811  (each test takes the imported ``demo`` fixture as its argument)
from __future__ import annotations

from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle
from fhir_demo import demo  # noqa: F401  (the fixture)
from fhir_imports import demo_bundles, exported, fresh_clinic, scores_of

from acupath.fhir import as_json
from acupath.fhir.transaction import import_transaction


def _imported(demo, bundle: dict[str, Any]) -> tuple[list[dict[str, Any]], dict[str, Any], str]:
    uow, actor = fresh_clinic()
    response = as_json(import_transaction(uow, actor, bundle, demo.kb, demo.canon))
    patient_id = response["entry"][0]["response"]["location"].split("/")[1]
    intake_id = response["entry"][1]["response"]["location"].split("/")[1].split("-")[0]
    return exported(demo, uow, actor, patient_id), response, intake_id


def _of(resources: list[dict[str, Any]], kind: str, prefix: str) -> list[dict[str, Any]]:
    return [r for r in resources if r["resourceType"] == kind and r["id"].startswith(prefix)]


def test_every_demo_patient_keeps_its_scores_answers_condition_and_findings_through_export_import_export(demo) -> None:
    bundles = demo_bundles(demo)
    assert len(bundles) >= 7  # one patient per condition, and the patient whose red flag was overridden
    scored = 0
    for patient_id, intake_id, bundle in bundles:
        before = exported(demo, demo.uow, demo.clinician, patient_id)
        after, _, new_intake = _imported(demo, bundle)
        old_scores, new_scores = scores_of(before, intake_id), scores_of(after, new_intake)
        assert new_scores == old_scores, patient_id
        scored += bool(new_scores)

        def answers(resources, intake):
            return {r["id"].removeprefix(intake): r.get("item") for r in _of(resources, "QuestionnaireResponse", intake)}
        assert answers(after, new_intake) == answers(before, intake_id)
        codes = [[c["code"] for c in r["code"]["coding"]] for r in _of(before, "Condition", intake_id)]
        assert [[c["code"] for c in r["code"]["coding"]] for r in _of(after, "Condition", new_intake)] == codes

        def findings(resources):
            return sorted(r["code"]["coding"][0]["code"] for r in resources if r["resourceType"] == "DetectedIssue")
        assert findings(after) == findings(before)
    assert scored >= 6, "every condition's demo patient answered its instruments"


def test_the_transaction_its_response_and_the_reexport_validate_as_r4(demo) -> None:
    _, _, bundle = demo_bundles(demo)[0]
    Bundle.model_validate(bundle)
    after, response, _ = _imported(demo, bundle)
    Bundle.model_validate(response)
    assert response["type"] == "transaction-response" and len(response["entry"]) == len(bundle["entry"])
    assert all(e["response"]["status"] == "201 Created" for e in response["entry"])
    for resource in after:
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)


def test_each_response_entry_locates_the_resource_its_request_created(demo) -> None:
    _, _, bundle = demo_bundles(demo)[0]
    after, response, _ = _imported(demo, bundle)
    present = {f"{r['resourceType']}/{r['id']}" for r in after}
    for request, answer in zip(bundle["entry"], response["entry"], strict=True):
        location = answer["response"]["location"].rsplit("/_history/", 1)[0]
        assert location.split("/")[0] == request["resource"]["resourceType"] and location in present


@pytest.mark.parametrize("drop", ["Patient", "Condition"])
def test_a_bundle_without_its_patient_or_condition_is_refused(demo, drop: str) -> None:
    from acupath.fhir.import_answers import ImportRefused

    _, _, bundle = demo_bundles(demo)[0]
    bundle = {**bundle, "entry": [e for e in bundle["entry"] if e["resource"]["resourceType"] != drop]}
    uow, actor = fresh_clinic()
    with pytest.raises(ImportRefused) as refused:
        import_transaction(uow, actor, bundle, demo.kb, demo.canon)
    assert refused.value.field == "Bundle.entry" and drop in refused.value.allowed + refused.value.problem
