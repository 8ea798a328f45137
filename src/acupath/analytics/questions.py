"""The practice-evidence questions over the cohort, each grouped by one facet or a pair of facets.

- ``responder_table``: responder rate with its 95 % Wilson interval, intention to treat (every course;
  no follow-up counts as not responding) and completers (courses followed up, and at ``at_session``
  when one is asked, that reached it);
- ``mean_changes``: mean improvement of the pain NRS with its 95 % t interval, completers and
  intention to treat (each course's latest NRS up to ``at_session``, as for the responder rate; a
  course without a follow-up NRS carried at its baseline: change 0);
- ``time_to_response``: Kaplan-Meier share responded by session number (a course that never
  responded is censored at its last session).

Every group and step with fewer than ``min_cell`` courses is suppressed (its counts are None, a
curve stops before fewer than ``min_cell`` courses are at risk): these are patient data. The database
only counts (one query per question, grouped in SQL); the estimates are ``analytics.statistics``.
At the latest measurement (``at_session`` None) the courses' stored outcomes are grouped, refreshed
first where stale (``analytics.outcome_table``: a write in the question's transaction); at a given
session every course is derived (``analytics.course_sql``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

from acupath.analytics.course_sql import CohortFilter
from acupath.analytics.facets import FACETS, parse_analysis, parse_facets
from acupath.analytics.outcome_table import courses_sql
from acupath.analytics.statistics import Step, kaplan_meier, mean_interval, wilson
from acupath.knowledge import KnowledgeBase

#: Groups of fewer courses than this are suppressed unless the caller sets another threshold.
MIN_CELL = 10


@dataclass(frozen=True)
class RateRow:
    """One group's responder rate; ``n``, ``responders`` and the estimates are None when suppressed."""

    group: dict[str, str]
    n: int | None
    responders: int | None
    rate: float | None
    ci_low: float | None
    ci_high: float | None

    @property
    def suppressed(self) -> bool:
        """True when the group had fewer courses than the threshold."""
        return self.n is None

    def to_dict(self, digits: int = 3) -> dict[str, Any]:
        """Return the row as the CLI and API print it: the six keys, estimates rounded to ``digits``."""
        def rounded(value: float | None) -> float | None:
            return None if value is None else round(value, digits)
        return {"group": dict(self.group), "n": self.n, "responders": self.responders, "rate": rounded(self.rate),
                "ci_low": rounded(self.ci_low), "ci_high": rounded(self.ci_high)}


@dataclass(frozen=True)
class ResponderTable:
    """Responder rates by group, both analyses: ``itt`` and ``completers`` rows are in the same group order."""

    by: tuple[str, ...]
    at_session: int | None
    min_cell: int
    itt: list[RateRow]
    completers: list[RateRow]


@dataclass(frozen=True)
class MeanRow:
    """One group's mean improvement of the pain NRS (points; positive is better); None when suppressed."""

    group: dict[str, str]
    n: int | None
    mean: float | None
    sd: float | None
    ci_low: float | None
    ci_high: float | None


@dataclass(frozen=True)
class Curve:
    """One group's Kaplan-Meier curve; ``n`` None and no steps when the group is suppressed."""

    group: dict[str, str]
    n: int | None
    steps: list[Step]


def _grouped(connection: Connection | Session, kb: KnowledgeBase, where: CohortFilter, by: tuple[str, ...],
             at_session: int | None, measures: str, extra: tuple[str, ...] = ()) -> list[Any]:
    sql, params = courses_sql(connection, kb, where, at_session, first_response=bool(extra))
    params["reached_session"] = at_session or 0
    columns = [("COALESCE(cc.component, 'none')" if f == "component" else f"x.{FACETS[f]}") for f in by]
    join = " LEFT JOIN course_components cc ON cc.plan_id = x.plan_id" if "component" in by else ""
    keys = ", ".join([*columns, *extra])
    query = (f"SELECT {', '.join(f'{c} AS g{i}' for i, c in enumerate(columns))}{''.join(f', {e}' for e in extra)}, "
             f"{measures} FROM ({sql}) x{join} GROUP BY {keys} ORDER BY {keys}")
    return list(connection.execute(text(query), params).mappings())


def _group(row: Any, by: tuple[str, ...]) -> dict[str, str]:
    return {facet: str(row[f"g{i}"]) for i, facet in enumerate(by)}


def _rate(group: dict[str, str], n: int, responders: int, min_cell: int) -> RateRow:
    if n < min_cell or n == 0:
        return RateRow(group, None, None, None, None, None)
    low, high = wilson(responders, n)
    return RateRow(group, n, responders, responders / n, low, high)


