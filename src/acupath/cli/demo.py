"""``acupath demo``: a demo clinic with patients for every condition and months of care, two years of past
courses, and a second clinic for network pooling (``cli.demo_history``). All of it is synthetic.

Everything goes through the real services (register, intake, plan with screening, sessions checked
against the plan, reassessments, adverse events), so the demo is what a clinic would have recorded.
The same ``--seed`` and ``--today`` give the same clinic (record ids aside, which are random).
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Annotated, Any

import typer

from acupath.cli import demo_history as history
from acupath.cli.demo_outcomes import Course, treat
from acupath.cli.demo_portal import DEMO_SITE, demo_portal, portal_again
from acupath.cli.demo_records import CONDITIONS, demo_intake
from acupath.cli.output import emit_json
from acupath.cli.server import DbOption, settings_for, unit_of_work_factory
from acupath.knowledge import KnowledgeBase, load_knowledge
from acupath.security.passwords import Argon2idHasher
from acupath.services import intakes, logins, patients, plans, users
from acupath.services.actor import Actor, Role
from acupath.services.passwords import PasswordHasher

CLINIC_NAME = "Harbour Integrative Pain Clinic"
DEMO_PASSWORD = "acupath-demo-2026"  # printed on purpose: a demo database holds no real patient
STAFF = (("lee@harbour.demo", "Dr Mei Lee", "clinician"), ("patel@harbour.demo", "Dr Arjun Patel", "clinician"),
         ("rita@harbour.demo", "Rita Gomez", "reception"), ("admin@harbour.demo", "Ada Admin", "admin"))
GIVEN = ("Olivia", "James", "Aroha", "Wei", "Fatima", "Liam", "Sofia", "Noah", "Priya", "Hemi", "Grace",
         "Mateo", "Yuki", "Ethan", "Amara", "Lucas", "Nina", "Tane", "Chloe", "Omar")
FAMILY = ("Nguyen", "Smith", "Walker", "Chen", "Hassan", "Brown", "Rossi", "Taylor", "Sharma", "Parata",
          "Wilson", "Garcia", "Tanaka", "Martin", "Okafor", "Silva", "Kowalski", "Ngata", "Evans", "Ali")
SYNTHETIC = "every person, record and outcome of the demo clinics is invented (acupath demo)"
# Share of baseline severity lost by the end of care: responders, partial responders, non-responders.
COURSES = ((0.55, 0.5), (0.25, 0.3), (0.05, 0.2))


def _course(rng: random.Random) -> float:
    draw, total = rng.random(), 0.0
    for improvement, share in COURSES:
        total += share
        if draw < total:
            return improvement
    return COURSES[-1][0]


class DemoPasswords(PasswordHasher):
    """argon2id, but the demo password is hashed once and its hash given to every demo account.

    Every demo login has the same printed password, so one hash serves them all (a demo database holds
    no secret). Measured: each argon2id hash costs about 0.17 s of CPU here, and the two demo clinics'
    eight accounts were 1.4 s of ``acupath demo``; verifying is argon2's own, so the logins are real.
    """

    def __init__(self, hasher: PasswordHasher) -> None:
        self._hasher = hasher
        self._hashes: dict[str, str] = {}

    def hash(self, password: str) -> str:
        if password not in self._hashes:
            self._hashes[password] = self._hasher.hash(password)
        return self._hashes[password]

    def verify(self, password_hash: str, password: str) -> bool:
        return self._hasher.verify(password_hash, password)

    def needs_rehash(self, password_hash: str) -> bool:
        return self._hasher.needs_rehash(password_hash)

    def dummy_hash(self) -> str:
        return self._hasher.dummy_hash()


#: The demo clinicians' licences and qualifications (``users.update_user``'s shapes): invented, and
#: every licence says so in its number and authority, so that no one takes them for a real register's.
DEMO_CREDENTIALS: dict[str, tuple[dict[str, str], list[dict[str, Any]]]] = {
    "lee@harbour.demo": ({"number": "SYNTHETIC-AC-10482", "authority": "Demo State Acupuncture Board (synthetic)",
                          "expires": "2027-12-31"},
                         [{"text": "L.Ac."}, {"text": "Dipl. Ac. (NCCAOM)", "issuer": "NCCAOM", "year": 2011}]),
    "patel@harbour.demo": ({"number": "SYNTHETIC-REG-2291", "authority": "Demo Acupuncture Register (synthetic)",
                            "expires": "2027-09-30"},
                           [{"text": "MSc Acupuncture", "issuer": "Demo University (synthetic)", "year": 2015}]),
    "ngata@riverside.demo": ({"number": "SYNTHETIC-AC-0417", "authority": "Demo Acupuncture Board (synthetic)",
                              "expires": "2028-03-31"},
                             [{"text": "BHSc Acupuncture", "issuer": "Demo College (synthetic)", "year": 2014}]),
}


def create_staff(uow_factory: Any, clinic_id: str, staff: tuple[tuple[str, str, str], ...] = STAFF,
           hasher: PasswordHasher | None = None) -> dict[str, Actor]:
    """Create the clinic's ``staff`` (email, name, role), all with the demo password; return their actors.

    The clinicians of ``DEMO_CREDENTIALS`` get their synthetic licence and qualifications.
    """
    hasher = hasher or DemoPasswords(Argon2idHasher())
    actors = {}
    for email, name, role in staff:
        user = users.create_user(uow_factory(), Actor.system(clinic_id), email=email, name=name, role=role,
                                 password=DEMO_PASSWORD, hasher=hasher)
        if email in DEMO_CREDENTIALS:
            licence, qualifications = DEMO_CREDENTIALS[email]
            users.update_user(uow_factory(), Actor.system(clinic_id), user.id, licence=licence,
                              qualifications=qualifications)
        actors[email] = Actor(user_id=user.id, clinic_id=clinic_id, role=Role(role), remote_address="demo")
    return actors


def _between_visits(uow_factory: Any, kb: KnowledgeBase, clinician: Actor, plan_id: str, today: date) -> int:
    """Give the first demo patient's plan its portal questionnaires (the plan's reassessments from today on,
    and a PHQ-9 due today) and its homework.

    Returns how many questionnaires were assigned.
    """
    from acupath.services.between_visits import assignments, homework

    made = assignments.assign_plan_reassessments(uow_factory(), clinician, plan_id, kb, today=today)
    if not any(a.instrument == "phq9" and a.due_on == today for a in made):
        made.append(assignments.assign_questionnaire(uow_factory(), clinician, plan_id,
                                                     {"instrument": "phq9", "due_on": today.isoformat()}, kb,
                                                     today=today))
    # Homework is given, not ticked: a tick is the patient's act on the portal, audited as theirs.
    homework.start_homework(uow_factory(), clinician, plan_id, kb)
    return len(made)


def build_demo(uow_factory: Any, kb: KnowledgeBase, *, seed: int, today: date, per_condition: int,
               past_courses: int = 0, passwords: PasswordHasher | None = None) -> dict[str, Any]:
    """Create the demo clinic, its staff and patients; returns counts and the demo login.

    ``per_condition`` patients of each condition are in care now (started 3 to 26 weeks ago); then
    ``past_courses`` more patients' courses started over the past two years (``cli.demo_history``).
    ``passwords`` hashes the demo password (default: argon2id, once, ``DemoPasswords``).

    Raises ``Conflict`` when the demo staff already exist (the demo was loaded before).
    """
    rng = random.Random(seed)
    clinic = users.create_clinic(uow_factory(), CLINIC_NAME)
    passwords = passwords or DemoPasswords(Argon2idHasher())
    staff = create_staff(uow_factory, clinic.id, STAFF, passwords)
    clinicians = [a for a in staff.values() if a.role is Role.CLINICIAN]
    counts = {"patients": 0, "plans": 0, "sessions": 0, "reassessments": 0, "questionnaires_assigned": 0}
    registered = []
    for index in range(per_condition * len(CONDITIONS)):
        condition = CONDITIONS[index % len(CONDITIONS)]
        clinician = clinicians[index % len(clinicians)]
        age = rng.randint(28, 82)
        severity = rng.uniform(0.35, 0.85)
        born = today - timedelta(days=365 * age + rng.randint(0, 364))
        patient = patients.register_patient(uow_factory(), staff["rita@harbour.demo"], {
            "given_name": GIVEN[index % len(GIVEN)], "family_name": FAMILY[(index * 7) % len(FAMILY)],
            "birth_date": born.isoformat(), "sex": rng.choice(["female", "male"]),
            "mrn": f"HB-{10001 + index}", "phone": f"+64 21 555 {1000 + index}"})
        counts["patients"] += 1
        registered.append(patient)
        start = today - timedelta(weeks=rng.randint(3, 26))
        document = demo_intake(kb, condition, start, severity, age, rng)
        intake = intakes.record_intake(uow_factory(), clinician, patient.id, document, kb)
        plan = plans.create_plan(uow_factory(), clinician, intake.id, kb, today=start)
        counts["plans"] += 1
        course = Course(plan.id, patient.id, document["pain"]["nrs"], severity, _course(rng))
        done, reassessed = treat(uow_factory, kb, clinician, plan.plan, course, today, rng)
        counts["sessions"] += done
        counts["reassessments"] += reassessed
        if index == 0:  # the first patient has questionnaires and homework waiting on the portal
            counts["questionnaires_assigned"] = _between_visits(uow_factory, kb, clinician, plan.id, today)
    portal = demo_portal(uow_factory, staff[STAFF[0][0]], registered[0], registered[1], DEMO_PASSWORD, passwords)
    if past_courses:
        past = history.past_courses(uow_factory, kb, history.PastSite(tuple(clinicians), "HB-", history.HARBOUR_OUTCOMES),
                                    count=past_courses, today=today, rng=rng)
        counts["patients"] += past["courses"]
        counts["plans"] += past["courses"]
        counts["sessions"] += past["sessions"]
        counts["reassessments"] += past["reassessments"]
    return {"clinic": CLINIC_NAME, "clinic_id": clinic.id, "synthetic": SYNTHETIC, **counts,
            "login": {"email": STAFF[0][0], "password": DEMO_PASSWORD}, "portal": portal}


def demo(
    db: DbOption = None,
    seed: Annotated[int, typer.Option(help="Seed of the random choices (same seed, same clinic).")] = 7,
    per_condition: Annotated[int, typer.Option(min=1, max=50, help="Patients per condition in care now.")] = 3,
    past: Annotated[int, typer.Option(min=0, max=5000, help="Past courses over two years (the analytics' cohort).")] = 300,
    second_clinic: Annotated[int, typer.Option(
        min=0, max=5000, help="Past courses of a second demo clinic, for network pooling (0: no second clinic).")] = 120,
    today: Annotated[str | None, typer.Option(help="The demo's today, YYYY-MM-DD (default: today).")] = None,
) -> None:
    """Load a demo clinic: staff, patients for every condition, months of sessions and reassessments, two
    years of past courses, and a second clinic (all synthetic)."""
    settings = settings_for(db)
    try:
        day = date.fromisoformat(today) if today else date.today()
    except ValueError:
        raise typer.BadParameter(f"{today!r} is not a date (YYYY-MM-DD)", param_hint="--today") from None

    uow_factory = unit_of_work_factory(settings)
    passwords = DemoPasswords(Argon2idHasher())
    clinician = logins.authenticate(uow_factory(), STAFF[0][0], DEMO_PASSWORD, passwords, "cli")
    if clinician is not None:
        typer.echo(f"demo clinic already loaded; log in as {STAFF[0][0]} / {DEMO_PASSWORD}")
        typer.echo(portal_again(uow_factory, clinician, DEMO_PASSWORD))
        return
    kb = load_knowledge()
    summary = build_demo(uow_factory, kb, seed=seed, today=day, per_condition=per_condition, past_courses=past,
                         passwords=passwords)
    if second_clinic:
        summary["second_clinic"] = history.build_second_clinic(
            uow_factory, kb, lambda clinic_id, staff: create_staff(uow_factory, clinic_id, staff, passwords),
            seed=seed, today=day, courses=second_clinic)
    from acupath.storage.migrate import analyze

    analyze(settings.database_url)  # thousands of rows went in at once: the planner's statistics lag
    from acupath.cli.analytics import refresh_outcomes

    # The stored outcomes of the demo's courses, so that the first analytics page need not compute them.
    refresh_outcomes(settings.database_url, kb, uow_factory)
    emit_json(summary)
    typer.echo(f"demo login: {STAFF[0][0]} / {DEMO_PASSWORD} (reception: {STAFF[2][0]}, admin: {STAFF[3][0]})")
    typer.echo(f"demo patient portal: {DEMO_SITE}/portal as {summary['portal']['email']} / {DEMO_PASSWORD}; "
               f"a pending invitation: {summary['portal']['invitation']}")
    if "second_clinic" in summary:
        second = summary["second_clinic"]
        typer.echo(f"second demo clinic: {second['clinic']}: log in as {second['logins'][0]} / {DEMO_PASSWORD}")
    typer.echo(f"synthetic data: {SYNTHETIC}")


def register(app: typer.Typer) -> None:
    """Add ``demo`` to ``app``."""
    app.command("demo")(demo)
