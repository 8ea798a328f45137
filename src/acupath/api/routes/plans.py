"""Treatment plans (clinicians and admins): create from an intake, read, amend with a version, history."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from acupath.api.deps import SignedInDep
from acupath.api.paging import PageDep, page_body
from acupath.services import patient_records, plans
from acupath.services.overrides import OverrideInput
from acupath.services.records import PlanStatus
from acupath.validation import MAX_STORED_INT

router = APIRouter(tags=["plans"])


class NewPlan(BaseModel):
    """Overrides of screening findings, each with a written reason (none when nothing is overridden)."""

    model_config = ConfigDict(extra="forbid")

    overrides: list[OverrideInput] = Field(default_factory=list)


class PlanAmendment(BaseModel):
    """An amendment to the plan read at ``version``; without ``plan`` it is rebuilt from the latest intake."""

    model_config = ConfigDict(extra="forbid")

    version: int = Field(ge=1, le=MAX_STORED_INT)
    plan: dict[str, Any] | None = None
    status: PlanStatus | None = None
    overrides: list[OverrideInput] = Field(default_factory=list)
    note: str = Field(default="", max_length=2000)


@router.post("/intakes/{intake_id}/plans", status_code=201, summary="Create a plan from an intake")
def create_plan(signed: SignedInDep, intake_id: str, body: NewPlan) -> dict[str, Any]:
    """Return the plan (version 1); 409 when a referral or exclusion stands without override."""
    overrides = [o.model_dump() for o in body.overrides]
    return asdict(plans.create_plan(signed.uow, signed.actor, intake_id, signed.kb, overrides=overrides))


@router.get("/plans/{plan_id}", summary="Read a plan with its overrides")
def get_plan(signed: SignedInDep, plan_id: str) -> dict[str, Any]:
    """Return the plan; 404 for an id that is not the clinic's."""
    return asdict(plans.get_plan(signed.uow, signed.actor, plan_id))


@router.patch("/plans/{plan_id}", summary="Amend a plan (screening runs again)")
def amend_plan(signed: SignedInDep, plan_id: str, body: PlanAmendment) -> dict[str, Any]:
    """Return the plan at its new version; 409 when ``version`` is stale or a finding blocks the plan."""
    return asdict(plans.amend_plan(
        signed.uow, signed.actor, plan_id, signed.kb, expected_version=body.version, plan=body.plan,
        status=body.status.value if body.status else None,
        overrides=[o.model_dump() for o in body.overrides], note=body.note))


@router.get("/plans/{plan_id}/revisions", summary="Every version of a plan, one page at a time")
def plan_history(signed: SignedInDep, plan_id: str, page: PageDep) -> dict[str, Any]:
    """Return one page of the plan's revisions, oldest first: ``items``, ``total``, ``offset``, ``limit``."""
    found = plans.plan_history(signed.uow, signed.actor, plan_id, offset=page.offset, limit=page.limit)
    return page_body(found, asdict)


@router.get("/patients/{patient_id}/plans", summary="A patient's plans, one page at a time")
def list_plans(signed: SignedInDep, patient_id: str, page: PageDep) -> dict[str, Any]:
    """Return one page of the patient's plans at their current versions, oldest first; 403 for reception."""
    return page_body(patient_records.list_plans(signed.uow, signed.actor, patient_id,
                                                offset=page.offset, limit=page.limit), asdict)
