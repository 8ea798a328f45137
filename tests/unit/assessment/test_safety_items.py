"""Items marked ``safety_item`` (PHQ-9 item 9) are never prorated away: the score names them when blank."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from acupath.assessment import score, scorer_for
from acupath.assessment.bulk import score_csv
from acupath.knowledge.schema.instruments import SAFETY_ITEM_FLAG, InstrumentFile

ITEMS_1_TO_8 = {f"q{i}": 2 for i in range(1, 9)}


def test_phq9_item_9_is_the_marked_safety_item_with_a_reason_and_a_citation(kb) -> None:
    doc = kb.instruments["phq9"]
    assert doc.safety_items() == ("q9",)
    marked = next(item for item in doc.items if item.key == "q9").safety_item
    assert marked is not None and marked.citation in {s.key for s in kb.citations.sources}
    assert "before treatment" in marked.reason


def test_no_other_instrument_marks_a_safety_item(kb) -> None:
    # instruments.md names only PHQ-9 item 9 as needing follow-up whatever the total (§11, §24a.2)
    marked = {iid for iid, doc in kb.instruments.items() if doc.safety_items()}
    assert marked == {"phq9"}


def test_a_blank_item_9_is_prorated_but_flagged_and_named() -> None:
    result = score("phq9", ITEMS_1_TO_8)
    assert result.total == 18 and result.valid  # DC/TMD proration still gives the total
    assert result.flags == (SAFETY_ITEM_FLAG,)
    assert result.missing_safety_items == ("q9",)
    assert result.to_dict()["missing_safety_items"] == ["q9"]


def test_item_9_given_as_none_counts_as_blank() -> None:
    assert score("phq9", ITEMS_1_TO_8 | {"q9": None}).missing_safety_items == ("q9",)


def test_item_9_answered_zero_raises_no_flag() -> None:
    result = score("phq9", ITEMS_1_TO_8 | {"q9": 0})
    assert result.flags == () and result.missing_safety_items == ()


def test_the_flag_stands_when_the_total_cannot_be_computed() -> None:
    result = score("phq9", {"q1": 1})
    assert not result.valid and result.flags == (SAFETY_ITEM_FLAG,)


def test_an_instrument_without_safety_items_never_raises_the_flag() -> None:
    assert SAFETY_ITEM_FLAG not in score("gad7", {"q1": 1, "q2": 1, "q3": 1, "q4": 1, "q5": 1}).flags


@settings(max_examples=100, deadline=None)
@given(st.lists(st.one_of(st.none(), st.integers(0, 3)), min_size=9, max_size=9))
def test_the_flag_is_raised_exactly_when_item_9_is_blank(values) -> None:
    result = score("phq9", {f"q{i}": v for i, v in enumerate(values, start=1)})
    assert (SAFETY_ITEM_FLAG in result.flags) is (values[8] is None)
    assert ("self_harm_risk" in result.flags) is (values[8] is not None and values[8] > 0)


@pytest.mark.parametrize("vectorise", [True, False])
def test_score_file_shows_the_flag_on_both_paths(vectorise) -> None:
    data = b"id,q1,q2,q3,q4,q5,q6,q7,q8,q9\na,2,2,2,2,2,2,2,2,\nb,2,2,2,2,2,2,2,2,0\nc,1,1,1,1,1,1,1,1,1\n"
    out, rows = score_csv("phq9", data, vectorise=vectorise)
    lines = out.decode().splitlines()
    assert rows == 3
    assert lines[1] == "a,18,moderately_severe,safety_item_unanswered,true,"
    assert lines[2] == "b,16,moderately_severe,,true,"
    assert lines[3] == "c,9,mild,self_harm_risk,true,"


def test_a_safety_item_may_not_count_a_blank_as_a_score(kb) -> None:
    data = kb.instruments["phq9"].model_dump(by_alias=True)
    for item in data["items"]:
        if item["key"] == "q9":
            item["missing_as"] = 0
    with pytest.raises(ValueError, match="safety item cannot count a missing answer"):
        InstrumentFile.model_validate(data)


def test_no_instrument_may_define_the_reserved_flag(kb) -> None:
    data = kb.instruments["phq9"].model_dump(by_alias=True)
    data["flags"][0]["id"] = SAFETY_ITEM_FLAG
    with pytest.raises(ValueError, match="reserved"):
        InstrumentFile.model_validate(data)


def test_the_compiled_scorer_knows_its_safety_items() -> None:
    assert scorer_for("phq9").safety_items == ("q9",)
    assert scorer_for("odi").safety_items == ()
