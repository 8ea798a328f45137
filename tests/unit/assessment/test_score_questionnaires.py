"""Scoring the questionnaires of an intake names a bad answer the same way everywhere."""

from __future__ import annotations

import pytest

from acupath.assessment import score_questionnaires
from acupath.errors import UnknownInstrument, UnknownItem, ValueNotAllowed


def test_every_questionnaire_is_scored_by_instrument_id(kb) -> None:
    scores = score_questionnaires({"nrs": {"nrs": 7}, "gad7": {f"q{i}": 1 for i in range(1, 8)}}, kb)
    assert scores["nrs"].total == 7 and scores["gad7"].total == 7


def test_an_answer_not_allowed_is_named_by_field_instrument_and_item(kb) -> None:
    with pytest.raises(ValueNotAllowed) as error:
        score_questionnaires({"phq9": {"q1": 4}}, kb)
    assert error.value.field == "questionnaires.phq9.q1"
    assert error.value.allowed is not None and "3" in error.value.allowed


def test_an_unknown_item_and_an_unknown_instrument_are_named_once(kb) -> None:
    with pytest.raises(UnknownItem) as item:
        score_questionnaires({"phq9": {"q11": 0}}, kb, field="answers")
    assert item.value.field == "answers.phq9.q11"
    with pytest.raises(UnknownInstrument) as instrument:
        score_questionnaires({"phq8": {}}, kb)
    assert instrument.value.field == "questionnaires.phq8"
