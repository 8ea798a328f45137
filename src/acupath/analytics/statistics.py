"""The estimates the practice-evidence questions report: Wilson interval, mean with t interval, Kaplan-Meier.

Plain functions of counts and sums, so that the tests check them by hand and the SQL only counts.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

#: The normal quantile of a two-sided 95 % interval.
Z95 = 1.959963984540054


def wilson(responders: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Return the Wilson score interval (low, high) of ``responders`` / ``n`` (Wilson 1927; Newcombe 1998).

    Raises ``ValueError`` when ``n`` < 1 or ``responders`` is not within 0..n.
    """
    if n < 1 or not 0 <= responders <= n:
        raise ValueError(f"need 0 <= responders <= n and n >= 1, got {responders}/{n}")
    p = responders / n
    z2 = z * z
    denominator = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denominator
    # At 0 or n the bound is exactly 0 or 1; the floating-point subtraction leaves a crumb instead.
    low = 0.0 if responders == 0 else max(0.0, centre - half)
    high = 1.0 if responders == n else min(1.0, centre + half)
    return low, high


@dataclass(frozen=True)
class MeanEstimate:
    """A mean with its standard deviation and 95 % t interval (None when n < 2)."""

    n: int
    mean: float
    sd: float | None
    ci_low: float | None
    ci_high: float | None


def mean_interval(n: int, total: float, total_of_squares: float) -> MeanEstimate:
    """Return the mean, SD and 95 % t interval of ``n`` values given their sum and sum of squares.

    Raises ``ValueError`` when ``n`` < 1.
    """
    if n < 1:
        raise ValueError("need at least one value")
    mean = total / n
    if n < 2:
        return MeanEstimate(n, mean, None, None, None)
    variance = max(0.0, (total_of_squares - n * mean * mean) / (n - 1))
    sd = math.sqrt(variance)
    from scipy.stats import t  # imported on first use: ~0.2 s, only for an interval

    half = float(t.ppf(0.975, n - 1)) * sd / math.sqrt(n)
    return MeanEstimate(n, mean, sd, mean - half, mean + half)


@dataclass(frozen=True)
class Step:
    """The Kaplan-Meier estimate after one session: share responded (1 - S) with its 95 % interval.

    ``at_risk`` courses were still followed at the session, ``responded`` of them responded there.
    """

    session: int
    at_risk: int
    responded: int
    share: float
    ci_low: float
    ci_high: float


def kaplan_meier(times: Iterable[tuple[int, bool, int]], min_at_risk: int = 1) -> list[Step]:
    """Return the cumulative share responded by session number (Kaplan-Meier, Greenwood's variance).

    ``times`` are (session, responded, count): ``count`` courses that responded at that session, or
    were last followed there without responding (censored). The curve stops before the first session
    where fewer than ``min_at_risk`` courses are at risk (small-cell suppression). The interval is
    the log-log one on S (Kalbfleisch and Prentice), reported as 1 - S.
    """
    events: dict[int, list[int]] = {}
    total = 0
    for session, responded, count in times:
        entry = events.setdefault(session, [0, 0])
        entry[0 if responded else 1] += count
        total += count
    at_risk, survival, greenwood = total, 1.0, 0.0
    steps: list[Step] = []
    for session in sorted(events):
        responded, censored = events[session]
        if at_risk < min_at_risk or at_risk == 0:
            break
        if responded:
            survival *= 1 - responded / at_risk
            if at_risk > responded:
                greenwood += responded / (at_risk * (at_risk - responded))
            low, high = _log_log(survival, greenwood)
            steps.append(Step(session, at_risk, responded, 1 - survival, 1 - high, 1 - low))
        at_risk -= responded + censored
    return steps


def _log_log(survival: float, greenwood: float) -> tuple[float, float]:
    if survival <= 0.0 or survival >= 1.0 or greenwood == 0.0:
        return survival, survival
    spread = Z95 * math.sqrt(greenwood) / abs(math.log(survival))
    return survival ** math.exp(spread), survival ** math.exp(-spread)
