"""Computing a scale from item points: the interpreter of the scoring-rule vocabulary.

Each ``Method`` of ``acupath.knowledge.schema.instruments`` is one function here; the numbers (how
many items may be missing, divisors, cuts, rescaling) all come from the instrument file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from acupath.assessment.items import ItemRule, apply_cuts
from acupath.knowledge.schema.instruments import Scale

MINUTES_PER_DAY = 1440.0  # a clock difference that is negative crosses midnight (instruments.md §7, C4)

#: (value or None, why it is None)
Result = tuple[float | None, str | None]


@dataclass(frozen=True)
class ScaleRule:
    """A compiled scale: its definition, its items' maxima and the method that computes it."""

    scale: Scale
    need: int
    max_points: dict[str, float]
    compute: Callable[[ScaleRule, dict[str, float], dict[str, float], dict[str, float | None]], Result]

    def evaluate(self, points: dict[str, float], raw: dict[str, float],
                 done: dict[str, float | None]) -> Result:
        """Return this scale's value (cuts applied) or ``(None, reason)`` when it cannot be computed."""
        value, reason = self.compute(self, points, raw, done)
        if value is not None and self.scale.cuts:
            value = apply_cuts(self.scale.cuts, value)
        return value, reason


def _answered(rule: ScaleRule, points: dict[str, float]) -> tuple[list[float], str | None]:
    values = [points[key] for key in rule.scale.items if key in points]
    if len(values) < rule.need:
        n = len(rule.scale.items)
        return values, f"{rule.scale.id}: {len(values)} of {n} items answered, at least {rule.need} needed"
    return values, None


def _sum(rule: ScaleRule, points: dict[str, float], raw: dict[str, float], done: dict) -> Result:
    values, reason = _answered(rule, points)
    if reason:
        return None, reason
    total = sum(values)
    n = len(rule.scale.items)
    if len(values) < n:  # only reachable with missing: prorate (need == n otherwise)
        total = total * n / len(values)
    return total / rule.scale.divide_by, None


def _mean(rule: ScaleRule, points: dict[str, float], raw: dict[str, float], done: dict) -> Result:
    values, reason = _answered(rule, points)
    if reason:
        return None, reason
    return sum(values) / len(values) / rule.scale.divide_by, None


def _percent_of_answered_max(rule: ScaleRule, points: dict[str, float], raw: dict[str, float],
                             done: dict) -> Result:
    values, reason = _answered(rule, points)
    if reason:
        return None, reason
    # instruments.md §8: total / (5 x sections answered) x 100
    possible = sum(rule.max_points[key] for key in rule.scale.items if key in points)
    return sum(values) * 100.0 / possible, None


def _mean_rescaled(rule: ScaleRule, points: dict[str, float], raw: dict[str, float], done: dict) -> Result:
    values, reason = _answered(rule, points)
    if reason:
        return None, reason
    assert rule.scale.rescale is not None
    (a, b), (c, d) = rule.scale.rescale.source, rule.scale.rescale.target
    mean = sum(values) / len(values)
    return c + (mean - a) * (d - c) / (b - a), None


def _sum_of_scales(rule: ScaleRule, points: dict[str, float], raw: dict[str, float],
                   done: dict[str, float | None]) -> Result:
    missing = [ref for ref in rule.scale.scales if done.get(ref) is None]
    if missing:
        return None, f"{rule.scale.id}: needs {', '.join(missing)}"
    return sum(done[ref] for ref in rule.scale.scales) / rule.scale.divide_by, None  # type: ignore[misc]


def _sleep_efficiency(rule: ScaleRule, points: dict[str, float], raw: dict[str, float], done: dict) -> Result:
    clock = rule.scale.clock
    assert clock is not None
    keys = (clock.bedtime, clock.rise, clock.hours_asleep)
    missing = [key for key in keys if key not in raw]
    if missing:
        return None, f"{rule.scale.id}: {', '.join(missing)} not answered"
    in_bed = raw[clock.rise] - raw[clock.bedtime]
    if in_bed < 0:
        in_bed += MINUTES_PER_DAY
    if in_bed == 0:
        return None, f"{rule.scale.id}: bedtime equals getting-up time, so time in bed is zero"
    # rounded to 9 places so that 6.8 h in 8 h is exactly 85 % at the boundary, not 84.999...
    return round(raw[clock.hours_asleep] * 60.0 * 100.0 / in_bed, 9), None


METHODS = {
    "sum": _sum,
    "mean": _mean,
    "percent_of_answered_max": _percent_of_answered_max,
    "mean_rescaled": _mean_rescaled,
    "sum_of_scales": _sum_of_scales,
    "sleep_efficiency": _sleep_efficiency,
}


def compile_scale(scale: Scale, items: dict[str, ItemRule]) -> ScaleRule:
    """Return the ``ScaleRule`` of ``scale``; ``need`` is how many items must be answered."""
    need = len(scale.items) if scale.min_answered is None else scale.min_answered
    if scale.missing == "invalid" and scale.method == "sum":
        need = len(scale.items)  # a plain sum never silently drops an item
    return ScaleRule(scale, need, {key: items[key].max_points for key in scale.items}, METHODS[scale.method])
