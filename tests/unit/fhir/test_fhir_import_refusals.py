"""What an import refuses, and how: the element named as a FHIRPath-like expression, what is allowed, the
HTTP status class (400 not valid R4, 422 not importable), and nothing stored. Examples, then hypothesis
properties over corrupted answer codes, linkIds and safety answers of the demo's Bundles."""

# ruff: noqa: F811  (each test takes the imported ``demo`` fixture as its argument)
from __future__ import annotations

import copy
import re
from collections.abc import Callable
from typing import Any

import pytest
from fhir_demo import demo  # noqa: F401  (the fixture)
from fhir_imports import demo_bundles, fresh_clinic
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from acupath.errors import InputError
from acupath.fhir.import_answers import ImportRefused, InvalidResource
from acupath.fhir.transaction import import_transaction


@pytest.fixture(scope="module")
def bundle(demo) -> dict[str, Any]:
    """The low-back patient's transaction Bundle (instruments ODI and PCS)."""
    return next(b for _, _, b in demo_bundles(demo) if "odi" in str(b))


def _entry(bundle: dict[str, Any], questionnaire_end: str) -> int:
    return next(n for n, e in enumerate(bundle["entry"]) if str(e["resource"].get("questionnaire", "")).split("|")[0]
                .endswith(questionnaire_end))


def _refusal(demo, bundle: dict[str, Any], change: Callable[[dict[str, Any]], None]) -> InputError:
    """Import ``bundle`` changed by ``change`` into a fresh clinic; return the refusal, checking nothing was stored."""
    changed = copy.deepcopy(bundle)
    change(changed)
    uow, actor = fresh_clinic()
    with pytest.raises(InputError) as refused:
        import_transaction(uow, actor, changed, demo.kb, demo.canon)
    with uow:
        assert not uow.working.table("patients") and not uow.working.table("intakes")
        assert not uow.working.table("screenings")
    return refused.value


def test_an_unknown_answer_code_is_refused_naming_it_and_listing_the_answers(demo, bundle) -> None:
    n = _entry(bundle, "/Questionnaire/odi")

    def change(b):
        b["entry"][n]["resource"]["item"][2]["answer"][0]["valueCoding"]["code"] = "9"
    refused = _refusal(demo, bundle, change)
    assert type(refused) is ImportRefused and refused.http_status == 422
    assert refused.field == f"Bundle.entry[{n}].resource.item[2].answer[0].valueCoding.code"
    assert refused.allowed == "0, 1, 2, 3, 4, 5" and "'9' is not an answer of odi" in refused.problem


def test_an_unknown_link_id_is_refused_with_the_questionnaires_items(demo, bundle) -> None:
    n = _entry(bundle, "/Questionnaire/pcs")

    def change(b):
        b["entry"][n]["resource"]["item"][0]["linkId"] = "q99"
    refused = _refusal(demo, bundle, change)
    assert refused.field == f"Bundle.entry[{n}].resource.item[0].linkId" and "q13" in refused.allowed


def test_an_answer_from_another_code_system_is_refused_naming_the_system(demo, bundle) -> None:
    n = _entry(bundle, "/Questionnaire/odi")

    def change(b):
        b["entry"][n]["resource"]["item"][0]["answer"][0]["valueCoding"]["system"] = "http://loinc.org"
    refused = _refusal(demo, bundle, change)
    assert refused.field.endswith("item[0].answer[0].valueCoding.system") and "answers-odi" in refused.allowed


def test_an_unknown_questionnaire_is_refused_naming_its_canonical(demo, bundle) -> None:
    n = _entry(bundle, "/Questionnaire/pcs")

    def change(b):
        b["entry"][n]["resource"]["questionnaire"] = "http://loinc.org/q/44249-1"
    refused = _refusal(demo, bundle, change)
    assert refused.field == f"Bundle.entry[{n}].resource.questionnaire" and "phq9" in refused.allowed


def test_an_icd10cm_code_of_no_condition_acupath_treats_is_refused(demo, bundle) -> None:
    def change(b):
        condition = next(e["resource"] for e in b["entry"] if e["resource"]["resourceType"] == "Condition")
        condition["code"]["coding"][0]["code"] = "J45.909"
    refused = _refusal(demo, bundle, change)
    assert refused.field.endswith("].resource.code.coding[0].code") and "M54.50" in refused.allowed


def test_an_intake_without_its_own_questionnaire_response_is_refused(demo, bundle) -> None:
    def change(b):
        b["entry"].pop(_entry(b, "/Questionnaire/intake"))
    refused = _refusal(demo, bundle, change)
    assert refused.field == "Bundle.entry" and refused.allowed.endswith("/Questionnaire/intake")


