"""Meta-analysis speed: acupath vs PyMARE and statsmodels on the same data in the same run.

Run: ``make bench-meta`` (creates ``.venv-bench`` with benchmarks/requirements-meta.txt, then runs
``.venv-bench/bin/python -m benchmarks.meta``). Prints milliseconds per fit (best of several
repeats) for REML and DL at k = 10, 100, 1,000 and 10,000, and for a batch of 10,000 independent
meta-analyses of k = 20, with ratios (comparator time / acupath time; > 1 means acupath is faster).

What one "fit" is, per library: acupath ``meta_analysis(y, v, method, tau2_ci=False)`` (input
validation, τ² and its SE, estimate, SE, z, p, CI, prediction interval, Q and its p, I², H², study
weights and the result object; the Q-profile CI for τ², which no comparator computes here, is left
out) or ``fit_batch``; PyMARE ``Estimator().fit_dataset(Dataset(y, v)).summary().get_fe_stats()``
(τ², estimate, SE, z, p, CI); statsmodels ``combine_effects(y, v, method_re=...)`` (τ², fixed- and
random-effects estimate and SE, Q, I², H², weights, the HKSJ scale; no CI or p-value is computed in
the fit, its ``conf_int()`` does that on request). statsmodels has no REML: its row shows its
default iterative estimator (Paule–Mandel, ``method_re="iterated"``), marked "PM*".
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable

import numpy as np

from acupath.evidence.batch import fit_batch
from acupath.evidence.random_effects import meta_analysis

SIZES = (10, 100, 1_000, 10_000)
BATCH = (10_000, 20)


def best_ms(fn: Callable[[], object], budget: float = 0.3, repeats: int = 5) -> float:
    """Milliseconds per call: the best of ``repeats`` runs of as many calls as fit in ``budget`` s."""
    fn()
    start = time.perf_counter()
    fn()
    once = time.perf_counter() - start
    n = max(1, int(budget / max(once, 1e-7)))
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(n):
            fn()
        best = min(best, (time.perf_counter() - start) / n)
    return best * 1e3


def data(rng: np.random.Generator, shape: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Effects with between-study variance 0.1 and sampling variances in [0.01, 0.5]."""
    v = rng.uniform(0.01, 0.5, shape)
    return rng.normal(0.3, np.sqrt(v + 0.1)), v


def comparators() -> dict[str, dict[str, Callable]]:
    """Fit functions of PyMARE and statsmodels (absent → empty)."""
    out: dict[str, dict[str, Callable]] = {}
    try:
        from pymare import Dataset
        from pymare.estimators import DerSimonianLaird, VarianceBasedLikelihoodEstimator

        def pymare_fit(method: str) -> Callable:
            def fit(y, v):
                est = VarianceBasedLikelihoodEstimator(method="REML") if method == "REML" else DerSimonianLaird()
                return est.fit_dataset(Dataset(y=y, v=v)).summary().get_fe_stats()
            return fit

        out["PyMARE"] = {"REML": pymare_fit("REML"), "DL": pymare_fit("DL")}
    except ImportError:
        pass
    try:
        from statsmodels.stats.meta_analysis import combine_effects

        out["statsmodels"] = {"REML": lambda y, v: combine_effects(y, v, method_re="iterated"),
                              "DL": lambda y, v: combine_effects(y, v, method_re="dl")}
    except ImportError:
        pass
    return out


def main() -> None:
    """Measure and print the table."""
    rng = np.random.default_rng(20260101)
    others = comparators()
    names = ["PyMARE", "statsmodels"]
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"python {sys.version.split()[0]}, numpy {np.__version__}; load average {load}; "
          "ms per fit (best of 5); ratio = other/acupath")
    header = f"{'case':<26}{'acupath':>10}" + "".join(f"{n:>13}{'ratio':>8}" for n in names)
    print(header)
    print("-" * len(header))
    rows = [(f"{method} k={k:,}", method, k) for method in ("REML", "DL") for k in SIZES]
    for label, method, k in rows:
        y, v = data(rng, (k,))
        ours = best_ms(lambda y=y, v=v, m=method: meta_analysis(y, v, m, tau2_ci=False))
        line = f"{label:<26}{ours:>10.3f}"
        for name in names:
            fit = others.get(name, {}).get(method)
            if fit is None:
                line += f"{'n/a':>13}{'':>8}"
                continue
            theirs = best_ms(lambda y=y, v=v, f=fit: f(y, v))
            star = "*" if name == "statsmodels" and method == "REML" else ""
            line += f"{theirs:>12.3f}{star or ' '}{theirs / ours:>7.1f}x"
        print(line)
    m, k = BATCH
    y, v = data(rng, (m, k))
    for method in ("REML", "DL"):
        ours = best_ms(lambda y=y, v=v, mt=method: fit_batch(y, v, mt), budget=0.5, repeats=5)
        line = f"{f'batch {m:,}x{k} {method}':<26}{ours:>10.1f}"
        for name in names:
            fit = others.get(name, {}).get(method)
            if fit is None:
                line += f"{'n/a':>13}{'':>8}"
                continue
            if name == "PyMARE":  # PyMARE fits parallel datasets as columns of a (k, m) array
                theirs = best_ms(lambda f=fit: f(y.T, v.T), budget=0.5, repeats=3)
            else:  # statsmodels has no batch API: one call per meta-analysis
                theirs = best_ms(lambda f=fit: [f(y[i], v[i]) for i in range(m)], budget=0.0, repeats=1)
            star = "*" if name == "statsmodels" and method == "REML" else ""
            line += f"{theirs:>12.1f}{star or ' '}{theirs / ours:>7.1f}x"
        print(line)
    print("* statsmodels has no REML; its iterative Paule-Mandel estimator is timed instead.")


if __name__ == "__main__":
    main()
