"""``POST /fhir/R4`` (a transaction Bundle) on SQLite and PostgreSQL with the personas: dr_lee's patient
exported from harbour_clinic and imported into hill_clinic keeps its scores; refusals are
OperationOutcomes naming the element, with nothing written; duplicates are never silent; roles and
clinic isolation as in the rest of the API."""

from __future__ import annotations

from typing import Any

import orjson
from api_world import World
from fhir.resources.R4B import get_fhir_model_class

from fhir_transactions import transaction_of

FHIR_JSON = "application/fhir+json"


def _post(world: World, persona: str | None, body: Any, content_type: str = FHIR_JSON) -> Any:
    headers = {**world.headers(persona), "Content-Type": content_type}
    content = body if isinstance(body, bytes) else orjson.dumps(body)
    return world.client.request("POST", "/fhir/R4", content=content, headers=headers)


def _everything(world: World, persona: str, patient_id: str) -> list[dict[str, Any]]:
    response = world.call(persona, "GET", f"/fhir/R4/Patient/{patient_id}/$everything?_count=200")
    assert response.status_code == 200, response.text
    return [entry["resource"] for entry in response.json()["entry"]]


def _bundle(world: World, mrn: str) -> dict[str, Any]:
    return transaction_of(_everything(world, "dr_lee", world.ids["patient"]), world.ids["intake"], identifier=mrn)


def _scores(resources: list[dict[str, Any]], intake_id: str) -> dict[tuple[str, str], Any]:
    return {(r["derivedFrom"][0]["reference"].split("-", 1)[1], r["code"]["coding"][-1]["code"]):
            r.get("valueQuantity", {}).get("value") for r in resources
            if r["resourceType"] == "Observation" and r["derivedFrom"][0]["reference"].startswith(
                f"QuestionnaireResponse/{intake_id}-")}


def _patients(world: World, clinic: str) -> int:
    with world.uow_factory() as uow:
        return uow.patients.count(world.clinic_ids[clinic], None, 10_000).value


