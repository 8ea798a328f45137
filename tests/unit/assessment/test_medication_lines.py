"""One medication written on one line of a form: ``name, class, dose`` and an opioid's MME per day last."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from acupath.assessment.medications import MAX_MME_PER_DAY, drug_class_of, medication_from_line
from acupath.errors import InputError
from acupath.knowledge.schema.medications import DRUG_CLASSES


def test_the_form_hints_own_example_is_read_whatever_the_case_of_its_class() -> None:
    # "duloxetine, SNRI, 60 mg daily" was refused: the class was matched case-sensitively.
    medication = medication_from_line("duloxetine, SNRI, 60 mg daily")
    assert medication.to_dict() == {"name": "duloxetine", "class": "snri", "dose": "60 mg daily"}


@pytest.mark.parametrize("typed", ["Muscle relaxant", "muscle-relaxant", "MUSCLE_RELAXANT", "  muscle   relaxant "])
def test_a_class_of_two_words_is_read_with_spaces_hyphens_or_underscores(typed: str) -> None:
    assert drug_class_of(typed) == "muscle_relaxant"


@given(st.sampled_from(DRUG_CLASSES), st.sampled_from([str.upper, str.lower, str.title]))
@settings(max_examples=50, deadline=None)
def test_every_class_is_read_in_any_case(drug_class: str, case: Callable[[str], str]) -> None:
    assert drug_class_of(case(drug_class.replace("_", " "))) == drug_class


@pytest.mark.parametrize(("line", "mme", "dose"), [
    ("oxycodone, opioid, 10 mg twice daily, 30 MME", 30.0, "10 mg twice daily"),
    ("oxycodone, Opioid, 10 mg twice daily, MME 30", 30.0, "10 mg twice daily"),
    ("tramadol, opioid, 50 mg, three times a day, 15 mme/day", 15.0, "50 mg, three times a day"),
    ("morphine, opioid, 22.5 MME per day", 22.5, None),
    ("buprenorphine patch, opioid, 5 micrograms an hour, MME: 0", 0.0, "5 micrograms an hour"),
    ("oxycodone, opioid, 10 mg immediate release, 15mme", 15.0, "10 mg immediate release"),
])
def test_an_opioid_gives_its_mme_per_day_as_the_last_part(line: str, mme: float, dose: str | None) -> None:
    medication = medication_from_line(line)
    assert medication.drug_class == "opioid" and medication.dose == dose
    assert medication.opioid is not None and medication.opioid.mme_per_day == mme


def test_a_dose_may_hold_commas_when_no_mme_follows() -> None:
    assert medication_from_line("apixaban, anticoagulant, 5 mg, twice daily").dose == "5 mg, twice daily"


def test_a_line_without_a_dose_is_a_medication_without_one() -> None:
    assert medication_from_line("paracetamol, paracetamol").to_dict() == {"name": "paracetamol", "class": "paracetamol"}


@pytest.mark.parametrize(("line", "problem", "allowed"), [
    ("oxycodone, opioid, 10mg", "an opioid needs its MME per day", "oxycodone, opioid, 10 mg twice daily, 30 MME"),
    ("sertraline, SSRI, 50 mg", "'SSRI' is not a drug class", ", ".join(DRUG_CLASSES)),
    ("ibuprofen", "give the class after the name", "name, class, dose"),
    ("ibuprofen, , 400 mg", "give the class after the name", "name, class, dose"),
    (", nsaid, 400 mg", "give the medication's name first", "name, class, dose"),
    ("ibuprofen, nsaid, 400 mg, 10 MME", "MME per day is given only for an opioid (the class is nsaid)", "opioid"),
    ("oxycodone, opioid, 10 mg, thirty MME", "'thirty MME': the MME per day must be a number", "30 MME"),
    ("oxycodone, opioid, 10 mg, MME", "the MME per day must be a number", "30 MME"),
    ("oxycodone, opioid, 10 mg, -5 MME", "'-5 MME': the MME per day is out of range", f"0 to {MAX_MME_PER_DAY}"),
    ("oxycodone, opioid, 10 mg, 1e9 MME", "the MME per day must be a number", "30 MME"),
    (f"oxycodone, opioid, 10 mg, {MAX_MME_PER_DAY + 1} MME", "out of range", f"0 to {MAX_MME_PER_DAY}"),
    ("oxycodone, opioid, 10 mg, " + "9" * 400 + " MME", "out of range", f"0 to {MAX_MME_PER_DAY}"),
    ("x" * 101 + ", nsaid", "name: String should have at most 100 characters", None),
    # A decimal or thousands comma inside the MME was read as 5 and 200 (the line is split at commas).
    ("oxycodone, opioid, 10 mg twice daily, 7,5 MME", "'7,5 MME' has a comma inside the MME number", "7.5 MME"),
    ("morphine, opioid, 600 mg, 1,200 MME", "'1,200 MME' has a comma inside the MME number", "1200 MME"),
])
def test_a_bad_line_is_refused_saying_what_is_wrong_and_what_is_allowed(line: str, problem: str,
                                                                        allowed: str | None) -> None:
    with pytest.raises(InputError) as error:
        medication_from_line(line, field="medications")
    assert error.value.field == "medications"
    assert problem in error.value.problem
    assert (allowed is None and error.value.allowed is None) or allowed in (error.value.allowed or "")


def test_the_largest_mme_the_intake_accepts_is_read() -> None:
    medication = medication_from_line(f"methadone, opioid, {MAX_MME_PER_DAY} MME")
    assert medication.opioid is not None and medication.opioid.mme_per_day == MAX_MME_PER_DAY
