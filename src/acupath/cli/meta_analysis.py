"""The work behind ``acupath meta analyze``: read the study table, pool it, render table and plots.

Kept apart from ``acupath.cli.meta`` so that numpy, scipy and matplotlib are imported only when a
meta-analysis is actually run, not every time the CLI starts.
"""

from __future__ import annotations

import csv
import io
import math
import re
from pathlib import Path
from typing import Any

import numpy as np
import typer

from acupath.cli.files import read_text
from acupath.cli.output import emit_json
from acupath.errors import InputError
from acupath.evidence.binary import mantel_haenszel, peto
from acupath.evidence.effect_sizes import (
    MEASURES,
    EffectSizes,
    binary_effect_sizes,
    cells_from_totals,
    continuous_effect_sizes,
    generic_effect_sizes,
)
from acupath.evidence.random_effects import meta_analysis
from acupath.evidence.regression import meta_regression
from acupath.evidence.results import MetaResult, RegressionResult, SubgroupResult
from acupath.evidence.subgroups import subgroup_analysis, subgroup_differences
from acupath.reports.forest import RATIO_MEASURES, forest_plot, format_p
from acupath.reports.funnel import funnel_plot

METHODS = ("FE", "DL", "HE", "SJ", "ML", "REML", "PM", "EB", "MH", "PETO")
STUDY_PROBLEM = re.compile(r"study (\d+) (.+)")
COLUMNS = {"GEN": ("yi", "vi"), "binary": ("ai", "bi", "ci", "di"),
           "continuous": ("m1i", "sd1i", "n1i", "m2i", "sd2i", "n2i")}


class StudyTable:
    """The rows of a CSV file with typed access to its columns; errors name the file, row and column."""

    def __init__(self, path: Path) -> None:
        self.name = path.name
        reader = csv.DictReader(io.StringIO(read_text(path)))
        self.header = [h.strip() for h in (reader.fieldnames or [])]
        self.rows = [{(k or "").strip(): (v or "").strip() for k, v in row.items()} for row in reader]
        if not self.rows:
            raise InputError(self.name, "has no study rows", "a header line and one row per study")

    def select(self, indices: list[int]) -> StudyTable:
        """Return a table of the rows at ``indices`` (same file name and header)."""
        part = object.__new__(StudyTable)
        part.name, part.header, part.rows = self.name, self.header, [self.rows[i] for i in indices]
        return part

    def need(self, column: str, why: str) -> None:
        """Raise InputError when ``column`` is absent."""
        if column not in self.header:
            raise InputError(f"{self.name}: column {column}", f"missing ({why})", ", ".join(self.header))

    def numbers(self, column: str, why: str) -> np.ndarray:
        """Return ``column`` as floats. Raises InputError naming the row (file line) and column."""
        self.need(column, why)
        out = []
        for i, row in enumerate(self.rows, start=2):
            try:
                value = float(row[column])
            except ValueError:
                raise InputError(f"{self.name}: row {i}, column {column}", f"{row[column]!r} is not a number",
                                 "a number") from None
            if not math.isfinite(value):
                raise InputError(f"{self.name}: row {i}, column {column}", "is not a finite number", "a number")
            out.append(value)
        return np.asarray(out)

    def texts(self, column: str) -> list[str]:
        """Return ``column`` as strings (raises InputError when absent)."""
        self.need(column, "--by")
        return [row[column] for row in self.rows]


def _at_row(table: StudyTable, exc: InputError) -> InputError:
    """Name the file row of a study the domain refused ("sd1i: study 2 ..." -> "f.csv: row 3, column sd1i")."""
    found = STUDY_PROBLEM.fullmatch(exc.problem)
    if found is None:
        return exc
    return InputError(f"{table.name}: row {int(found[1]) + 1}, column {exc.field}", found[2], exc.allowed)


