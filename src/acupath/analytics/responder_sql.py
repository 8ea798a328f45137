"""The domain's MCID rule (``acupath.assessment.McidRule``) written as one SQL expression.

``classify_change`` decides ``mcid_reached`` by each instrument's ``McidRule``; the cohort decides
thousands of courses at once in the database, so this module writes the same rule, with the same
numbers from the same knowledge base and the same arithmetic in the same order (improvement =
direction x (follow-up - baseline); percent = improvement x 100 / |baseline|, undefined at 0; both
compared after rounding float error, ``_SLACK``), as a
CASE over the instrument. ``tests/integration/analytics`` checks SQL against ``classify_change`` on
SQLite and PostgreSQL.
"""

from __future__ import annotations

from acupath.assessment import mcid_rule
from acupath.assessment.change import DECIMALS
from acupath.knowledge import KnowledgeBase

#: ``classify_change`` rounds the improvement and the percent to ``DECIMALS`` places before comparing
#: them with the MCID (float error of item means); comparing the raw value with the threshold less
#: half a unit of that place decides the same way, in any SQL dialect (PostgreSQL has no ROUND of a float).
_SLACK = 0.5 * 10.0 ** -DECIMALS


def _number(value: float) -> str:
    # repr() of a float is exact and is valid SQL for both databases ("2.0", "30.0", "-1.0").
    return repr(float(value))


def reached_sql(kb: KnowledgeBase, instrument: str, baseline: str, followup: str) -> str:
    """Return a SQL expression: 1 when the MCID is reached, 0 when not, NULL for an instrument without one.

    ``instrument``, ``baseline`` and ``followup`` are SQL expressions (column names) of the query.
    """
    cases = []
    for instrument_id in sorted(kb.instruments):
        rule = mcid_rule(instrument_id, kb=kb)
        if not rule.has_mcid:
            continue
        improvement = f"({_number(rule.direction)} * ({followup} - {baseline}))"
        tests = []
        if rule.points is not None:
            tests.append(f"{improvement} >= {_number(rule.points - _SLACK)}")
        if rule.percent is not None:
            tests.append(f"({baseline} <> 0 AND {improvement} * 100.0 / ABS({baseline}) >= {_number(rule.percent - _SLACK)})")
        cases.append(f"WHEN '{instrument_id}' THEN CASE WHEN {' OR '.join(tests)} THEN 1 ELSE 0 END")
    return f"CASE {instrument} {' '.join(cases)} END"


def improvement_sql(kb: KnowledgeBase, instrument_id: str, baseline: str, followup: str) -> str:
    """Return the SQL of the instrument's improvement (positive is better), as ``classify_change`` signs it."""
    return f"({_number(mcid_rule(instrument_id, kb=kb).direction)} * ({followup} - {baseline}))"
