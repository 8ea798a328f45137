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
from acupath.services import (
    clinic_day,
    intake_screening,
    patient_records,
    patients,
    plans,
    progress,
    schedule,
    sessions,
)
from acupath.services.between_visits import urgent_tasks
from acupath.services.portal import invitations
from acupath.services.record_dates import plan_start
from acupath.services.records import PlanRecord
from acupath.services.records.clinical import PlanStatus
from acupath.services.session_dates import charting_opens
from acupath.services.staff_names import who_is
from acupath.web.pages import PageRoute, render, web_state
from acupath.web.routes.documents import refused_documents
from acupath.web.routes.sessions import not_yet_notice
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
    return by_urgency(plan.plan.get("findings") or [])


def by_urgency(findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return ``findings`` red flags first, then contraindications, then cautions; the most severe first."""
    return sorted(findings, key=lambda f: (KIND_ORDER.get(f.get("kind"), 9), SEVERITY_ORDER.get(f.get("severity"), 9)))


def unplanned_screening(request: Request, actor: Any, patient_id: str,
                        plan_list: list[PlanRecord]) -> dict[str, Any] | None:
    """Return the patient's latest intake and its screening when no plan was made from that intake yet.

    A screening that found a red flag stops the plan, so the patient may have no plan at all: without
    this the chart said "no findings" of a patient to be referred today. Returns None when the latest
    intake has a plan (its findings are the plan's) or the patient has no intake.
    """
    intakes = patient_records.list_intakes(unit_of_work(request), actor, patient_id, limit=LONG_LIST).items
    if not intakes or any(p.intake_id == intakes[-1].id for p in plan_list):
        return None
    intake, screening = intake_screening.latest_screening(unit_of_work(request), actor, intakes[-1].id)
    findings = by_urgency(screening.findings) if screening else []
    return {"intake": intake, "screening": screening, "findings": findings,
            "urgent": [f for f in findings if f.get("severity") == "urgent" and not f.get("override")]}


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
                               "registered": request.query_params.get("registered") == "1",
                               "changed": request.query_params.get("changed") == "1"}
    if visitor.clinical:
        plan_list = patient_records.list_plans(unit_of_work(request), actor, patient_id, limit=LONG_LIST).items
        plan = current_plan(plan_list)
        reassessments = patient_records.list_reassessments(unit_of_work(request), actor, patient_id,
                                                           limit=LONG_LIST).items
        # Open urgent tasks first, above everything else of the patient (a safety answer on the portal).
        context["urgent"] = [v for v in urgent_tasks.patient_tasks(unit_of_work(request), actor, patient_id, state.kb)
                             if v.task.is_open]
        unplanned = unplanned_screening(request, actor, patient_id, plan_list)
        context.update(
            plans=plan_list, plan=plan, unplanned=unplanned, reassessments=reassessments,
            findings=findings_first(plan) if plan or unplanned is None else unplanned["findings"],
            adverse_events=patient_records.list_adverse_events(unit_of_work(request), actor, patient_id,
                                                               limit=LONG_LIST).items,
            sessions=[], position=None, progress=None, revisions=[],
            portal=invitations.portal_status(unit_of_work(request), actor, patient_id),
            can_email_portal=state.link_sender is not None and bool(patient.email),
            portal_revoked=request.query_params.get("portal") == "revoked", portal_days=state.portal_times.invitation.days,
            refused=refused_documents(request, actor, patient_id))
        context["staff"] = who_is(unit_of_work(request), actor, context["findings"])
        if plan is not None:
            given = sessions.list_sessions(unit_of_work(request), actor, plan.id, limit=LONG_LIST).items
            context.update(
                sessions=given,
                position=clinic_day.where_in_plan(plan, given, reassessments, context["today"]),
                revisions=plans.plan_history(unit_of_work(request), actor, plan.id, limit=LONG_LIST).items,
                # A plan that starts after today: "Chart a session" would offer a form that cannot succeed.
                not_yet=not_yet_notice(request, charting_opens(plan_start(plan.plan), context["today"])))
            try:
                context["progress"] = progress.get_progress(unit_of_work(request), actor, plan.id, state.kb)
            except InputError:
                context["progress"] = None
    return render(request, "patients/chart.html", context)
