"""Sessions (STRICTA items) checked against plan and screening; adverse events; reassessments; progress."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from service_fakes import FakeUnitOfWork

from acupath import safety
from acupath.errors import Conflict, InputError, NotFound, SafetyBlock
from acupath.safety.findings import Override
from acupath.services import (
    amend_plan,
    create_plan,
    get_progress,
    get_schedule,
    record_adverse_event,
    record_intake,
    record_reassessment,
    record_session,
)
from acupath.services.overrides import apply_overrides
from acupath.services.records.listings import SchedulePlan
from example_records import example_intake
from example_records import example_session as session


@pytest.fixture
def knee_plan(uow: FakeUnitOfWork, people, patient, kb):
    """A plan for knee osteoarthritis with a skin lesion at the left knee."""
    intake = record_intake(uow, people.dr_lee, patient.id, example_intake("safety_skin_lesion_left_knee"), kb)
    return create_plan(uow, people.dr_lee, intake.id, kb)


def test_a_session_is_stored_with_every_stricta_item_and_numbered(uow: FakeUnitOfWork, people, knee_plan, kb) -> None:
    first = record_session(uow, people.dr_lee, knee_plan.id, session(), kb)
    second = record_session(uow, people.dr_patel, knee_plan.id, session(session_date="2026-12-04"), kb)
    assert (first.number, second.number) == (1, 2)
    stored = uow.stored("sessions")[0]
    assert stored.points[0].code == "ST35" and stored.points[0].response_sought == "de_qi"
    assert (stored.needle.diameter_mm, stored.retention_minutes, stored.practitioner_id) == (0.25, 20, "lee")


def test_point_codes_are_stored_in_their_standard_form(uow: FakeUnitOfWork, people, knee_plan, kb) -> None:
    record = record_session(uow, people.dr_lee, knee_plan.id, session(points=[{"code": "st-36", "side": "right"}]), kb)
    assert [p.code for p in record.points] == ["ST36"]


def test_an_unknown_point_is_refused_naming_it(uow: FakeUnitOfWork, people, knee_plan, kb) -> None:
    with pytest.raises(InputError) as error:
        record_session(uow, people.dr_lee, knee_plan.id, session(points=[
            {"code": "ST36", "side": "right"}, {"code": "XX99", "side": "left"}]), kb)
    assert error.value.field == "points[1].code"


def test_needling_where_a_finding_excludes_is_blocked(uow: FakeUnitOfWork, people, knee_plan, kb) -> None:
    with pytest.raises(SafetyBlock, match="ST35"):
        record_session(uow, people.dr_lee, knee_plan.id, session(points=[{"code": "ST35", "side": "left"}]), kb)
    assert uow.stored("sessions") == []


def test_needling_where_a_finding_excludes_is_allowed_with_an_override_reason(
    uow: FakeUnitOfWork, people, knee_plan, kb
) -> None:
    override = {"finding": "skin_lesion_regions", "reason": "lesion healed, checked today"}
    record = record_session(uow, people.dr_lee, knee_plan.id,
                            session(points=[{"code": "ST35", "side": "left"}], overrides=[override]), kb)
    assert record.overrides == [override]


def test_an_override_of_one_session_does_not_carry_to_the_next(uow: FakeUnitOfWork, people, knee_plan, kb) -> None:
    # The screening's constraints are kept per screening and overrides: a session's own override
    # must never be remembered for a later session under the same screening, in either order.
    override = {"finding": "skin_lesion_regions", "reason": "lesion healed, checked today"}
    lesion = [{"code": "ST35", "side": "left"}]
    with pytest.raises(SafetyBlock, match="ST35"):
        record_session(uow, people.dr_lee, knee_plan.id, session(points=lesion), kb)
    record_session(uow, people.dr_lee, knee_plan.id, session(points=lesion, overrides=[override]), kb)
    with pytest.raises(SafetyBlock, match="ST35"):
        record_session(uow, people.dr_lee, knee_plan.id, session(points=lesion, session_date="2026-12-08"), kb)
    assert len(uow.stored("sessions")) == 1


def test_a_session_override_without_a_reason_is_refused(uow: FakeUnitOfWork, people, knee_plan, kb) -> None:
    with pytest.raises(InputError) as error:
        record_session(uow, people.dr_lee, knee_plan.id, session(
            points=[{"code": "ST35", "side": "left"}], overrides=[{"finding": "skin_lesion_regions", "reason": " "}]),
            kb)
    assert error.value.field.startswith("overrides[0]")


def test_electroacupuncture_needs_its_parameters(uow: FakeUnitOfWork, people, knee_plan, kb) -> None:
    with pytest.raises(InputError) as error:
        record_session(uow, people.dr_lee, knee_plan.id, session(stimulation={"kind": "electro"}), kb)
    assert error.value.field == "stimulation"


def test_electroacupuncture_is_blocked_for_a_patient_with_a_pacemaker(uow: FakeUnitOfWork, people, patient, kb) -> None:
    intake = record_intake(uow, people.dr_lee, patient.id, example_intake("safety_pacemaker"), kb)
    plan = create_plan(uow, people.dr_lee, intake.id, kb)
    electro = {"kind": "electro", "frequency_hz": 2, "intensity_ma": 3, "minutes": 20, "electrode_pairs": [
        ["BL23:left", "BL25:left"]]}
    points = [{"code": "BL23", "side": "left"}, {"code": "BL25", "side": "left"}]
    with pytest.raises(SafetyBlock, match="electro"):
        record_session(uow, people.dr_lee, plan.id, session(points=points, stimulation=electro), kb)


def test_a_session_number_used_twice_is_a_conflict(uow: FakeUnitOfWork, people, knee_plan, kb) -> None:
    record_session(uow, people.dr_lee, knee_plan.id, session(number=3), kb)
    with pytest.raises(Conflict):
        record_session(uow, people.dr_lee, knee_plan.id, session(number=3), kb)


def test_a_session_under_an_ended_plan_is_refused(uow: FakeUnitOfWork, people, knee_plan, kb) -> None:
    amend_plan(uow, people.dr_lee, knee_plan.id, kb, expected_version=1, status="discontinued")
    with pytest.raises(InputError) as error:
        record_session(uow, people.dr_lee, knee_plan.id, session(), kb)
    assert error.value.field == "plan_id"


def test_an_adverse_event_may_name_only_this_patients_session(uow: FakeUnitOfWork, people, knee_plan, kb) -> None:
    given = record_session(uow, people.dr_lee, knee_plan.id, session(), kb)
    event = {"occurred_on": "2026-12-01", "type": "bruising", "severity": "mild", "outcome": "resolved",
             "session_id": given.id}
    stored = record_adverse_event(uow, people.dr_lee, knee_plan.patient_id, event)
    assert stored.session_id == given.id
    with pytest.raises(NotFound):
        record_adverse_event(uow, people.dr_lee, knee_plan.patient_id, {**event, "session_id": "nope"})


def test_progress_reads_sessions_and_reassessments(uow: FakeUnitOfWork, people, knee_plan, kb) -> None:
    for day in ("2026-12-01", "2026-12-04"):
        record_session(uow, people.dr_lee, knee_plan.id, session(session_date=day), kb)
    progress = get_progress(uow, people.dr_lee, knee_plan.id, kb)
    assert progress.sessions_given == 2
    assert progress.pain == ((1, 6, 4), (2, 6, 4))


def test_progress_is_computed_again_only_when_what_it_reads_changed(uow: FakeUnitOfWork, people, knee_plan,
                                                                     kb) -> None:
    record_session(uow, people.dr_lee, knee_plan.id, session(), kb)
    first = get_progress(uow, people.dr_lee, knee_plan.id, kb)
    assert get_progress(uow, people.dr_lee, knee_plan.id, kb) is first  # nothing changed: kept
    record_session(uow, people.dr_lee, knee_plan.id, session(session_date="2026-12-04", pain_after=2), kb)
    second = get_progress(uow, people.dr_lee, knee_plan.id, kb)
    assert second.sessions_given == 2 and second.pain[-1] == (2, 6, 2)
    audited = [e.action for e in uow.audit_entries()].count("progress.read")
    assert audited == 3  # every read is audited, kept or not


def test_a_reassessment_is_scored_with_the_knowledge_version(uow: FakeUnitOfWork, people, patient, kb) -> None:
    intake = record_intake(uow, people.dr_lee, patient.id, example_intake("chronic_low_back_pain"), kb)
    instrument, answers = next(iter(intake.answers["questionnaires"].items()))
    stored = record_reassessment(uow, people.dr_lee, patient.id,
                                 {"assessed_on": "2026-12-20", "answers": {instrument: answers}}, kb)
    assert stored.scores[instrument]["total"] == intake.scores[instrument]["total"]
    assert stored.knowledge_version == kb.version


def test_the_schedule_shows_dates_without_clinical_notes(uow: FakeUnitOfWork, people, knee_plan, kb) -> None:
    record_session(uow, people.dr_lee, knee_plan.id, session(), kb)
    schedule = get_schedule(uow, people.rita, knee_plan.patient_id)
    assert schedule.plans == [SchedulePlan(plan_id=knee_plan.id, status="active")]
    assert [(s.plan_id, s.number, s.session_date.isoformat()) for s in schedule.sessions.items] == [
        (knee_plan.id, 1, "2026-12-01")]
    assert schedule.sessions.next_cursor is None


# Points around the left knee (under the skin lesion finding), elsewhere, and an ear point.
_POINTS = ["ST35", "ST36", "SP9", "SP10", "GB34", "EX-LE4", "LI4", "BL23", "SJ5"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sessions=st.lists(st.tuples(
    st.lists(st.tuples(st.sampled_from(_POINTS), st.sampled_from(["left", "right", "bilateral"])),
             min_size=1, max_size=5, unique_by=lambda p: p[0]),
    st.booleans()), min_size=1, max_size=6))
def test_every_session_is_stored_exactly_when_a_fresh_safety_check_finds_nothing(
    uow: FakeUnitOfWork, people, knee_plan, kb, sessions
) -> None:
    # The check keeps constraints and verdicts per screening and outline: whatever came before, each
    # session must get the verdict a fresh ``safety.violations`` gives, never a remembered one.
    screening = uow.screenings.get("harbour", knee_plan.screening_id).to_screening()
    override = {"finding": "skin_lesion_regions", "reason": "lesion healed, checked today"}
    for points, overridden in sessions:
        body = session(points=[{"code": c, "side": s} for c, s in points], overrides=[override] if overridden else [])
        in_force = apply_overrides(screening, [Override(finding=o["finding"], reason=o["reason"], by="session",
                                                        on=date(2026, 12, 1)) for o in body["overrides"]])
        fresh = safety.violations({"points": body["points"], "modality": "manual"}, in_force, kb)
        before = len(uow.stored("sessions"))
        try:
            record_session(uow, people.dr_lee, knee_plan.id, body, kb)
        except SafetyBlock:
            assert fresh, points
            assert len(uow.stored("sessions")) == before
        else:
            assert not fresh, (points, fresh)


def test_a_recorded_reassessment_with_phq9_item_9_above_0_asks_for_safety_follow_up(uow: FakeUnitOfWork, people,
                                                                                    knee_plan, kb) -> None:
    # instruments.md §11: any non-zero item 9 needs safety follow-up whatever the total; progress reads
    # the stored scores, so their flags must come with their totals.
    record_session(uow, people.dr_lee, knee_plan.id, session(), kb)
    phq9 = {f"q{i}": 0 for i in range(1, 9)} | {"q9": 1}
    record_reassessment(uow, people.dr_lee, knee_plan.patient_id, {
        "assessed_on": "2026-12-01", "plan_id": knee_plan.id, "session_number": 1, "answers": {"phq9": phq9}}, kb)
    alerts = get_progress(uow, people.dr_lee, knee_plan.id, kb).alerts
    assert [(a.code, a.session) for a in alerts if a.code == "safety_follow_up"] == [("safety_follow_up", 1)]


def test_a_peg_down_by_exactly_30_percent_reaches_its_mcid_on_the_clinics_progress(uow: FakeUnitOfWork, people,
                                                                                 patient, kb) -> None:
    # PEG 20/3 -> 14/3 is exactly 30 %, the PEG's MCID (instruments.md §4, §20). Stored totals rounded to
    # 2 places (6.67, 4.67) read 29.98 %: instruments.md §24a.13 keeps full precision, rounds for display.
    data = example_intake("chronic_low_back_pain")
    data["questionnaires"] = {**data.get("questionnaires", {}), "peg": {"q1": 7, "q2": 7, "q3": 6}}
    plan = create_plan(uow, people.dr_lee, record_intake(uow, people.dr_lee, patient.id, data, kb).id, kb)
    record_session(uow, people.dr_lee, plan.id, session(session_date="2026-12-08", pain_before=6), kb)
    record_reassessment(uow, people.dr_lee, patient.id, {
        "assessed_on": "2026-12-08", "plan_id": plan.id, "session_number": 1,
        "answers": {"peg": {"q1": 5, "q2": 5, "q3": 4}}}, kb)
    latest = get_progress(uow, people.dr_lee, plan.id, kb).latest
    peg = next(c for c in latest.changes if c.instrument == "peg")
    assert peg.percent_improvement == 30 and peg.mcid_reached is True
