"""Homework: the plan's components as home practice the patient ticks off, and its adherence.

A clinician starts the homework of a plan (``start_homework``): every component of the plan whose
programme.yaml entry has ``homework`` (graded walking, aerobic exercise, pain neuroscience education,
CBT for pain, the sleep routine) becomes a task with that entry's ``times_per_week``, from the first day
of the component's phases in the plan to the last. The patient ticks a day done or undone on the
portal (``tick``): not a day in the future, nor one outside the task's phases (so never before the plan
started). Adherence (``adherence_of``) is the days done against the days expected over the task's days
so far: ``times_per_week`` × days / 7, rounded down.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from acupath.errors import InputError
from acupath.knowledge import KnowledgeBase
from acupath.services.access import found, found_of_patient, require_clinical
from acupath.services.actor import Actor
from acupath.services.audit import audited
from acupath.services.patient_actor import PatientActor
from acupath.services.patients import new_id
from acupath.services.records import PlanRecord
from acupath.services.records.between_visits import HomeworkTask, HomeworkTick
from acupath.services.records.clinical import PlanStatus
from acupath.services.unit_of_work import AbstractUnitOfWork

#: Days the portal offers to tick: today and the six before it.
TICK_WINDOW = 7


def tasks_from_plan(plan: PlanRecord, kb: KnowledgeBase, created_by: str, now: Any) -> list[HomeworkTask]:
    """Return a task for each component of ``plan`` that has homework in the knowledge base (not stored).

    Its dates are those of the component's phases in the plan, from the day it is given (``now``) when
    that is later: homework given a month into its phase counted that month as undone ("0 of 36 days",
    of which the patient could tick the last seven). A component with no phase in the plan, or whose
    phases are over, has no task.
    """
    programme = {c.id: c for c in kb.programme.components}
    phases = {p["id"]: (date.fromisoformat(p["starts"]), date.fromisoformat(p["ends"]))
              for p in plan.plan.get("phases") or []}
    tasks = []
    for component in plan.plan.get("components") or []:
        known = programme.get(component["id"])
        if known is None or known.homework is None:
            continue
        spans = [phases[p] for p in component.get("phases") or [] if p in phases]
        if not spans:
            continue
        starts, ends = max(min(s for s, _ in spans), now.date()), max(e for _, e in spans)
        if starts > ends:
            continue
        tasks.append(HomeworkTask(
            id=new_id(), clinic_id=plan.clinic_id, patient_id=plan.patient_id, plan_id=plan.id,
            component=known.id, title=known.title, task=known.homework.task,
            times_per_week=known.homework.times_per_week, starts_on=starts,
            ends_on=ends, created_at=now, created_by=created_by, knowledge_version=kb.version))
    return tasks


def start_homework(uow: AbstractUnitOfWork, actor: Actor, plan_id: str, kb: KnowledgeBase) -> list[HomeworkTask]:
    """Give the plan's patient the homework of the plan's components (clinical roles).

    A component that already has its task is left as it is, so this can run again after the plan
    changed. Returns the new tasks. Raises ``PermissionDenied``, ``NotFound``.
    """
    with uow, audited(uow, actor, "homework.start", "plan", plan_id) as note:
        require_clinical(actor)
        plan = found(uow.plans.get(actor.clinic_id, plan_id), "plan", plan_id)
        note.patient_id = plan.patient_id
        have = {t.component for t in uow.homework.tasks_for_plan(actor.clinic_id, plan_id)}
        new = [t for t in tasks_from_plan(plan, kb, actor.user_id, uow.clock()) if t.component not in have]
        uow.homework.add_tasks(new)
        note.detail = f"{len(new)} tasks"
        return new


@dataclass(frozen=True)
class Adherence:
    """One task's adherence on a day: ``done`` days ticked of ``expected`` so far over ``days`` days.

    ``percent`` is done / expected (at most 100; None while nothing is expected yet); ``last_done`` the
    latest day ticked.
    """

    task: HomeworkTask
    days: int
    expected: int
    done: int
    percent: int | None
    last_done: date | None


def adherence_of(task: HomeworkTask, ticks: list[HomeworkTick], today: date) -> Adherence:
    """Return the adherence of ``task`` on ``today`` from its ticks (ticks outside its days do not count)."""
    end = min(today, task.ends_on)
    days = max(0, (end - task.starts_on).days + 1)
    expected = task.times_per_week * days // 7
    done_days = sorted({t.done_on for t in ticks if t.task_id == task.id and task.starts_on <= t.done_on <= end})
    percent = None if expected == 0 else round(100 * min(len(done_days), expected) / expected)
    return Adherence(task=task, days=days, expected=expected, done=len(done_days), percent=percent,
                     last_done=done_days[-1] if done_days else None)


def plan_adherence(uow: AbstractUnitOfWork, actor: Actor, plan_id: str, *, today: date | None = None) -> list[Adherence]:
    """Return the adherence of each homework task of the plan on ``today`` (clinical roles).

    Raises ``PermissionDenied``, ``NotFound``.
    """
    with uow, audited(uow, actor, "homework.read", "plan", plan_id) as note:
        require_clinical(actor)
        plan = found(uow.plans.get(actor.clinic_id, plan_id), "plan", plan_id)
        note.patient_id = plan.patient_id
        day = today or uow.clock().date()
        tasks = uow.homework.tasks_for_plan(actor.clinic_id, plan_id)
        ticks = uow.homework.ticks(actor.clinic_id, [t.id for t in tasks])
        return [adherence_of(t, ticks, day) for t in tasks]


@dataclass(frozen=True)
class TaskDays:
    """A task the patient may tick, the days offered (newest first) with whether each is done, its adherence."""

    task: HomeworkTask
    days: tuple[tuple[date, bool], ...]
    adherence: Adherence


def patient_homework(uow: AbstractUnitOfWork, patient: PatientActor, *, today: date | None = None) -> list[TaskDays]:
    """Return the patient's homework of active plans whose days include one of the last ``TICK_WINDOW`` days."""
    with uow, audited(uow, patient, "portal.homework.read", "patient", patient.patient_id,  # type: ignore[arg-type]
                      patient_id=patient.patient_id):
        day = today or uow.clock().date()
        active = {p.id for p in uow.plans.list_for_patient(patient.clinic_id, patient.patient_id)
                  if p.status == PlanStatus.ACTIVE.value}
        tasks = [t for t in uow.homework.tasks_for_patient(patient.clinic_id, patient.patient_id)
                 if t.plan_id in active]
        ticks = uow.homework.ticks(patient.clinic_id, [t.id for t in tasks])
        shown = []
        for task in tasks:
            offered = [day - timedelta(days=n) for n in range(TICK_WINDOW)]
            offered = [d for d in offered if task.starts_on <= d <= task.ends_on]
            if not offered:
                continue
            done = {t.done_on for t in ticks if t.task_id == task.id}
            shown.append(TaskDays(task=task, days=tuple((d, d in done) for d in offered),
                                  adherence=adherence_of(task, ticks, day)))
        return shown


