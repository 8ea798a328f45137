"""Practice evidence (``acupath.analytics``): the clinic's responder rates, mean change and time to response.

Admins and clinicians only (403 for reception), the signed-in user's own clinic, every answer audited
(``services.practice_evidence``); groups under ``Settings.analytics_min_cell`` courses suppressed.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from acupath.analytics import mean_changes, responder_table, time_to_response
from acupath.analytics.asking import Question
from acupath.analytics.facets import parse_analysis
from acupath.api.deps import SignedInDep
from acupath.services import practice_evidence

router = APIRouter(prefix="/analytics", tags=["practice evidence"])

ByQuery = Annotated[str, Query(description="A facet or two, comma-separated: condition, pattern, protocol_version, "
                                           "ea, ea_frequency, point_set, component, start_back, practitioner, payer.")]
DayQuery = Annotated[str | None, Query(description="YYYY-MM-DD: courses started on or after (start) / before (end).")]
TextQuery = Annotated[str | None, Query(max_length=64)]
AnalysisQuery = Annotated[str, Query(description="itt (every course) or completers (courses followed up).")]


def _question(by: str, start: str | None, end: str | None, condition: str | None, practitioner: str | None,
              at_session: str | None = None) -> Question:
    return Question.parse(by, start=start, end=end, condition=condition, practitioner=practitioner,
                          at_session=at_session)


def _min_cell(request: Request) -> int:
    return int(getattr(request.app.state, "analytics_min_cell", 10))


@router.get("/responders", summary="Responder rates (95 % Wilson CI) by a facet or a pair")
def responders(signed: SignedInDep, request: Request, by: ByQuery, analysis: AnalysisQuery = "itt",
               at_session: TextQuery = None, start: DayQuery = None, end: DayQuery = None,
               condition: TextQuery = None, practitioner: TextQuery = None) -> dict[str, Any]:
    """Return ``{"rows": [{"group", "n", "responders", "rate", "ci_low", "ci_high"}]}``; a suppressed
    group has ``n`` and ``responders`` null. 422 names a bad facet or filter."""
    question, chosen, min_cell = _question(by, start, end, condition, practitioner, at_session), parse_analysis(analysis), \
        _min_cell(request)
    table = practice_evidence.ask(signed.uow, signed.actor, f"responders:{question.name}", lambda uow, clinic: (
        responder_table(uow.session, signed.kb, question.where(clinic), question.by,  # type: ignore[attr-defined]
                        at_session=question.at_session, min_cell=min_cell)))
    rows = table.itt if chosen == "itt" else table.completers
    return {"rows": [row.to_dict() for row in rows]}


@router.get("/mean-change", summary="Mean improvement of the pain NRS (95 % t CI) by a facet or a pair")
def mean_change(signed: SignedInDep, request: Request, by: ByQuery, analysis: AnalysisQuery = "completers",
                at_session: TextQuery = None, start: DayQuery = None, end: DayQuery = None,
                condition: TextQuery = None, practitioner: TextQuery = None) -> dict[str, Any]:
    """Return ``{"rows": [{"group", "n", "mean", "sd", "ci_low", "ci_high"}]}`` (NRS points, positive is better)."""
    question, chosen, min_cell = _question(by, start, end, condition, practitioner, at_session), parse_analysis(analysis), \
        _min_cell(request)
    rows = practice_evidence.ask(signed.uow, signed.actor, f"mean-change:{question.name}", lambda uow, clinic: (
        mean_changes(uow.session, signed.kb, question.where(clinic), question.by,  # type: ignore[attr-defined]
                     at_session=question.at_session, analysis=chosen, min_cell=min_cell)))
    return {"rows": [asdict(row) for row in rows]}


@router.get("/time-to-response", summary="Kaplan-Meier share responded by session number")
def response_time(signed: SignedInDep, request: Request, by: ByQuery, start: DayQuery = None, end: DayQuery = None,
                  condition: TextQuery = None, practitioner: TextQuery = None) -> dict[str, Any]:
    """Return ``{"curves": [{"group", "n", "steps": [{"session", "at_risk", "responded", "share", "ci_low",
    "ci_high"}]}]}``; a curve stops before fewer than the threshold are at risk."""
    question, min_cell = _question(by, start, end, condition, practitioner), _min_cell(request)
    curves = practice_evidence.ask(signed.uow, signed.actor, f"time-to-response:{question.name}", lambda uow, clinic: (
        time_to_response(uow.session, signed.kb, question.where(clinic), question.by,  # type: ignore[attr-defined]
                         min_cell=min_cell)))
    return {"curves": [asdict(curve) for curve in curves]}
