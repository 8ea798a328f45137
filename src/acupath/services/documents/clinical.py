"""The clinical documents' contents: the patient's plan, the progress report, the NCD 30.3.3 documentation.

Each function runs inside ``documents.gather``'s transaction (no audit of its own) and reads the
patient's current plan: the latest active one, else the latest (``current_plan``).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from acupath import outcomes, planning
from acupath.assessment.medications import MME_KEY
from acupath.errors import Conflict
from acupath.knowledge import KnowledgeBase
from acupath.planning.plain_language import explain_plan
from acupath.services.access import found
from acupath.services.documents.records import NcdBody, PlanBody, ProgressBody
from acupath.services.progress import course_progress
from acupath.services.progress_trends import ProgressTrends, trends_of
from acupath.services.records import Patient, PlanRecord
from acupath.services.records.clinical import PlanStatus
from acupath.services.unit_of_work import AbstractUnitOfWork

#: Progress's alert that improvement is documented for NCD 30.3.3 (``outcomes.progress``).
EXTENSION_ALERT = "medicare_extension_eligible"
CAP_ALERT = "medicare_annual_cap_reached"  # the 20 a year are given: no extension left to document


def current_plan(uow: AbstractUnitOfWork, clinic_id: str, patient: Patient) -> PlanRecord:
    """Return the patient's latest active plan, else their latest plan.

    Raises ``Conflict`` when the patient has no plan (nothing to put in a plan or progress document).
    """
    plans = uow.plans.list_for_patient(clinic_id, patient.id)
    active = [p for p in plans if p.status == PlanStatus.ACTIVE.value]
    chosen = (active or plans or [None])[-1]
    if chosen is None:
        raise Conflict("this patient has no treatment plan yet: record an intake and create a plan first")
    return chosen


def plan_body(uow: AbstractUnitOfWork, clinic_id: str, patient: Patient, kb: KnowledgeBase, today: date) -> PlanBody:
    """Return the plan document's contents. Raises ``Conflict`` (no plan)."""
    record = current_plan(uow, clinic_id, patient)
    screening = uow.screenings.get(clinic_id, record.screening_id)
    return PlanBody(record=record, plan=planning.Plan.from_dict(record.plan),
                    plain=explain_plan(record.plan, kb, today),
                    screening_findings=tuple(screening.findings) if screening else (),
                    sessions_given=len(uow.sessions.summaries(clinic_id, record.id)))


def _trends(uow: AbstractUnitOfWork, clinic_id: str, record: PlanRecord, kb: KnowledgeBase) -> ProgressTrends:
    # The same reading as the progress page (services.progress_trends.get_trends), inside this transaction.
    course = found(uow.plan_course(clinic_id, record.id), "plan", record.id)
    plan, report = course_progress(uow, clinic_id, course, kb)
    # The checkpoints progress judged (``outcomes.in_force``), on the charts as in the table.
    plan = replace(plan, checkpoints=outcomes.in_force(plan, kb))
    return ProgressTrends(plan_id=record.id, patient_id=record.patient_id, plan=plan, progress=report,
                          trends=trends_of(plan.baseline, course),
                          started=plan.sessions[0].date if plan.sessions else None)


def progress_body(uow: AbstractUnitOfWork, clinic_id: str, patient: Patient, kb: KnowledgeBase,
                  today: date) -> ProgressBody:
    """Return the progress report's contents. Raises ``Conflict`` (no plan), ``InputError`` (unscorable answers).

    ``baseline`` holds the intake's scores and the headache diary's month (migraine), not the opioid MME:
    that is the opioid-sparing outcome, reported on its own line when there is one (``OpioidUse.reported``).
    """
    record = current_plan(uow, clinic_id, patient)
    events = [e for e in uow.adverse_events.list_for_patient(clinic_id, patient.id)]
    trends = _trends(uow, clinic_id, record, kb)
    return ProgressBody(record=record, trends=trends,
                        sessions=tuple(uow.sessions.list_for_plan(clinic_id, record.id)),
                        adverse_events=tuple(events),
                        baseline=tuple((k, v) for k, v in trends.plan.baseline.items() if k != MME_KEY))


def ncd_plan(uow: AbstractUnitOfWork, clinic_id: str, patient: Patient,
             kb: KnowledgeBase) -> tuple[PlanRecord, planning.Plan]:
    """Return the patient's current plan (record and plan) when NCD 30.3.3 covers it.

    Raises ``Conflict`` (no plan; another payer, another condition, an exclusion: nothing to document
    to Medicare).
    """
    record = current_plan(uow, clinic_id, patient)
    plan = planning.Plan.from_dict(record.plan)
    if plan.payer != "medicare":
        raise Conflict(f"the plan's payer is {plan.payer.replace('_', ' ')}, not Medicare: NCD 30.3.3 "
                       "documentation is for Medicare patients")
    if plan.coverage is None or not plan.coverage.eligible:
        conditions = kb.coverage.medicare.eligibility.conditions
        why = "; ".join(plan.coverage.warnings) if plan.coverage and plan.coverage.warnings else (
            f"NCD 30.3.3 covers {', '.join(c.replace('_', ' ') for c in conditions)} only")
        raise Conflict(f"NCD 30.3.3 does not cover this plan ({plan.condition.replace('_', ' ')}): {why}")
    return record, plan


def ncd_body(uow: AbstractUnitOfWork, clinic_id: str, patient: Patient, kb: KnowledgeBase, today: date) -> NcdBody:
    """Return the NCD 30.3.3 improvement documentation of the patient's current plan.

    The verdict is progress's own (``medicare_extension_eligible``: improved by an MCID on a measure, and
    worse on none); when it is not reached the document says "not met" and why. Raises ``Conflict`` when
    the plan is not one NCD 30.3.3 covers (another payer, another condition, an exclusion): there is
    nothing to document to Medicare then.
    """
    record, plan = ncd_plan(uow, clinic_id, patient, kb)
    rule = kb.coverage.medicare
    trends = _trends(uow, clinic_id, record, kb)
    progress = trends.progress
    sessions = uow.sessions.summaries(clinic_id, record.id)
    first = min((s.session_date for s in sessions), default=None)
    window_end = first + timedelta(days=rule.initial_window_days - 1) if first else None
    year_end = first + timedelta(days=rule.annual_window_days - 1) if first else None
    in_window = sum(1 for s in sessions if window_end is not None and s.session_date <= window_end)
    in_year = sum(1 for s in sessions if year_end is not None and s.session_date <= year_end)
    latest = progress.latest
    met = any(a.code == EXTENSION_ALERT for a in progress.alerts)
    reasons: list[str] = []
    if not met:
        decided = [c for c in latest.changes if c.mcid_reached is not None]
        cap = next((a for a in progress.alerts if a.code == CAP_ALERT), None)
        if cap is not None:
            reasons.append(cap.message)
        elif not decided:
            reasons.append("no measure with a clinically important difference has been reassessed against "
                           "the baseline yet")
        elif latest.worsened:
            worse = ", ".join(c.instrument.upper() for c in latest.changes if c.worsened)
            reasons.append(f"worse by at least the MCID on {worse}: NCD 30.3.3 says treatment must be "
                           "discontinued if the patient is not improving or is regressing")
        else:
            reasons.append("no measure has improved by its MCID since the baseline")
    return NcdBody(record=record, plan=plan, progress=progress, rule=rule, first_session=first,
                   initial_window_ends=window_end, in_initial_window=in_window, in_year=in_year, met=met,
                   reasons=tuple(reasons), improved=tuple(c for c in latest.changes if c.mcid_reached))
