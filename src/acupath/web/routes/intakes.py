"""Intake entry: the form (condition, pain, red flags, history and safety, medications, schedule, payer,
the condition's questionnaires rendered from the instrument YAML) and the live questionnaire score.

Form controls are named by their path in the intake document (``pain.nrs``, ``questionnaires.odi.q1``),
so a service's ``InputError`` field is the control's id: the error summary links straight to it.
"""

from __future__ import annotations

from typing import Annotated, Any, get_args

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from acupath.assessment.intake import Condition, History, Intake, Pain, Payer, RedFlagAnswers, Weekday
from acupath.assessment.medications import medication_from_line
from acupath.errors import InputError
from acupath.knowledge.schema.medications import DRUG_CLASSES
from acupath.planning.protocol import protocol_for
from acupath.services import intakes, patients
from acupath.services.access import require_clinical
from acupath.web import wording
from acupath.web.forms import Problem, every_problem, refused_characters
from acupath.web.pages import PageRoute, render, web_state
from acupath.web.visitor import CsrfFormDep, VisitorDep, unit_of_work

router = APIRouter(route_class=PageRoute, include_in_schema=False)

CONDITIONS = get_args(Condition)
PAYERS = get_args(Payer)
WEEKDAYS = get_args(Weekday)
#: Questionnaires asked at intake besides the condition's reassessment instruments, each only where its
#: instrument file's ``regions`` meet the condition's (none named: every condition). The PHQ-9 screens mood
#: in any chronic pain (instruments.md §11); the Keele STarT Back tool is made for low back pain (§13,
#: start_back.yaml ``regions``), so it is asked for chronic low back pain only, not for the upper-back
#: variant, the neck, the knee, migraine or fibromyalgia; the planner ignores it elsewhere too.
SCREENING_INSTRUMENTS = ("phq9", "start_back")
RED_FLAGS = tuple(RedFlagAnswers.model_fields)
HISTORY = tuple(History.model_fields)
PAIN_FLAGS = tuple(name for name, field in Pain.model_fields.items() if field.annotation is bool)
SAFETY_FLAGS = ("anticoagulant", "implanted_electronic_device", "needle_phobia")
CHOICES = {"safety.bleeding_disorder": ("none", "mild", "severe"),
           "safety.epilepsy": ("none", "controlled", "poorly_controlled"),
           "safety.movement_disorder": ("none", "controlled", "uncontrolled")}
#: The body regions screening keeps needles, heat or electroacupuncture away from (``Safety``).
REGION_FIELDS = ("safety.skin_lesions_at", "safety.metal_implants_at", "safety.sensory_loss_at", "safety.tumour_sites")
LIST_FIELDS = ("pain.sites", *REGION_FIELDS)
#: The labels of the form's boxes, as the error summary names them (others: the question's words).
LABELS = {"pain.nrs": "Pain now (NRS 0 to 10)", "pain.duration_weeks": "Duration in weeks", "pain.sites": "Sites",
          "schedule.start": "First visit", "schedule.clinic_days": "Clinic days", "payer": "Payer",
          "medications": "Medications", "patient.pregnancy": "Pregnancy",
          "patient.pregnancy.weeks": "Weeks of pregnancy",
          "safety.skin_lesions_at": "Skin lesions at", "safety.metal_implants_at": "Metal implants at",
          "safety.sensory_loss_at": "Loss of sensation at", "safety.tumour_sites": "Known tumour at"}


def words(name: str) -> str:
    """Return a field name as the form labels it (``saddle_anaesthesia`` -> ``Saddle anaesthesia``)."""
    return wording.words(name)


#: The pain NRS questionnaire: the intake asks it as its own "Pain now" box (``pain.nrs``), not twice.
PAIN_NRS = "nrs"
#: The kinds of item the forms ask (a clock time, PSQI's bedtime, is not asked on these forms).
ASKED_KINDS = ("choice", "number")


def instruments_for(kb: Any, condition: str | None) -> list[Any]:
    """Return the instrument files the form asks for ``condition`` (``answerable`` ones, in order): its
    reassessment instruments, then the screening questionnaires made for its body regions
    (``Protocol.fits``, as the planner uses them); none for an unknown condition."""
    if not condition:
        return []
    try:
        protocol = protocol_for(kb, condition)  # a variant (upper back pain) too
    except InputError:
        return []
    screening = [i for i in SCREENING_INSTRUMENTS if protocol.fits(kb.instruments.get(i))]
    return answerable(kb, [i for i in (*protocol.reassessment_instruments, *screening) if i != PAIN_NRS])


def answerable(kb: Any, wanted: list[str]) -> list[Any]:
    """Return the instrument files of ``wanted`` the forms can ask (choice and number items only), once
    each, in order."""
    seen: list[Any] = []
    for instrument_id in dict.fromkeys(wanted):
        instrument = kb.instruments.get(instrument_id)
        if instrument is not None and instrument.items and all(i.kind in ASKED_KINDS for i in instrument.items):
            seen.append(instrument)
    return seen


def intake_document(form: dict[str, str]) -> tuple[dict[str, Any], list[Problem]]:
    """Return the intake document the posted form describes (blank boxes left out, numbers as ints, the
    medications that could be read) and the problems of the medication lines that could not
    (``medication_list``)."""
    document: dict[str, Any] = {}
    days = [day for day in WEEKDAYS if form.get(f"schedule.day.{day}")]
    for name, value in form.items():
        if not value.strip() or name.startswith("schedule.day.") or name in ("medications", "medications.none"):
            continue
        typed: Any = value.strip()
        if name in LIST_FIELDS:  # "left knee" as the vocabulary spells it, left_knee
            typed = ["_".join(part.lower().split()) for part in value.split(",") if part.strip()]
        elif value == "true":
            typed = True
        elif typed.lstrip("-").isdigit():
            typed = int(typed)
        place = document
        *parents, last = name.split(".")
        for parent in parents:
            place = place.setdefault(parent, {})
        place[last] = typed
    if days:
        document.setdefault("schedule", {})["clinic_days"] = days
    medications, problems = medication_list(form.get("medications", ""))
    if not medications and not problems and form.get("medications.none") == "true":
        document["medications"] = []  # recorded: none taken (blank alone is "not recorded")
    if medications:
        document["medications"] = medications
    return document, problems


