"""classify_change(): absolute and percent change, MCID, IMMPACT categories (instruments.md §20)."""

from __future__ import annotations

import pytest

from acupath.assessment import classify_change, score
from acupath.errors import InputError


@pytest.mark.parametrize(("baseline", "followup", "category"), [
    (10, 5, "substantial"),  # 50 %
    (10, 7, "moderate"),  # 30 %
    (10, 8, "minimal"),  # 20 %
    (8, 6.8, "minimal"),  # 15 %: IMMPACT leaves 20-30 % open; convention counts it minimal
    (10, 9, "minimal"),  # 10 %
    (10, 9.5, "none"),  # 5 %
    (5, 7, "none"),  # worse
])
def test_immpact_categories_for_pain_intensity(baseline, followup, category) -> None:
    assert classify_change("nrs", baseline, followup).immpact == category


def test_percent_change_undefined_at_baseline_zero() -> None:
    change = classify_change("nrs", 0, 3)
    assert change.percent_improvement is None and change.immpact is None
    assert change.change == 3 and change.improvement == -3


def test_nrs_mcid_two_points_or_thirty_percent() -> None:
    assert classify_change("nrs", 8, 6).mcid_reached is True  # 2 points
    assert classify_change("nrs", 3, 2).mcid_reached is True  # 33 %
    assert classify_change("nrs", 8, 7).mcid_reached is False


def test_koos_higher_is_better() -> None:
    change = classify_change("koos", 50, 60, scale="pain")
    assert change.improvement == 10 and change.percent_improvement == 20
    assert change.mcid_reached is True and change.immpact is None
    assert classify_change("koos", 60, 50, scale="pain").improvement == -10


def test_koos_needs_a_scale() -> None:
    with pytest.raises(InputError, match="no scale"):
        classify_change("koos", 50, 60)


def test_scores_and_answers_are_accepted() -> None:
    before = score("phq9", {f"q{i}": 2 for i in range(1, 10)})
    after = {f"q{i}": 1 for i in range(1, 10)}
    change = classify_change("phq9", before, after)
    assert change.baseline == 18 and change.followup == 9 and change.mcid_reached is True
    assert change.immpact is None  # not a pain-intensity scale


def test_bpi_interference_mcid_is_one_point() -> None:
    assert classify_change("bpi_sf", 6, 5, scale="interference").mcid_reached is True
    assert classify_change("bpi_sf", 6, 5.5, scale="interference").mcid_reached is False
    assert classify_change("bpi_sf", 6, 3).immpact == "substantial"


def test_unscorable_score_is_an_input_error() -> None:
    with pytest.raises(InputError, match="could not be scored"):
        classify_change("phq9", {"q1": 1}, 5)


def test_instrument_without_mcid_reports_none() -> None:
    assert classify_change("womac", 40, 20).mcid_reached is None


def test_no_change_reads_zero_never_minus_zero() -> None:
    result = classify_change("nrs", {"nrs": 6}, {"nrs": 6})
    assert str(result.improvement) == "0.0" and str(result.percent_improvement) == "0.0"
    assert f"{result.percent_improvement:+.0f}" == "+0"


def test_a_peg_mean_halved_is_a_substantial_improvement() -> None:
    # PEG 2/3 -> 1/3 (means of three items) is exactly 50 %: IMMPACT "substantial" (instruments.md §20),
    # not "moderate" because 1/3 and 2/3 are not exact in binary floating point.
    change = classify_change("peg", {"q1": 1, "q2": 1, "q3": 0}, {"q1": 1, "q2": 0, "q3": 0})
    assert change.percent_improvement == 50 and change.immpact == "substantial"


def test_bpi_interference_down_by_exactly_one_point_reaches_the_mcid() -> None:
    # Means of five answered items, 7/5 -> 2/5: a 1-point decrease, IMMPACT's minimally important change
    # (instruments.md §3, §20), whatever the float error of the two means.
    before = {"q3": 5, "q4": 5, "q5": 5, "q6": 5, "q9a": 1, "q9b": 1, "q9c": 3, "q9d": 1, "q9e": 1}
    after = {"q3": 5, "q4": 5, "q5": 5, "q6": 5, "q9a": 0, "q9b": 0, "q9c": 2, "q9d": 0, "q9e": 0}
    change = classify_change("bpi_sf", before, after, scale="interference")
    assert change.improvement == 1 and change.mcid_reached is True