def _outcome(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(FHIR_JSON)
    body = response.json()
    assert body["resourceType"] == "OperationOutcome"
    return body["issue"][0]


def test_a_patient_exported_from_one_clinic_and_imported_into_another_keeps_its_scores(world: World) -> None:
    before = _everything(world, "dr_lee", world.ids["patient"])
    response = _post(world, "dr_outsider", _bundle(world, "HILL-RT-1"))
    assert response.status_code == 200 and response.headers["content-type"].startswith(FHIR_JSON), response.text
    answer = response.json()
    assert answer["type"] == "transaction-response"
    assert [e["response"]["status"] for e in answer["entry"]] == ["201 Created"] * len(answer["entry"])
    patient_id = answer["entry"][0]["response"]["location"].split("/")[1]
    intake_id = answer["entry"][1]["response"]["location"].split("/")[1].split("-")[0]
    after = _everything(world, "dr_outsider", patient_id)
    assert _scores(after, intake_id) == _scores(before, world.ids["intake"]) != {}
    for resource in after:
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    for entry in answer["entry"]:
        path = entry["response"]["location"].rsplit("/_history/", 1)[0]
        assert world.call("dr_outsider", "GET", f"/fhir/R4/{path}").status_code == 200, path
    # another clinic's import is not harbour's
    assert world.call("dr_lee", "GET", f"/fhir/R4/Patient/{patient_id}").status_code == 404


def test_the_same_patient_again_is_409_naming_the_identifier_and_writes_nothing(world: World) -> None:
    bundle = _bundle(world, "HILL-DUP-1")
    assert _post(world, "dr_outsider", bundle).status_code == 200
    count = _patients(world, "hill_clinic")
    issue = _outcome(_post(world, "dr_outsider", bundle), 409)
    assert issue["code"] == "conflict" and issue["expression"] == ["Bundle.entry[0].resource.identifier[0].value"]
    assert "ifNoneExist" in issue["diagnostics"] and _patients(world, "hill_clinic") == count


def test_if_none_exist_adds_to_the_known_patient_and_a_resend_writes_nothing(world: World) -> None:
    bundle = _bundle(world, "HILL-MATCH-1")
    bundle["entry"][0]["request"]["ifNoneExist"] = "identifier=urn:example:other-clinic/mrn|HILL-MATCH-1"
    first = _post(world, "dr_outsider", bundle).json()
    again = _post(world, "dr_outsider", bundle)
    assert again.status_code == 200, again.text
    entries = again.json()["entry"]
    assert entries[0]["response"] == {"status": "200 OK", "location": first["entry"][0]["response"]["location"]}
    assert [e["response"]["location"] for e in entries] == [e["response"]["location"] for e in first["entry"]]
    assert {e["response"]["status"] for e in entries} == {"200 OK"}  # nothing was created
    intake = next(e["response"] for e in entries if e["response"]["location"].split("/_history")[0].endswith("-intake"))
    assert "already imported" in intake["outcome"]["issue"][0]["diagnostics"]
    patient_id = entries[0]["response"]["location"].split("/")[1]
    intakes = world.call("dr_outsider", "GET", f"/patients/{patient_id}/intakes").json()
    assert len(intakes["items"]) == 1


def test_an_unknown_answer_code_is_422_naming_the_element_and_nothing_is_written(world: World) -> None:
    bundle = _bundle(world, "HILL-BAD-1")
    n = next(i for i, e in enumerate(bundle["entry"]) if "/Questionnaire/odi" in e["resource"].get("questionnaire", ""))
    bundle["entry"][n]["resource"]["item"][0]["answer"][0]["valueCoding"]["code"] = "7"
    count = _patients(world, "hill_clinic")
    issue = _outcome(_post(world, "dr_outsider", bundle), 422)
    assert issue["code"] == "invalid"
    assert issue["expression"] == [f"Bundle.entry[{n}].resource.item[0].answer[0].valueCoding.code"]
    assert "allowed: 0, 1, 2, 3, 4, 5" in issue["diagnostics"] and _patients(world, "hill_clinic") == count


def test_a_value_the_intake_refuses_after_the_patient_was_added_leaves_nothing(world: World) -> None:
    bundle = _bundle(world, "HILL-BAD-2")
    intake = next(e["resource"] for e in bundle["entry"] if "/Questionnaire/intake" in e["resource"].get("questionnaire", ""))
    pain = next(i for i in intake["item"] if i["linkId"] == "pain")
    next(i for i in pain["item"] if i["linkId"] == "pain.nrs")["answer"] = [{"valueInteger": 12}]
    count = _patients(world, "hill_clinic")
    issue = _outcome(_post(world, "dr_outsider", bundle), 422)
    assert issue["expression"][0].endswith(".answer[0].valueInteger") and _patients(world, "hill_clinic") == count


def test_a_body_that_is_not_a_valid_r4_bundle_is_400(world: World) -> None:
    issue = _outcome(_post(world, "dr_lee", b"{not json"), 400)
    assert issue["expression"] == ["Bundle"]
    bundle = _bundle(world, "HILL-BAD-3")
    bundle["entry"][0]["resource"]["birthDate"] = "1958-02-30"
    assert _outcome(_post(world, "dr_lee", bundle), 400)["expression"] == ["Bundle.entry[0].resource.birthDate"]
    assert _outcome(_post(world, "dr_lee", {"resourceType": "Patient"}), 400)["expression"] == ["Bundle.resourceType"]


def test_another_media_type_is_415(world: World) -> None:
    issue = _outcome(_post(world, "dr_lee", _bundle(world, "HILL-BAD-4"), "text/plain"), 415)
    assert issue["code"] == "not-supported" and issue["expression"] == ["Content-Type"]


def test_reception_is_refused_and_no_login_is_401(world: World) -> None:
    bundle = _bundle(world, "HILL-BAD-5")
    count = _patients(world, "harbour_clinic")
    assert _outcome(_post(world, "rita_reception", bundle), 403)["code"] == "forbidden"
    assert _outcome(_post(world, None, bundle), 401)["code"] == "login"
    assert _patients(world, "harbour_clinic") == count


def test_the_capability_statement_says_what_a_transaction_holds(world: World) -> None:
    rest = world.call(None, "GET", "/fhir/R4/metadata").json()["rest"][0]
    transaction = next(i for i in rest["interaction"] if i["code"] == "transaction")
    assert "Questionnaire/intake" in transaction["documentation"] and "ICD-10-CM" in transaction["documentation"]


def test_the_intake_questionnaire_is_read_like_the_instruments(world: World) -> None:
    response = world.call("rita_reception", "GET", "/fhir/R4/Questionnaire/intake")
    assert response.status_code == 200 and response.json()["id"] == "intake"
    assert any(item["linkId"] == "red_flag_answers" for item in response.json()["item"])
