"""``acupath fhir questionnaire ID``: the Questionnaire as JSON; an unknown id exits 2 with one line."""

from __future__ import annotations

import json

import pytest

from acupath.knowledge import load_knowledge
from cli_run import run


@pytest.mark.parametrize("instrument", ["phq9", "bpi_sf", "bpi-sf"])
def test_the_questionnaire_of_an_instrument_is_printed_as_r4_json(instrument, capsys) -> None:
    from fhir.resources.R4B.questionnaire import Questionnaire

    code, out, err = run(capsys, "fhir", "questionnaire", instrument, "--base", "https://clinic.example/fhir")
    assert code == 0 and err == ""
    data = json.loads(out)
    Questionnaire.model_validate(data)
    kb = load_knowledge()
    doc = kb.instruments[instrument.replace("-", "_")]
    assert data["url"] == f"https://clinic.example/fhir/Questionnaire/{doc.id.replace('_', '-')}"
    assert data["version"] == kb.version and [i["linkId"] for i in data["item"]] == [i.key for i in doc.items]


def test_an_unknown_instrument_exits_2_with_one_line(capsys) -> None:
    code, out, err = run(capsys, "fhir", "questionnaire", "phq10")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "unknown instrument 'phq10'" in err and "phq9" in err


def test_a_bad_base_exits_2_naming_it(capsys) -> None:
    code, _, err = run(capsys, "fhir", "questionnaire", "phq9", "--base", "ftp://x")
    assert code == 2 and err.count("\n") == 1 and "ACUPATH_FHIR_BASE" in err
