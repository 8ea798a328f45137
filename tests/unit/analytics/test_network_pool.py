"""Pooling clinics' aggregates: one row per clinic, as metafor's single-group measures; suppressed cells left
out with their reason; the same model as the evidence engine fits from the same numbers."""

from __future__ import annotations

import math
from datetime import date

import pytest
from network_files import HARBOUR, HILL, RIVERSIDE, cell, payload

from acupath.analytics.network_aggregates import build_aggregates, check_poolable, parse_aggregates
from acupath.analytics.network_pool import conditions_of, effect_size, pool_condition
from acupath.analytics.questions import MeanRow, RateRow
from acupath.errors import InputError
from acupath.evidence.random_effects import meta_analysis


def _files(*payloads):
    return [(p["clinic"], parse_aggregates(p, p["clinic"])) for p in payloads]


def test_mean_improvement_rows_are_the_mean_with_variance_sd_squared_over_n() -> None:
    pool = pool_condition(_files(HARBOUR, RIVERSIDE, HILL), "chronic_low_back_pain", "MN")
    assert [(r.clinic, r.n) for r in pool.rows] == [("Harbour", 94), ("Riverside", 34), ("Hill", 50)]
    assert pool.rows[0].yi == 1.89 and math.isclose(pool.rows[0].vi, 1.55 ** 2 / 94, rel_tol=1e-15)
    expected = meta_analysis([1.89, 1.15, 2.31], [1.55 ** 2 / 94, 1.46 ** 2 / 34, 1.70 ** 2 / 50], "REML")
    assert pool.result is not None
    assert pool.result.estimate == pytest.approx(expected.estimate, rel=1e-12)
    assert pool.result.tau2 == pytest.approx(expected.tau2, rel=1e-12)
    assert list(pool.result.labels) == ["Harbour", "Riverside", "Hill"]


def test_responder_rows_are_the_itt_proportion_with_its_binomial_variance() -> None:
    pool = pool_condition(_files(HARBOUR, RIVERSIDE), "chronic_low_back_pain", "PR", "DL")
    assert [(r.yi, r.n) for r in pool.rows] == [(0.6, 100), (11 / 35, 35)]
    assert math.isclose(pool.rows[1].vi, (11 / 35) * (24 / 35) / 35, rel_tol=1e-15)
    assert pool.result is not None and pool.result.method == "DL"


def test_a_suppressed_cell_is_left_out_with_its_reason_never_silently() -> None:
    pool = pool_condition(_files(HARBOUR, RIVERSIDE, HILL), "neck_pain", "MN")
    assert [r.clinic for r in pool.rows] == ["Harbour", "Hill"]
    assert pool.left_out == [("Riverside", "suppressed (fewer courses followed up than the clinic's min_cell)")]
    migraine = pool_condition(_files(HARBOUR, RIVERSIDE, HILL), "migraine", "MN")
    assert migraine.result is None and [r.clinic for r in migraine.rows] == ["Riverside"]
    assert dict(migraine.left_out) == {"Harbour": "suppressed (fewer courses followed up than the clinic's min_cell)",
                                       "Hill": "no courses of this condition"}


def test_all_responding_has_no_variance_and_is_left_out_of_the_proportions() -> None:
    pool = pool_condition(_files(HARBOUR, HILL), "neck_pain", "PR")
    assert [r.clinic for r in pool.rows] == ["Harbour"] and pool.result is None
    assert "12 of 12 responded" in pool.left_out[0][1]


def test_a_mean_with_no_spread_has_no_variance_and_is_left_out_of_the_means() -> None:
    # A clinic whose followed-up courses all improved alike (SD 0) broke the pooling: REML needs vi > 0.
    alike = payload("Alike", [cell("chronic_low_back_pain", 12, 0, 12, 0.0, 0.0)])
    pool = pool_condition(_files(HARBOUR, RIVERSIDE, alike), "chronic_low_back_pain", "MN")
    assert [r.clinic for r in pool.rows] == ["Harbour", "Riverside"] and pool.result is not None
    assert pool.left_out == [("Alike", "all 12 courses followed up improved by the same 0 points: a mean with no "
                                       "spread (SD 0) has no variance")]


def test_conditions_are_every_condition_any_clinic_names() -> None:
    assert conditions_of(_files(HARBOUR, HILL)) == ["chronic_low_back_pain", "migraine", "neck_pain"]


def test_unknown_measure_is_refused() -> None:
    with pytest.raises(InputError, match="--measure: unknown measure 'SMD'"):
        pool_condition(_files(HARBOUR, HILL), "neck_pain", "SMD")


@pytest.mark.parametrize(("bad", "field"), [
    ({"courses": 8, "responders": 2}, "below min_cell 10 but not suppressed"),
    ({"responders": 120}, "responders cannot exceed courses"),
    ({"sd_improvement": None}, "given together or all null"),
    ({"sd_improvement": -1.0}, "sd_improvement"),
])
def test_a_payload_that_breaks_the_suppression_or_its_own_numbers_is_refused(bad, field) -> None:
    broken = payload("Harbour", [{**cell("neck_pain", 67, 30, 60, 1.5, 1.4), **bad}])
    with pytest.raises(InputError, match=field):
        parse_aggregates(broken, "harbour.json")


def test_files_judged_at_different_sessions_do_not_pool() -> None:
    other = payload("Hill", [cell("neck_pain", 12, 6, 12, 2.9, 0.8)])
    other["outcome"]["at_session"] = 8
    with pytest.raises(InputError, match="hill.json: summarises"):
        check_poolable([("harbour.json", parse_aggregates(HARBOUR, "h")), ("hill.json", parse_aggregates(other, "x"))])


def test_the_exported_payload_takes_the_analytics_rows_and_keeps_their_suppression() -> None:
    rates = [RateRow({"condition": "neck_pain"}, 67, 30, 0.45, 0.3, 0.6),
             RateRow({"condition": "migraine"}, None, None, None, None, None)]
    # Neck pain: 67 courses, but fewer than 10 followed up, so its mean is suppressed and its rate is not.
    means = [MeanRow({"condition": "neck_pain"}, None, None, None, None, None),
             MeanRow({"condition": "migraine"}, None, None, None, None, None)]
    built = build_aggregates(rates, means, clinic="Harbour", exported_on=date(2026, 12, 1),
                             period=(None, None), at_session=None, min_cell=10)
    assert built["conditions"] == [cell("migraine", None, None, None, None, None),
                                   cell("neck_pain", 67, 30, None, None, None)]
    assert effect_size(parse_aggregates(built, "x").conditions[1], "PR") == (30 / 67, (30 / 67) * (37 / 67) / 67, 67)
