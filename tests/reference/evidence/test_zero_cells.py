"""Zero cells and subgroups pooled by Mantel-Haenszel, against metafor (pins ``zero_*`` and
``bcg_subgroups_alloc_MH_RR`` in r/metafor_pins.json, each with its R call).

metafor's defaults: ``escalc``/``rma`` add 1/2 to every cell of a table with a zero cell and keep a
double-zero table (``drop00=FALSE``); ``rma.mh``/``rma.peto`` pool the raw cells and drop the
double-zero table from Q (``drop00=TRUE``). Peto's Q is metafor's raw-cell formula.
"""

from __future__ import annotations

import numpy as np
import pytest
from metafor_tolerances import CLOSED, ITERATIVE, close

from acupath.evidence.binary import mantel_haenszel, peto
from acupath.evidence.effect_sizes import binary_effect_sizes
from acupath.evidence.random_effects import meta_analysis
from acupath.evidence.subgroups import subgroup_differences

ZERO = ([0, 2, 0, 4, 7, 1], [20, 18, 25, 16, 13, 30], [3, 5, 0, 0, 9, 6], [17, 15, 25, 20, 11, 25])


@pytest.mark.parametrize("measure", ["RR", "OR", "RD"])
def test_escalc_adds_half_to_zero_tables_and_keeps_double_zero(pins, measure):
    exp = pins[f"zero_escalc_{measure}"]["values"]
    es = binary_effect_sizes(measure, *ZERO)
    close(es.yi, exp["yi"], CLOSED, atol=1e-15)
    close(es.vi, exp["vi"], CLOSED)


@pytest.mark.parametrize("method", ["DL", "REML"])
@pytest.mark.parametrize("measure", ["RR", "OR", "RD"])
def test_random_effects_on_zero_cell_tables(pins, measure, method):
    exp = pins[f"zero_{measure}_{method}"]["values"]
    es = binary_effect_sizes(measure, *ZERO)
    res = meta_analysis(es.yi, es.vi, method)
    tol = CLOSED if method == "DL" else ITERATIVE
    assert res.k == exp["k"]
    close([res.estimate, res.se, res.heterogeneity.q], [exp["beta"], exp["se"], exp["QE"]], tol)
    # OR REML: metafor stops at tau2 = 1.4e-11, the optimum is 0 (absolute tolerance)
    close(res.tau2, exp["tau2"], tol, atol=1e-9)


@pytest.mark.parametrize("measure", ["RR", "OR", "RD"])
def test_mantel_haenszel_drops_the_double_zero_table_from_q(pins, measure):
    exp = pins[f"zero_MH_{measure}"]["values"]
    res = mantel_haenszel(measure, *ZERO)
    h = res.heterogeneity
    assert res.k == exp["k"] and h.q_df == 4
    close([res.estimate, res.se, h.q, h.q_pval, h.i2, h.h2],
          [exp["beta"], exp["se"], exp["QE"], exp["QEp"], exp["I2"], exp["H2"]], CLOSED)
    assert np.isnan(res.yi[2]) and len(res.weights) == 6  # the double-zero table stays in its row


def test_peto_q_uses_the_raw_cells_as_metafor(pins):
    exp = pins["zero_PETO"]["values"]
    res = peto(*ZERO)
    h = res.heterogeneity
    close([res.estimate, res.se, h.q, h.q_pval, h.i2, h.h2],
          [exp["beta"], exp["se"], exp["QE"], exp["QEp"], exp["I2"], exp["H2"]], CLOSED)


def test_mantel_haenszel_subgroups_and_the_test_for_differences(pins, bcg):
    exp = pins["bcg_subgroups_alloc_MH_RR"]["values"]
    groups = {}
    for name in exp["groups"]:
        idx = [i for i, a in enumerate(bcg["alloc"]) if a == name]
        groups[name] = mantel_haenszel("RR", *(bcg[c][idx] for c in ("tpos", "tneg", "cpos", "cneg")))
    sub = subgroup_differences(groups)
    close([r.estimate for r in sub.groups.values()], exp["estimate"], CLOSED)
    close([sub.q_between, sub.q_between_pval], [exp["Q_between"], exp["Q_between_p"]], CLOSED)