def _cells(table: StudyTable, measure: str) -> dict[str, np.ndarray]:
    """The 2x2 cells: columns ai, bi, ci, di, or events ai, ci with arm totals n1i, n2i."""
    why = f"measure {measure}"
    if "bi" not in table.header and "di" not in table.header and {"n1i", "n2i"} <= set(table.header):
        a, b, c, d = cells_from_totals(table.numbers("ai", why), table.numbers("n1i", why),
                                       table.numbers("ci", why), table.numbers("n2i", why))
        return {"ai": a, "bi": b, "ci": c, "di": d}
    return {c: table.numbers(c, why) for c in COLUMNS["binary"]}


def _effect_sizes(table: StudyTable, measure: str) -> tuple[EffectSizes, dict[str, np.ndarray]]:
    try:
        if measure == "GEN":
            cols = {c: table.numbers(c, "measure GEN") for c in COLUMNS["GEN"]}
            return generic_effect_sizes(cols["yi"], cols["vi"]), cols
        if measure in ("RR", "OR", "RD"):
            cols = _cells(table, measure)
            return binary_effect_sizes(measure, **cols), cols
        cols = {c: table.numbers(c, f"measure {measure}") for c in COLUMNS["continuous"]}
        return continuous_effect_sizes(measure, **cols), cols
    except InputError as exc:
        raise _at_row(table, exc) from None


def _transformed(result: MetaResult) -> dict[str, float]:
    return {key: math.exp(getattr(result, key)) for key in ("estimate", "ci_lb", "ci_ub", "pi_lb", "pi_ub")}


def _pooled(table: StudyTable, measure: str, method: str, test: str, labels: list[str]) -> MetaResult:
    es, cols = _effect_sizes(table, measure)
    if method in ("MH", "PETO"):
        if measure not in ("RR", "OR", "RD") or (method == "PETO" and measure != "OR"):
            allowed = "OR" if method == "PETO" else "OR, RR, RD"
            raise InputError("--measure", f"{method} pooling does not apply to {measure}", allowed)
        if test != "z":
            raise InputError("--knha", f"the Knapp-Hartung adjustment does not apply to {method}")
        if method == "MH":
            return mantel_haenszel(measure, **cols, labels=labels)
        return peto(**cols, labels=labels)
    if es.dropped:
        labels = [lab for i, lab in enumerate(labels) if i not in es.dropped]
    return meta_analysis(es.yi, es.vi, method, test=test, measure=measure, labels=labels)


def _table_line(est: float, se: float, stat: float, pval: float, lb: float, ub: float) -> str:
    p = "<.0001" if pval < 1e-4 else f"{pval:.4f}"
    return f"{est:>10.4f} {se:>9.4f} {stat:>9.4f} {p:>8} {lb:>9.4f} {ub:>9.4f}"


def _human(result: MetaResult) -> str:
    h = result.heterogeneity
    kind = ("Common-effect model" if result.method in ("FE", "MH", "PETO")
            else f"Random-effects model (tau^2 estimator: {result.method})")
    stat = "zval" if result.dist == "z" else f"tval(df={result.df:g})"
    lines = [f"{kind}, k = {result.k}, measure {result.measure}", "",
             f"{'estimate':>10} {'se':>9} {stat:>9} {'pval':>8} {'ci.lb':>9} {'ci.ub':>9}",
             _table_line(result.estimate, result.se, result.stat, result.pval, result.ci_lb, result.ci_ub)]
    if result.measure in RATIO_MEASURES or result.method == "PETO":
        t = _transformed(result)
        lines.append(f"back-transformed: {t['estimate']:.4f} [{t['ci_lb']:.4f}, {t['ci_ub']:.4f}]"
                     + (f"; 95% PI [{t['pi_lb']:.4f}, {t['pi_ub']:.4f}]" if h.tau2 > 0 else ""))
    if h.tau2 > 0 or result.method not in ("FE", "MH", "PETO"):
        lines.append(f"prediction interval: [{result.pi_lb:.4f}, {result.pi_ub:.4f}]")
        ci = "" if math.isnan(h.tau2_ci_lb) else f", 95% CI {h.tau2_ci_lb:.4f} to {h.tau2_ci_ub:.4f}"
        lines.append(f"tau^2 = {h.tau2:.4f} (SE {h.se_tau2:.4f}{ci}); I^2 = {h.i2:.2f}%; H^2 = {h.h2:.2f}")
    else:
        lines.append(f"I^2 = {h.i2:.2f}%; H^2 = {h.h2:.2f}")
    lines.append(f"Q(df = {h.q_df}) = {h.q:.4f}, {format_p(h.q_pval)}")
    for key, value in result.extra.items():
        lines.append(f"{key}: {value:.4f}")
    return "\n".join(lines)


