"""The medication list feeds screening: an anticoagulant listed raises the bleeding caution, never dropped."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from acupath.assessment.intake import parse_intake
from acupath.knowledge.schema.medications import DRUG_CLASSES
from acupath.safety import screen
from acupath.safety.findings import ScreeningStatus
from strategies import build_intake, intake_data

CODE = "bleeding_risk_caution"
PROPERTY = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _medication(name: str, drug_class: str) -> dict[str, object]:
    entry: dict[str, object] = {"name": name, "class": drug_class}
    if drug_class == "opioid":
        entry["opioid"] = {"mme_per_day": 20}
    return entry


def test_a_listed_anticoagulant_raises_the_caution_when_the_yes_no_answer_is_false(kb) -> None:
    intake = build_intake(safety={"anticoagulant": False}, medications=[_medication("rivaroxaban", "anticoagulant")])
    result = screen(intake, kb=kb)
    finding = next(f for f in result.findings if f.code == CODE)
    assert result.status == ScreeningStatus.PROCEED_WITH_CAUTIONS
    assert {"bleeding", "cupping", "deep_needling"} <= finding.affects.techniques
    assert "anticoagulant" in (finding.note or "")


def test_an_antiplatelet_alone_does_not_raise_it_and_the_note_says_why(kb) -> None:
    result = screen(build_intake(medications=[_medication("clopidogrel", "antiplatelet")]), kb=kb)
    assert CODE not in {f.code for f in result.findings}
    assert "antiplatelet" in (kb.safety.rule(CODE).note or "")


def test_one_finding_when_both_the_answer_and_the_list_say_anticoagulant(kb) -> None:
    intake = build_intake(safety={"anticoagulant": True}, medications=[_medication("warfarin", "anticoagulant")])
    assert [f.code for f in screen(intake, kb=kb).findings].count(CODE) == 1


@PROPERTY
@given(data=intake_data(), others=st.lists(st.sampled_from(DRUG_CLASSES), max_size=4))
def test_an_anticoagulant_in_any_list_is_never_dropped(kb, data, others) -> None:
    data["medications"] = [_medication(f"drug{i}", c) for i, c in enumerate(others)]
    data["medications"].insert(len(others) // 2, _medication("apixaban", "anticoagulant"))
    result = screen(parse_intake(data), kb=kb)
    assert CODE in {f.code for f in result.findings}
    assert result.status != ScreeningStatus.PROCEED
