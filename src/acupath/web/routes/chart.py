"""The patient's chart (read-only for now): what matters now first, then the record.

Every role sees the demographics and the schedule; clinicians and administrators also see the
findings (red flags first), the active plan and where the patient is in it, responder status, the
sessions, adverse events, reassessments and the plan's versions. Another clinic's patient is the 404
page (the services' ``NotFound``).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from acupath.errors import InputError
from acupath.services import clinic_day, patient_records, patients, plans, progress, schedule, sessions
from acupath.services.between_visits import urgent_tasks
from acupath.services.portal import invitations
from acupath.services.records import PlanRecord
from acupath.services.records.clinical import PlanStatus
from acupath.web.pages import PageRoute, render, web_state
from acupath.web.visitor import VisitorDep, unit_of_work

router = APIRouter(prefix="/clinic/patients", route_class=PageRoute, include_in_schema=False)

#: Findings by what matters first: red flags, then contraindications, then cautions; urgent first.
KIND_ORDER = {"red_flag": 0, "contraindication": 1, "caution": 2}
SEVERITY_ORDER = {"urgent": 0, "high": 1, "moderate": 2, "low": 3}
LONG_LIST = 200


def findings_first(plan: PlanRecord | None) -> list[dict[str, Any]]:
    """Return the plan's findings, red flags first and the most severe first within each kind."""
    if plan is None:
        return []
    found = list(plan.plan.get("findings") or [])
    return sorted(found, key=lambda f: (KIND_ORDER.get(f.get("kind"), 9), SEVERITY_ORDER.get(f.get("severity"), 9)))


def current_plan(records: list[PlanRecord]) -> PlanRecord | None:
    """Return the patient's active plan (the latest one), else their latest plan, else None."""
    active = [p for p in records if p.status == PlanStatus.ACTIVE.value]
    return (active or records or [None])[-1]


@router.get("/{patient_id}")
def chart_page(request: Request, patient_id: str, visitor: VisitorDep) -> Response:
    """Return the patient's chart; 404 page for a patient the clinic does not hold."""
    state = web_state(request)
    actor = visitor.actor
    patient = patients.get_patient(unit_of_work(request), actor, patient_id)
    booked = schedule.get_schedule(unit_of_work(request), actor, patient_id, limit=LONG_LIST)
    context: dict[str, Any] = {"patient": patient, "schedule": booked, "today": state.clock().date(),
                               "registered": request.query_params.get("registered") == "1"}
    if visitor.clinical:
        plan_list = patient_records.list_plans(unit_of_work(request), actor, patient_id, limit=LONG_LIST).items
        plan = current_plan(plan_list)
        reassessments = patient_records.list_reassessments(unit_of_work(request), actor, patient_id,
                                                           limit=LONG_LIST).items
        # Open urgent tasks first, above everything else of the patient (a safety answer on the portal).
        context["urgent"] = [v for v in urgent_tasks.patient_tasks(unit_of_work(request), actor, patient_id, state.kb)
                             if v.task.is_open]
        context.update(
            plans=plan_list, plan=plan, findings=findings_first(plan), reassessments=reassessments,
            adverse_events=patient_records.list_adverse_events(unit_of_work(request), actor, patient_id,
                                                               limit=LONG_LIST).items,
            sessions=[], position=None, progress=None, revisions=[],
            portal=invitations.portal_status(unit_of_work(request), actor, patient_id),
            can_email_portal=state.link_sender is not None and bool(patient.email),
            portal_revoked=request.query_params.get("portal") == "revoked", portal_days=state.portal_times.invitation.days)
        if plan is not None:
            given = sessions.list_sessions(unit_of_work(request), actor, plan.id, limit=LONG_LIST).items
            context.update(
                sessions=given,
                position=clinic_day.where_in_plan(plan, given, reassessments, context["today"]),
                revisions=plans.plan_history(unit_of_work(request), actor, plan.id, limit=LONG_LIST).items)
            try:
                context["progress"] = progress.get_progress(unit_of_work(request), actor, plan.id, state.kb)
            except InputError:
                context["progress"] = None
    return render(request, "patients/chart.html", context)
