"""No session past term for a pregnant patient (WHO 1999 s.2.1: acupuncture may induce labour), and
each reassessment instrument only once its recall period has passed (MIDAS 3 months, HIT-6 4 weeks)."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from acupath.knowledge.integrity import check_integrity
from acupath.planning import build_plan
from acupath.planning.schedule import term_limit
from acupath.safety import screen
from strategies import CONDITIONS, START, build_intake, intakes


def _plan(kb, intake):
    return build_plan(intake, screen(intake, kb=kb, today=intake.schedule.start), kb)


def _pregnant(weeks, **sections):
    return build_intake(patient={"sex": "female", "pregnancy": {"pregnant": True, "weeks": weeks}}, **sections)


def test_a_patient_36_weeks_pregnant_has_no_session_once_she_may_be_40_weeks(kb):
    plan = _plan(kb, _pregnant(36))
    # 36 completed weeks on the start: she may be 36+6, so 40+0 may come 22 days later.
    assert term_limit(START, 36, 40) == START + timedelta(days=22)
    assert plan.sessions and all(s.date < START + timedelta(days=22) for s in plan.sessions)
    warning = next(w for w in plan.warnings if w.startswith("Pregnant, 36 weeks"))
    assert "40 weeks of gestation" in warning and "who_1999_safety_guidelines" in warning
    assert "acupuncture may induce labour" in warning
    assert not any("allow" in w and "phase" in w for w in plan.warnings)  # not a clinic-day shortfall


def test_at_40_weeks_no_session_is_scheduled(kb):
    plan = _plan(kb, _pregnant(40))
    assert plan.sessions == ()
    assert any("no session is scheduled from 2026-12-01" in w for w in plan.warnings)


def test_at_39_weeks_only_the_start_day_is_left(kb):
    plan = _plan(kb, _pregnant(39, schedule={"start": "2026-12-01", "clinic_days": ["tue", "thu"]}))
    assert [s.date for s in plan.sessions] == [date(2026, 12, 1)]


def test_a_pregnancy_without_weeks_warns_to_ask_the_gestational_age(kb):
    intake = build_intake(patient={"sex": "female", "pregnancy": {"pregnant": True}})
    plan = _plan(kb, intake)
    assert any("gestational age not recorded" in w for w in plan.warnings)


def test_a_patient_who_is_not_pregnant_gets_no_term_warning(kb):
    assert not any("Pregnant" in w for w in _plan(kb, build_intake()).warnings)


@settings(max_examples=150, deadline=None)
@given(intake=intakes(phq9=False))
def test_no_session_is_scheduled_past_term(kb, intake):
    plan = _plan(kb, intake)
    pregnancy = intake.patient.pregnancy
    if not pregnancy.pregnant or pregnancy.weeks is None:
        return
    start = intake.schedule.start
    for session in plan.sessions:
        # At most weeks + 6 days on the start: still under 40 weeks on every session day.
        assert 7 * pregnancy.weeks + 6 + (session.date - start).days < 7 * 40


def test_migraine_gives_hit6_every_4_weeks_and_midas_every_3_months_at_most(kb):
    plan = _plan(kb, build_intake(condition="migraine", pain={"sites": ["scalp"]},
                                  schedule={"start": "2026-12-07", "clinic_days": ["mon", "thu"]}))
    for instrument, days in (("hit6", 28), ("midas", 90)):
        given_on = [date(2026, 12, 7)] + [s.date for s in plan.sessions if instrument in s.reassess]
        assert len(given_on) > 1, instrument
        assert all((b - a).days >= days for a, b in zip(given_on, given_on[1:], strict=False))
    # The pain NRS has no recall period: it is asked at every reassessment.
    assert all("nrs" in s.reassess for s in plan.sessions if s.checkpoint)


@settings(max_examples=100, deadline=None)
@given(condition=st.sampled_from(CONDITIONS), start_offset=st.integers(0, 30),
       days=st.lists(st.sampled_from(["mon", "tue", "wed", "thu", "fri"]), min_size=1, max_size=3, unique=True))
def test_every_instrument_is_given_only_after_its_recall_period(kb, condition, start_offset, days):
    start = START + timedelta(days=start_offset)
    intake = build_intake(condition=condition, pain={"sites": []},
                          schedule={"start": start.isoformat(), "clinic_days": days})
    plan = _plan(kb, intake)
    last: dict[str, date] = {}
    for session in plan.sessions:
        for instrument in session.reassess:
            recall = kb.instruments[instrument].recall_days or 0
            assert (session.date - last.get(instrument, start)).days >= recall
            last[instrument] = session.date


def test_upper_back_pain_is_reassessed_without_the_odi(kb):
    plan = _plan(kb, build_intake(condition="upper_back_pain", pain={"sites": ["upper_back"]}))
    given_instruments = {i for s in plan.sessions for i in s.reassess}
    assert "odi" not in given_instruments and "peg" in given_instruments


def test_every_condition_names_instruments_made_for_its_regions(kb):
    assert check_integrity(kb) == []


class _WithNeckOdi:
    """The knowledge base with the neck protocol reassessed by the ODI (a low back instrument)."""

    def __init__(self, kb):
        self._kb = kb
        neck = kb.conditions["neck_pain"].model_copy(update={"reassessment_instruments": ("nrs", "odi")})
        self._by_collection = {**kb._by_collection, "conditions": {**kb.conditions, "neck_pain": neck}}

    def __getattr__(self, name):
        return getattr(self._kb, name)


def test_a_condition_naming_an_instrument_of_another_region_fails_the_integrity_check(kb):
    problems = check_integrity(_WithNeckOdi(kb))
    assert problems == [
        "conditions/neck_pain.yaml: neck_pain (neck_posterior, neck_anterior) reassesses with 'odi', "
        "made for lower_back, sacrum"
    ]
