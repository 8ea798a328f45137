"""Result records of the evidence engine: plain frozen dataclasses with a ``to_dict`` for JSON."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np


def json_ready(value: Any) -> Any:
    """Turn numpy scalars/arrays into JSON-ready Python values (NaN → None)."""
    if isinstance(value, np.ndarray):
        return [json_ready(x) for x in value.tolist()]
    if isinstance(value, (list, tuple)):
        return [json_ready(x) for x in value]
    if isinstance(value, dict):
        return {k: json_ready(x) for k, x in value.items()}
    if isinstance(value, (np.floating, float)):
        f = float(value)
        return None if math.isnan(f) else f
    if isinstance(value, np.integer):
        return int(value)
    return value


@dataclass(frozen=True)
class Heterogeneity:
    """Cochran's Q (inverse-variance weights 1/vᵢ), its df and p, I² (%) and H², the typical
    within-study variance ṽ, and τ² with its SE and Q-profile CI (NaN when not computed)."""

    q: float
    q_df: int
    q_pval: float
    i2: float
    h2: float
    vt: float
    tau2: float = 0.0
    se_tau2: float = math.nan
    tau2_ci_lb: float = math.nan
    tau2_ci_ub: float = math.nan
    i2_ci: tuple[float, float] = (math.nan, math.nan)
    h2_ci: tuple[float, float] = (math.nan, math.nan)


@dataclass(frozen=True)
class MetaResult:
    """A pooled (intercept-only) meta-analysis.

    ``stat`` is a z value (``dist == "z"``) or a t value on ``df`` degrees of freedom; ``weights`` are
    percentages of the total weight; ``pi_*`` is the prediction interval (metafor ``predict`` default).
    """

    method: str
    test: str
    measure: str
    k: int
    estimate: float
    se: float
    stat: float
    dist: str
    df: float
    pval: float
    ci_lb: float
    ci_ub: float
    pi_lb: float
    pi_ub: float
    heterogeneity: Heterogeneity
    yi: np.ndarray
    vi: np.ndarray
    weights: np.ndarray
    level: float = 95.0
    labels: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def tau2(self) -> float:
        """The between-study variance used for the weights."""
        return self.heterogeneity.tau2

    def to_dict(self) -> dict[str, Any]:
        """Return the result as the flat JSON object the CLI prints (issue 4 §5 keys)."""
        h = self.heterogeneity
        out: dict[str, Any] = {
            "method": self.method, "measure": self.measure, "test": self.test, "k": self.k,
            "estimate": self.estimate, "se": self.se,
            ("zval" if self.dist == "z" else "tval"): self.stat,
        }
        if self.dist == "t":
            out["df"] = self.df
        out.update({
            "pval": self.pval, "ci_lb": self.ci_lb, "ci_ub": self.ci_ub, "pi_lb": self.pi_lb,
            "pi_ub": self.pi_ub, "tau2": h.tau2, "se_tau2": h.se_tau2, "tau2_ci_lb": h.tau2_ci_lb,
            "tau2_ci_ub": h.tau2_ci_ub, "i2": h.i2, "h2": h.h2, "q": h.q, "q_df": h.q_df, "q_pval": h.q_pval,
            "weights": self.weights,
        })
        out.update(self.extra)
        return json_ready(out)


@dataclass(frozen=True)
class Coefficient:
    """One model coefficient with its test and confidence interval."""

    name: str
    estimate: float
    se: float
    stat: float
    pval: float
    ci_lb: float
    ci_ub: float


@dataclass(frozen=True)
class RegressionResult:
    """A meta-regression (mixed-effects or fixed-effects model with moderators).

    ``qm`` is the omnibus Wald χ² (``dist == "z"``) or F (``dist == "t"``) over every coefficient but
    the intercept, on ``qm_df`` (and ``qm_ddf``) degrees of freedom; ``r2`` is metafor's pseudo R² (%).
    """

    method: str
    test: str
    measure: str
    k: int
    coefficients: tuple[Coefficient, ...]
    vcov: np.ndarray
    dist: str
    df: float
    qm: float
    qm_df: int
    qm_ddf: float
    qm_pval: float
    r2: float
    heterogeneity: Heterogeneity
    hat: np.ndarray
    weights: np.ndarray
    fitted: np.ndarray
    s2: float = 1.0

    @property
    def tau2(self) -> float:
        """The residual between-study variance."""
        return self.heterogeneity.tau2

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict: coefficients, QM (a χ² or, with ``qm_test == "F"``, an F statistic,
        as metafor's ``QM``), residual heterogeneity (QE) and R²."""
        h = self.heterogeneity
        return json_ready({
            "method": self.method, "measure": self.measure, "test": self.test, "k": self.k,
            "coefficients": [asdict(c) for c in self.coefficients],
            "QM": self.qm, "qm_test": "chisq" if self.dist == "z" else "F", "qm_df": self.qm_df,
            **({"qm_ddf": self.qm_ddf} if self.dist == "t" else {}), "qm_pval": self.qm_pval,
            "tau2": h.tau2, "se_tau2": h.se_tau2, "tau2_ci_lb": h.tau2_ci_lb, "tau2_ci_ub": h.tau2_ci_ub,
            "i2": h.i2, "h2": h.h2, "r2": self.r2, "q": h.q, "q_df": h.q_df, "q_pval": h.q_pval,
        })


@dataclass(frozen=True)
class SubgroupResult:
    """Separate meta-analyses per subgroup and the test for subgroup differences (Q between)."""

    groups: dict[str, MetaResult]
    q_between: float
    q_between_df: int
    q_between_pval: float

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict with one pooled result per subgroup and the between-group test."""
        return json_ready({
            "subgroups": {name: r.to_dict() for name, r in self.groups.items()},
            "test_for_subgroup_differences": {
                "q": self.q_between, "df": self.q_between_df, "pval": self.q_between_pval,
            },
        })
