"""Subgroup analysis: a separate meta-analysis per subgroup and the test for subgroup differences.

Q_between = Σ_g w_g(μ̂_g − μ̄)², w_g = 1/SE_g², on G − 1 df (the common-effect model over the subgroup
estimates, as RevMan and metafor's ``rma(est, sei=se, method="FE")``): each subgroup keeps its own τ².
A subgroup with a single study is pooled as that study (τ² = 0). :func:`subgroup_differences` runs
the same test on subgroups pooled any other way (Mantel-Haenszel, Peto), as RevMan does.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import special

from acupath.errors import InputError
from acupath.evidence.random_effects import meta_analysis
from acupath.evidence.results import MetaResult, SubgroupResult


def subgroup_analysis(yi: Sequence[float], vi: Sequence[float], groups: Sequence[str], method: str = "REML",
                      *, test: str = "z", level: float = 95.0, measure: str = "GEN",
                      labels: Sequence[str] = ()) -> SubgroupResult:
    """Fit ``method`` in every subgroup and test whether the subgroup estimates differ.

    Returns:
        A :class:`SubgroupResult` (groups in order of first appearance).

    Raises:
        InputError: fewer than 2 subgroups or a group label list of the wrong length.
    """
    y, v = np.asarray(yi, dtype=float), np.asarray(vi, dtype=float)
    g = [str(x) for x in groups]
    if len(g) != y.size:
        raise InputError("by", f"{len(g)} group labels for {y.size} studies", "one label per study")
    names = list(dict.fromkeys(g))
    if len(names) < 2:
        raise InputError("by", "only one subgroup", "at least 2 subgroups")
    lab = list(labels) if labels else [str(i + 1) for i in range(y.size)]
    results = {}
    for name in names:
        idx = [i for i, x in enumerate(g) if x == name]
        sub_method = method if len(idx) >= 2 else "FE"
        sub_test = test if len(idx) >= 2 else "z"
        results[name] = meta_analysis(y[idx], v[idx], sub_method, test=sub_test, level=level, measure=measure,
                                      labels=[lab[i] for i in idx])
    return subgroup_differences(results)


def subgroup_differences(results: dict[str, MetaResult]) -> SubgroupResult:
    """Test whether pooled subgroup results differ (any pooling: inverse variance, MH or Peto).

    Returns:
        A :class:`SubgroupResult` with Q_between over the subgroup estimates, weights 1/SE².

    Raises:
        InputError: fewer than 2 subgroups.
    """
    if len(results) < 2:
        raise InputError("by", "only one subgroup", "at least 2 subgroups")
    est = np.array([r.estimate for r in results.values()])
    w = 1 / np.array([r.se for r in results.values()]) ** 2
    q = float(np.sum(w * (est - np.sum(w * est) / w.sum()) ** 2))
    df = len(results) - 1
    return SubgroupResult(dict(results), q, df, float(special.chdtrc(df, q)))
