"""Progress against a plan: responder status at checkpoints and the alerts (seed 001, NCD 30.3.3)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml

from acupath.cli.intake import read_intake
from acupath.errors import InputError
from acupath.outcomes import evaluate, parse_records
from acupath.planning import build_plan
from acupath.safety import screen

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def lbp_plan(kb):
    intake = read_intake(ROOT / "examples/intakes/chronic_low_back_pain.yaml")
    return build_plan(intake, screen(intake, kb=kb, today=intake.schedule.start), kb)


def _records(name):
    return parse_records(yaml.safe_load((ROOT / "examples/records" / name).read_text()))


def test_improving_patient_is_a_responder_and_eligible_for_the_8_medicare_sessions(kb, lbp_plan):
    progress = evaluate(lbp_plan, *_records("chronic_low_back_pain_improving.yaml"), kb=kb)
    codes = [a.code for a in progress.alerts]
    assert codes == ["medicare_extension_eligible"]
    at_6 = next(s for s in progress.checkpoints if s.id == "response_expected")
    assert at_6.responder is True
    odi = next(c for c in at_6.changes if c.instrument == "odi")
    assert (odi.baseline, odi.followup, odi.mcid_reached) == (40, 20, True)
    nrs = next(c for c in progress.latest.changes if c.instrument == "nrs")
    assert nrs.immpact == "substantial"


def test_worsening_patient_gets_reassess_and_discontinue(kb, lbp_plan):
    progress = evaluate(lbp_plan, *_records("chronic_low_back_pain_worsening.yaml"), kb=kb)
    codes = {a.code for a in progress.alerts}
    assert codes == {"reassess_diagnosis", "discontinue"}
    discontinue = next(a for a in progress.alerts if a.code == "discontinue")
    assert "cms_2020_ncd_30_3_3" in discontinue.citations
    assert progress.latest.worsened


def test_no_improvement_by_session_12_ends_medicare_cover(kb, lbp_plan):
    sessions = [{"number": n, "date": f"2026-12-{n + 1:02d}", "pain_nrs_before": 6} for n in range(1, 13)]
    progress = evaluate(lbp_plan, *parse_records({"sessions": sessions}), kb=kb)
    codes = {a.code for a in progress.alerts}
    assert {"reassess_diagnosis", "medicare_not_improving"} <= codes
    assert "medicare_extension_eligible" not in codes


def test_progress_to_dict_is_json_ready(kb, lbp_plan):
    import json

    progress = evaluate(lbp_plan, *_records("chronic_low_back_pain_improving.yaml"), kb=kb)
    data = json.loads(json.dumps(progress.to_dict(), default=str))
    assert data["sessions_given"] == 8 and data["alerts"][0]["code"] == "medicare_extension_eligible"


@pytest.mark.parametrize(
    "records, field",
    [
        ({"sessions": [{"number": 1}]}, "sessions[0].date"),
        ({"sessions": [{"number": 1, "date": "2026-12-01", "pain_nrs_before": 11}]}, "sessions[0].pain_nrs_before"),
        ({"sessions": [{"number": 1, "date": "2026-12-01", "pain": 3}]}, "sessions[0].pain"),
        ({"visits": []}, "records.visits"),
        ({"sessions": 5}, "sessions"),
        ({"reassessments": {"session": 6}}, "reassessments"),
        ({"reassessments": [{"date": "2026-12-01", "session": 2, "questionnaires": []}]}, "reassessments[0].questionnaires"),
    ],
)
def test_malformed_records_name_the_field(records, field):
    with pytest.raises(InputError) as raised:
        parse_records(records)
    assert raised.value.field == field


def _pain_course(kb, lbp_plan, reassessed_at: int, reassessed_nrs: int):
    # Pain before sessions 1-3 is 2, then 8 (worse than the intake's 6); one reassessment of the NRS.
    sessions = [{"number": n, "date": f"2026-12-{n + 1:02d}", "pain_nrs_before": 2 if n < 4 else 8}
                for n in range(1, 9)]
    reassessments = [{"date": f"2026-12-{reassessed_at + 1:02d}", "session": reassessed_at,
                      "questionnaires": {"nrs": {"nrs": reassessed_nrs}}}]
    progress = evaluate(lbp_plan, *parse_records({"sessions": sessions, "reassessments": reassessments}), kb=kb)
    return next(c for c in progress.latest.changes if c.instrument == "nrs"), progress


def test_a_later_sessions_pain_is_not_hidden_by_an_earlier_reassessment(kb, lbp_plan):
    nrs, progress = _pain_course(kb, lbp_plan, reassessed_at=3, reassessed_nrs=1)
    assert (nrs.measured_at_session, nrs.followup, nrs.mcid_reached) == (8, 8.0, False)
    assert nrs.worsened and "discontinue" in {a.code for a in progress.alerts}


def test_a_reassessment_at_the_last_session_wins_over_that_sessions_rating(kb, lbp_plan):
    nrs, _ = _pain_course(kb, lbp_plan, reassessed_at=8, reassessed_nrs=1)
    assert (nrs.measured_at_session, nrs.followup, nrs.mcid_reached) == (8, 1.0, True)


def _medicare_course(kb, lbp_plan, pains, every_days=3):
    sessions = [{"number": n, "date": (date(2026, 12, 1) + timedelta(days=every_days * n)).isoformat(),
                 "pain_nrs_before": pain} for n, pain in enumerate(pains, 1)]
    progress = evaluate(lbp_plan, *parse_records({"sessions": sessions}), kb=kb)
    return {a.code: a for a in progress.alerts}


def test_improvement_lost_in_the_medicare_extension_sessions_ends_medicare_cover(kb, lbp_plan):
    # Improved at session 12 (2 against the intake's 6), then back to 6 for sessions 13-16: NCD 30.3.3
    # "Treatment must be discontinued if the patient is not improving" (clinical.md §5) holds through the
    # 8 additional sessions, not only at session 12.
    alerts = _medicare_course(kb, lbp_plan, [2] * 12 + [6] * 4)
    assert "medicare_not_improving" in alerts and alerts["medicare_not_improving"].session == 16
    assert "medicare_extension_eligible" not in alerts


def test_an_improving_medicare_patient_after_20_sessions_in_a_year_is_told_the_cap_not_the_extension(kb, lbp_plan):
    # NCD 30.3.3 (clinical.md §5): 12 + 8 sessions, "No more than 20 acupuncture treatments may be
    # administered annually". After 20 in the year (counted from the first session, as planning.coverage
    # does) the 8 additional sessions are spent: "eligible for the 8 additional sessions" would be wrong.
    alerts = _medicare_course(kb, lbp_plan, [2] * 20)
    assert "medicare_extension_eligible" not in alerts
    assert alerts["medicare_annual_cap_reached"].session == 20
    assert "medicare_extension_eligible" in _medicare_course(kb, lbp_plan, [2] * 19)


def test_the_medicare_year_starts_again_a_year_after_the_first_session(kb, lbp_plan):
    # 20 sessions a week apart span 133 days; sessions 21-24 fall 365 days or more after the first.
    pains = [2] * 20
    alerts = _medicare_course(kb, lbp_plan, pains, every_days=7)
    assert "medicare_annual_cap_reached" in alerts
    sessions = [{"number": n, "date": (date(2026, 12, 4) + timedelta(days=7 * (n - 1) if n <= 20 else 365 + n)).isoformat(),
                 "pain_nrs_before": 2} for n in range(1, 25)]
    codes = {a.code for a in evaluate(lbp_plan, *parse_records({"sessions": sessions}), kb=kb).alerts}
    assert "medicare_annual_cap_reached" not in codes


def _phq9(item_9):
    return {f"q{i}": 1 if i < 3 else 0 for i in range(1, 9)} | ({} if item_9 is None else {"q9": item_9})


@pytest.mark.parametrize(("item_9", "says"), [(2, "item 9"), (None, "not answered")])
def test_a_reassessment_phq9_item_9_above_0_or_blank_asks_for_safety_follow_up(kb, lbp_plan, item_9, says):
    # instruments.md §11, §24a.2: any non-zero answer to item 9 needs safety follow-up regardless of the
    # total, at a reassessment as at the intake; a blank item 9 is asked, never read as 0.
    sessions = [{"number": n, "date": f"2026-12-{n + 1:02d}", "pain_nrs_before": 3} for n in range(1, 7)]
    reassessments = [{"date": "2026-12-07", "session": 6, "questionnaires": {"phq9": _phq9(item_9)}}]
    progress = evaluate(lbp_plan, *parse_records({"sessions": sessions, "reassessments": reassessments}), kb=kb)
    (alert,) = [a for a in progress.alerts if a.code == "safety_follow_up"]
    assert alert.session == 6 and says in alert.message and "kroenke_2001_phq9" in alert.citations


def test_a_stored_reassessments_flags_ask_for_safety_follow_up_even_given_within_the_recall_period(kb, lbp_plan):
    # The PHQ-9 is left out of the change when given again within its 2 weeks (outcomes.recall), but its
    # item 9 is never left out.
    from acupath.outcomes.records import Reassessment, SessionRecord
    sessions = tuple(SessionRecord(number=n, date=date(2026, 12, n + 1), pain_nrs_before=3) for n in range(1, 4))
    stored = (Reassessment(date=date(2026, 12, 2), session=1, totals={"phq9": 4.0}),
              Reassessment(date=date(2026, 12, 3), session=2, totals={"phq9": 4.0},
                           flags=(("phq9", "self_harm_risk"),)))
    progress = evaluate(lbp_plan, sessions, stored, kb=kb)
    assert "recall_period_not_passed" in {a.code for a in progress.alerts}
    assert [a.session for a in progress.alerts if a.code == "safety_follow_up"] == [2]
