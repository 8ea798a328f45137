"""How the demo's past courses go: who responds, how fast, who stops coming, when a course ends.

Synthetic, and said so wherever the demo shows it. The shares below are the demo's own choice, not a
clinical figure: they are set so that about half of the courses reach the MCID responder rule that
acupath applies (the NRS falls by 2 points or 30 %, Farrar 2001 and Ostelo 2008, IMMPACT's moderate
improvement: shared/reference/instruments.md §1, §20), which is of the order the acupuncture arms of
trials report. The only such trial figures in shared/reference are Linde 2016's migraine responders
(41-50 % with acupuncture), which meta-analysis.md §5 marks as unverified; nothing here claims more.

What the demo does take from cited sources is the shape of a course: the improvement builds up to
the session by which each protocol expects a response (its first checkpoint, e.g. "response typically
seen by sessions 4-6" for low back pain, seed 001, ``lbp_course_sessions``), a course is judged at the
protocol's checkpoints and reassessments, and one that has not improved by its second reassessment is
discontinued ("no improvement by session 8-10 - reassess the diagnosis", the same checkpoint file).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from typing import Any

from acupath.cli.demo_records import adverse_event, answers_at, nrs_answers, session_record
from acupath.knowledge import KnowledgeBase
from acupath.services import progress, sessions
from acupath.services.actor import Actor

#: A course's kind: share of the clinic's courses, and the range of the share of baseline pain lost.
Mix = tuple[tuple[str, float, float, float], ...]


@dataclass(frozen=True)
class SiteOutcomes:
    """How a demo clinic's courses turn out (invented per clinic, so that two clinics differ)."""

    #: (kind, share of courses, least and most of the baseline lost at full effect)
    mix: Mix
    #: Share of courses whose patient never came back after the plan was made: no follow-up at all
    #: (counted by intention to treat, never dropped).
    no_follow_up: float
    #: Share of courses that stop after a few sessions, before their first reassessment.
    early_stop: float


@dataclass(frozen=True)
class CourseOutcome:
    """One course as drawn: its kind, the improvement at full effect, and where it stops."""

    kind: str
    improvement: float
    #: The last session given (0: none; None: the course runs to the plan's end or today).
    last_session: int | None
    #: What the plan becomes after its last session: "completed", "discontinued" or None (kept active).
    ending: str | None


def draw_outcome(rng: random.Random, site: SiteOutcomes, plan_sessions: list[dict[str, Any]]) -> CourseOutcome:
    """Draw how one course goes under ``site``'s mix, given the plan's sessions (their ``reassess`` lists).

    A course without follow-up has no session (``last_session`` 0); one stopped early ends before the
    first reassessed session; a responder is discharged
    (completed) after its second or third reassessment, a partial responder after its third or fourth, a
    non-responder is discontinued after its second.
    """
    reassessed = [s["number"] for s in plan_sessions if s["reassess"]]
    draw, total, chosen = rng.random(), 0.0, site.mix[-1]
    for entry in site.mix:
        total += entry[1]
        if draw < total:
            chosen = entry
            break
    kind, _, low, high = chosen
    improvement = rng.uniform(low, high)
    draw = rng.random()
    if draw < site.no_follow_up:  # planned, then never came back: no measurement after the baseline
        return CourseOutcome("no_follow_up", improvement, 0, "discontinued")
    if not reassessed or draw < site.no_follow_up + site.early_stop:  # a few sessions, then stopped coming
        first = reassessed[0] if reassessed else len(plan_sessions) + 1
        return CourseOutcome("stopped_early", improvement, rng.randint(1, max(1, first - 1)), "discontinued")
    stop_at = {"responder": rng.choice([2, 3]), "partial": rng.choice([3, 4])}.get(kind, 2)
    if stop_at > len(reassessed):
        return CourseOutcome(kind, improvement, None, "completed")
    return CourseOutcome(kind, improvement, reassessed[stop_at - 1],
                         "discontinued" if kind == "non_responder" else "completed")


def response_share(session_number: int, response_by: int) -> float:
    """Return the share of the full improvement reached at ``session_number``: it builds up linearly to
    the protocol's first checkpoint (``response_by``) and holds there."""
    return min(1.0, session_number / max(1, response_by))


@dataclass(frozen=True)
class Course:
    """The patient's side of a course as the demo generates it."""

    plan_id: str
    patient_id: str
    nrs: int
    severity: float
    improvement: float


def treat(uow_factory: Any, kb: KnowledgeBase, clinician: Actor, plan: dict[str, Any], course: Course, today: date,
          rng: random.Random, *, share_at: Any = None, last_session: int | None = None,
          note: str = "") -> tuple[int, int]:
    """Record the plan's sessions up to ``today`` (and up to ``last_session``) through the services, with
    the reassessments the plan asks for; about 6 % of appointments are missed and 5 % of sessions bring a
    minor adverse event. ``share_at(number)`` is the share of the improvement reached at a session (default:
    linear over the whole plan); ``note`` is written in each session's notes. Returns (sessions recorded,
    reassessments recorded).
    """
    planned_sessions = plan["sessions"]
    share = share_at or (lambda number: number / max(1, len(planned_sessions)))
    delivered = [s for s in planned_sessions if date.fromisoformat(s["date"]) <= today
                 and (last_session is None or s["number"] <= last_session)]
    recorded = reassessed = 0
    for planned in delivered:
        progress_share = share(planned["number"])
        level = course.severity * (1 - course.improvement * progress_share)
        pain = max(0, min(10, round(course.nrs * (1 - course.improvement * progress_share) + rng.uniform(-0.8, 0.8))))
        if rng.random() < 0.06:  # a missed appointment: the plan goes on without it
            continue
        given = session_record(plan, planned, pain, rng)
        if note:
            given["notes"] = note
        record = sessions.record_session(uow_factory(), clinician, course.plan_id, given, kb, today=today)
        recorded += 1
        if rng.random() < 0.05:
            sessions.record_adverse_event(uow_factory(), clinician, course.patient_id,
                                          adverse_event(record.session_date, record.id, rng, today), today=today)
        if planned["reassess"]:
            answers = {i: (nrs_answers(pain) if i == "nrs" else answers_at(kb, i, level, rng))
                       for i in planned["reassess"]}
            progress.record_reassessment(uow_factory(), clinician, course.patient_id, {
                "assessed_on": planned["date"], "plan_id": course.plan_id, "session_number": planned["number"],
                "answers": answers}, kb, today=today)
            reassessed += 1
    return recorded, reassessed
