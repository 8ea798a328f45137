"""The FHIR R4 read API (``/fhir/R4``) with the personas: the same clinic isolation, roles and audit
as the rest of the API, answers as ``application/fhir+json``, errors as OperationOutcomes."""

from __future__ import annotations

from typing import Any

import pytest
from api_world import World

from acupath.services.records import Outcome

FHIR_JSON = "application/fhir+json"


def _outcome(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(FHIR_JSON)
    body = response.json()
    assert body["resourceType"] == "OperationOutcome" and body["issue"][0]["code"] == code
    return body


def _entries(world: World, persona: str, url: str) -> list[dict[str, Any]]:
    out = []
    while url:
        response = world.call(persona, "GET", url.removeprefix("https://testserver"))
        assert response.status_code == 200, response.text
        bundle = response.json()
        out += [entry["resource"] for entry in bundle.get("entry", [])]
        url = next((link["url"] for link in bundle["link"] if link["relation"] == "next"), "")
    return out


def test_metadata_needs_no_login_and_lists_what_is_read(world: World) -> None:
    response = world.call(None, "GET", "/fhir/R4/metadata")
    assert response.status_code == 200 and response.headers["content-type"].startswith(FHIR_JSON)
    body = response.json()
    assert body["resourceType"] == "CapabilityStatement" and body["fhirVersion"] == "4.0.1"
    assert {"Patient", "Observation", "CarePlan", "AuditEvent", "Questionnaire"} <= {
        r["type"] for r in body["rest"][0]["resource"]}


def test_everything_pages_the_patients_record_with_next_links(world: World) -> None:
    patient_id = world.ids["patient"]
    first = world.call("dr_lee", "GET", f"/fhir/R4/Patient/{patient_id}/$everything?_count=5")
    assert first.status_code == 200 and first.headers["content-type"].startswith(FHIR_JSON)
    bundle = first.json()
    assert bundle["type"] == "searchset" and len(bundle["entry"]) == 5 and bundle["total"] > 5
    everything = _entries(world, "dr_patel", f"/fhir/R4/Patient/{patient_id}/$everything?_count=7")
    assert len(everything) == bundle["total"]
    present = {f"{r['resourceType']}/{r['id']}" for r in everything}
    assert {f"Patient/{patient_id}", f"CarePlan/{world.ids['plan']}", f"Procedure/{world.ids['session']}",
            f"AdverseEvent/{world.ids['event']}", f"Condition/{world.ids['intake']}"} <= present
    assert not any(r["resourceType"] == "AuditEvent" for r in everything), "the audit log is the admin's"


def test_every_resource_of_everything_reads_back_by_id(world: World) -> None:
    patient_id = world.ids["patient"]
    for resource in _entries(world, "dr_lee", f"/fhir/R4/Patient/{patient_id}/$everything?_count=200"):
        response = world.call("dr_patel", "GET", f"/fhir/R4/{resource['resourceType']}/{resource['id']}")
        assert response.status_code == 200, (resource["resourceType"], response.text)
        assert response.json() == resource


@pytest.mark.parametrize("resource_type", ["Observation", "QuestionnaireResponse", "CarePlan", "Procedure",
                                           "Condition", "AdverseEvent", "DetectedIssue", "Provenance"])
def test_a_search_by_patient_returns_only_that_type(world: World, resource_type: str) -> None:
    response = world.call("dr_patel", "GET", f"/fhir/R4/{resource_type}?patient={world.ids['patient']}")
    assert response.status_code == 200, response.text
    assert {e["resource"]["resourceType"] for e in response.json().get("entry", [])} <= {resource_type}


@pytest.mark.parametrize("path", ["/fhir/R4/Patient/{patient}", "/fhir/R4/Patient/{patient}/$everything",
                                  "/fhir/R4/CarePlan/{plan}", "/fhir/R4/Procedure/{session}",
                                  "/fhir/R4/Observation?patient={patient}", "/fhir/R4/Practitioner/{dr_lee}",
                                  "/fhir/R4/Organization/{harbour}"])
def test_another_clinics_records_are_not_found(world: World, path: str) -> None:
    url = path.format(**world.ids, dr_lee=world.user_ids["dr_lee"], harbour=world.clinic_ids["harbour_clinic"])
    _outcome(world.call("dr_outsider", "GET", url), 404, "not-found")


def test_an_outsiders_probe_is_audited_in_the_owning_clinic(world: World) -> None:
    world.call("dr_outsider", "GET", f"/fhir/R4/CarePlan/{world.ids['plan']}")
    with world.uow_factory() as uow:
        entries = uow.audit.list(world.clinic_ids["harbour_clinic"], patient_id=world.ids["patient"], limit=10_000)
    assert any(e.user_id == world.user_ids["dr_outsider"] and e.outcome is Outcome.DENIED and e.action == "fhir.read"
               for e in entries)


@pytest.mark.parametrize("path", ["/fhir/R4/CarePlan/{plan}", "/fhir/R4/Observation?patient={patient}",
                                  "/fhir/R4/Patient/{patient}/$everything"])
def test_reception_may_not_read_clinical_resources(world: World, path: str) -> None:
    _outcome(world.call("rita_reception", "GET", path.format(**world.ids)), 403, "forbidden")


def test_reception_reads_the_patient_and_the_definitions(world: World) -> None:
    assert world.call("rita_reception", "GET", f"/fhir/R4/Patient/{world.ids['patient']}").status_code == 200
    for path in ("/fhir/R4/Questionnaire/phq9", "/fhir/R4/CodeSystem/acupuncture-points",
                 "/fhir/R4/StructureDefinition/electroacupuncture-settings",
                 "/fhir/R4/PlanDefinition/chronic-low-back-pain"):
        assert world.call("rita_reception", "GET", path).status_code == 200, path


def test_a_read_is_audited_with_the_patient_and_the_reader(world: World) -> None:
    world.call("dr_patel", "GET", f"/fhir/R4/Procedure/{world.ids['session']}")
    with world.uow_factory() as uow:
        entries = uow.audit.list(world.clinic_ids["harbour_clinic"], patient_id=world.ids["patient"], limit=10_000)
    assert any(e.user_id == world.user_ids["dr_patel"] and e.action == "fhir.read" and e.outcome is Outcome.OK
               and e.record_id == world.ids["session"] for e in entries)


def test_without_a_token_the_answer_is_401_as_an_operation_outcome(world: World) -> None:
    response = world.call(None, "GET", f"/fhir/R4/Patient/{world.ids['patient']}")
    _outcome(response, 401, "login")
    assert response.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize(("query", "named"), [("?subject=x", "subject"), ("", "patient"),
                                              ("?patient=x&_count=0", "_count")])
def test_a_bad_search_parameter_is_refused_naming_it(world: World, query: str, named: str) -> None:
    body = _outcome(world.call("dr_lee", "GET", f"/fhir/R4/Observation{query}"), 422, "invalid")
    assert named in body["issue"][0]["expression"]


def test_the_guards_refusals_are_operation_outcomes_too(world: World) -> None:
    # The request guard answers before any route: a body over the limit, a control character in the URL.
    large = world.call("dr_lee", "POST", "/fhir/R4", {"resourceType": "Bundle", "note": "x" * 1_100_000})
    assert "body" in _outcome(large, 413, "too-costly")["issue"][0]["expression"]
    control = world.call("dr_lee", "GET", "/fhir/R4/Observation?patient=a%00b")
    assert "patient" in _outcome(control, 422, "invalid")["issue"][0]["expression"][0]
    assert world.call("dr_lee", "GET", "/patients?q=a%00b").headers["content-type"] == "application/json"


def test_an_unknown_type_or_id_is_not_found(world: World) -> None:
    _outcome(world.call("dr_lee", "GET", "/fhir/R4/Medication/x"), 404, "not-found")
    _outcome(world.call("dr_lee", "GET", "/fhir/R4/Observation/nothing-here"), 404, "not-found")
    _outcome(world.call("dr_lee", "GET", "/fhir/R4/Questionnaire/phq10"), 404, "not-found")


def test_audit_events_are_the_administrators(world: World) -> None:
    path = f"/fhir/R4/AuditEvent?patient={world.ids['patient']}&_count=3"
    _outcome(world.call("dr_lee", "GET", path), 403, "forbidden")
    response = world.call("ada_admin", "GET", path)
    assert response.status_code == 200
    bundle = response.json()
    assert len(bundle["entry"]) == 3 and any(link["relation"] == "next" for link in bundle["link"])
    event = bundle["entry"][0]["resource"]
    assert world.call("ada_admin", "GET", f"/fhir/R4/AuditEvent/{event['id']}").json() == event
    _outcome(world.call("dr_lee", "GET", f"/fhir/R4/AuditEvent/{event['id']}"), 403, "forbidden")