def check_tick_day(task: HomeworkTask, done_on: date, today: date) -> None:
    """Raise ``InputError`` naming ``done_on`` unless it is a day of the task's phases, not after today."""
    last = min(today, task.ends_on)
    allowed = f"a date from {task.starts_on} to {last}"
    if done_on > today:
        raise InputError("done_on", f"{done_on} is after today ({today})", allowed)
    if done_on < task.starts_on:
        raise InputError("done_on", f"{done_on} is before this homework started ({task.starts_on})", allowed)
    if done_on > task.ends_on:
        raise InputError("done_on", f"{done_on} is after this homework ended ({task.ends_on})", allowed)


def tick(uow: AbstractUnitOfWork, patient: PatientActor, task_id: str, done_on: date, done: bool,
         *, today: date | None = None) -> bool:
    """Mark the patient's task done (``done``) or not done on ``done_on``; return whether anything changed.

    Raises ``NotFound`` (not the patient's task), ``InputError`` naming ``done_on`` (future, outside the
    task's days).
    """
    action = "portal.homework.tick" if done else "portal.homework.untick"
    with uow, audited(uow, patient, action, "homework_task", task_id,  # type: ignore[arg-type]
                      patient_id=patient.patient_id) as note:
        task = found_of_patient(uow.homework.get_task(patient.clinic_id, task_id), "homework_task", task_id,
                                patient.patient_id)
        check_tick_day(task, done_on, today or uow.clock().date())
        note.detail = f"{task.component} {done_on.isoformat()}"
        if done:
            return uow.homework.tick(HomeworkTick(task_id=task.id, clinic_id=task.clinic_id, done_on=done_on,
                                                  ticked_at=uow.clock()))
        return uow.homework.untick(task.clinic_id, task.id, done_on)