def _human_regression(res: RegressionResult) -> str:
    h = res.heterogeneity
    stat = "zval" if res.dist == "z" else f"tval(df={res.df:g})"
    lines = [f"Meta-regression ({res.method}), k = {res.k}, measure {res.measure}", "",
             f"{'':<10} {'estimate':>10} {'se':>9} {stat:>9} {'pval':>8} {'ci.lb':>9} {'ci.ub':>9}"]
    lines += [f"{c.name:<10} " + _table_line(c.estimate, c.se, c.stat, c.pval, c.ci_lb, c.ci_ub)
              for c in res.coefficients]
    qm = f"QM(df = {res.qm_df}) = {res.qm:.4f}" if res.dist == "z" else f"F(df1 = {res.qm_df}, df2 = {res.qm_ddf:g}) = {res.qm:.4f}"
    lines += ["", f"Test of moderators: {qm}, {format_p(res.qm_pval)}",
              f"Residual heterogeneity: QE(df = {h.q_df}) = {h.q:.4f}, {format_p(h.q_pval)}",
              f"tau^2 = {h.tau2:.4f} (SE {h.se_tau2:.4f}); I^2 = {h.i2:.2f}%; H^2 = {h.h2:.2f}; R^2 = {res.r2:.2f}%"]
    return "\n".join(lines)


def _by_groups(table: StudyTable, by: str, measure: str, method: str, test: str,
               labels: list[str]) -> SubgroupResult:
    """Subgroups by column ``by``: inverse-variance methods refit τ² per subgroup; MH and Peto pool each
    subgroup's tables the same way; then the test for subgroup differences."""
    groups = table.texts(by)
    if method in ("MH", "PETO"):
        results = {}
        for name in dict.fromkeys(groups):
            idx = [i for i, g in enumerate(groups) if g == name]
            results[name] = _pooled(table.select(idx), measure, method, test, [labels[i] for i in idx])
        return subgroup_differences(results)
    es, _ = _effect_sizes(table, measure)
    return subgroup_analysis(es.yi, es.vi, groups, method, test=test, measure=measure, labels=labels)


def _diagnostics(table: StudyTable, measure: str, method: str, test: str, labels: list[str],
                 mod_cols: list[str], asked: dict[str, Any]) -> tuple[dict[str, Any], list[str], Any]:
    """Run the diagnostics asked for; return their JSON parts, their tables and the trim-and-fill."""
    from acupath.cli import meta_diagnostics as diag

    if method in ("MH", "PETO"):
        flag = next(f"--{name}" for name, on in asked.items() if on and name != "order")
        raise InputError(flag, f"diagnostics refit inverse-variance models, not {method}", METHODS[:8])
    es, _ = _effect_sizes(table, measure)
    payload: dict[str, Any] = {}
    texts: list[str] = []
    tf = None
    if asked["leave1out"]:
        payload["leave1out"], text = diag.leave1out_report(es.yi, es.vi, labels, method, test)
        texts.append(text)
    if asked["cumulative"]:
        order_col = asked["order"]
        order = table.numbers(order_col, "--order") if order_col else None
        payload["cumulative"], text = diag.cumulative_report(es.yi, es.vi, labels, method, test, order, order_col)
        texts.append(text)
    if asked["influence"]:
        x = np.column_stack([table.numbers(c, "--mods") for c in mod_cols]) if mod_cols else None
        payload["influence"], text = diag.influence_report(es.yi, es.vi, labels, method, x, ["intrcpt", *mod_cols])
        texts.append(text)
    if asked["bias"]:
        payload["bias"], text, tf = diag.bias_report(es.yi, es.vi, method, test)
        texts.append(text)
    return payload, texts, tf


