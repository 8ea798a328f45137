"""Use cases of treatment plans: create one from a screened intake, amend it, read it.

Screening runs again on every create and every amendment. A plan is refused (``SafetyBlock``) while a
referral finding stands, or while the plan holds a point, region or modality that a finding excludes,
unless a clinician overrode that finding with a written reason; overrides are stored with the author.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from acupath import planning
from acupath.errors import Conflict, InputError, SafetyBlock
from acupath.knowledge import KnowledgeBase
from acupath.safety.findings import Screening
from acupath.services.access import found, require_clinical
from acupath.services.actor import Actor
from acupath.services.audit import audited
from acupath.services.intakes import parse_intake, screen_stored_intake
from acupath.services.patients import new_id
from acupath.services.records import PlanOverride, PlanRecord, PlanRevision, PlanStatus
from acupath.services.unit_of_work import AbstractUnitOfWork
from acupath.services.validation import parse


class OverrideInput(BaseModel):
    """A clinician's override of one finding: the finding's code and a written reason."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    finding: str = Field(min_length=1)
    reason: str = Field(min_length=3, max_length=2000)

    @field_validator("reason")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("a reason is required")
        return value


def parse_overrides(overrides: Iterable[dict[str, Any]], field: str = "overrides") -> list[OverrideInput]:
    """Return the validated overrides. Raises ``InputError`` (e.g. a missing or blank reason)."""
    return [parse(OverrideInput, item, f"{field}.{i}") for i, item in enumerate(overrides)]


def _with_overrides(answers: dict[str, Any], overrides: list[dict[str, Any]]) -> dict[str, Any]:
    # The intake carries the overrides into screening, which marks each finding it names as overridden.
    merged: dict[str, dict[str, Any]] = {o["finding"]: o for o in answers.get("overrides") or ()}
    for override in overrides:
        merged[override["finding"]] = override
    return {**answers, "overrides": list(merged.values())}


def _check_override_codes(screening: Screening, overrides: list[OverrideInput]) -> None:
    codes = sorted({f.code for f in screening.findings})
    for i, override in enumerate(overrides):
        if override.finding not in codes:
            raise InputError(f"overrides.{i}.finding", "names no finding of this screening", codes or "none")


def _refuse_unsafe(plan: Any, screening: Screening, kb: KnowledgeBase) -> None:
    if screening.blocks_planning:
        codes = ", ".join(f.code for f in screening.in_force() if f.action.value.endswith("referral"))
        raise SafetyBlock(f"screening requires referral before planning: {codes}")
    from acupath.safety import constraints  # lands with the safety work; imported late until then

    problems = list(constraints.violations(plan, screening, kb))
    if problems:
        raise SafetyBlock("the plan breaks findings in force: " + "; ".join(str(p) for p in problems))


def _overrides_of(screening: Screening, author: str, at: Any, version: int, known: set[str]) -> list[PlanOverride]:
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
    ``InputError`` (an override without a reason, or naming no finding), ``SafetyBlock`` (a referral
    or an exclusion in force).
    """
    with uow, audited(uow, actor, "plan.create", "plan") as note:
        require_clinical(actor)
        record = found(uow.intakes.get(actor.clinic_id, intake_id), "intake", intake_id)
        note.patient_id = record.patient_id
        day = today or uow.clock().date()
        requested = parse_overrides(overrides)
        extra = [{"finding": o.finding, "reason": o.reason, "by": actor.user_id, "on": day.isoformat()}
                 for o in requested]
        intake = parse_intake(_with_overrides(record.answers, extra))
        stored = screen_stored_intake(uow, actor, record, intake, kb, day)
        screening = stored.to_screening()
        _check_override_codes(screening, requested)
        if screening.blocks_planning:
            _refuse_unsafe(None, screening, kb)
        plan = planning.build_plan(intake, screening, kb)
        _refuse_unsafe(plan, screening, kb)
        now = uow.clock()
        result = PlanRecord(
            id=new_id(),
            clinic_id=actor.clinic_id,
            patient_id=record.patient_id,
            intake_id=record.id,
            screening_id=stored.id,
            plan=plan.to_dict(),
            knowledge_version=kb.version,
            overrides=_overrides_of(screening, actor.user_id, now, 1, set()),
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
    patient's latest intake (new safety facts take effect). ``status`` may end the plan. Returns the plan
    at its new version. Raises ``PermissionDenied``, ``NotFound``, ``InputError``, ``Conflict`` (stale
    version: nothing is changed), ``SafetyBlock``.
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
        day = today or uow.clock().date()
        record = uow.intakes.list_for_patient(actor.clinic_id, current.patient_id)[-1]
        requested = parse_overrides(overrides)
        kept = [{"finding": o.finding, "reason": o.reason, "by": o.author, "on": o.at.date().isoformat()}
                for o in current.overrides]
        extra = [{"finding": o.finding, "reason": o.reason, "by": actor.user_id, "on": day.isoformat()}
                 for o in requested]
        intake = parse_intake(_with_overrides(record.answers, kept + extra))
        stored = screen_stored_intake(uow, actor, record, intake, kb, day)
        screening = stored.to_screening()
        _check_override_codes(screening, requested)
        if screening.blocks_planning:
            _refuse_unsafe(None, screening, kb)
        if plan is None:
            amended = planning.build_plan(intake, screening, kb)
        else:
            try:
                amended = planning.Plan.from_dict(plan)
            except (KeyError, TypeError, ValueError) as exc:
                raise InputError("plan", f"is not a valid plan: {exc}") from None
        _refuse_unsafe(amended, screening, kb)
        now = uow.clock()
        version = expected_version + 1
        known = {o.finding for o in current.overrides}
        current.overrides = current.overrides + _overrides_of(screening, actor.user_id, now, version, known)
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


def get_plan(uow: AbstractUnitOfWork, actor: Actor, plan_id: str) -> PlanRecord:
    """Return the clinic's plan with its overrides. Raises ``PermissionDenied``, ``NotFound``."""
    with uow, audited(uow, actor, "plan.read", "plan", plan_id) as note:
        require_clinical(actor)
        plan = found(uow.plans.get(actor.clinic_id, plan_id), "plan", plan_id)
        note.patient_id = plan.patient_id
        return plan


def plan_history(uow: AbstractUnitOfWork, actor: Actor, plan_id: str) -> list[PlanRevision]:
    """Return every version of the plan, oldest first. Raises ``PermissionDenied``, ``NotFound``."""
    with uow, audited(uow, actor, "plan.history", "plan", plan_id) as note:
        require_clinical(actor)
        plan = found(uow.plans.get(actor.clinic_id, plan_id), "plan", plan_id)
        note.patient_id = plan.patient_id
        return uow.plans.revisions(actor.clinic_id, plan_id)
