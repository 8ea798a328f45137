"""Pooling clinics' aggregates per condition with the evidence engine: one study row per clinic.

Each clinic's cell becomes an effect size and its sampling variance, as metafor's ``escalc`` defines
the single-group measures (meta-analysis.md §2): ``MN``, the raw mean (here the mean improvement of the
pain NRS, points), yi = mean, vi = SD²/n; ``PR``, the raw proportion (here responders / courses, by
intention to treat), yi = x/n, vi = yi(1 − yi)/n. They are then pooled by ``evidence.meta_analysis``,
the engine of ``acupath meta analyze`` (random effects by default, with τ², I², the prediction
interval): the between-clinic heterogeneity a director needs to see. A suppressed cell, a clinic whose
responders are none or all (a proportion's variance is then 0), one whose courses all improved alike (a
mean's variance is then 0), and a condition with fewer than two usable clinics are reported, never
silently left out.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from acupath.analytics.network_aggregates import Aggregates, ConditionCell
from acupath.errors import InputError
from acupath.evidence.random_effects import meta_analysis
from acupath.evidence.results import MetaResult

MEASURES = {"MN": "mean improvement of the pain NRS (points; positive = less pain)",
            "PR": "share of courses that responded (intention to treat)"}
#: The same, short enough for a plot's title.
SHORT_LABELS = {"MN": "mean pain NRS improvement (points)", "PR": "share of responders (ITT)"}


@dataclass(frozen=True)
class ClinicRow:
    """One clinic's study row: its label, effect size and sampling variance, and the cell's n."""

    clinic: str
    yi: float
    vi: float
    n: int


@dataclass
class ConditionPool:
    """A condition's rows, the clinics left out (with why), and the pooled model (None: under two rows)."""

    condition: str
    rows: list[ClinicRow]
    left_out: list[tuple[str, str]] = field(default_factory=list)
    result: MetaResult | None = None


def effect_size(cell: ConditionCell, measure: str) -> tuple[float, float, int] | str:
    """Return (yi, vi, n) of ``cell`` under ``measure``, or the reason the cell cannot give one."""
    if measure == "MN":
        if cell.followed_up is None or cell.mean_improvement is None or cell.sd_improvement is None:
            return "suppressed (fewer courses followed up than the clinic's min_cell)"
        if cell.sd_improvement == 0:
            return (f"all {cell.followed_up} courses followed up improved by the same {cell.mean_improvement:g} "
                    "points: a mean with no spread (SD 0) has no variance")
        return cell.mean_improvement, cell.sd_improvement ** 2 / cell.followed_up, cell.followed_up
    if cell.courses is None or cell.responders is None:
        return "suppressed (fewer courses than the clinic's min_cell)"
    if cell.responders in (0, cell.courses):
        return f"{cell.responders} of {cell.courses} responded: a proportion of 0 or 1 has no variance"
    share = cell.responders / cell.courses
    return share, share * (1 - share) / cell.courses, cell.courses


def pool_condition(files: list[tuple[str, Aggregates]], condition: str, measure: str, method: str = "REML",
                   *, test: str = "z") -> ConditionPool:
    """Pool ``condition`` across the clinics' files (label, payload), one row per clinic, in file order.

    Returns the rows, the clinics left out with their reason, and the model when two or more rows remain.
    Raises ``InputError`` for an unknown measure or method.
    """
    if measure not in MEASURES:
        raise InputError("--measure", f"unknown measure {measure!r}", MEASURES)
    pool = ConditionPool(condition, [])
    for label, aggregates in files:
        cell = next((c for c in aggregates.conditions if c.condition == condition), None)
        found = effect_size(cell, measure) if cell is not None else "no courses of this condition"
        if isinstance(found, str):
            pool.left_out.append((label, found))
        else:
            pool.rows.append(ClinicRow(label, *found))
    if len(pool.rows) >= 2:
        pool.result = meta_analysis([r.yi for r in pool.rows], [r.vi for r in pool.rows], method, test=test,
                                    measure="GEN", labels=[r.clinic for r in pool.rows])
    return pool


def conditions_of(files: list[tuple[str, Aggregates]]) -> list[str]:
    """Return every condition named in any file, in alphabetical order."""
    return sorted({c.condition for _, aggregates in files for c in aggregates.conditions})
