"""The pharmacology review with the prescriber follows the medication list (programme.yaml)."""

from __future__ import annotations

from typing import Any

from acupath.assessment.intake import parse_intake
from acupath.planning.components import select_components
from strategies import base_intake_data

OPIOID = {"name": "oxycodone", "class": "opioid", "dose": "10 mg bd", "opioid": {"mme_per_day": 30}}


def _review(kb, medications: Any) -> Any:
    data = base_intake_data()
    if medications is not None:
        data["medications"] = medications
    chosen, _, _ = select_components(kb.programme.components, {}, parse_intake(data).medications)
    return {c.id: c for c in chosen}.get("pharmacology_review")


def test_any_opioid_adds_the_review_and_names_it_with_its_mme(kb) -> None:
    review = _review(kb, [OPIOID])
    assert review is not None and review.prescriber_review
    assert review.trigger == "opioid listed: oxycodone 30 MME/day"


def test_a_small_opioid_dose_still_adds_it_because_the_sources_give_no_threshold(kb) -> None:
    review = _review(kb, [OPIOID | {"opioid": {"mme_per_day": 0.5}}])
    assert review is not None and "0.5 MME/day" in review.trigger


def test_an_analgesic_or_neuromodulator_adds_it(kb) -> None:
    review = _review(kb, [{"name": "duloxetine", "class": "snri"}, {"name": "naproxen", "class": "nsaid"}])
    assert review is not None and review.trigger == "snri/nsaid listed: duloxetine, naproxen"


def test_no_list_keeps_the_review_and_says_the_list_was_not_recorded(kb) -> None:
    review = _review(kb, None)
    assert review is not None and review.trigger == "medication list not recorded"


def test_an_empty_list_or_only_an_anticoagulant_needs_no_review(kb) -> None:
    assert _review(kb, []) is None
    assert _review(kb, [{"name": "apixaban", "class": "anticoagulant"}]) is None


def test_opioid_and_neuromodulator_triggers_are_both_recorded(kb) -> None:
    review = _review(kb, [OPIOID, {"name": "gabapentin", "class": "gabapentinoid"}])
    assert review.trigger == "opioid listed: oxycodone 30 MME/day; gabapentinoid listed: gabapentin"


def test_every_programme_trigger_cites_a_source_that_resolves(kb) -> None:
    known = {s.key for s in kb.citations.sources}
    component = next(c for c in kb.programme.components if c.id == "pharmacology_review")
    assert {"opioid"} in [set(t.medication_classes) for t in component.any_of]
    for trigger in component.any_of:
        assert set(trigger.citations) <= known
