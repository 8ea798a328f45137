"""Use case of the progress page: every measure of a plan's course over time, beside its progress.

``get_trends`` reads what ``progress.get_progress`` reads (the plan, its sessions, the patient's
reassessments) in one transaction and one audit entry, and returns the same ``outcomes.Progress``
with the series a chart draws: the pain NRS before and after needling at each session, and each
instrument's stored total at each reassessment, beside the plan's baseline.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from acupath import outcomes, planning
from acupath.knowledge import KnowledgeBase
from acupath.services.access import found, require_clinical
from acupath.services.actor import Actor
from acupath.services.audit import audited
from acupath.services.progress import course_progress, plan_reassessments, session_of
from acupath.services.records.summaries import PlanCourse
from acupath.services.unit_of_work import AbstractUnitOfWork

#: ``before``/``after``: the pain NRS asked before and after needling at a session (``SessionRecord``);
#: ``reassessment``: a questionnaire's total as stored when the reassessment was recorded.
MeasureKind = Literal["before", "after", "reassessment"]
#: The pain NRS's instrument id: sessions record it as ``pain_before``/``pain_after``.
PAIN = "nrs"


@dataclass(frozen=True)
class Measure:
    """One value of an instrument: at which session (0: before the first), on which day, of what kind."""

    session: int
    on: date
    value: float
    kind: MeasureKind


@dataclass(frozen=True)
class Trend:
    """An instrument's baseline (None when the plan has none) and its measures, by session then kind."""

    instrument: str
    baseline: float | None
    measures: tuple[Measure, ...]


@dataclass(frozen=True)
class ProgressTrends:
    """A plan's progress and the trends behind it.

    ``plan`` is the plan document (checkpoints, sessions, baseline), ``started`` the day of its first
    session, ``trends`` the pain NRS first, then each instrument of the baseline, then any other
    instrument measured, each once.
    """

    plan_id: str
    patient_id: str
    plan: planning.Plan
    progress: outcomes.Progress
    trends: tuple[Trend, ...]
    started: date | None


def get_trends(uow: AbstractUnitOfWork, actor: Actor, plan_id: str, kb: KnowledgeBase) -> ProgressTrends:
    """Return the plan's ``ProgressTrends`` (audited as a read of progress).

    Raises ``PermissionDenied`` (reception), ``NotFound`` (no such plan in the actor's clinic) and
    ``InputError`` (stored answers the current knowledge cannot score), as ``get_progress`` does.
    """
    with uow, audited(uow, actor, "progress.read", "plan", plan_id) as note:
        require_clinical(actor)
        course = found(uow.plan_course(actor.clinic_id, plan_id), "plan", plan_id)
        note.patient_id = course.head.patient_id
        plan, report = course_progress(uow, actor.clinic_id, course, kb)
        return ProgressTrends(
            plan_id=plan_id, patient_id=course.head.patient_id, plan=plan, progress=report,
            trends=trends_of(plan.baseline, course),
            started=plan.sessions[0].date if plan.sessions else None)


def trends_of(baseline: dict[str, float], course: PlanCourse) -> tuple[Trend, ...]:
    """Return one ``Trend`` per instrument measured or in ``baseline``, the pain NRS first.

    A total stored as None (a questionnaire that could not be scored, or the KOOS, which has no total)
    is not a measure; an instrument with neither a baseline nor a measure has no trend.
    """
    found: dict[str, list[Measure]] = {PAIN: []}
    for instrument in baseline:
        found.setdefault(instrument, [])
    for s in course.sessions:
        if s.pain_before is not None:
            found[PAIN].append(Measure(s.number, s.session_date, float(s.pain_before), "before"))
        if s.pain_after is not None:
            found[PAIN].append(Measure(s.number, s.session_date, float(s.pain_after), "after"))
    for r in plan_reassessments(course):
        at = session_of(r, course.sessions)
        for instrument, total in r.totals:
            if total is not None:
                found.setdefault(instrument, []).append(Measure(at, r.assessed_on, float(total), "reassessment"))
    return tuple(
        Trend(instrument, baseline.get(instrument), tuple(sorted(measures, key=lambda m: (m.session, m.on))))
        for instrument, measures in found.items() if measures or instrument in baseline)