def responder_table(connection: Connection | Session, kb: KnowledgeBase, where: CohortFilter,
                    by: str | tuple[str, ...], *, at_session: int | None = None, min_cell: int = MIN_CELL
                    ) -> ResponderTable:
    """Return the responder rates of ``where``'s courses by the facets ``by`` (one or two), both analyses.

    Raises ``InputError`` naming ``by`` for an unknown facet; what the database raises.
    """
    facets = parse_facets(by)
    rows = _grouped(connection, kb, where, facets, at_session, """COUNT(*) AS n_all,
        SUM(CASE WHEN x.responder = 1 THEN 1 ELSE 0 END) AS responders_all,
        SUM(CASE WHEN x.responder IS NOT NULL AND x.sessions_given >= :reached_session THEN 1 ELSE 0 END) AS n_done,
        SUM(CASE WHEN x.responder = 1 AND x.sessions_given >= :reached_session THEN 1 ELSE 0 END) AS responders_done""")
    itt = [_rate(_group(r, facets), int(r["n_all"]), int(r["responders_all"]), min_cell) for r in rows]
    completers = [_rate(_group(r, facets), int(r["n_done"]), int(r["responders_done"]), min_cell) for r in rows]
    return ResponderTable(facets, at_session, min_cell, itt, completers)


def responder_rates(connection: Connection | Session, kb: KnowledgeBase, where: CohortFilter,
                    by: str | tuple[str, ...], *, at_session: int | None = None, analysis: str = "itt",
                    min_cell: int = MIN_CELL) -> list[RateRow]:
    """Return one analysis (``itt`` or ``completers``) of ``responder_table``.

    Raises ``InputError`` naming ``by`` or ``analysis``.
    """
    parse_analysis(analysis)
    table = responder_table(connection, kb, where, by, at_session=at_session, min_cell=min_cell)
    return table.itt if analysis == "itt" else table.completers


def mean_changes(connection: Connection | Session, kb: KnowledgeBase, where: CohortFilter,
                 by: str | tuple[str, ...], *, at_session: int | None = None, analysis: str = "completers",
                 min_cell: int = MIN_CELL) -> list[MeanRow]:
    """Return the mean improvement of the pain NRS by group (``completers``, or ``itt`` with change 0 carried).

    Raises ``InputError`` naming ``by`` or ``analysis``.
    """
    parse_analysis(analysis)
    facets = parse_facets(by)
    # Intention to treat takes each course's latest NRS up to the session, as the responder rate does
    # (a course that stopped earlier keeps its last change; one never followed up counts as 0);
    # completers are the courses followed up that reached the session.
    done = "x.pain_improvement IS NOT NULL AND x.sessions_given >= :reached_session"
    rows = _grouped(connection, kb, where, facets, at_session, f"""COUNT(*) AS n_all,
        SUM(COALESCE(x.pain_improvement, 0)) AS total_all,
        SUM(COALESCE(x.pain_improvement * x.pain_improvement, 0)) AS squares_all,
        SUM(CASE WHEN {done} THEN 1 ELSE 0 END) AS n_done,
        SUM(CASE WHEN {done} THEN x.pain_improvement ELSE 0 END) AS total_done,
        SUM(CASE WHEN {done} THEN x.pain_improvement * x.pain_improvement ELSE 0 END) AS squares_done""")
    kind = "all" if analysis == "itt" else "done"
    result = []
    for row in rows:
        group = _group(row, facets)
        n = int(row[f"n_{kind}"])
        if n < min_cell or n == 0:
            result.append(MeanRow(group, None, None, None, None, None))
            continue
        estimate = mean_interval(n, float(row[f"total_{kind}"] or 0), float(row[f"squares_{kind}"] or 0))
        result.append(MeanRow(group, n, estimate.mean + 0.0, estimate.sd, estimate.ci_low, estimate.ci_high))
    return result


def time_to_response(connection: Connection | Session, kb: KnowledgeBase, where: CohortFilter,
                     by: str | tuple[str, ...], *, min_cell: int = MIN_CELL) -> list[Curve]:
    """Return the Kaplan-Meier curve of the first MCID reached, by session number, for each group.

    Raises ``InputError`` naming ``by``.
    """
    facets = parse_facets(by)
    rows = _grouped(connection, kb, where, facets, None, "COUNT(*) AS courses",
                    extra=("COALESCE(x.first_response, x.last_session)",
                           "CASE WHEN x.first_response IS NULL THEN 0 ELSE 1 END"))
    times: dict[tuple[str, ...], list[tuple[int, bool, int]]] = {}
    groups: dict[tuple[str, ...], dict[str, str]] = {}
    for row in rows:
        group = _group(row, facets)
        key = tuple(group.values())
        groups[key] = group
        values = list(row.values())
        times.setdefault(key, []).append((int(values[-3]), bool(values[-2]), int(row["courses"])))
    curves = []
    for key, group in groups.items():
        n = sum(count for _, _, count in times[key])
        if n < min_cell:
            curves.append(Curve(group, None, []))
        else:
            curves.append(Curve(group, n, kaplan_meier(times[key], min_at_risk=min_cell)))
    return curves
