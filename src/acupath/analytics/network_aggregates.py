"""What a clinic shares with its network: per condition, counts and summary statistics, never a patient.

The payload of an aggregate file (``network_signing`` signs it): the clinic, the period, the outcome
(the pain NRS, at a session number or at each course's last reassessment) and, per condition, the
courses and responders by intention to treat (a course without follow-up counts as not responding)
and the mean and SD of the pain improvement of the courses followed up. A cell of fewer courses than
``min_cell`` is suppressed exactly as the practice analytics suppress it: its numbers are null.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

from acupath.analytics.course_sql import CohortFilter
from acupath.analytics.questions import mean_changes, responder_rates
from acupath.errors import InputError
from acupath.knowledge import KnowledgeBase
from acupath.validation import input_error

#: How a responder is counted in the file (acupath's MCID rule for the pain NRS).
RESPONDER_RULE = "pain NRS improved by at least the MCID (2 points or 30 %, Farrar 2001, Ostelo 2008)"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ConditionCell(_Strict):
    """One condition's aggregates; every number is null when its cell was suppressed."""

    condition: str = Field(min_length=1, max_length=64)
    #: Courses of the condition (intention to treat) and those of them that responded.
    courses: int | None = Field(default=None, ge=0)
    responders: int | None = Field(default=None, ge=0)
    #: Courses with a follow-up NRS, and the mean and SD of their improvement (points, positive = less pain).
    followed_up: int | None = Field(default=None, ge=0)
    mean_improvement: float | None = None
    sd_improvement: float | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _consistent(self) -> ConditionCell:
        if (self.courses is None) != (self.responders is None):
            raise ValueError("courses and responders are given together or both suppressed (null)")
        if self.courses is not None and self.responders is not None and self.responders > self.courses:
            raise ValueError("responders cannot exceed courses")
        group = (self.followed_up, self.mean_improvement, self.sd_improvement)
        if any(v is None for v in group) and any(v is not None for v in group):
            raise ValueError("followed_up, mean_improvement and sd_improvement are given together or all null")
        return self


class Outcome(_Strict):
    """Which measurement the file summarises."""

    instrument: str = "nrs"
    #: The session whose reassessment counts (null: each course's last reassessment).
    at_session: int | None = Field(default=None, ge=1)
    responder: str = RESPONDER_RULE


class Aggregates(_Strict):
    """The payload of an aggregate file."""

    clinic: str = Field(min_length=1, max_length=200)
    exported_on: date
    period_start: date | None = None
    period_end: date | None = None
    outcome: Outcome
    min_cell: int = Field(ge=1)
    conditions: list[ConditionCell]
    #: Free text from the exporting clinic (e.g. that the data are a synthetic demo).
    note: str | None = Field(default=None, max_length=500)

    @model_validator(mode="after")
    def _cells(self) -> Aggregates:
        names = [c.condition for c in self.conditions]
        if len(set(names)) != len(names):
            raise ValueError("a condition is listed twice")
        for cell in self.conditions:
            for label, n in (("courses", cell.courses), ("followed_up", cell.followed_up)):
                if n is not None and n < self.min_cell:
                    raise ValueError(f"{cell.condition}: {label} {n} is below min_cell {self.min_cell} "
                                     "but not suppressed")
        return self


def parse_aggregates(payload: dict[str, Any], where: str) -> Aggregates:
    """Return the validated payload. Raises ``InputError`` naming ``where`` and the field at fault."""
    try:
        return Aggregates.model_validate(payload)
    except ValidationError as exc:
        raise input_error(exc, prefix=f"{where}: payload.") from None


def _by_condition(rows: list[Any]) -> dict[str, Any]:
    return {row.group["condition"]: row for row in rows}


def build_aggregates(rates: list[Any], means: list[Any], *, clinic: str, exported_on: date,
                     period: tuple[date | None, date | None], at_session: int | None,
                     min_cell: int, note: str | None = None) -> dict[str, Any]:
    """Return the payload of an aggregate file from the practice analytics' rows grouped by condition.

    ``rates`` are ``responder_rates(..., by=("condition",), analysis="itt")`` rows, ``means`` are
    ``mean_changes(..., by=("condition",))`` rows, both already suppressed below ``min_cell`` (their
    ``n`` is None). Raises ``InputError`` if a row holds a number JSON cannot carry.
    """
    rate_rows, mean_rows = _by_condition(rates), _by_condition(means)
    cells = []
    for condition in sorted(set(rate_rows) | set(mean_rows)):
        rate, mean = rate_rows.get(condition), mean_rows.get(condition)
        shown = mean is not None and mean.n is not None and mean.sd is not None
        cells.append({
            "condition": condition,
            "courses": rate.n if rate is not None else None,
            "responders": rate.responders if rate is not None and rate.n is not None else None,
            "followed_up": mean.n if shown else None,
            "mean_improvement": float(mean.mean) if shown else None,
            "sd_improvement": float(mean.sd) if shown else None,
        })
    payload = {
        "clinic": clinic, "exported_on": exported_on.isoformat(),
        "period_start": period[0].isoformat() if period[0] else None,
        "period_end": period[1].isoformat() if period[1] else None,
        "outcome": {"instrument": "nrs", "at_session": at_session, "responder": RESPONDER_RULE},
        "min_cell": min_cell, "conditions": cells, "note": note,
    }
    parse_aggregates(payload, "export")  # what we sign must be what pool accepts
    return payload


def same_outcome(first: Aggregates, other: Aggregates) -> bool:
    """Return whether two clinics' files summarise the same outcome at the same point (poolable)."""
    return first.outcome == other.outcome


def check_poolable(files: list[tuple[str, Aggregates]]) -> None:
    """Raise ``InputError`` naming the file whose outcome differs from the first file's."""
    first_name, first = files[0]
    for name, other in files[1:]:
        if not same_outcome(first, other):
            raise InputError(name, f"summarises {other.outcome.model_dump()}, not what {first_name} does "
                             f"({first.outcome.model_dump()})", "files exported with the same --at-session")


def export_aggregates(connection: Connection | Session, kb: KnowledgeBase, where: CohortFilter, *, exported_on: date, at_session: int | None,
                      min_cell: int, note: str | None = None) -> dict[str, Any]:
    """Return the payload of ``where.clinic_id``'s aggregate file from its outcome cohort (``analytics``).

    Raises ``InputError`` naming ``--clinic`` when the database holds no such clinic; what the database raises.
    """
    name = connection.execute(text("SELECT name FROM clinics WHERE id = :id"), {"id": where.clinic_id}).scalar()
    if name is None:
        raise InputError("--clinic", f"no clinic {where.clinic_id!r} in this database",
                         "a clinic id (acupath demo prints them)")
    by = ("condition",)
    rates = responder_rates(connection, kb, where, by, at_session=at_session, analysis="itt", min_cell=min_cell)
    means = mean_changes(connection, kb, where, by, at_session=at_session, analysis="completers", min_cell=min_cell)
    return build_aggregates(rates, means, clinic=name, exported_on=exported_on, period=(where.start, where.end),
                            at_session=at_session, min_cell=min_cell, note=note)
