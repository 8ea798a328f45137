"""Migraine outcomes by headache days: each diary month against the baseline month.

The baseline is the intake's ``pain.headache_days_per_month`` / ``pain.migraine_days_per_month`` (kept
in the plan's baseline) or, when the intake has none, the last diary month that starts before the
plan's first day. A month is a responder month when the condition's measure (migraine days) fell by at
least the condition's ``diary_responder.reduction_percent`` (migraine: >= 50 %, Linde 2016; data in
``conditions/migraine.yaml``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from acupath.errors import InputError
from acupath.outcomes.records import DiaryMonth


@dataclass(frozen=True)
class DiaryChange:
    """One diary month: its counts and the reduction of the responder measure from baseline."""

    month_start: date
    headache_days: int
    migraine_days: int
    reduction_percent: float | None  # None when the baseline is 0 days
    responder: bool | None


@dataclass(frozen=True)
class HeadacheDays:
    """Headache and migraine days a month against baseline, and who counts as a responder."""

    measure: str
    baseline_headache_days: float | None
    baseline_migraine_days: float | None
    baseline_from: str
    reduction_percent_needed: float
    months: tuple[DiaryChange, ...]
    responder: bool | None  # the latest month's status; None when no month after baseline was kept
    citations: tuple[str, ...]


def headache_days(plan: Any, diary: tuple[DiaryMonth, ...], kb: Any) -> HeadacheDays | None:
    """Return the diary's months against baseline; None when there is no diary.

    Raises ``InputError`` on ``headache_diary`` when the plan's condition keeps no diary (no
    ``diary_responder`` in its condition file) or when no baseline can be found.
    """
    if not diary:
        return None
    condition = kb.conditions.get(plan.condition)
    rule = condition.diary_responder if condition is not None else None
    if rule is None:
        raise InputError("headache_diary", f"{plan.condition} keeps no headache diary",
                         "a condition with a diary responder definition (migraine)")
    start = plan.phases[0].starts if plan.phases else min(m.month_start for m in diary)
    before = [m for m in diary if m.month_start < start]
    after = tuple(m for m in diary if m.month_start >= start)
    baseline = {k: plan.baseline[k] for k in ("headache_days", "migraine_days") if k in plan.baseline}
    source = "intake"
    if rule.measure not in baseline:
        if not before:
            raise InputError("headache_diary", "no baseline: the intake has no headache days a month and no "
                             f"diary month starts before {start.isoformat()}", "a diary month before the plan")
        month = before[-1]
        baseline = {"headache_days": float(month.headache_days), "migraine_days": float(month.migraine_days)}
        source = f"diary month from {month.month_start.isoformat()}"
    changes = tuple(_change(m, baseline[rule.measure], rule) for m in after)
    return HeadacheDays(
        measure=rule.measure,
        baseline_headache_days=baseline.get("headache_days"),
        baseline_migraine_days=baseline.get("migraine_days"),
        baseline_from=source,
        reduction_percent_needed=rule.reduction_percent,
        months=changes,
        responder=changes[-1].responder if changes else None,
        citations=rule.citations,
    )


def _change(month: DiaryMonth, baseline: float, rule: Any) -> DiaryChange:
    followup = month.migraine_days if rule.measure == "migraine_days" else month.headache_days
    # Percent change is undefined at a baseline of 0 (instruments.md §20).
    reduction = None if baseline == 0 else (baseline - followup) / baseline * 100
    return DiaryChange(
        month_start=month.month_start, headache_days=month.headache_days, migraine_days=month.migraine_days,
        reduction_percent=reduction,
        responder=None if reduction is None else reduction >= rule.reduction_percent,
    )