def test_a_missing_red_flag_answer_is_refused_not_assumed_no(demo, bundle) -> None:
    n = _entry(bundle, "/Questionnaire/intake")

    def change(b):
        items = b["entry"][n]["resource"]["item"]
        group = next(i for i in items if i["linkId"] == "red_flag_answers")
        group["item"] = [i for i in group["item"] if i["linkId"] != "red_flag_answers.fever"]
    refused = _refusal(demo, bundle, change)
    assert refused.field.startswith(f"Bundle.entry[{n}].resource.item[") and "red_flag_answers.fever" in refused.problem
    assert refused.allowed == "true or false"


def test_a_value_the_intake_refuses_is_named_at_its_answer_and_nothing_is_stored(demo, bundle) -> None:
    # pain.nrs 11 passes the Bundle's checks; the intake's own validation refuses it after the patient
    # was added in the same transaction: the refusal names the answer, and the patient is not stored.
    n = _entry(bundle, "/Questionnaire/intake")

    def change(b):
        pain = next(i for i in b["entry"][n]["resource"]["item"] if i["linkId"] == "pain")
        next(i for i in pain["item"] if i["linkId"] == "pain.nrs")["answer"] = [{"valueInteger": 11}]
    refused = _refusal(demo, bundle, change)
    assert refused.field.startswith(f"Bundle.entry[{n}].resource.item[") and refused.field.endswith(
        "].answer[0].valueInteger") and "10" in refused.problem + str(refused.allowed)


@pytest.mark.parametrize("value", ["yes", "false", 0, None])
def test_a_red_flag_answered_with_anything_but_a_json_boolean_is_refused(demo, bundle, value) -> None:
    # fhir.resources' models read "yes" as true: the import reads the JSON itself.
    n = _entry(bundle, "/Questionnaire/intake")

    def change(b):
        group = next(i for i in b["entry"][n]["resource"]["item"] if i["linkId"] == "red_flag_answers")
        group["item"][0]["answer"] = [{"valueBoolean": value}]
    refused = _refusal(demo, bundle, change)
    assert refused.field.startswith(f"Bundle.entry[{n}].resource.item[") and (
        refused.field.endswith("].item[0].answer[0].valueBoolean") or refused.field.endswith("].item[0].answer[0]"))


def test_an_observation_is_refused_scores_are_computed(demo, bundle) -> None:
    def change(b):
        b["entry"].append({"resource": {"resourceType": "Observation", "status": "final", "code": {"text": "x"}},
                           "request": {"method": "POST", "url": "Observation"}})
    refused = _refusal(demo, bundle, change)
    assert refused.field == f"Bundle.entry[{len(bundle['entry'])}].resource.resourceType"
    assert "QuestionnaireResponse" in refused.allowed


@pytest.mark.parametrize(("where", "value", "field"), [
    ("birthDate", "1970-13-01", "Bundle.entry[0].resource.birthDate"),
    ("telecom", "555 1000", "Bundle.entry[0].resource.telecom"),
    ("colour", "blue", "Bundle.entry[0].resource.colour"),
])
def test_a_resource_that_is_not_valid_r4_is_a_400_naming_the_element(demo, bundle, where, value, field) -> None:
    def change(b):
        b["entry"][0]["resource"][where] = value
    refused = _refusal(demo, bundle, change)
    assert type(refused) is InvalidResource and refused.http_status == 400 and refused.field == field


@pytest.mark.parametrize(("change", "field", "allowed"), [
    (lambda b: b.update(type="batch"), "Bundle.type", "transaction"),
    (lambda b: b["entry"][0]["request"].update(method="PUT"), "Bundle.entry[0].request.method", "POST"),
    (lambda b: b["entry"][0]["resource"].pop("identifier"), "Bundle.entry[0].resource.identifier", "MR"),
    (lambda b: b["entry"][0]["resource"].pop("birthDate"), "Bundle.entry[0].resource.birthDate", "YYYY-MM-DD"),
    (lambda b: b["entry"][1]["resource"].update(subject={"reference": "Patient/someone-else"}),
     "Bundle.entry[1].resource.subject.reference", "urn:uuid:"),
])
def test_the_envelope_and_the_patient_are_checked(demo, bundle, change, field, allowed) -> None:
    refused = _refusal(demo, bundle, change)
    assert refused.field == field and allowed in (refused.allowed or "")


