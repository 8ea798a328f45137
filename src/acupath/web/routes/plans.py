"""The plan page: a treatment plan at a glance, for clinicians and administrators.

Findings (red flags first) and overrides (who, when, why) at the top; the points with side, role,
depth and angle; the body chart (``reports.body_chart``, inline SVG); electroacupuncture settings;
components with their triggers; phases; the dated visits with reassessments and cover (used /
remaining / the last covered visit), each checkpoint and each phase's last visit marked; the checkpoints
table lists the very checkpoints the visits mark, those progress judges (``outcomes.in_force``: no
Medicare extension checkpoint on a plan Medicare covers none of); the evidence sentences with their status. Reception gets the 403
page (``plans.get_plan`` refuses it) and another clinic's plan is the 404 page (``NotFound``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from acupath.errors import NotFound
from acupath.outcomes import in_force
from acupath.planning import Plan
from acupath.reports.body_chart import body_chart_svg, excluded_regions
from acupath.services import patients, plans, sessions
from acupath.services.clinic_day import COVERED
from acupath.services.plan_cache import parsed_plans
from acupath.services.plan_screening import plan_screening
from acupath.services.record_dates import plan_start
from acupath.services.records import PlanRecord
from acupath.services.session_dates import charting_opens
from acupath.services.staff_names import who_is
from acupath.web.pages import PageRoute, render, web_state
from acupath.web.routes.chart import LONG_LIST, findings_first
from acupath.web.routes.documents import refused_documents
from acupath.web.routes.sessions import not_yet_notice
from acupath.web.visitor import VisitorDep, unit_of_work

router = APIRouter(prefix="/clinic/plans", route_class=PageRoute, include_in_schema=False)


@dataclass(frozen=True)
class Visit:
    """One planned visit as the schedule table shows it: given or not, and the cover it draws on.

    ``checkpoint`` is the id of the plan's checkpoint at this visit (None: none); ``phase_end`` the
    phase this visit is the last of (None: not a phase's last), a reassessment but not a checkpoint.
    ``skipped`` is a visit not given before one that was; ``covered_number`` is the visit's place among
    the covered visits (None: not covered) and ``covered_left`` the covered visits left after it.
    """

    number: int
    day: date
    phase: str
    reassess: tuple[str, ...]
    checkpoint: str | None
    phase_end: str | None
    coverage: str
    given: bool
    covered_number: int | None
    covered_left: int | None
    skipped: bool = False


@dataclass(frozen=True)
class Cover:
    """The plan's cover: covered visits planned, used (given), remaining, and the last covered day."""

    planned: int
    used: int
    remaining: int
    last_day: date | None


def visits(document: Plan, given: set[int], checkpoints: tuple[Any, ...]) -> tuple[list[Visit], Cover]:
    """Return the plan's visits in order with their cover, and the cover of the whole plan.

    ``checkpoints`` are the plan's checkpoints in force (``outcomes.in_force``): a visit is marked with
    the one at its number, so the schedule and the checkpoints table name the same checkpoints.
    """
    at = {c.session: c.id for c in checkpoints}
    phases = [s.phase for s in document.sessions]
    covered_total = sum(1 for s in document.sessions if s.coverage in COVERED)
    reached = max(given, default=0)  # the highest visit given: one not given before it was skipped
    rows: list[Visit] = []
    seen = 0
    for i, s in enumerate(document.sessions):
        covered = s.coverage in COVERED
        seen += covered
        rows.append(Visit(number=s.number, day=s.date, phase=s.phase, reassess=tuple(s.reassess),
                          checkpoint=at.get(s.number),
                          phase_end=s.phase if i + 1 == len(phases) or phases[i + 1] != s.phase else None,
                          coverage=s.coverage, given=s.number in given,
                          skipped=s.number not in given and s.number < reached,
                          covered_number=seen if covered else None,
                          covered_left=covered_total - seen if covered else None))
    covered_rows = [v for v in rows if v.covered_number is not None]
    used = sum(1 for v in covered_rows if v.given)
    return rows, Cover(planned=covered_total, used=used, remaining=covered_total - used,
                       last_day=covered_rows[-1].day if covered_rows else None)


#: The reference angle a finding against bloodletting takes off a point's row ("bleeding" technique).
BLOODLETTING_ANGLE = "prick to bleed"


def point_rows(document: Plan, kb: Any, findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return each planned point with its names, depth and angles from the knowledge base.

    ``angles`` leaves out bloodletting while a finding in force of ``findings`` forbids the ``bleeding``
    technique; ``shallow`` names the findings that forbid ``deep_needling`` (empty: none), so that the
    reference depth is not read as allowed (a bleeding risk: "no deep needling near large vessels").
    """
    forbidding: dict[str, list[str]] = {}
    for finding in findings:
        rule = kb.safety.rule_answering(finding["code"]) if not finding.get("overridden_by") else None
        for technique in rule.affects.techniques if rule is not None else ():
            forbidding.setdefault(technique, []).append(finding["code"])
    rows = []
    for planned in document.points:
        try:
            point = kb.points.find(planned.code)
        except NotFound:
            point = None
        angles = [a for a in (point.angles if point is not None else ()) if a != BLOODLETTING_ANGLE
                  or "bleeding" not in forbidding]
        rows.append({"planned": planned, "point": point, "angles": angles,
                     "shallow": tuple(forbidding.get("deep_needling", ()))})
    return rows


def chart_of(document: Plan, kb: Any, findings: list[dict[str, Any]]) -> str | None:
    """Return the body chart SVG, or None when a point or region is unknown to this knowledge version."""
    try:
        return body_chart_svg(document, kb, excluded_regions=excluded_regions(findings))
    except (NotFound, ValueError):
        return None


@router.get("/{plan_id}")
def plan_page(request: Request, plan_id: str, visitor: VisitorDep) -> Response:
    """Return the plan page; 403 page for reception, 404 page for a plan the clinic does not hold."""
    state = web_state(request)
    actor = visitor.actor
    record: PlanRecord = plans.get_plan(unit_of_work(request), actor, plan_id)
    screening = plan_screening(unit_of_work(request), actor, record)
    patient = patients.get_patient(unit_of_work(request), actor, record.patient_id)
    given = sessions.list_sessions(unit_of_work(request), actor, record.id, limit=LONG_LIST).items
    document = parsed_plans.get((actor.clinic_id, record.id, record.version), lambda: Plan.from_dict(record.plan))
    checkpoints = in_force(document, state.kb)
    rows, cover = visits(document, {s.number for s in given}, checkpoints)
    return render(request, "plans/plan.html", {
        "record": record, "plan": document, "patient": patient, "findings": findings_first(record),
        "overrides": record.overrides, "points": point_rows(document, state.kb, findings_first(record)),
        "chart": chart_of(document, state.kb, screening.findings), "visits": rows, "cover": cover, "checkpoints": checkpoints,
        "given": len(given), "refused": refused_documents(request, actor, record.patient_id),
        "staff": who_is(unit_of_work(request), actor, (record.overrides, findings_first(record))),
        "not_yet": not_yet_notice(request, charting_opens(plan_start(record.plan), state.clock().date()))})
