"""The 40,000 random meta-analyses of k = 20 studies used to check that ML/REML find the global
maximum (4 seeds × 10,000; the data of benchmarks/meta.py: vᵢ ~ U(0.01, 0.5), yᵢ ~ N(0.3, vᵢ + 0.1)).

Shared by test_global_maximum.py and pymare/generate_optima.py, so both see the same numbers;
:func:`fingerprint` is stored with the pinned optima so that a change of numpy's random streams is
detected instead of comparing different data.
"""

from __future__ import annotations

import numpy as np

SEEDS = (11, 12, 13, 14)
ROWS, K = 10_000, 20


def datasets(seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Return y and v, each of shape (ROWS, K), for one seed."""
    rng = np.random.default_rng(seed)
    v = rng.uniform(0.01, 0.5, (ROWS, K))
    return rng.normal(0.3, np.sqrt(v + 0.1)), v


def all_datasets() -> tuple[np.ndarray, np.ndarray]:
    """Return y and v of every seed stacked, shape (len(SEEDS)·ROWS, K)."""
    parts = [datasets(seed) for seed in SEEDS]
    return np.vstack([p[0] for p in parts]), np.vstack([p[1] for p in parts])


def fingerprint(y: np.ndarray, v: np.ndarray) -> float:
    """A checksum of the data (sums are stable to rounding, so compared with a tolerance)."""
    return float(np.sum(y) + 3.0 * np.sum(v * v))
