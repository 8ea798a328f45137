"""Diagnostics behind ``acupath meta analyze --leave1out/--cumulative/--influence/--bias``.

Each function returns ``(json_part, text)``: the JSON-ready records for ``--json`` and the table a
researcher reads. The numbers come from ``acupath.evidence`` (metafor ``leave1out``, ``cumul``,
``influence``, ``regtest``, ``ranktest``, ``trimfill``); this module only arranges them. Imported by
``acupath.cli.meta_analysis`` only, so numpy and scipy stay out of CLI start-up.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from acupath.evidence.bias import TrimFill, ranktest, regtest, trimfill
from acupath.evidence.diagnostics import cumulative, influence, leave_one_out
from acupath.evidence.results import json_ready
from acupath.reports.forest import format_p

SUBSET_KEYS = ("estimate", "se", "stat", "pval", "ci_lb", "ci_ub", "q", "q_pval", "tau2", "i2", "h2")
INFLUENCE_KEYS = ("rstudent", "dffits", "cook_d", "cov_r", "tau2_del", "qe_del", "hat", "weight")


def _rows(labels: Sequence[str], arrays: dict[str, np.ndarray], keys: Sequence[str], stat: str) -> list[dict]:
    return [json_ready({"study": lab, **{(stat if key == "stat" else key): arrays[key][i] for key in keys}})
            for i, lab in enumerate(labels)]


def _table(title: str, labels: Sequence[str], arrays: dict[str, np.ndarray], keys: Sequence[str],
           heads: Sequence[str]) -> str:
    width = max(12, *(len(lab[:30]) for lab in labels))
    lines = [title, f"{'':<{width}} " + " ".join(f"{h:>9}" for h in heads)]
    for i, lab in enumerate(labels):
        cells = []
        for key in keys:
            x = float(arrays[key][i])
            shown = f"{x:.0f}" if key == "k" else "<.0001" if key.endswith("pval") and x < 1e-4 else f"{x:.4f}"
            cells.append(f"{shown:>9}")
        lines.append(f"{lab[:30]:<{width}} " + " ".join(cells))
    return "\n".join(lines)


def _stat_name(test: str) -> str:
    return "zval" if test == "z" else "tval"


def leave1out_report(yi: np.ndarray, vi: np.ndarray, labels: Sequence[str], method: str,
                     test: str) -> tuple[list[dict], str]:
    """Leave-one-out: the model refitted without each study (row i omits study i)."""
    res = leave_one_out(yi, vi, method, test=test)
    stat = _stat_name(test)
    heads = ("estimate", "se", stat, "pval", "ci.lb", "ci.ub", "Q", "tau^2", "I^2")
    keys = ("estimate", "se", "stat", "pval", "ci_lb", "ci_ub", "q", "tau2", "i2")
    return (_rows(labels, res, SUBSET_KEYS, stat),
            _table("Leave-one-out (row = study omitted):", labels, res, keys, heads))


def cumulative_report(yi: np.ndarray, vi: np.ndarray, labels: Sequence[str], method: str, test: str,
                      order: np.ndarray | None, order_name: str | None) -> tuple[list[dict], str]:
    """Cumulative meta-analysis: row i pools the first i+1 studies (file order or ``order``)."""
    res = cumulative(yi, vi, method, order=order, test=test)
    added = [labels[i] for i in res["order"]]
    stat = _stat_name(test)
    heads = ("k", "estimate", "se", "pval", "ci.lb", "ci.ub", "Q", "tau^2", "I^2")
    keys = ("k", "estimate", "se", "pval", "ci_lb", "ci_ub", "q", "tau2", "i2")
    rows = _rows(added, res, (*SUBSET_KEYS, "k"), stat)
    title = f"Cumulative meta-analysis (studies added in order of {order_name or 'the file'}):"
    return rows, _table(title, added, res, keys, heads)


def influence_report(yi: np.ndarray, vi: np.ndarray, labels: Sequence[str], method: str,
                     mods: np.ndarray | None, coef_names: Sequence[str]) -> tuple[list[dict], str]:
    """Influence diagnostics (Viechtbauer & Cheung 2010) of each study, with DFBETAS per coefficient."""
    inf = influence(yi, vi, mods, method)
    arrays = {key: getattr(inf, key) for key in INFLUENCE_KEYS}
    rows = _rows(labels, arrays, INFLUENCE_KEYS, "")
    for row, dfb in zip(rows, inf.dfbetas, strict=True):
        row["dfbetas"] = dict(zip(coef_names, json_ready(dfb), strict=True))
    heads = ("rstudent", "dffits", "cook.d", "cov.r", "tau2.del", "QE.del", "hat", "weight")
    return rows, _table("Influence diagnostics:", labels, arrays, INFLUENCE_KEYS, heads)


def bias_report(yi: np.ndarray, vi: np.ndarray, method: str, test: str) -> tuple[dict[str, Any], str, TrimFill]:
    """Egger's regression test, the rank correlation test and trim-and-fill (metafor defaults)."""
    egger = regtest(yi, vi, model="rma", method=method, test=test)
    rank = ranktest(yi, vi)
    tf = trimfill(yi, vi, method)
    stat = "z" if egger.dist == "z" else f"t({egger.df:g})"
    filled = tf.model
    data = json_ready({
        "egger": {"model": "rma (mods = sei)", "stat": egger.stat, "dist": egger.dist, "df": egger.df,
                  "pval": egger.pval, "limit_estimate": egger.limit_estimate, "limit_ci_lb": egger.limit_ci_lb,
                  "limit_ci_ub": egger.limit_ci_ub},
        "rank_correlation": {"kendall_tau": rank.tau, "pval": rank.pval, "exact": rank.exact},
        "trimfill": {"k0": tf.k0, "se_k0": tf.se_k0, "side": tf.side, "filled_yi": tf.filled_yi,
                     "filled_vi": tf.filled_vi, "k": filled.k, "estimate": filled.estimate, "se": filled.se,
                     "pval": filled.pval, "ci_lb": filled.ci_lb, "ci_ub": filled.ci_ub, "tau2": filled.tau2},
    })
    text = "\n".join([
        "Small-study effects / publication bias:",
        f"  Egger's regression test (predictor: SE): {stat} = {egger.stat:.4f}, {format_p(egger.pval)}; "
        f"limit estimate {egger.limit_estimate:.4f} [{egger.limit_ci_lb:.4f}, {egger.limit_ci_ub:.4f}]",
        f"  Rank correlation test: Kendall's tau = {rank.tau:.4f}, {format_p(rank.pval)}",
        f"  Trim-and-fill: {tf.k0} studies filled on the {tf.side} side (SE {tf.se_k0:.4f}); "
        f"estimate {filled.estimate:.4f} [{filled.ci_lb:.4f}, {filled.ci_ub:.4f}], k = {filled.k}",
    ])
    return data, text, tf
