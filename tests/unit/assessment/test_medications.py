"""The intake's medication list: strict validation naming the field, and what the list gives."""

from __future__ import annotations

from typing import Any

import pytest

from acupath.assessment.intake import parse_intake
from acupath.assessment.medications import parse_medications
from acupath.errors import InputError
from acupath.knowledge.schema.medications import DRUG_CLASSES
from strategies import base_intake_data, build_intake

OXYCODONE = {"name": "oxycodone", "class": "opioid", "dose": "10 mg twice daily", "opioid": {"mme_per_day": 30}}
APIXABAN = {"name": "apixaban", "class": "anticoagulant", "dose": "5 mg twice daily"}


def test_a_list_reads_name_class_dose_and_an_opioids_mme() -> None:
    intake = build_intake(medications=[OXYCODONE, APIXABAN])
    oxy, apix = intake.medications or ()
    assert (oxy.name, oxy.drug_class, oxy.dose, oxy.opioid and oxy.opioid.mme_per_day) == (
        "oxycodone", "opioid", "10 mg twice daily", 30.0)
    assert apix.opioid is None and apix.dose == "5 mg twice daily"
    assert intake.medication_classes() == {"opioid", "anticoagulant"}
    assert intake.opioid_mme_per_day() == 30.0


def test_not_recorded_is_none_and_an_empty_list_is_no_medication() -> None:
    assert build_intake().medications is None and build_intake().opioid_mme_per_day() is None
    empty = build_intake(medications=[])
    assert empty.medications == () and empty.opioid_mme_per_day() == 0.0 and empty.medication_classes() == set()


def test_the_mme_of_several_opioids_adds_up() -> None:
    tramadol = {"name": "tramadol", "class": "opioid", "opioid": {"mme_per_day": 10.5}}
    assert build_intake(medications=[OXYCODONE, tramadol, APIXABAN]).opioid_mme_per_day() == 40.5


@pytest.mark.parametrize(("entry", "field", "words"), [
    ({"name": "aspirin", "class": "blood_thinner"}, "medications[0].class", "'anticoagulant', 'antiplatelet'"),
    ({"name": "oxycodone", "class": "opioid"}, "medications[0].opioid", "needs opioid.mme_per_day"),
    ({"name": "ibuprofen", "class": "nsaid", "opioid": {"mme_per_day": 5}}, "medications[0].opioid",
     "only allowed when class is opioid"),
    ({"name": "morphine", "class": "opioid", "opioid": {"mme_per_day": -1}}, "medications[0].opioid.mme_per_day",
     "must be at least 0"),
    ({"name": "morphine", "class": "opioid", "opioid": {"mme_per_day": "30"}},
     "medications[0].opioid.mme_per_day", "valid number"),
    ({"name": "morphine", "class": "opioid", "opioid": {"mme_per_day": True}},
     "medications[0].opioid.mme_per_day", "valid number"),
    ({"name": "morphine", "class": "opioid", "opioid": {"mme_per_day": 20000}},
     "medications[0].opioid.mme_per_day", "must be at most 10000"),
    ({"name": "morphine", "class": "opioid", "opioid": {"mg": 30}}, "medications[0].opioid.mme_per_day",
     "required (and 1 more problems)"),
    ({"name": "  ", "class": "nsaid"}, "medications[0].name", "must not be blank"),
    ({"class": "nsaid"}, "medications[0].name", "required"),
    ({"name": "ibuprofen"}, "medications[0].class", "required"),
    ({"name": "ibuprofen", "class": "nsaid", "route": "oral"}, "medications[0].route", "unknown key"),
])
def test_a_bad_entry_is_refused_naming_its_field(entry: dict[str, Any], field: str, words: str) -> None:
    data = base_intake_data() | {"medications": [APIXABAN, entry]}
    with pytest.raises(InputError) as error:
        parse_intake(data)
    assert error.value.field == field.replace("[0]", "[1]")
    assert words in f"{error.value.problem} {error.value.allowed}"


def test_the_list_must_be_a_list() -> None:
    with pytest.raises(InputError) as error:
        parse_intake(base_intake_data() | {"medications": {"name": "x"}})
    assert error.value.field == "medications"


def test_a_stored_intake_reads_back_the_same() -> None:
    # services store model_dump(mode="json") and parse it again: "class" must survive the round trip
    intake = build_intake(medications=[OXYCODONE, APIXABAN])
    dumped = intake.model_dump(mode="json")
    assert dumped["medications"][0]["class"] == "opioid" and "drug_class" not in dumped["medications"][0]
    assert parse_intake(dumped) == intake


def test_parse_medications_names_the_field_it_is_given() -> None:
    with pytest.raises(InputError) as error:
        parse_medications([OXYCODONE | {"opioid": None}], "reassessments[2].medications")
    assert error.value.field == "reassessments[2].medications[0].opioid"
    with pytest.raises(InputError) as error:
        parse_medications("oxycodone", "reassessments[2].medications")
    assert error.value.field == "reassessments[2].medications"


def test_the_vocabulary_has_the_classes_safety_and_planning_read() -> None:
    assert {"anticoagulant", "antiplatelet", "opioid", "nsaid", "other"} <= set(DRUG_CLASSES)
    assert parse_medications([{"name": "x", "class": c} for c in DRUG_CLASSES if c != "opioid"], "m")
