"""The demo clinics' past two years: hundreds of courses, finished and running, and a second clinic.

``acupath demo`` adds them to the showcase patients of ``build_demo`` so that practice analytics has
cells above the small-cell threshold and network pooling has two sites. Every record goes through the
real services (register, intake, plan with screening, sessions checked against the plan,
reassessments, adverse events, the plan completed or discontinued), as ``build_demo``'s do. Everything
is synthetic: invented people, invented outcomes (``cli.demo_outcomes`` says which parts follow cited
protocols and which are the demo's own choice), and the clinics' names say "demo".
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from acupath.cli.demo_outcomes import Course, SiteOutcomes, draw_outcome, response_share, treat
from acupath.cli.demo_records import CONDITIONS, demo_intake
from acupath.knowledge import KnowledgeBase
from acupath.services import intakes, patients, plans
from acupath.services.actor import Actor, Role

#: Each condition's share of the past courses: an invented case mix (low back pain the most common).
CASE_MIX = {"chronic_low_back_pain": 0.32, "neck_pain": 0.20, "knee_osteoarthritis": 0.16, "migraine": 0.12,
            "upper_back_pain": 0.10, "fibromyalgia": 0.10}
#: Screened at intake besides the protocol's own instruments: STarT Back for back pain (its risk group
#: is a facet of the practice analytics).
SCREENING = {"chronic_low_back_pain": ("start_back",), "upper_back_pain": ("start_back",)}
#: How long ago the past courses started: up to two years.
SPAN_DAYS = 730
GIVEN = ("Ana", "Ben", "Carmen", "Dev", "Elena", "Finn", "Greta", "Hamid", "Ines", "Jonah", "Kiri", "Lena",
         "Marco", "Nadia", "Oscar", "Pita", "Rosa", "Sami", "Tessa", "Viktor", "Wiremu", "Xin", "Yara", "Zane")
FAMILY = ("Adams", "Baker", "Costa", "Dubois", "Eriksen", "Fischer", "Gupta", "Horomona", "Ivanova", "Jensen",
          "Kaur", "Lopez", "Moana", "Novak", "Olsen", "Petrov", "Quinn", "Reyes", "Sato", "Tamihana", "Ueda",
          "Varga", "Whaanga", "Young", "Zhou")

#: The demo's own outcome mixes (``cli.demo_outcomes``): Harbour's past courses, and a second clinic
#: whose courses respond less often and are left more often, so that the network sees two sites differ.
HARBOUR_OUTCOMES = SiteOutcomes(mix=(("responder", 0.45, 0.35, 0.70), ("partial", 0.30, 0.10, 0.28),
                                     ("non_responder", 0.25, -0.05, 0.10)), no_follow_up=0.06, early_stop=0.06)
RIVERSIDE_OUTCOMES = SiteOutcomes(mix=(("responder", 0.28, 0.30, 0.55), ("partial", 0.30, 0.05, 0.20),
                                       ("non_responder", 0.42, -0.10, 0.05)), no_follow_up=0.10, early_stop=0.08)

SECOND_CLINIC = "Riverside Pain Clinic (synthetic demo)"
SECOND_STAFF = (("ngata@riverside.demo", "Dr Tui Ngata", "clinician"),
                ("okafor@riverside.demo", "Dr Chidi Okafor", "clinician"),
                ("admin@riverside.demo", "Riverside Admin", "admin"))


@dataclass(frozen=True)
class PastSite:
    """Whose past courses these are: the clinic's clinicians, MRN prefix and outcome mix."""

    clinicians: tuple[Actor, ...]
    mrn_prefix: str
    outcomes: SiteOutcomes


def _condition(rng: random.Random) -> str:
    draw, total = rng.random(), 0.0
    for condition, share in CASE_MIX.items():
        total += share
        if draw < total:
            return condition
    return CONDITIONS[0]


def _past_course(uow_factory: Any, kb: KnowledgeBase, site: PastSite, index: int, today: date,
                 rng: random.Random) -> dict[str, int]:
    condition = _condition(rng)
    clinician = site.clinicians[index % len(site.clinicians)]
    age, severity = rng.randint(28, 82), rng.uniform(0.35, 0.85)
    start = today - timedelta(days=rng.randint(0, SPAN_DAYS))
    patient = patients.register_patient(uow_factory(), clinician, {
        "given_name": GIVEN[index % len(GIVEN)], "family_name": FAMILY[(index * 7 + index // len(GIVEN)) % len(FAMILY)],
        "birth_date": (start - timedelta(days=365 * age + rng.randint(0, 364))).isoformat(),
        "sex": rng.choice(["female", "male"]), "mrn": f"{site.mrn_prefix}{30001 + index}"})
    document = demo_intake(kb, condition, start, severity, age, rng, screening=SCREENING.get(condition, ()))
    intake = intakes.record_intake(uow_factory(), clinician, patient.id, document, kb)
    plan = plans.create_plan(uow_factory(), clinician, intake.id, kb, today=start)
    outcome = draw_outcome(rng, site.outcomes, plan.plan["sessions"])
    response_by = min((c["session"] for c in plan.plan.get("checkpoints", [])), default=6)
    course = Course(plan.id, patient.id, document["pain"]["nrs"], severity, outcome.improvement)
    done, reassessed = treat(uow_factory, kb, clinician, plan.plan, course, today, rng,
                             share_at=lambda number: response_share(number, response_by),
                             last_session=outcome.last_session, note="synthetic demo record")
    planned = plan.plan["sessions"]
    last = len(planned) if outcome.last_session is None else min(outcome.last_session, len(planned))
    ended = 0
    if outcome.ending and planned and date.fromisoformat(planned[max(0, last - 1)]["date"]) <= today:
        plans.amend_plan(uow_factory(), clinician, plan.id, kb, expected_version=plan.version,
                         status=outcome.ending, note=f"synthetic demo course ({outcome.kind.replace('_', ' ')})",
                         today=today)
        ended = 1
    return {"courses": 1, "sessions": done, "reassessments": reassessed, "ended": ended}


def past_courses(uow_factory: Any, kb: KnowledgeBase, site: PastSite, *, count: int, today: date,
                 rng: random.Random) -> dict[str, int]:
    """Add ``count`` courses that started over the two years before ``today``, one new patient each.

    Returns the counts of courses, sessions, reassessments and plans ended (completed or discontinued).
    Raises what the services raise.
    """
    totals = {"courses": 0, "sessions": 0, "reassessments": 0, "ended": 0}
    for index in range(count):
        for key, value in _past_course(uow_factory, kb, site, index, today, rng).items():
            totals[key] += value
    return totals


def build_second_clinic(uow_factory: Any, kb: KnowledgeBase, staff_of: Any, *, seed: int, today: date,
                        courses: int) -> dict[str, Any]:
    """Create the second demo clinic (its staff through ``staff_of(clinic_id, staff)``) with ``courses``
    past courses; return its name, id, logins and counts. Raises what the services raise."""
    from acupath.services import users

    rng = random.Random(seed * 7919 + 1)
    clinic = users.create_clinic(uow_factory(), SECOND_CLINIC)
    actors = staff_of(clinic.id, SECOND_STAFF)
    clinicians = tuple(a for a in actors.values() if a.role is Role.CLINICIAN)
    counts = past_courses(uow_factory, kb, PastSite(clinicians, "RV-", RIVERSIDE_OUTCOMES), count=courses,
                          today=today, rng=rng)
    return {"clinic": SECOND_CLINIC, "clinic_id": clinic.id, **counts,
            "logins": [email for email, _, _ in SECOND_STAFF]}
