"""Per-study effect sizes from summary data (metafor ``escalc`` conventions).

Formulas: meta-analysis.md §3.1. Zero cells follow metafor's defaults (§3.1 "Zero cells"): ``add=1/2``
is added to all four cells of a study that has a zero cell (``to="only0"``); double-zero studies are
kept (``drop00=False``) for ``escalc``, and dropped for the per-study values behind MH/Peto.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.special import gammaln

from acupath.errors import InputError

BINARY_MEASURES = ("RR", "OR", "RD", "PETO")
CONTINUOUS_MEASURES = ("MD", "SMD", "ROM")
MEASURES = ("MD", "SMD", "ROM", "RR", "OR", "RD", "GEN")


@dataclass(frozen=True)
class EffectSizes:
    """Study-level effect sizes ``yi`` and sampling variances ``vi`` on the analysis scale.

    ``measure`` names the scale (log scale for RR/OR/ROM/PETO); ``dropped`` lists the indices of input
    studies that were left out (double-zero tables when ``drop00`` is true).
    """

    measure: str
    yi: np.ndarray
    vi: np.ndarray
    dropped: tuple[int, ...] = ()

    @property
    def k(self) -> int:
        """Number of studies with an effect size."""
        return int(self.yi.size)


def _as_array(name: str, values: Sequence[float] | np.ndarray) -> np.ndarray:
    arr = np.asarray(values, dtype=float)
    if arr.ndim != 1:
        raise InputError(name, "must be a one-dimensional list of numbers")
    if not np.all(np.isfinite(arr)):
        raise InputError(name, "contains a missing or non-finite value", "finite numbers")
    return arr


def _same_length(**arrays: np.ndarray) -> int:
    lengths = {name: a.size for name, a in arrays.items()}
    if len(set(lengths.values())) != 1:
        raise InputError(",".join(lengths), f"columns have different lengths {sorted(set(lengths.values()))}")
    k = next(iter(lengths.values()))
    if k == 0:
        raise InputError(",".join(lengths), "no studies given", "at least one study")
    return k


def _first_bad(mask: np.ndarray) -> int:
    return int(np.flatnonzero(mask)[0]) + 1


def exact_j(m: np.ndarray) -> np.ndarray:
    """Return Hedges' exact small-sample factor J(m) = Γ(m/2) / (sqrt(m/2) Γ((m−1)/2)).

    Computed on the log scale so that large ``m`` does not overflow (meta-analysis.md §3.1).
    """
    m = np.asarray(m, dtype=float)
    return np.exp(gammaln(m / 2.0) - 0.5 * np.log(m / 2.0) - gammaln((m - 1.0) / 2.0))


def binary_cells(
    ai: Sequence[float], bi: Sequence[float], ci: Sequence[float], di: Sequence[float]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Validate a set of 2×2 tables and return the four cell arrays.

    Raises:
        InputError: a negative or non-finite cell, columns of unequal length, or an arm with no one in it.
    """
    a, b, c, d = (_as_array(n, x) for n, x in (("ai", ai), ("bi", bi), ("ci", ci), ("di", di)))
    _same_length(ai=a, bi=b, ci=c, di=d)
    for name, arr in (("ai", a), ("bi", b), ("ci", c), ("di", d)):
        if np.any(arr < 0):
            raise InputError(name, f"study {_first_bad(arr < 0)} has a negative count (events above totals?)",
                             "counts >= 0")
    for name, n in (("ai+bi", a + b), ("ci+di", c + d)):
        if np.any(n <= 0):
            raise InputError(name, f"study {_first_bad(n <= 0)} has an empty arm", "at least one participant")
    return a, b, c, d


