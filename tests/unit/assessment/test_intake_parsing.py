"""parse_intake: a valid mapping becomes an Intake; anything else is an InputError naming the field."""

from __future__ import annotations

import pytest

from acupath.assessment.intake import parse_intake
from acupath.errors import InputError
from strategies import base_intake_data


def test_a_valid_mapping_becomes_an_intake() -> None:
    intake = parse_intake(base_intake_data())
    assert intake.condition == "chronic_low_back_pain"
    assert intake.safety.bleeding_disorder == "none"


@pytest.mark.parametrize(("change", "field"), [
    (lambda d: d.update(condition="gout"), "condition"),
    (lambda d: d["pain"].update(nrs=11), "pain.nrs"),
    (lambda d: d.update(safety={"epilepsy": "sometimes"}), "safety.epilepsy"),
    (lambda d: d.update(safety={"skin_lesions_at": ["left_elbowz"]}), "safety.skin_lesions_at"),
    (lambda d: d.update(overrides=[{"finding": "x", "reason": "  ", "by": "Dr Lee"}]), "overrides[0].reason"),
    (lambda d: d.pop("schedule"), "schedule"),
    (lambda d: d.update(surprise=True), "surprise"),
    (lambda d: d["patient"].update(pregnancy={"pregnant": False, "weeks": 12}), "patient.pregnancy"),
    (lambda d: d.update(red_flag_answers={"fever": "yes"}), "red_flag_answers.fever"),
    (lambda d: d.update(history={"cancer": 1}), "history.cancer"),
])
def test_an_invalid_intake_names_the_first_field(change, field) -> None:
    data = base_intake_data()
    change(data)
    with pytest.raises(InputError) as error:
        parse_intake(data)
    assert error.value.field == field


def test_a_list_is_not_an_intake() -> None:
    with pytest.raises(InputError) as error:
        parse_intake([1, 2])
    assert error.value.field == "intake"


def test_allowed_values_are_named_for_a_choice() -> None:
    data = base_intake_data()
    data["safety"] = {"bleeding_disorder": "moderate"}
    with pytest.raises(InputError) as error:
        parse_intake(data)
    assert "'none', 'mild' or 'severe'" in str(error.value)
