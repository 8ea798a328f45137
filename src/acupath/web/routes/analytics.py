"""The practice-evidence page: which plans work in this clinic, next to what the literature says.

A GET form (facet, second facet, condition, practitioner, start dates, the session the response is
judged at, ITT or completers) and, for its answer: the responder table with each group's 95 % Wilson
interval and a chart of them, the mean improvement of the pain NRS, the Kaplan-Meier share responded
by session for the first facet's groups (``reports.analytics_charts``), and the evidence library's
pooled estimates for the condition with their verification status (``analytics.literature``). One
audited question (``services.practice_evidence``) reads it all; groups under the clinic's threshold
are suppressed everywhere. Reception gets the 403 page; bad input is a form error naming the field.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from acupath.analytics import FACETS, mean_changes, responder_table, time_to_response
from acupath.analytics.asking import Question
from acupath.analytics.cohort import filter_choices
from acupath.analytics.literature import literature_for
from acupath.errors import InputError
from acupath.reports.analytics_charts import CurveLine, RateBar, rate_chart, response_chart
from acupath.services import practice_evidence
from acupath.services.access import require_clinical
from acupath.web.forms import Problem, problem_of, refused_characters
from acupath.web.pages import PageRoute, render, web_state
from acupath.web.visitor import VisitorDep, unit_of_work
from acupath.web.wording import words

router = APIRouter(prefix="/clinic/analytics", route_class=PageRoute, include_in_schema=False)

LABELS = {"by": "Group by", "then": "And by", "condition": "Condition", "practitioner": "Practitioner",
          "start": "Courses started from", "end": "Courses started until", "at_session": "Response judged at session",
          "analysis": "Analysis"}
#: The facets as the form names them.
FACET_NAMES = {"condition": "Condition", "pattern": "Pattern", "protocol_version": "Protocol version",
               "ea": "Electroacupuncture (yes/no)", "ea_frequency": "EA frequency", "point_set": "Point set",
               "component": "Programme component", "start_back": "STarT Back group", "practitioner": "Practitioner",
               "payer": "Payer"}
assert set(FACET_NAMES) == set(FACETS)


def _label(group: dict[str, str]) -> str:
    # A chart's row has no column heading: a yes or no says what it answers ("EA: no", not "No").
    return " · ".join(f"{words(facet)}: {value}" if value in ("yes", "no") else words(value)
                      for facet, value in group.items())


def _answer(request: Request, question: Question, analysis: str, min_cell: int) -> Any:
    kb = web_state(request).kb

    def answer(uow: Any, clinic_id: str) -> dict[str, Any]:
        where = question.where(clinic_id)
        table = responder_table(uow.session, kb, where, question.by, at_session=question.at_session,
                                min_cell=min_cell)
        return {"table": table, "rows": table.itt if analysis == "itt" else table.completers,
                "means": mean_changes(uow.session, kb, where, question.by, at_session=question.at_session,
                                      analysis=analysis, min_cell=min_cell),
                "curves": time_to_response(uow.session, kb, where, question.by[:1], min_cell=min_cell),
                "choices": filter_choices(uow.session, clinic_id)}
    return answer


@router.get("")
def analytics_page(request: Request, visitor: VisitorDep, by: str = "condition", then: str = "",
                   condition: str = "", practitioner: str = "", start: str = "", end: str = "",
                   at_session: str = "", analysis: str = "itt") -> Response:
    """Return the practice-evidence page for the form's question; 422 with the problems named; 403 for reception."""
    values = {"by": by, "then": then, "condition": condition, "practitioner": practitioner, "start": start,
              "end": end, "at_session": at_session, "analysis": analysis}
    problems: list[Problem] = refused_characters(values, LABELS)
    problems += [Problem(name, f"{LABELS[name]}: at most 64 characters") for name, v in values.items() if len(v) > 64]
    if analysis not in ("itt", "completers"):
        problems.append(Problem("analysis", f"{LABELS['analysis']}: choose intention to treat or completers"))
    min_cell = int(getattr(request.app.state, "analytics_min_cell", 10))
    found: dict[str, Any] | None = None
    if not problems:
        try:
            question = Question.parse(tuple(f for f in (by, then) if f), start=start, end=end, condition=condition,
                                      practitioner=practitioner, at_session=at_session)
            found = practice_evidence.ask(unit_of_work(request), visitor.actor, f"page:{question.name}",
                                          _answer(request, question, analysis, min_cell))
        except InputError as error:
            field = "then" if error.field == "by" and then and by in FACETS else error.field
            problems.append(Problem(field, problem_of(error, LABELS.get(field)).message))
    if problems:  # the service refused reception (audited) when the question was asked; here none was
        require_clinical(visitor.actor)
    context: dict[str, Any] = {"values": values, "problems": problems, "labels": LABELS, "facets": FACET_NAMES,
                               "min_cell": min_cell, "nav": "analytics", "found": found,
                               "literature": literature_for(web_state(request).kb, condition or None),
                               "sources": {c.key: c.text for c in web_state(request).kb.citations.sources}}
    if found is not None:
        facet_words = " and ".join(FACET_NAMES[f].lower() for f in found["table"].by)
        context["rate_svg"] = rate_chart([RateBar(_label(r.group), r.rate, r.ci_low, r.ci_high) for r in found["rows"]],
                                         f"Responder rate by {facet_words}", min_cell)
        shown = [c for c in found["curves"] if c.n is not None][:5]
        context["curve_svg"] = response_chart([CurveLine(_label(c.group), [(s.session, s.share) for s in c.steps])
                                               for c in shown], "Share responded by session") if shown else None
        context["curves_shown"] = shown
        context["label"] = _label
    return render(request, "analytics/analytics.html", context, 422 if problems else 200)