def cells_from_totals(
    events1: Sequence[float], n1: Sequence[float], events2: Sequence[float], n2: Sequence[float]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Turn events/totals per arm into 2×2 cells (ai, bi, ci, di).

    Raises:
        InputError: events above totals, negative counts, or unequal lengths.
    """
    e1, t1, e2, t2 = (_as_array(n, x) for n, x in (("ai", events1), ("n1i", n1), ("ci", events2), ("n2i", n2)))
    for ev, tot, name in ((e1, t1, "ai"), (e2, t2, "ci")):
        if np.any(ev > tot):
            raise InputError(name, f"study {_first_bad(ev > tot)} has more events than participants",
                             "events <= totals")
    return binary_cells(e1, t1 - e1, e2, t2 - e2)


def continuity_corrected(
    a: np.ndarray, b: np.ndarray, c: np.ndarray, d: np.ndarray, add: float = 0.5, to: str = "only0"
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Return the cells with ``add`` applied as metafor's ``to`` option says ("only0", "all", "none")."""
    if to == "none" or add == 0:
        return a, b, c, d
    if to == "all":
        hit = np.ones(a.shape, dtype=bool)
    elif to == "only0":
        hit = (a == 0) | (b == 0) | (c == 0) | (d == 0)
    else:
        raise InputError("to", f"unknown continuity-correction rule {to!r}", ("only0", "all", "none"))
    inc = np.where(hit, add, 0.0)
    return a + inc, b + inc, c + inc, d + inc


def binary_effect_sizes(
    measure: str,
    ai: Sequence[float],
    bi: Sequence[float],
    ci: Sequence[float],
    di: Sequence[float],
    *,
    add: float = 0.5,
    to: str = "only0",
    drop00: bool = False,
) -> EffectSizes:
    """Return log RR, log OR, RD or Peto log OR per study (metafor ``escalc`` defaults).

    Raises:
        InputError: unknown measure or impossible counts (see :func:`binary_cells`).
    """
    if measure not in BINARY_MEASURES:
        raise InputError("measure", f"{measure!r} is not a binary measure", BINARY_MEASURES)
    a, b, c, d = binary_cells(ai, bi, ci, di)
    keep = np.ones(a.shape, dtype=bool)
    if drop00:
        keep = ~(((a == 0) & (c == 0)) | ((b == 0) & (d == 0)))
    dropped = tuple(int(i) for i in np.flatnonzero(~keep))
    a, b, c, d = continuity_corrected(a[keep], b[keep], c[keep], d[keep], add, to)
    n1, n2 = a + b, c + d
    with np.errstate(divide="ignore", invalid="ignore"):
        if measure == "RR":
            yi = np.log(a / n1) - np.log(c / n2)
            vi = 1 / a - 1 / n1 + 1 / c - 1 / n2
        elif measure == "OR":
            yi = np.log(a * d / (b * c))
            vi = 1 / a + 1 / b + 1 / c + 1 / d
        elif measure == "RD":
            p1, p2 = a / n1, c / n2
            yi = p1 - p2
            vi = p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2
        else:  # PETO: (O - E) / V, meta-analysis.md §3.1
            n = n1 + n2
            events = a + c
            var = events * (b + d) * n1 * n2 / (n**2 * (n - 1))
            yi = (a - events * n1 / n) / var
            vi = 1 / var
    return EffectSizes(measure, yi, vi, dropped)


def continuous_effect_sizes(
    measure: str,
    m1i: Sequence[float],
    sd1i: Sequence[float],
    n1i: Sequence[float],
    m2i: Sequence[float],
    sd2i: Sequence[float],
    n2i: Sequence[float],
    *,
    vtype: str = "LS",
    correct: bool = True,
) -> EffectSizes:
    """Return MD, SMD (Hedges' g, exact J) or log ratio of means per study.

    ``vtype``: MD "LS" = s1²/n1 + s2²/n2 (metafor default) or "HO" = pooled SD; SMD "LS" (metafor
    default) = 1/n1 + 1/n2 + g²/(2N) or "UB" = 1/n1 + 1/n2 + (1 − (m−2)/(m J²)) g². ``correct``: ROM
    bias correction (metafor ≥ 5.0-1 default).

    Raises:
        InputError: unknown measure, negative SD, group size below 1 (SMD: total below 3), or a
            non-positive mean for ROM.
    """
    if measure not in CONTINUOUS_MEASURES:
        raise InputError("measure", f"{measure!r} is not a continuous measure", CONTINUOUS_MEASURES)
    names = ("m1i", "sd1i", "n1i", "m2i", "sd2i", "n2i")
    m1, s1, n1, m2, s2, n2 = (_as_array(n, x) for n, x in zip(names, (m1i, sd1i, n1i, m2i, sd2i, n2i), strict=True))
    _same_length(m1i=m1, sd1i=s1, n1i=n1, m2i=m2, sd2i=s2, n2i=n2)
    for name, arr in (("sd1i", s1), ("sd2i", s2)):
        if np.any(arr < 0):
            raise InputError(name, f"study {_first_bad(arr < 0)} has a negative standard deviation", "SD >= 0")
    for name, arr in (("n1i", n1), ("n2i", n2)):
        if np.any(arr < 1):
            raise InputError(name, f"study {_first_bad(arr < 1)} has a group size below 1", "n >= 1")
    if measure == "MD":
        yi = m1 - m2
        if vtype == "HO":
            sp2 = ((n1 - 1) * s1**2 + (n2 - 1) * s2**2) / (n1 + n2 - 2)
            vi = sp2 * (1 / n1 + 1 / n2)
        else:
            vi = s1**2 / n1 + s2**2 / n2
        return EffectSizes(measure, yi, vi)
    if measure == "SMD":
        if np.any(n1 + n2 < 3):
            raise InputError("n1i+n2i", f"study {_first_bad(n1 + n2 < 3)} has fewer than 3 participants", ">= 3")
        m = n1 + n2 - 2
        sp = np.sqrt(((n1 - 1) * s1**2 + (n2 - 1) * s2**2) / m)
        if np.any(sp == 0):
            raise InputError("sd1i,sd2i", f"study {_first_bad(sp == 0)} has a pooled SD of 0", "SD > 0")
        j = exact_j(m)
        g = j * (m1 - m2) / sp
        if vtype == "UB":
            vi = 1 / n1 + 1 / n2 + (1 - (m - 2) / (m * j**2)) * g**2
        else:
            vi = 1 / n1 + 1 / n2 + g**2 / (2 * (n1 + n2))
        return EffectSizes(measure, g, vi)
    for name, arr in (("m1i", m1), ("m2i", m2)):
        if np.any(arr <= 0):
            raise InputError(name, f"study {_first_bad(arr <= 0)} has a mean <= 0, ROM needs positive means",
                             "means > 0")
    term1, term2 = s1**2 / (n1 * m1**2), s2**2 / (n2 * m2**2)
    yi = np.log(m1 / m2) + ((term1 - term2) / 2 if correct else 0.0)
    return EffectSizes(measure, yi, term1 + term2)


def generic_effect_sizes(yi: Sequence[float], vi: Sequence[float]) -> EffectSizes:
    """Return effect sizes given directly as ``yi`` and ``vi``.

    Raises:
        InputError: a negative variance, non-finite values or unequal lengths.
    """
    y, v = _as_array("yi", yi), _as_array("vi", vi)
    _same_length(yi=y, vi=v)
    if np.any(v < 0):
        raise InputError("vi", f"study {_first_bad(v < 0)} has a negative sampling variance", "vi >= 0")
    return EffectSizes("GEN", y, v)
