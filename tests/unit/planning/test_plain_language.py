"""The plan in plain language (issue 14 item 1): from the plan and patient_guide.yaml only, with no
number of its own, every component explained, electroacupuncture only when planned."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from acupath.knowledge import load_knowledge
from acupath.knowledge.integrity import check_integrity
from acupath.planning import build_plan
from acupath.planning.plain_language import explain_plan, frequency_in_words
from acupath.safety import screen
from strategies import build_intake

KB = load_knowledge()
_ISI_SEVERE = {"isi": {f"q{i}": 3 for i in range(1, 8)}}


def _plan(**sections):
    intake = build_intake(**sections)
    screening = screen(intake, kb=KB, today=intake.schedule.start)
    plan = build_plan(intake, screening, KB)
    assert plan.status == "planned"
    return plan.to_dict(), intake.schedule.start


def _texts() -> list[str]:
    guide = KB.patient_guide
    texts = [*guide.conditions.values(), guide.reassessments.text, guide.checkpoints.text, guide.safety.intro.text,
             guide.safety.overridden, *guide.safety.by_action.values()]
    for phase in guide.phases:
        texts += [phase.title, phase.purpose, phase.expect]
    for name in ("during", "feels", "after", "response"):
        texts.append(getattr(guide.acupuncture, name).text)
    for name in ("what", "feels", "rhythm", "twitching", "tell_us"):
        texts.append(getattr(guide.electroacupuncture, name).text)
    for handout in guide.handouts:
        texts += [handout.title, handout.why, handout.what_to_do]
    return texts


def test_the_guide_states_no_number_of_its_own() -> None:
    assert [t for t in _texts() if re.search(r"\d", t)] == []


def test_every_component_and_condition_is_explained_and_a_missing_one_is_refused() -> None:
    assert check_integrity(KB) == []
    guide = KB.patient_guide
    trimmed = guide.model_copy(update={"handouts": guide.handouts[1:]})
    KB._by_collection["patient_guide"] = trimmed
    try:
        assert check_integrity(KB) == [f"patient_guide.yaml: component {guide.handouts[0].component!r} of "
                                       "programme.yaml has no handout"]
    finally:
        KB._by_collection["patient_guide"] = guide


@pytest.mark.parametrize("condition", ["chronic_low_back_pain", "upper_back_pain", "neck_pain", "knee_osteoarthritis",
                                       "migraine", "fibromyalgia"])
def test_every_phase_and_session_of_the_plan_is_explained_with_the_plans_dates(condition: str) -> None:
    plan, start = _plan(condition=condition, pain={"nrs": 6}, questionnaires=_ISI_SEVERE)
    plain = explain_plan(plan, KB, start - timedelta(days=1))
    assert [p.id for p in plain.phases] == [p["id"] for p in plan["phases"]]
    # Each phase is dated by its own sessions, and the plan by its first and last: the portal said
    # "to 6 Apr" above a monthly last phase "to 1 May", the end of its window in weeks.
    for phase in plain.phases:
        days = [date.fromisoformat(s["date"]) for s in plan["sessions"] if s["phase"] == phase.id]
        assert (phase.starts, phase.ends) == (min(days), max(days))
    assert (plain.starts, plain.ends) == (plain.phases[0].starts, plain.phases[-1].ends)
    assert plain.ends == date.fromisoformat(plan["sessions"][-1]["date"])
    assert plain.sessions_total == len(plan["sessions"]) == len(plain.upcoming)
    assert plain.condition == KB.patient_guide.conditions[condition]
    assert {h.component for h in plain.handouts} == {c["id"] for c in plan["components"]}
    assert all(h.why and h.what_to_do for h in plain.handouts)
    assert "sleep_hygiene" in {h.component for h in plain.handouts}
    sources = {s.key for s in KB.citations.sources}
    assert set(plain.citations) <= sources


def test_only_sessions_after_today_are_upcoming_and_questionnaires_are_named() -> None:
    plan, start = _plan(condition="chronic_low_back_pain", pain={"nrs": 6})
    third = date.fromisoformat(plan["sessions"][2]["date"])
    plain = explain_plan(plan, KB, third)
    assert plain.next_session is not None and plain.next_session.number == 4
    assert all(s.day > third for s in plain.upcoming)
    asked = next(s for s in plain.upcoming if s.questionnaires)
    assert "Oswestry Disability Index v2.1a" in asked.questionnaires
    assert explain_plan(plan, KB, date.fromisoformat(plan["sessions"][-1]["date"])).upcoming == ()


def test_electroacupuncture_is_explained_only_when_planned_with_the_plans_minutes() -> None:
    with_ea, start = _plan(condition="chronic_low_back_pain", pain={"nrs": 8, "radiating_leg_pain": True})
    plain = explain_plan(with_ea, KB, start)
    assert plain.electroacupuncture is not None
    assert plain.electroacupuncture.minutes == tuple(with_ea["electroacupuncture"]["duration_min"])
    assert KB.patient_guide.electroacupuncture.rhythm.text in plain.electroacupuncture.paragraphs
    without = dict(with_ea, electroacupuncture=None)
    assert explain_plan(without, KB, start).electroacupuncture is None


def test_frequencies_read_as_words() -> None:
    assert [frequency_in_words(f) for f in ("1/week", "2/week", "3/week", "every 4 weeks")] == [
        "once a week", "twice a week", "three times a week", "every 4 weeks"]


def test_a_phase_a_pregnancys_limit_empties_has_no_dates_and_the_plan_ends_at_its_last_session() -> None:
    # 36 weeks on the first day: sessions stop before 37 weeks, so the later phases hold none.
    plan, start = _plan(patient={"sex": "female", "pregnancy": {"pregnant": True, "weeks": 36}},
                        pain={"nrs": 5})
    plain = explain_plan(plan, KB, start - timedelta(days=1))
    empty = [p for p in plain.phases if p.sessions == 0]
    assert empty and all(p.starts is None and p.ends is None for p in empty)
    assert plain.ends == date.fromisoformat(plan["sessions"][-1]["date"])


def test_a_handout_gives_the_home_practice_in_the_patients_words_not_the_clinicians_instructions() -> None:
    plan, start = _plan()
    handouts = {h.component: h for h in explain_plan(plan, KB, start).handouts}
    homework = {c.id: c.homework for c in KB.programme.components}
    assert handouts, "the plain plan has handouts"
    for component, handout in handouts.items():
        expected = homework[component].task if homework.get(component) else None
        assert handout.at_home == expected
    assert handouts["graded_walking"].at_home == "Walk for 5 to 10 minutes, a little longer each week."


def test_a_phase_names_its_other_parts_as_their_handouts_do() -> None:
    plan, start = _plan()
    plain = explain_plan(plan, KB, start)
    titles = {h.title for h in plain.handouts}
    named = {c for phase in plain.phases for c in phase.components}
    assert named and named <= titles  # "Your medicines", never "Pharmacology review with the prescriber"