def run_analysis(
    file: Path, measure: str, method: str, knha: bool, mods: list[str] | None, by: str | None,
    as_json: bool, forest: Path | None, funnel: Path | None, *, leave1out: bool = False,
    cumulative: bool = False, order: str | None = None, influence: bool = False, bias: bool = False,
) -> None:
    """Run ``acupath meta analyze`` and print its result.

    Raises ``InputError`` for an unknown measure or method, a bad table cell (file, row, column) or an
    option that does not apply to the method.
    """
    measure, method = measure.upper(), method.upper()
    if measure not in MEASURES:
        raise InputError("--measure", f"unknown measure {measure!r}", MEASURES)
    if method not in METHODS:
        raise InputError("--method", f"unknown method {method!r}", METHODS)
    if order and not cumulative:
        raise InputError("--order", "orders the cumulative meta-analysis; add --cumulative")
    test = "knha" if knha else "z"
    table = StudyTable(file)
    labels = table.texts("study") if "study" in table.header else [f"Study {i + 1}" for i in range(len(table.rows))]
    pooled = _pooled(table, measure, method, test, labels)
    payload: dict[str, Any] = pooled.to_dict()
    if measure in RATIO_MEASURES or method == "PETO":
        payload["transformed"] = _transformed(pooled)
    text = _human(pooled)
    mod_cols = [c.strip() for m in (mods or []) for c in m.split(",") if c.strip()]
    if mod_cols:
        if method in ("MH", "PETO"):
            raise InputError("--mods", f"meta-regression needs an inverse-variance method, not {method}",
                             METHODS[:8])
        es, _ = _effect_sizes(table, measure)
        x = np.column_stack([table.numbers(c, "--mods") for c in mod_cols])
        reg = meta_regression(es.yi, es.vi, x, method, names=mod_cols, test=test, measure=measure)
        payload = {"k": reg.k, **reg.to_dict(), "pooled_without_moderators": payload}
        text = _human_regression(reg)
    if by:
        sub = _by_groups(table, by, measure, method, test, labels)
        payload.update(sub.to_dict())
        text += "\n\nSubgroups by " + by + ":\n" + "\n".join(
            f"  {name}: k = {r.k}, estimate {r.estimate:.4f} [{r.ci_lb:.4f}, {r.ci_ub:.4f}]"
            + ("" if method in ("FE", "MH", "PETO") else f", tau^2 = {r.tau2:.4f}")
            for name, r in sub.groups.items())
        text += (f"\nTest for subgroup differences: Q(df = {sub.q_between_df}) = {sub.q_between:.4f}, "
                 f"{format_p(sub.q_between_pval)}")
    asked = {"leave1out": leave1out, "cumulative": cumulative, "order": order, "influence": influence, "bias": bias}
    trim = None
    if leave1out or cumulative or influence or bias:
        extra, texts, trim = _diagnostics(table, measure, method, test, labels, mod_cols, asked)
        payload.update(extra)
        text += "".join("\n\n" + t for t in texts)
    if forest:
        payload["forest"] = str(forest_plot(pooled, forest))
    if funnel:
        filled = (trim.filled_yi, trim.filled_vi) if trim is not None else None
        adjusted = trim.model.estimate if trim is not None else None
        payload["funnel"] = str(funnel_plot(pooled, funnel, filled=filled, adjusted=adjusted))
    if as_json:
        emit_json(payload)
    else:
        typer.echo(text)
        for key in ("forest", "funnel"):
            if key in payload:
                typer.echo(f"wrote {payload[key]}")