def medication_list(text: str) -> tuple[list[dict[str, Any]], list[Problem]]:
    """Return the medications typed in the box, one a line (``medication_from_line``), as an intake writes
    them, and a problem for each line that cannot be read, named by its line number in the box (1 first).

    Blank lines are skipped but counted, so that "line 3" is the third line the clinician sees.
    """
    medications: list[dict[str, Any]] = []
    problems: list[Problem] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            medications.append(medication_from_line(line).to_dict())
        except InputError as exc:
            message = f"{LABELS['medications']}, line {number}: {exc.problem}"
            if exc.allowed:
                message += f" (allowed: {exc.allowed})"
            problems.append(Problem(field="medications", message=message))
    return medications, problems


def _form(request: Request, patient: Any, values: dict[str, str], problems: list[Problem],
          status_code: int = 200) -> Response:
    kb = web_state(request).kb
    condition = values.get("condition") or None
    return render(request, "intakes/new.html", {
        "patient": patient, "values": values, "problems": problems, "conditions": CONDITIONS,
        "payers": PAYERS, "weekdays": WEEKDAYS, "red_flags": RED_FLAGS, "history": HISTORY,
        "pain_flags": PAIN_FLAGS, "safety_flags": SAFETY_FLAGS, "choices": CHOICES, "region_fields": REGION_FIELDS, "words": words, "labels": LABELS,
        "drug_classes": DRUG_CLASSES,
        "instruments": instruments_for(kb, condition if condition in CONDITIONS else None),
    }, status_code=status_code)


@router.get("/clinic/patients/{patient_id}/intakes/new")
def new_intake_page(request: Request, patient_id: str, visitor: VisitorDep,
                    condition: Annotated[str | None, Query()] = None) -> Response:
    """Return the empty intake form, with the questionnaires of ``condition`` when one is chosen.

    Reception gets the 403 page, another clinic's patient the 404 page.
    """
    require_clinical(visitor.actor)
    patient = patients.get_patient(unit_of_work(request), visitor.actor, patient_id)
    values = {"condition": condition} if condition in CONDITIONS else {}
    return _form(request, patient, values, [])


@router.post("/clinic/patients/{patient_id}/intakes/new")
async def record_intake(request: Request, patient_id: str, form: CsrfFormDep, visitor: VisitorDep) -> Response:
    """Record and screen the intake, then open its screening page; else the form as typed, the problem named."""
    require_clinical(visitor.actor)
    kb = web_state(request).kb
    patient = await run_in_threadpool(patients.get_patient, unit_of_work(request), visitor.actor, patient_id)
    problems = refused_characters(form, {})
    document, medication_problems = intake_document(form)
    if not problems:  # every problem of the form at once; the service then checks what the model cannot
        for section in ("pain", "schedule"):  # so that a blank box is named, not its whole section
            document.setdefault(section, {})
        problems = every_problem(Intake, intakes.intake_for_patient(patient, document), label_of)
        # in the page's order: the medication box comes before the schedule, payer and questionnaires
        after = next((i for i, p in enumerate(problems)
                      if p.field.split(".")[0] in ("schedule", "payer", "questionnaires")), len(problems))
        problems[after:after] = medication_problems
    if not problems:
        try:
            record = await run_in_threadpool(intakes.record_intake, unit_of_work(request), visitor.actor,
                                             patient_id, document, kb)
            await run_in_threadpool(intakes.screen_intake, unit_of_work(request), visitor.actor, record.id, kb)
            return RedirectResponse(f"/clinic/intakes/{record.id}", status_code=303)
        except InputError as exc:
            problems.append(problem_at(exc))
    return _form(request, patient, form, problems, status_code=422)


def label_of(field: str) -> str:
    """Return how the error summary names the control ``field`` (its label, else its words and path)."""
    return LABELS.get(field) or f"{words(field.split('.')[-1])} ({field})"


def problem_at(error: InputError) -> Problem:
    """Return the form problem of ``error``, its field being the control's name (``pain.nrs``)."""
    field = error.field.replace("[", ".").replace("]", "")
    text = f"{label_of(field)}: {error.problem}"
    if error.allowed:
        text += f" (allowed: {error.allowed})"
    return Problem(field=field, message=text)


@router.post("/clinic/intakes/score")
async def live_score(request: Request, form: CsrfFormDep, visitor: VisitorDep,
                     instrument: Annotated[str, Query(max_length=40)]) -> Response:
    """Return the fragment with ``instrument``'s total and band for the answers given so far (htmx)."""
    require_clinical(visitor.actor)
    prefix = f"questionnaires.{instrument}."
    answers = {name[len(prefix):]: int(value) if value.isdigit() else value
               for name, value in form.items() if name.startswith(prefix) and value}
    score, problem = None, None
    if answers:
        try:
            score = intakes.score_answers({instrument: answers}, web_state(request).kb, "questionnaires")[instrument]
        except InputError as exc:
            problem = problem_at(exc).message
    return render(request, "intakes/score.html", {"score": score, "problem": problem, "answered": len(answers)})
