"""Properties of every plan over random intakes (hypothesis).

Sessions never closer than the spacing rule nor off the clinic's days; covered sessions never exceed the
NCD 30.3.3 limits; needles within the 10-20 budget unless findings removed points (then a warning); and
the plan honours every finding in force (``acupath.safety.violations``).
"""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from acupath.assessment.intake import parse_intake
from acupath.knowledge import load_knowledge
from acupath.planning import build_plan
from acupath.planning.schedule import WEEKDAYS
from acupath.safety import screen, violations
from strategies import intake_data

KB = load_knowledge()
PATTERNS = {c.id: [p.id for p in c.patterns] for c in KB.conditions.values()}


@st.composite
def planning_intakes(draw):
    """An intake from the shared strategy with a random schedule, pattern and comorbidity scores."""
    data = draw(intake_data(phq9=False))
    days = draw(st.lists(st.sampled_from(WEEKDAYS), min_size=1, max_size=5, unique=True))
    start = date(2026, 1, 1) + timedelta(days=draw(st.integers(0, 700)))
    data["schedule"] = {"start": start.isoformat(), "clinic_days": days}
    patterns = PATTERNS.get(data["condition"], [])
    if patterns and draw(st.booleans()):
        data["pattern"] = draw(st.sampled_from(patterns))
    questionnaires = {}
    for instrument, items, top in (("isi", 7, 4), ("gad7", 7, 3), ("pcs", 13, 4)):
        if draw(st.booleans()):
            questionnaires[instrument] = {f"q{i}": draw(st.integers(0, top)) for i in range(1, items + 1)}
    data["questionnaires"] = questionnaires
    return parse_intake(data)


def _plan(intake):
    screening = screen(intake, kb=KB, today=intake.schedule.start)
    return build_plan(intake, screening, KB), screening


PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(planning_intakes())
def test_sessions_are_on_clinic_days_and_at_least_two_days_apart(intake):
    plan, _ = _plan(intake)
    days = {WEEKDAYS.index(d) for d in intake.schedule.clinic_days}
    for session in plan.sessions:
        assert session.date.weekday() in days
        assert session.date >= intake.schedule.start
    for a, b in zip(plan.sessions, plan.sessions[1:], strict=False):
        assert (b.date - a.date).days >= 2
        assert b.number == a.number + 1


@PROPERTY
@given(planning_intakes())
def test_covered_sessions_never_exceed_ncd_30_3_3_limits(intake):
    plan, _ = _plan(intake)
    if plan.is_referral:
        return
    rule = KB.coverage.medicare
    paid = [s for s in plan.sessions if s.coverage in ("covered", "conditional")]
    if not paid:
        return
    assert intake.payer == "medicare" and intake.condition == "chronic_low_back_pain"
    first = plan.sessions[0].date
    covered = [s for s in paid if s.coverage == "covered"]
    assert len(covered) <= rule.initial_visits
    assert all((s.date - first).days < rule.initial_window_days for s in covered)
    for start in (s.date for s in paid):
        window = [s for s in paid if 0 <= (s.date - start).days < rule.annual_window_days]
        assert len(window) <= rule.annual_cap


@PROPERTY
@given(planning_intakes())
def test_needles_within_budget_unless_findings_removed_points(intake):
    plan, _ = _plan(intake)
    if plan.is_referral:
        assert plan.points == () and plan.sessions == ()
        return
    assert plan.needles_per_session <= 20
    if plan.needles_per_session < 10:
        assert any("fewer than the usual" in w for w in plan.warnings)
        assert plan.omitted_points or plan.modality.primary != "manual" or plan.ashi is None


@PROPERTY
@given(planning_intakes())
def test_plan_honours_every_finding_in_force(intake):
    plan, screening = _plan(intake)
    assert violations(plan, screening, KB) == []
    assert violations(plan.to_dict(), screening, KB) == []
