"""The trends of a plan's course: the pain NRS before and after each session, each instrument's stored totals
at its reassessments, only this plan's (or no plan's) reassessments, the baseline's instruments kept."""

from __future__ import annotations

from datetime import date

from acupath.services.progress_trends import Measure, trends_of
from acupath.services.records.summaries import PlanCourse, PlanHead, ReassessmentSummary, SessionSummary

HEAD = PlanHead(id="plan-1", patient_id="pat-1", screening_id="scr-1", status="active", version=1)


def _course(sessions: list[SessionSummary], reassessments: list[ReassessmentSummary]) -> PlanCourse:
    return PlanCourse(head=HEAD, sessions=sessions, reassessments=reassessments)


def test_the_pain_nrs_comes_first_with_before_and_after_of_each_session() -> None:
    course = _course([SessionSummary(number=1, session_date=date(2026, 12, 1), pain_before=7, pain_after=5),
                      SessionSummary(number=2, session_date=date(2026, 12, 4), pain_before=6)], [])
    trends = trends_of({"nrs": 7.0, "odi": 40.0}, course)
    assert [t.instrument for t in trends] == ["nrs", "odi"]
    assert trends[0].baseline == 7.0
    assert trends[0].measures == (Measure(1, date(2026, 12, 1), 7.0, "before"),
                                  Measure(1, date(2026, 12, 1), 5.0, "after"),
                                  Measure(2, date(2026, 12, 4), 6.0, "before"))
    assert trends[1].measures == ()  # in the baseline, not measured since: still charted


def test_reassessments_of_another_plan_and_totals_that_were_not_scored_are_left_out() -> None:
    sessions = [SessionSummary(number=n, session_date=date(2026, 12, 3 * n)) for n in range(1, 7)]
    course = _course(sessions, [
        ReassessmentSummary(plan_id="plan-1", assessed_on=date(2026, 12, 18), session_number=6,
                            totals=(("odi", 30), ("koos", None))),
        ReassessmentSummary(plan_id="plan-0", assessed_on=date(2026, 12, 10), session_number=3, totals=(("odi", 99),)),
        # No session number: it belongs to the last session given by its date (session 4, on 12 Dec).
        ReassessmentSummary(plan_id=None, assessed_on=date(2026, 12, 13), session_number=None,
                            totals=(("odi", 35.5), ("pcs", 20))),
    ])
    trends = {t.instrument: t for t in trends_of({"odi": 40.0}, course)}
    assert set(trends) == {"odi", "pcs"}  # no NRS (none asked), no KOOS (no total)
    assert [(m.session, m.value) for m in trends["odi"].measures] == [(4, 35.5), (6, 30.0)]
    assert trends["pcs"].baseline is None and [m.kind for m in trends["pcs"].measures] == ["reassessment"]
