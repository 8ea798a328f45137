"""The estimates of the practice-evidence questions, checked by hand and as properties."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from acupath.analytics.questions import _rate
from acupath.analytics.statistics import kaplan_meier, mean_interval, wilson

# Newcombe 1998 (Stat Med 17:857), Table II, method 3 (Wilson score interval without continuity correction).
NEWCOMBE = [((81, 263), (0.2553, 0.3662)), ((15, 148), (0.0624, 0.1605)), ((0, 20), (0.0, 0.1611)),
            ((1, 29), (0.0061, 0.1718))]


@pytest.mark.parametrize(("counts", "interval"), NEWCOMBE)
def test_wilson_gives_newcombes_published_intervals(counts: tuple[int, int], interval: tuple[float, float]) -> None:
    low, high = wilson(*counts)
    assert low == pytest.approx(interval[0], abs=6e-5) and high == pytest.approx(interval[1], abs=6e-5)


def test_wilson_refuses_counts_that_are_not_a_proportion() -> None:
    for responders, n in ((1, 0), (-1, 5), (6, 5)):
        with pytest.raises(ValueError):
            wilson(responders, n)


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 100_000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_the_rate_is_always_inside_its_interval_and_the_interval_inside_0_1(counts: tuple[int, int]) -> None:
    responders, n = counts
    low, high = wilson(responders, n)
    assert 0.0 <= low <= responders / n <= high <= 1.0


@settings(max_examples=150, deadline=None)
@given(st.integers(0, 500), st.integers(0, 500), st.integers(1, 50))
def test_a_suppressed_cell_never_shows_a_count_below_the_threshold(n: int, responders: int, threshold: int) -> None:
    row = _rate({"condition": "migraine"}, n, min(responders, n), threshold)
    if n < threshold or n == 0:
        assert (row.n, row.responders, row.rate, row.ci_low, row.ci_high) == (None,) * 5
        assert row.to_dict()["n"] is None and row.to_dict()["responders"] is None
    else:
        assert row.n is not None and row.n >= threshold


def test_the_mean_interval_of_four_values_by_hand() -> None:
    # 2, 3, 1, 4: mean 2.5, SD sqrt(5/3) = 1.290994; t(0.975, 3) = 3.182446305 (tables); half-width 2.054260.
    estimate = mean_interval(4, 10.0, 30.0)
    assert estimate.mean == 2.5 and estimate.sd == pytest.approx(math.sqrt(5 / 3))
    assert estimate.ci_low == pytest.approx(2.5 - 3.182446305 * math.sqrt(5 / 3) / 2)
    assert estimate.ci_high == pytest.approx(4.554260, abs=1e-6)
    assert mean_interval(1, 3.0, 9.0).ci_low is None  # one value: no interval


def test_kaplan_meier_by_hand_with_ties_and_censoring() -> None:
    # Six courses: responded at sessions 2, 3, 5; last followed without response at 3, 6, 6.
    # At 2: 1 of 6 -> S = 5/6. At 3: 1 of 5 (the course censored at 3 still at risk) -> S = 4/6.
    # At 5: 1 of 3 -> S = 4/9. Share responded = 1 - S.
    steps = kaplan_meier([(2, True, 1), (3, False, 1), (3, True, 1), (5, True, 1), (6, False, 2)])
    assert [(s.session, s.at_risk, s.responded) for s in steps] == [(2, 6, 1), (3, 5, 1), (5, 3, 1)]
    assert [s.share for s in steps] == pytest.approx([1 / 6, 2 / 6, 5 / 9])
    assert all(s.ci_low <= s.share <= s.ci_high for s in steps)


def test_a_curve_stops_before_fewer_than_the_threshold_are_at_risk() -> None:
    steps = kaplan_meier([(2, True, 1), (3, False, 1), (3, True, 1), (5, True, 1), (6, False, 2)], min_at_risk=4)
    assert [s.session for s in steps] == [2, 3]  # at session 5 only 3 courses are left: not shown
