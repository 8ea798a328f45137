"""Meta-analysis speed: acupath vs PyMARE and statsmodels on the same data in the same run.

Run: ``make bench-meta`` (creates ``.venv-bench`` with benchmarks/requirements-meta.txt, then runs
``.venv-bench/bin/python -m benchmarks.meta``). Three parts, each with ratios (comparator time / acupath
time; > 1 means acupath is faster):

1. In process, ms per fit (best of 5 repeats) for REML and DL at k = 10, 100, 1,000 and 10,000: what
   users call, the default ``meta_analysis(y, v, method)`` (input validation, τ² and its SE and its
   Q-profile CI with the I² and H² CIs, estimate, SE, z, p, CI, prediction interval, Q and its p, I²,
   H², study weights and the result object); PyMARE
   ``Estimator().fit_dataset(Dataset(y, v)).summary().get_fe_stats()`` (τ², estimate, SE, z, p, CI; no
   τ² CI); statsmodels ``combine_effects(y, v, method_re=...)`` (τ², fixed- and random-effects estimate
   and SE, Q, I², H², weights, the HKSJ scale; no CI, p-value or τ² CI). statsmodels has no REML: its
   row shows its default iterative estimator (Paule–Mandel, ``method_re="iterated"``), marked "PM*".
2. A batch of 10,000 independent meta-analyses of k = 20 (``fit_batch``; PyMARE's parallel datasets;
   statsmodels one call each).
3. As a process, ms per run (best of 5): ``acupath meta analyze FILE.csv --measure GEN`` (REML, the
   printed table) against a ``python -c`` script that reads the same CSV with the csv module and
   prints PyMARE's or statsmodels' fit, and ``python -c pass`` (interpreter start-up alone).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from acupath.evidence.batch import fit_batch
from acupath.evidence.random_effects import meta_analysis

SIZES = (10, 100, 1_000, 10_000)
BATCH = (10_000, 20)
PROCESS_SIZES = (10, 1_000)
READ_CSV = ("import csv, sys; import numpy as np; rows = list(csv.DictReader(open(sys.argv[1]))); "
            "y = np.array([float(r['yi']) for r in rows]); v = np.array([float(r['vi']) for r in rows]); ")
PROCESS_SCRIPTS = {
    "PyMARE": READ_CSV + ("from pymare import Dataset; from pymare.estimators import VarianceBasedLikelihoodEstimator as E; "
                          "print(E(method='REML').fit_dataset(Dataset(y=y, v=v)).summary().get_fe_stats())"),
    "statsmodels": READ_CSV + ("from statsmodels.stats.meta_analysis import combine_effects; "
                               "print(combine_effects(y, v, method_re='iterated').summary_frame())"),
}


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


def process_ms(argv: list[str], repeats: int = 5) -> float:
    """Wall-clock milliseconds of the fastest of ``repeats`` runs of a command (after one warm-up)."""
    subprocess.run(argv, check=True, capture_output=True)
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run(argv, check=True, capture_output=True)
        best = min(best, time.perf_counter() - start)
    return best * 1e3


def _cell(name: str, method: str, theirs: float, ours: float, digits: int) -> str:
    star = "*" if name == "statsmodels" and method == "REML" else ""
    return f"{theirs:>12.{digits}f}{star or ' '}{theirs / ours:>7.1f}x"


def _header(first: str) -> None:
    header = f"{first:<26}{'acupath':>10}" + "".join(f"{n:>13}{'ratio':>8}" for n in ("PyMARE", "statsmodels"))
    print(header)
    print("-" * len(header))


def in_process(rng: np.random.Generator, others: dict[str, dict[str, Callable]]) -> None:
    """Part 1 and 2: single fits by size, then the batch."""
    _header("case (ms per fit)")
    for method in ("REML", "DL"):
        for k in SIZES:
            y, v = data(rng, (k,))
            ours = best_ms(lambda y=y, v=v, m=method: meta_analysis(y, v, m))
            line = f"{f'{method} k={k:,}':<26}{ours:>10.3f}"
            for name in ("PyMARE", "statsmodels"):
                fit = others.get(name, {}).get(method)
                line += (f"{'n/a':>13}{'':>8}" if fit is None
                         else _cell(name, method, best_ms(lambda y=y, v=v, f=fit: f(y, v)), ours, 3))
            print(line)
    m, k = BATCH
    y, v = data(rng, (m, k))
    for method in ("REML", "DL"):
        ours = best_ms(lambda y=y, v=v, mt=method: fit_batch(y, v, mt), budget=0.5, repeats=5)
        line = f"{f'batch {m:,}x{k} {method}':<26}{ours:>10.1f}"
        for name in ("PyMARE", "statsmodels"):
            fit = others.get(name, {}).get(method)
            if fit is None:
                line += f"{'n/a':>13}{'':>8}"
                continue
            if name == "PyMARE":  # PyMARE fits parallel datasets as columns of a (k, m) array
                theirs = best_ms(lambda f=fit: f(y.T, v.T), budget=0.5, repeats=3)
            else:  # statsmodels has no batch API: one call per meta-analysis
                theirs = best_ms(lambda f=fit: [f(y[i], v[i]) for i in range(m)], budget=0.0, repeats=1)
            line += _cell(name, method, theirs, ours, 1)
        print(line)


def as_process(rng: np.random.Generator, others: dict[str, dict[str, Callable]]) -> None:
    """Part 3: ``acupath meta analyze`` as a command beside the comparators' scripts (REML)."""
    acupath = str(Path(sys.executable).with_name("acupath"))
    bare = process_ms([sys.executable, "-c", "pass"])
    print(f"\n`python -c pass` {bare:.0f} ms")
    _header("command (ms per run)")
    with tempfile.TemporaryDirectory() as tmp:
        for k in PROCESS_SIZES:
            y, v = data(rng, (k,))
            path = Path(tmp) / f"studies_{k}.csv"
            path.write_text("yi,vi\n" + "".join(f"{float(a)!r},{float(b)!r}\n" for a, b in zip(y, v, strict=True)))
            ours = process_ms([acupath, "meta", "analyze", str(path), "--measure", "GEN"])
            line = f"{f'meta analyze k={k:,}':<26}{ours:>10.0f}"
            for name in ("PyMARE", "statsmodels"):
                if name not in others:
                    line += f"{'n/a':>13}{'':>8}"
                    continue
                theirs = process_ms([sys.executable, "-c", PROCESS_SCRIPTS[name], str(path)])
                line += _cell(name, "REML", theirs, ours, 0)
            print(line)


def main() -> None:
    """Measure and print the tables."""
    rng = np.random.default_rng(20260101)
    others = comparators()
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"python {sys.version.split()[0]}, numpy {np.__version__}; load average {load}; "
          "best of 5; ratio = other/acupath")
    in_process(rng, others)
    as_process(rng, others)
    print("* statsmodels has no REML; its iterative Paule-Mandel estimator is timed instead.")


if __name__ == "__main__":
    main()
