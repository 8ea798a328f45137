"""Where a patient stands in a plan: session counts, the next reassessment, cover left, status flags."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from acupath.services import register_patient
from acupath.services.clinic_day import patients_due, where_in_plan
from acupath.services.records import PlanRecord

START = date(2026, 3, 2)


@dataclass(frozen=True)
class Given:
    number: int


@dataclass(frozen=True)
class Reassessed:
    assessed_on: date
    plan_id: str | None = "plan-1"


def plan_of(count: int, reassess_at: tuple[int, ...] = (), covered: int = 0,
            findings: list[dict[str, Any]] | None = None) -> PlanRecord:
    sessions = [{"number": n, "date": (START + timedelta(weeks=n - 1)).isoformat(), "phase": "p",
                 "reassess": ["peg"] if n in reassess_at else [],
                 "coverage": "covered" if n <= covered else "self_pay"} for n in range(1, count + 1)]
    at = datetime(2026, 3, 1, tzinfo=UTC)
    return PlanRecord(id="plan-1", clinic_id="c", patient_id="p", intake_id="i", screening_id="s",
                      plan={"sessions": sessions, "findings": findings or []}, knowledge_version="k",
                      created_at=at, created_by="u", updated_at=at, updated_by="u")


def visit_day(number: int) -> date:
    return START + timedelta(weeks=number - 1)


def test_the_position_counts_sessions_given_and_the_next_visit() -> None:
    position = where_in_plan(plan_of(12, reassess_at=(6, 12)), [Given(n) for n in range(1, 5)], [], visit_day(5))
    assert (position.given, position.planned, position.next_number, position.next_date) == (4, 12, 5, visit_day(5))
    assert position.reassessment_in == 1  # session 5, then the reassessment at session 6
    assert position.flags == ()


def test_a_reassessment_at_the_next_session_is_zero_sessions_away_and_none_after_the_last() -> None:
    plan = plan_of(6, reassess_at=(3,))
    assert where_in_plan(plan, [Given(1), Given(2)], [], visit_day(3)).reassessment_in == 0
    finished = where_in_plan(plan, [Given(n) for n in range(1, 7)], [Reassessed(visit_day(3))], visit_day(7))
    assert (finished.next_number, finished.reassessment_in) == (None, None)


def test_a_planned_reassessment_not_recorded_is_overdue_until_one_is() -> None:
    plan = plan_of(8, reassess_at=(3,))
    given = [Given(n) for n in range(1, 5)]
    assert "overdue_reassessment" in where_in_plan(plan, given, [], visit_day(5)).flags
    recorded = [Reassessed(visit_day(3))]
    assert "overdue_reassessment" not in where_in_plan(plan, given, recorded, visit_day(5)).flags
    elsewhere = [Reassessed(visit_day(3), plan_id="another-plan")]
    assert "overdue_reassessment" in where_in_plan(plan, given, elsewhere, visit_day(5)).flags


def test_cover_runs_out_when_two_covered_visits_or_fewer_are_left() -> None:
    plan = plan_of(10, covered=6)
    assert where_in_plan(plan, [Given(n) for n in range(1, 4)], [], visit_day(4)).covered_left == 3
    low = where_in_plan(plan, [Given(n) for n in range(1, 5)], [], visit_day(5))
    assert (low.covered_left, "cover_running_out" in low.flags) == (2, True)
    assert where_in_plan(plan_of(10), [Given(1)], [], visit_day(2)).covered_left is None


def test_a_skipped_visit_is_not_given_nor_next_and_its_cover_is_left() -> None:
    # Visit 18 of 20 was missed: the chart said "all 20 sessions given ... 0 covered visits left" while
    # the plan page said 19 of 20 given and 1 remaining (walk-through).
    plan = plan_of(20, covered=20)
    given = [Given(n) for n in range(1, 21) if n != 18]
    position = where_in_plan(plan, given, [], visit_day(21))
    assert (position.given, position.planned, position.next_number, position.covered_left) == (19, 20, None, 1)
    assert not position.complete
    beyond = where_in_plan(plan, [*given, Given(21)], [], visit_day(22))  # a session numbered past the plan
    assert (beyond.given, beyond.complete) == (20, False)
    assert where_in_plan(plan, [Given(n) for n in range(1, 21)], [], visit_day(21)).complete
    later = where_in_plan(plan, [g for g in given if g.number < 20], [], visit_day(20))
    assert (later.given, later.next_number) == (18, 20)  # the schedule goes on from the highest visit given


def test_an_open_red_flag_is_a_flag_and_an_overridden_one_is_not() -> None:
    red = {"code": "x", "kind": "red_flag", "severity": "moderate", "action": "referral", "message": "m"}
    assert where_in_plan(plan_of(4, findings=[red]), [], [], START).flags == ("red_flag",)
    overridden = {**red, "overridden_by": "u", "override_reason": "cleared by the GP"}
    assert where_in_plan(plan_of(4, findings=[overridden]), [], [], START).flags == ()
    caution = {**red, "kind": "caution"}
    assert where_in_plan(plan_of(4, findings=[caution]), [], [], START).flags == ()


def store_plan(uow: Any, plan: PlanRecord, patient_id: str, status: str = "active") -> None:
    plan.patient_id, plan.clinic_id, plan.status = patient_id, "harbour", status
    with uow:
        uow.plans.add(plan)
        uow.commit()


def test_patients_due_lists_active_plans_with_a_visit_that_day_only(uow: Any, people: Any, patient: Any) -> None:
    other = register_patient(uow, people.rita, {"given_name": "Ben", "family_name": "Stopped",
                                                "birth_date": "1970-01-01", "sex": "male"})
    red = {"code": "x", "kind": "red_flag", "severity": "moderate", "action": "referral", "message": "m"}
    store_plan(uow, plan_of(8, findings=[red]), patient.id)
    stopped = plan_of(8)
    stopped.id = "plan-2"
    store_plan(uow, stopped, other.id, status="discontinued")
    due = patients_due(uow, people.dr_lee, visit_day(3))
    assert [(d.patient.id, d.visit_number, d.position.flags) for d in due] == [(patient.id, 3, ("red_flag",))]
    assert patients_due(uow, people.dr_lee, visit_day(3) + timedelta(days=1)) == []


def test_reception_sees_who_is_due_without_clinical_flags(uow: Any, people: Any, patient: Any) -> None:
    red = {"code": "x", "kind": "red_flag", "severity": "moderate", "action": "referral", "message": "m"}
    store_plan(uow, plan_of(8, covered=2, findings=[red]), patient.id)
    [seen] = patients_due(uow, people.rita, visit_day(1))
    assert seen.position.flags == ("cover_running_out",)


def test_another_clinic_sees_none_of_the_day(uow: Any, people: Any, patient: Any) -> None:
    store_plan(uow, plan_of(8), patient.id)
    assert patients_due(uow, people.dr_outsider, visit_day(1)) == []
