"""score(): all-minimum and all-maximum, missing-data rules, reversed items, bands, flags, errors."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from acupath.assessment import score, scorer_for
from acupath.errors import InputError, UnknownInstrument, UnknownItem, ValueNotAllowed

# (total at the minimum of every item, total at the maximum); instruments.md §0
EXTREMES = {
    "nrs": (0, 10), "vas": (0, 100), "bpi_sf": (0, 10), "peg": (0, 10), "pcs": (0, 52), "isi": (0, 28),
    "odi": (0, 100), "ndi": (0, 50), "rmdq": (0, 24), "phq9": (0, 27), "gad7": (0, 21), "start_back": (0, 9),
    "womac": (0, 96), "koos": (None, None), "hit6": (36, 78), "midas": (0, 450), "fiqr": (0, 100),
    "tsk17": (17, 68), "tsk11": (11, 44),
}


def extreme_answers(instrument: str, pick) -> dict:
    """Answers giving every scored item its lowest (pick=min) or highest (pick=max) points."""
    scorer = scorer_for(instrument)
    answers = {}
    for key, rule in scorer.items.items():
        if not rule.scored:
            continue
        if rule.lookup is not None:
            answers[key] = pick(rule.lookup, key=rule.lookup.get)
        else:
            answers[key] = int(rule.low) if pick is min else int(rule.high)
    return answers


@pytest.mark.parametrize("instrument", sorted(EXTREMES))
def test_all_minimum_and_all_maximum(instrument) -> None:
    low, high = EXTREMES[instrument]
    at_min = score(instrument, extreme_answers(instrument, min))
    at_max = score(instrument, extreme_answers(instrument, max))
    assert at_min.valid and at_max.valid
    assert at_min.total == low and at_max.total == high
    if instrument == "koos":  # higher is better: no problems = 100 on every subscale
        assert set(at_min.subscales.values()) == {100.0}
        assert set(at_max.subscales.values()) == {0.0}


def test_tsk17_reverses_items_4_8_12_16() -> None:
    answers = {f"q{i}": 1 for i in range(1, 18)}
    assert score("tsk17", answers).total == 29  # not 17: instruments.md §24a.4
    answers["q4"] = 4
    assert score("tsk17", answers).total == 26


def test_tsk11_has_no_reversed_items() -> None:
    assert not any(item.reversed for item in scorer_for("tsk11").doc.items)


@given(st.lists(st.one_of(st.none(), st.integers(0, 3)), min_size=9, max_size=9))
def test_phq9_prorates_up_to_three_missing_items(values) -> None:
    answers = {f"q{i}": v for i, v in enumerate(values, start=1)}
    answered = [v for v in values if v is not None]
    result = score("phq9", answers)
    if len(answered) >= 6:
        assert result.valid
        assert result.total == pytest.approx(sum(answered) * 9 / len(answered))
    else:
        assert not result.valid and result.total is None and result.band is None
        assert "at least 6 needed" in result.reason


@given(st.lists(st.one_of(st.none(), st.integers(0, 5)), min_size=10, max_size=10))
def test_odi_denominator_is_five_times_sections_answered(values) -> None:
    answers = {f"q{i}": v for i, v in enumerate(values, start=1)}
    answered = [v for v in values if v is not None]
    result = score("odi", answers)
    if len(answered) >= 9:
        assert result.total == pytest.approx(sum(answered) / (5 * len(answered)) * 100)
    else:
        assert result.total is None and not result.valid


def test_bpi_interference_needs_four_of_seven() -> None:
    base = {"q3": 5, "q4": 5, "q5": 5, "q6": 5}
    four = score("bpi_sf", base | {"q9a": 2, "q9b": 4, "q9c": 6, "q9d": 8})
    assert four.subscales["interference"] == 5
    three = score("bpi_sf", base | {"q9a": 2, "q9b": 4, "q9c": 6})
    assert three.subscales["interference"] is None and not three.valid
    assert three.total == 5  # severity is still reported


def test_psqi_q5j_missing_counts_zero_but_other_items_do_not() -> None:
    doc = scorer_for("psqi").doc
    answers = dict(doc.examples[0]["answers"])
    del answers["q5j"]
    assert score("psqi", answers).valid
    del answers["q5b"]
    result = score("psqi", answers)
    assert not result.valid and result.total is None
    assert result.subscales["c5_disturbance"] is None
    assert "c5_disturbance" in result.reason


def test_psqi_time_in_bed_crossing_midnight() -> None:
    answers = dict(scorer_for("psqi").doc.examples[0]["answers"])
    answers.update({"q1": "23:30", "q3": "06:30", "q4": 5})  # 7 h in bed, 71 % -> C4 = 2
    assert score("psqi", answers).subscales["c4_efficiency"] == 2


def test_rmdq_unticked_items_count_zero() -> None:
    assert score("rmdq", {"q1": 1, "q5": 1}).total == 2


def test_phq9_item_10_is_validated_but_never_added() -> None:
    base = {f"q{i}": 1 for i in range(1, 10)}
    assert score("phq9", base | {"q10": 3}).total == score("phq9", base).total == 9
    with pytest.raises(ValueNotAllowed):
        score("phq9", base | {"q10": 4})


def test_midas_a_and_b_are_not_added() -> None:
    base = {f"q{i}": 1 for i in range(1, 6)}
    assert score("midas", base | {"qa": 60, "qb": 9}).total == 5


def test_start_back_item_9_counts_only_very_much_and_extremely() -> None:
    base = {f"q{i}": 0 for i in range(1, 9)}
    assert [score("start_back", base | {"q9": v}).total for v in range(5)] == [0, 0, 0, 1, 1]


def test_self_harm_flag_on_any_positive_item_9() -> None:
    base = {f"q{i}": 0 for i in range(1, 9)}
    assert score("phq9", base | {"q9": 0}).flags == ()
    for value in (1, 2, 3):
        assert score("phq9", base | {"q9": value}).flags == ("self_harm_risk",)
    # when item 9 is the only answer missing the self-harm flag is not guessed, but the blank is flagged
    assert score("phq9", base).flags == ("safety_item_unanswered",)


@pytest.mark.parametrize("instrument", ["nrs", "vas", "bpi_sf", "pcs", "isi", "psqi", "odi", "ndi", "phq9",
                                        "gad7", "hit6", "midas", "fiqr", "tsk17"])
def test_every_band_boundary(instrument) -> None:
    scorer = scorer_for(instrument)
    bands = scorer.doc.bands
    for index, band in enumerate(bands[:-1]):
        assert scorer.band_for({scorer.doc.total: band.upto})["id"] == band.id
        above = scorer.band_for({scorer.doc.total: band.upto + 0.01})["id"]
        assert above == bands[index + 1].id


def test_start_back_band_rule() -> None:
    scorer = scorer_for("start_back")
    assert scorer.band_for({"total": 3, "psychosocial": 3})["id"] == "low"
    assert scorer.band_for({"total": 4, "psychosocial": 3})["id"] == "medium"
    assert scorer.band_for({"total": 4, "psychosocial": 4})["id"] == "high"
    assert scorer.band_for({"total": 9, "psychosocial": 5})["id"] == "high"


def test_score_records_versions() -> None:
    result = score("gad7", {f"q{i}": 0 for i in range(1, 8)})
    data = result.to_dict()
    assert list(data) == ["instrument", "version", "total", "total_exact", "subscales", "band", "flags",
                          "missing_safety_items", "valid", "reason", "knowledge_version"]
    assert data["version"] == scorer_for("gad7").doc.version
    assert data["knowledge_version"].startswith("kb-")


def test_display_rounds_to_two_places() -> None:
    answers = {"q1": 2, "q2": 1, "q3": 2, "q4": 1, "q5": 2, "q6": 2, "q7": 2, "q9": 2, "q10": 2}
    result = score("odi", answers)
    assert result.total == pytest.approx(35.5556, abs=1e-4)
    assert result.to_dict()["total"] == 35.56
    assert result.to_dict()["total_exact"] == result.total  # stored for change, never the rounded one


class TestErrors:
    def test_unknown_instrument_names_the_known_ones(self) -> None:
        with pytest.raises(UnknownInstrument) as err:
            score("phq10", {})
        assert "phq10" in str(err.value) and "phq9" in err.value.allowed

    def test_unknown_item_names_the_items(self) -> None:
        with pytest.raises(UnknownItem) as err:
            score("gad7", {"q8": 1})
        assert err.value.field == "gad7.q8" and "q7" in err.value.allowed

    @pytest.mark.parametrize(("instrument", "key", "value"), [
        ("phq9", "q1", 4), ("phq9", "q1", -1), ("phq9", "q1", "1"), ("phq9", "q1", True), ("phq9", "q1", 1.5),
        ("nrs", "nrs", 11), ("nrs", "nrs", 5.5), ("vas", "vas_mm", 101), ("hit6", "q1", 6),
        ("hit6", "q1", "often"), ("psqi", "q1", "25:00"), ("psqi", "q1", "7pm"), ("psqi", "q4", 25),
        ("midas", "q1", 91), ("start_back", "q9", 5), ("tsk17", "q1", 0), ("rmdq", "q1", 2),
        ("phq9", "q1", [1]),
    ])
    def test_value_outside_the_options(self, instrument, key, value) -> None:
        with pytest.raises(ValueNotAllowed) as err:
            score(instrument, {key: value})
        assert err.value.field == f"{instrument}.{key}"
        assert err.value.allowed

    def test_errors_are_input_errors(self) -> None:
        assert issubclass(ValueNotAllowed, InputError) and issubclass(UnknownItem, InputError)
