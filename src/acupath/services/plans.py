"""Use cases of treatment plans: create one from a recorded intake, amend it, read it.

Screening runs again on every create and every amendment. A plan is refused (``SafetyBlock``) while a
referral finding stands, or while the plan holds a point, region or modality that a finding in force
excludes; a clinician may override a finding with a written reason (``acupath.safety.overrides``: never
"ok"-style; an urgent finding needs a longer one), and the override is stored with its author and date
and shown with the plan.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from acupath import planning, safety
from acupath.assessment.intake import parse_intake
from acupath.errors import Conflict, InputError, SafetyBlock
from acupath.knowledge import KnowledgeBase
from acupath.safety.findings import Action, Override, Screening
from acupath.services.access import found, require_clinical
from acupath.services.actor import Actor
from acupath.services.audit import audited
from acupath.services.intakes import store_screening
from acupath.services.overrides import apply_overrides, parse_overrides, requested_overrides
from acupath.services.paging import page_of_plan
from acupath.services.patients import new_id
from acupath.services.records import IntakeRecord, Page, PlanOverride, PlanRecord, PlanRevision, PlanStatus
from acupath.services.records.clinical import ScreeningRecord
from acupath.services.unit_of_work import AbstractUnitOfWork

_REFERRALS = (Action.URGENT_REFERRAL, Action.REFERRAL)


def refuse_unsafe(plan: Any, screening: Screening, kb: KnowledgeBase) -> None:
    """Raise ``SafetyBlock`` if a referral stands or ``plan`` holds what a finding in force excludes."""
    if screening.blocks_planning:
        codes = ", ".join(f.code for f in screening.in_force() if f.action in _REFERRALS)
        raise SafetyBlock(f"screening calls for referral before any plan: {codes}")
    if plan is not None:
        problems = safety.violations(plan, screening, kb)
        if problems:
            raise SafetyBlock("the plan contradicts findings in force: " + "; ".join(problems))


def _screen(
    uow: AbstractUnitOfWork,
    actor: Actor,
    record: IntakeRecord,
    kb: KnowledgeBase,
    day: date,
    overrides: Iterable[dict[str, Any]],
    kept: Iterable[Override] = (),
) -> tuple[Any, Screening, ScreeningRecord]:
    # Screen the intake afresh, apply the clinician's overrides, store the screening that the plan uses.
    requested = requested_overrides(parse_overrides(overrides), actor.user_id, day)
    intake = parse_intake(record.answers)
    screening = apply_overrides(safety.screen(intake, kb, day), requested, kept, day=day)
    return intake, screening, store_screening(uow, actor, record, screening)


def _new_overrides(screening: Screening, at: datetime, version: int, known: set[str]) -> list[PlanOverride]:
    return [
        PlanOverride(finding=f.code, reason=f.override.reason, author=f.override.by, at=at, plan_version=version)
        for f in screening.findings
        if f.override is not None and f.code not in known
    ]


def create_plan(
    uow: AbstractUnitOfWork,
    actor: Actor,
    intake_id: str,
    kb: KnowledgeBase,
    *,
    overrides: Iterable[dict[str, Any]] = (),
    today: date | None = None,
) -> PlanRecord:
    """Screen the intake again and build a plan from it; ``overrides`` are ``{finding, reason}``.

    Returns the stored plan (version 1). Raises ``PermissionDenied`` (reception), ``NotFound``,
    ``InputError`` (an override naming no finding, or whose reason the override rule refuses),
    ``SafetyBlock`` (a referral or an exclusion in force).
    """
    with uow, audited(uow, actor, "plan.create", "plan", about=("intake", intake_id)) as note:
        require_clinical(actor)
        record = found(uow.intakes.get(actor.clinic_id, intake_id), "intake", intake_id)
        note.patient_id = record.patient_id
        intake, screening, stored = _screen(uow, actor, record, kb, today or uow.clock().date(), overrides)
        refuse_unsafe(None, screening, kb)
        plan = planning.build_plan(intake, screening, kb)
        refuse_unsafe(plan, screening, kb)
        now = uow.clock()
        result = PlanRecord(
            id=new_id(),
            clinic_id=actor.clinic_id,
            patient_id=record.patient_id,
            intake_id=record.id,
            screening_id=stored.id,
            plan=plan.to_dict(),
            knowledge_version=kb.version,
            overrides=_new_overrides(screening, now, 1, set()),
            created_at=now,
            created_by=actor.user_id,
            updated_at=now,
            updated_by=actor.user_id,
        )
        note.record_id = result.id
        uow.plans.add(result)
        return result


def amend_plan(
    uow: AbstractUnitOfWork,
    actor: Actor,
    plan_id: str,
    kb: KnowledgeBase,
    *,
    expected_version: int,
    plan: dict[str, Any] | None = None,
    status: str | None = None,
    overrides: Iterable[dict[str, Any]] = (),
    note: str = "",
    today: date | None = None,
) -> PlanRecord:
    """Amend a plan that nobody changed since ``expected_version`` was read; screening runs again.

    ``plan`` is the amended plan (``Plan.to_dict()`` form); without it the plan is rebuilt from the
    patient's latest intake, so new safety facts take effect. ``status`` may complete or discontinue
    it: ending a plan is always allowed, whatever the latest screening (a referral is a reason to stop,
    never a reason to keep a plan open), so it neither screens again nor changes the plan's document.
    Earlier overrides stay while their finding is still found. Returns the plan at its new version.
    Raises ``PermissionDenied``, ``NotFound``, ``InputError`` (also ``plan`` or ``overrides`` given with an
    ending status), ``Conflict`` (stale version: nothing is changed), ``SafetyBlock``.
    """
    with uow, audited(uow, actor, "plan.amend", "plan", plan_id) as audit_note:
        require_clinical(actor)
        current = found(uow.plans.get(actor.clinic_id, plan_id), "plan", plan_id)
        audit_note.patient_id = current.patient_id
        if current.version != expected_version:
            raise Conflict(f"plan {plan_id} is at version {current.version}, not {expected_version}: "
                           "reload it and amend again")
        if status is not None and status not in {s.value for s in PlanStatus}:
            raise InputError("status", f"unknown status {status!r}", [s.value for s in PlanStatus])
        if status in _ENDINGS:
            return _end(uow, actor, current, status, plan, overrides, note)
        day = today or uow.clock().date()
        record = uow.intakes.list_for_patient(actor.clinic_id, current.patient_id)[-1]
        kept = [Override(finding=o.finding, reason=o.reason, by=o.author, on=o.at.date()) for o in current.overrides]
        intake, screening, stored = _screen(uow, actor, record, kb, day, overrides, kept)
        refuse_unsafe(None, screening, kb)
        if plan is None:
            amended = planning.build_plan(intake, screening, kb)
        else:
            try:
                amended = planning.Plan.from_dict(plan)
            except (KeyError, TypeError, ValueError) as exc:
                raise InputError("plan", f"is not a valid plan: {exc}") from None
        refuse_unsafe(amended, screening, kb)
        now = uow.clock()
        version = expected_version + 1
        known = {o.finding for o in current.overrides}
        current.overrides = current.overrides + _new_overrides(screening, now, version, known)
        current.plan = amended.to_dict()
        current.intake_id = record.id
        current.screening_id = stored.id
        current.knowledge_version = kb.version
        current.status = status or current.status
        current.updated_at = now
        current.updated_by = actor.user_id
        uow.plans.update(current, expected_version, note)
        current.version = version
        return current


#: The statuses that end a plan.
_ENDINGS = (PlanStatus.COMPLETED.value, PlanStatus.DISCONTINUED.value)


def _end(
    uow: AbstractUnitOfWork, actor: Actor, current: PlanRecord, status: str, plan: dict[str, Any] | None,
    overrides: Iterable[dict[str, Any]], note: str,
) -> PlanRecord:
    # Completing or discontinuing changes the status alone: no screening can refuse it.
    if plan is not None:
        raise InputError("plan", f"a plan being {status} keeps its document; amend it before ending it")
    if list(overrides):
        raise InputError("overrides", f"a plan being {status} needs no override")
    expected_version = current.version
    current.status = status
    current.updated_at = uow.clock()
    current.updated_by = actor.user_id
    uow.plans.update(current, expected_version, note)
    current.version = expected_version + 1
    return current


def get_plan(uow: AbstractUnitOfWork, actor: Actor, plan_id: str) -> PlanRecord:
    """Return the clinic's plan with its overrides. Raises ``PermissionDenied``, ``NotFound``."""
    with uow, audited(uow, actor, "plan.read", "plan", plan_id) as note:
        require_clinical(actor)
        plan = found(uow.plans.get(actor.clinic_id, plan_id), "plan", plan_id)
        note.patient_id = plan.patient_id
        return plan


def plan_history(
    uow: AbstractUnitOfWork, actor: Actor, plan_id: str, *, offset: int = 0, limit: int = 50
) -> Page[PlanRevision]:
    """Return one page of the plan's versions, oldest first.

    Raises ``PermissionDenied``, ``NotFound``, ``InputError`` (offset or limit out of range).
    """
    return page_of_plan(uow, actor, plan_id, "plan.history", lambda u: u.plans.revisions_page, offset, limit)
