"""Regenerate reml_optima.npz (PyMARE's REML τ² for the 40,000 datasets of random_k20.py) and
../r/bimodal_k20.csv (the datasets whose restricted likelihood has more than one peak, for R).

PyMARE lives only in the benchmark venv (``make bench-meta`` creates it), so run from the repository root:

    .venv-bench/bin/python tests/reference/evidence/pymare/generate_optima.py
    Rscript tests/reference/evidence/r/generate_bimodal_pins.R

CI never runs this; test_global_maximum.py reads the files it writes.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parent))

from random_k20 import SEEDS, all_datasets, fingerprint  # noqa: E402


def peaks(y: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Number of local maxima of the restricted likelihood per row on a dense grid (400 points)."""
    from acupath.evidence import tau2_global

    cols = tau2_global._centred(y, None)
    upper = tau2_global.upper_bound(cols, v, None, "REML")
    taus = upper[:, None] * np.concatenate([[0.0], np.geomspace(1e-8, 1.0, 400)])[None, :]
    ll = np.column_stack([tau2_global.loglik(cols, v, None, taus[:, j], True) for j in range(taus.shape[1])])
    rising = np.diff(ll, axis=1) > 0
    interior = (rising[:, :-1] & ~rising[:, 1:]).sum(axis=1)
    return interior + (~rising[:, 0])


def main() -> None:
    """Fit PyMARE's REML to every dataset (its vectorised parallel-dataset search) and write the files."""
    from pymare.estimators import VarianceBasedLikelihoodEstimator

    y, v = all_datasets()
    est = VarianceBasedLikelihoodEstimator(method="REML")
    tau2 = np.empty(y.shape[0])
    for start in range(0, y.shape[0], 5_000):  # datasets are PyMARE's columns
        part = slice(start, start + 5_000)
        est.fit(y[part].T, v[part].T, np.ones((y.shape[1], 1)))
        tau2[part] = np.ravel(est.params_["tau2"])
    np.savez_compressed(HERE / "reml_optima.npz", tau2=tau2, seeds=np.asarray(SEEDS),
                        fingerprint=fingerprint(y, v))
    bimodal = np.flatnonzero(peaks(y, v) > 1)
    with (HERE.parent / "r" / "bimodal_k20.csv").open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["dataset", "yi", "vi"])
        for row in bimodal:
            for yi, vi in zip(y[row], v[row], strict=True):
                writer.writerow([int(row), repr(float(yi)), repr(float(vi))])
    print(f"{y.shape[0]} datasets, {bimodal.size} with more than one peak")


if __name__ == "__main__":
    main()
