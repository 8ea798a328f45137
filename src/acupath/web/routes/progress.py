"""The progress page of a plan: every instrument over the sessions, against its baseline and MCID.

One chart per instrument (``reports.progress_chart``, inline SVG readable without JavaScript): the
baseline marked, the MCID band from the instrument's file with its source, each checkpoint of the
plan with whether the instrument had improved by the MCID there, the pain NRS before and after
needling at each session, numbers and dates written in the clinic's locale. Each chart has a title, a
description and its numbers as a table. Above
the charts: the verdict of the latest measures (``Progress.verdict``: too early to judge before the first
checkpoint, else responding or not with the measures that decided), the alerts, and the responder status
at each checkpoint in force (``outcomes.in_force``). Reception gets the 403
page (``progress_trends.get_trends`` refuses it) and another clinic's plan is the 404 page.
"""

from __future__ import annotations

from dataclasses import replace

from fastapi import APIRouter, Request
from starlette.responses import Response

from acupath.outcomes import in_force
from acupath.reports.progress_chart import Formats, progress_charts
from acupath.services import patients
from acupath.services.between_visits import homework
from acupath.services.progress_trends import get_trends
from acupath.services.records.people import DEFAULT_LOCALE
from acupath.web.locales import format_day, format_number
from acupath.web.pages import PageRoute, render, web_state
from acupath.web.routes.documents import refused_documents
from acupath.web.visitor import VisitorDep, unit_of_work

router = APIRouter(prefix="/clinic/plans", route_class=PageRoute, include_in_schema=False)


@router.get("/{plan_id}/progress")
def progress_page(request: Request, plan_id: str, visitor: VisitorDep) -> Response:
    """Return the plan's progress page; 403 page for reception, 404 page for a plan the clinic does not hold."""
    kb = web_state(request).kb
    trends = get_trends(unit_of_work(request), visitor.actor, plan_id, kb)
    # The checkpoints progress judged (``outcomes.in_force``), in the table and on the charts alike.
    trends = replace(trends, plan=replace(trends.plan, checkpoints=in_force(trends.plan, kb)))
    patient = patients.get_patient(unit_of_work(request), visitor.actor, trends.patient_id)
    locale = getattr(request.state, "locale", DEFAULT_LOCALE)  # the clinic's, set by the visitor check
    charts = progress_charts(trends, kb, formats=Formats(number=lambda value: format_number(value, locale),
                                                         day=lambda day: format_day(day, locale)))
    cited = {c.band.mcid.source for c in charts if c.band is not None}
    cited.update(key for alert in trends.progress.alerts for key in alert.citations)
    sources = {c.key: c.text for c in kb.citations.sources if c.key in cited}
    # Homework adherence beside the outcomes: is the patient doing the programme the plan relies on?
    adherence = homework.plan_adherence(unit_of_work(request), visitor.actor, plan_id,
                                        today=web_state(request).clock().date())
    return render(request, "progress/progress.html", {"adherence": adherence,
        "trends": trends, "plan": trends.plan, "progress": trends.progress, "patient": patient,
        "charts": charts, "sources": sources, "checkpoints": trends.plan.checkpoints, "measured": any(t.measures for t in trends.trends),
        "refused": refused_documents(request, visitor.actor, trends.patient_id)})