# Properties: any corrupted answer code or linkId of any instrument item is refused naming its element.
#: The R4 ``code`` datatype's rule (hl7.org/fhir/R4/datatypes.html#code).
FHIR_CODE = re.compile(r"[^\s]+(\s[^\s]+)*")  # used with fullmatch: "$" would allow a final "\n"
_PROPERTY = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _instrument_items(bundle: dict[str, Any]) -> list[tuple[int, int]]:
    return [(n, k) for n, e in enumerate(bundle["entry"]) if e["resource"]["resourceType"] == "QuestionnaireResponse"
            and "/Questionnaire/intake" not in e["resource"]["questionnaire"]
            for k, _ in enumerate(e["resource"].get("item") or [])]


@_PROPERTY
@given(data=st.data(), junk=st.text(min_size=1, max_size=12))
def test_any_corrupted_answer_code_is_refused_naming_its_element(demo, bundle, data, junk) -> None:
    n, k = data.draw(st.sampled_from(_instrument_items(bundle)))
    answer = bundle["entry"][n]["resource"]["item"][k]["answer"][0]
    doc = demo.kb.instruments[bundle["entry"][n]["resource"]["questionnaire"].split("/")[-1].split("|")[0].replace("-", "_")]
    item = next(i for i in doc.items if i.key == bundle["entry"][n]["resource"]["item"][k]["linkId"])
    options = {str(o.answer) for o in doc.option_sets[item.options]} if item.options else set()
    if "valueCoding" not in answer or junk in options:
        return

    def change(b):
        b["entry"][n]["resource"]["item"][k]["answer"][0]["valueCoding"]["code"] = junk
    refused = _refusal(demo, bundle, change)
    assert refused.field == f"Bundle.entry[{n}].resource.item[{k}].answer[0].valueCoding.code"
    if type(refused) is ImportRefused:  # not an answer: 422 with the answers
        assert refused.allowed == ", ".join(str(o.answer) for o in doc.option_sets[item.options])
    else:  # only what is not even an R4 code (white space at its ends...) is a 400
        assert type(refused) is InvalidResource and not FHIR_CODE.fullmatch(junk)


@_PROPERTY
@given(data=st.data(), junk=st.text(min_size=1, max_size=12))
def test_any_corrupted_link_id_is_refused_naming_its_element(demo, bundle, data, junk) -> None:
    n, k = data.draw(st.sampled_from(_instrument_items(bundle)))
    doc_id = bundle["entry"][n]["resource"]["questionnaire"].split("/")[-1].split("|")[0].replace("-", "_")
    if junk in {i.key for i in demo.kb.instruments[doc_id].items}:
        return

    def change(b):
        b["entry"][n]["resource"]["item"][k]["linkId"] = junk
    refused = _refusal(demo, bundle, change)
    assert refused.field == f"Bundle.entry[{n}].resource.item[{k}].linkId"


@_PROPERTY
@given(data=st.data())
def test_any_safety_answer_left_out_is_refused_and_nothing_is_stored(demo, bundle, data) -> None:
    n = _entry(bundle, "/Questionnaire/intake")
    groups = [(g, i) for g, group in enumerate(bundle["entry"][n]["resource"]["item"])
              if group["linkId"] in ("history", "red_flag_answers", "safety")
              for i, item in enumerate(group["item"]) if "answer" in item and not item["linkId"].endswith("_at")
              and not item["linkId"].endswith("tumour_sites")]
    g, i = data.draw(st.sampled_from(groups))
    link_id = bundle["entry"][n]["resource"]["item"][g]["item"][i]["linkId"]

    def change(b):
        del b["entry"][n]["resource"]["item"][g]["item"][i]
    refused = _refusal(demo, bundle, change)
    assert refused.field == f"Bundle.entry[{n}].resource.item[{g}]" and link_id in refused.problem


@_PROPERTY
@given(nrs=st.integers(min_value=11, max_value=10**6) | st.integers(min_value=-(10**6), max_value=-1))
def test_any_pain_score_the_intake_refuses_leaves_no_patient_behind(demo, bundle, nrs) -> None:
    # Refused by the intake's own validation, after the patient was added in the same transaction.
    n = _entry(bundle, "/Questionnaire/intake")
    g = next(i for i, item in enumerate(bundle["entry"][n]["resource"]["item"]) if item["linkId"] == "pain")
    k = next(i for i, item in enumerate(bundle["entry"][n]["resource"]["item"][g]["item"]) if item["linkId"] == "pain.nrs")

    def change(b):
        b["entry"][n]["resource"]["item"][g]["item"][k]["answer"] = [{"valueInteger": nrs}]
    refused = _refusal(demo, bundle, change)
    assert refused.field == f"Bundle.entry[{n}].resource.item[{g}].item[{k}].answer[0].valueInteger"
