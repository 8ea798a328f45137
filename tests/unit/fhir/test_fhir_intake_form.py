"""The intake Questionnaire generated from the ``Intake`` model, and an intake's answers to it: every example
intake exported as a QuestionnaireResponse reads back (as the import reads it) to the same intake."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from acupath.assessment.intake import History, RedFlagAnswers, parse_intake
from acupath.cli.files import read_data
from acupath.fhir import Canon, as_json
from acupath.fhir.import_answers import form_answers
from acupath.fhir.intake_form import form_items, intake_questionnaire, intake_response
from acupath.services.records import IntakeRecord

CANON = Canon("https://clinic.example/fhir")
EXAMPLES = sorted((Path(__file__).resolve().parents[3] / "examples" / "intakes").glob("*.yaml"))


def _items(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    out = {}
    for item in items:
        out[item["linkId"]] = item
        out.update(_items(item.get("item", [])))
    return out


def test_every_red_flag_history_and_safety_answer_is_a_required_item(kb) -> None:
    questionnaire = as_json(intake_questionnaire(kb, CANON))
    assert questionnaire["url"] == "https://clinic.example/fhir/Questionnaire/intake"
    items = _items(questionnaire["item"])
    for name in (*RedFlagAnswers.model_fields, *(f"history.{h}" for h in History.model_fields)):
        link_id = name if name.startswith("history.") else f"red_flag_answers.{name}"
        assert items[link_id]["type"] == "boolean" and items[link_id]["required"] is True, link_id
    assert items["safety.bleeding_disorder"]["required"] and [o["valueString"] for o in items[
        "safety.bleeding_disorder"]["answerOption"]] == ["none", "mild", "severe"]
    assert items["pain.nrs"]["extension"][1] == {"url": "http://hl7.org/fhir/StructureDefinition/maxValue",
                                                 "valueInteger": 10}
    assert items["medications"]["repeats"] and not items["medications"]["required"]
    assert "patient.birth_date" not in items and "condition" not in items and "questionnaires" not in items


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_an_intake_exported_as_a_response_reads_back_to_the_same_intake(path: Path) -> None:
    document = read_data(path)  # YAML 1.2, as `acupath intake` reads it (`on:` is a key, not true)
    stored = parse_intake(document).model_dump(mode="json", by_alias=True)
    record = IntakeRecord(id="i1", clinic_id="c", patient_id="p1", answers=stored, scores={}, knowledge_version="kb-x",
                          recorded_at=datetime(2026, 12, 1, tzinfo=UTC), recorded_by="u1")
    response = as_json(intake_response(record, CANON))
    QuestionnaireResponse.model_validate(response)
    fields: dict[str, str] = {}
    read = form_answers(form_items(), response["item"], "QuestionnaireResponse", "", fields)
    read["patient"] = {**{k: stored["patient"][k] for k in ("id", "birth_date", "sex")}, **read["patient"]}
    read.update({k: stored[k] for k in ("condition", "pattern", "questionnaires")})
    assert parse_intake(read).model_dump(mode="json", by_alias=True) == stored
    assert fields["pain.nrs"].endswith(".answer[0].valueInteger")
