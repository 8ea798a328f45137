"""Use cases of treatment sessions and adverse events.

A session is checked against its plan and the plan's screening before it is stored: needling a point,
a region or using a modality that a finding in force excludes needs an override with a written reason
(``SafetyBlock`` otherwise). The record holds the STRICTA 2010 items (MacPherson 2010, Table 1).
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, model_validator

from acupath import planning, safety
from acupath.errors import InputError, NotFound, SafetyBlock
from acupath.knowledge import KnowledgeBase
from acupath.safety.findings import Action, Override, Screening
from acupath.safety.violations import PlanOutline
from acupath.services.access import found, found_of_patient, require_clinical
from acupath.services.actor import Actor
from acupath.services.audit import audited
from acupath.services.electrodes import (
    ElectrodePairInput,
    check_electrode_geometry,
    check_electrodes_needled,
    pair_outline,
)
from acupath.services.overrides import OverrideInput, apply_overrides, requested_overrides
from acupath.services.paging import page_of_plan
from acupath.services.patients import new_id
from acupath.services.plan_cache import parsed_plans
from acupath.services.record_dates import check_record_date, first_intake_start
from acupath.services.records import (
    AdverseEvent,
    NeedlePoint,
    NeedleType,
    Page,
    PlanStatus,
    SessionRecord,
    Stimulation,
)
from acupath.services.records.summaries import PlanAtSession, PlanHead
from acupath.services.session_dates import check_in_window, session_dates
from acupath.services.unit_of_work import AbstractUnitOfWork
from acupath.services.validation import parse
from acupath.validation import MAX_SESSION_NUMBER


class _Form(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class PointInput(_Form):
    """STRICTA 2b-2d."""

    code: str = Field(min_length=1, max_length=32)
    side: Literal["left", "right", "bilateral", "midline"]
    depth: float | None = Field(default=None, ge=0, le=200)
    unit: Literal["cun", "mm", "tissue"] | None = None
    response_sought: Literal["de_qi", "muscle_twitch", "none"] | None = None
    response_obtained: bool | None = None


class StimulationInput(_Form):
    """STRICTA 2e: manual, or electroacupuncture with every parameter needed to repeat it."""

    kind: Literal["manual", "electro"]
    frequency_hz: float | None = Field(default=None, gt=0, le=200)
    intensity_ma: float | None = Field(default=None, ge=0, le=50)
    pulse_width_ms: float | None = Field(default=None, gt=0, le=10)
    waveform: Literal["continuous", "dense_disperse", "intermittent"] | None = None
    minutes: int | None = Field(default=None, ge=1, le=120)
    electrode_pairs: list[ElectrodePairInput] = Field(default_factory=list)

    @model_validator(mode="after")
    def _electro_parameters(self) -> StimulationInput:
        if self.kind == "electro":
            missing = [n for n in ("frequency_hz", "intensity_ma", "minutes") if getattr(self, n) is None]
            if missing or not self.electrode_pairs:
                raise ValueError("electroacupuncture needs frequency_hz, intensity_ma, minutes and "
                                 "electrode_pairs")
        return self


class NeedleInput(_Form):
    """STRICTA 2g."""

    diameter_mm: float | None = Field(default=None, gt=0, le=1)
    gauge: str | None = Field(default=None, max_length=16)
    length_mm: float | None = Field(default=None, gt=0, le=150)
    material: str | None = Field(default=None, max_length=64)
    manufacturer: str | None = Field(default=None, max_length=100)


class SessionInput(_Form):
    """A session as the clinician records it."""

    session_date: date
    number: int | None = Field(default=None, ge=1, le=MAX_SESSION_NUMBER)
    style: Literal["tcm", "japanese", "korean", "western_medical", "five_element", "auricular", "other"]
    rationale: str = Field(min_length=1, max_length=4000)
    individualisation: Literal["fixed", "semi_standardised", "individualised"] = "semi_standardised"
    points: list[PointInput] = Field(min_length=1)
    stimulation: StimulationInput
    # STRICTA 2f: how long the needles stayed in. Seeds 002 (20-25 min) and 003 (20-35 min) give the
    # plan's ranges (``Plan.retention``); 1-120 min only refuses what cannot be a needle retention.
    retention_minutes: int | None = Field(
        default=None, ge=1, le=120, validation_alias=AliasChoices("retention_minutes", "retention_min"),
        description="Needle retention in minutes (1-120; the plan shows the seeds' 20-25 and 20-35 min).")
    # The practitioner's personal one-on-one time with the patient: CPT counts it in 15-minute units
    # (clinical.md 4.5, coverage.yaml billing.cpt). 1-240 only refuses what cannot be one session's time.
    face_to_face_minutes: int | None = Field(
        default=None, ge=1, le=240,
        description="The practitioner's one-on-one time with the patient in minutes (1-240), for CPT units.")
    needle: NeedleInput = NeedleInput()
    co_interventions: list[str] = Field(default_factory=list)
    pain_before: int | None = Field(default=None, ge=0, le=10)
    pain_after: int | None = Field(default=None, ge=0, le=10)
    notes: str = Field(default="", max_length=8000)
    overrides: list[OverrideInput] = Field(default_factory=list)


def session_outline(form: SessionInput) -> dict[str, Any]:
    """Return the session in the shape ``safety.violations`` reads (points, modality, electrode pairs)."""
    return {
        "points": [{"code": p.code, "side": p.side} for p in form.points],
        "modality": form.stimulation.kind,
        "electroacupuncture": {"pairs": [pair_outline(p.to_record()) for p in form.stimulation.electrode_pairs]},
    }


def name_points(form: SessionInput, kb: KnowledgeBase) -> None:
    """Replace each point's code by its standard WHO code (``LI-4``, ``Hegu`` -> ``LI4``).

    Electrodes are named the same way. Raises ``InputError`` naming ``points[i].code`` (or the
    electrode) for a code the knowledge base does not hold, or an electrode on no needle of the session.
    """
    for i, point in enumerate(form.points):
        point.code = _standard_code(kb, point.code, f"points[{i}].code")
    for i, pair in enumerate(form.stimulation.electrode_pairs):
        for j, electrode in enumerate(pair.root):
            electrode.code = _standard_code(kb, electrode.code, f"stimulation.electrode_pairs[{i}][{j}].code")
    pairs = [pair.to_record() for pair in form.stimulation.electrode_pairs]
    check_electrodes_needled([(p.code, p.side) for p in form.points], pairs)
    check_electrode_geometry(pairs, kb)


def _standard_code(kb: KnowledgeBase, code: str, where: str) -> str:
    try:
        return str(kb.points.find(code).code)
    except NotFound as exc:
        raise InputError(where, str(exc), kb.points.suggest(code) or None) from None


def check_session_safety(
    screening: Screening, form: SessionInput, kb: KnowledgeBase, day: date, by: str = "session",
    kept: tuple[Override, ...] = (),
) -> None:
    """Raise ``SafetyBlock`` if a referral stands or the session uses what a finding in force excludes.

    The session's own overrides (finding and reason, made by ``by`` on ``day``) apply on top of the
    plan's (``kept``); an override naming no finding of the screening, or refused by the override rule
    (``acupath.safety.overrides``), is an ``InputError``.
    """
    in_force = apply_overrides(screening, requested_overrides(form.overrides, by, day), kept, day=day)
    if in_force.blocks_planning:
        codes = ", ".join(f.code for f in in_force.in_force() if f.action in (Action.URGENT_REFERRAL, Action.REFERRAL))
        raise SafetyBlock(f"the latest screening calls for referral ({codes}): no session is recorded "
                          "unless the finding is overridden with a reason")
    outline = session_outline(form)
    # The verdicts of ``safety.violations`` by the screening's content (with the session's overrides
    # applied) and the session's outline, which with the knowledge base are all it reads: a clinic
    # records many sessions under one plan, so one screening, mostly with the plan's own points, and
    # checking them was a fifth of recording a session. Kept in the knowledge base's caches.
    problems = kb.derived.get("services.session_verdicts", (in_force, _frozen(outline)),
                              lambda: tuple(safety.violations(PlanOutline.from_plan(outline), in_force, kb)),
                              capacity=1024)
    if problems:
        raise SafetyBlock("the session contradicts findings in force (override with a reason to proceed): "
                          + "; ".join(problems))


def _frozen(value: Any) -> Any:
    # The session's outline as a key: mappings and lists become tuples, nothing is left out. Building
    # the ``PlanOutline`` itself cost four times as much, and is needed only when the verdict is not kept.
    if isinstance(value, dict):
        return tuple((key, _frozen(item)) for key, item in sorted(value.items()))
    if isinstance(value, list | tuple):
        return tuple(_frozen(item) for item in value)
    return value


def record_session(
    uow: AbstractUnitOfWork, actor: Actor, plan_id: str, session: dict[str, Any] | SessionInput, kb: KnowledgeBase,
    *, today: date | None = None,
) -> SessionRecord:
    """Record a session delivered under the clinic's plan.

    ``session`` is the record as JSON values, or a ``SessionInput`` the caller validated already (the
    API's body; this service then names its points in place). ``today`` defaults to the unit of work's clock.
    Returns the stored record (numbered after the plan's last session unless ``number`` is given).
    Raises ``PermissionDenied`` (reception), ``NotFound``, ``InputError`` (bad field, unknown point, ended plan;
    ``SessionDateRefused`` for a ``session_date`` before the plan's start or a lower-numbered session's
    date, or after today or a higher-numbered session's date), ``SafetyBlock`` (the patient's latest screening
    calls for referral, or an excluded point or modality, without override), ``Conflict`` (number taken).
    """
    with uow, audited(uow, actor, "session.record", "session", about=("plan", plan_id)) as note:
        require_clinical(actor)
        at_session = found(uow.plan_at_session(actor.clinic_id, plan_id), "plan", plan_id)
        plan = at_session.head
        note.patient_id = plan.patient_id
        form = session if isinstance(session, SessionInput) else parse(SessionInput, session)
        if plan.status != PlanStatus.ACTIVE.value:
            raise InputError("plan_id", f"the plan is {plan.status}; sessions need an active plan")
        number = form.number or at_session.next_number
        # After ``plan_at_session``, which locks the plan: a session recorded at the same time is seen.
        check_session_date(uow, actor.clinic_id, plan, form.session_date, today or uow.clock().date(), number)
        screening, kept = latest_screening(uow, actor.clinic_id, at_session)
        name_points(form, kb)
        check_session_safety(screening, form, kb, form.session_date, actor.user_id, kept)
        record = SessionRecord(
            id=new_id(),
            clinic_id=actor.clinic_id,
            patient_id=plan.patient_id,
            plan_id=plan.id,
            number=number,
            session_date=form.session_date,
            practitioner_id=actor.user_id,
            style=form.style,
            rationale=form.rationale,
            individualisation=form.individualisation,
            points=[NeedlePoint(**p.model_dump()) for p in form.points],
            stimulation=Stimulation(**form.stimulation.model_dump(exclude={"electrode_pairs"}),
                                    electrode_pairs=[p.to_record() for p in form.stimulation.electrode_pairs]),
            retention_minutes=form.retention_minutes,
            face_to_face_minutes=form.face_to_face_minutes,
            needle=NeedleType(**form.needle.model_dump()),
            co_interventions=list(form.co_interventions),
            pain_before=form.pain_before,
            pain_after=form.pain_after,
            notes=form.notes,
            overrides=[o.model_dump() for o in form.overrides],
            recorded_at=uow.clock(),
            recorded_by=actor.user_id,
        )
        note.record_id = record.id
        uow.sessions.add(record)
        return record


def check_session_date(uow: AbstractUnitOfWork, clinic_id: str, plan: PlanHead, day: date, today: date,
                       number: int, *, amended: SessionRecord | None = None) -> None:
    """Raise ``SessionDateRefused`` (an ``InputError`` naming ``session_date``) unless session ``number``
    of the plan may be dated ``day`` (``session_dates``: from the plan's start and every lower-numbered
    session's date to today and every higher-numbered one's).

    ``amended`` is the stored session being corrected (left out of the others); a correction that keeps
    its date and number is checked against the plan's start and today only, so a plan whose sessions
    were stored out of order before this rule can still have its notes corrected. Call it after
    ``uow.plan_at_session``: the plan is then locked, and a session recorded at the same time is seen.
    """
    def load() -> planning.Plan:
        return planning.Plan.from_dict(found(uow.plans.get(clinic_id, plan.id), "plan", plan.id).plan)

    # The parsed plan is kept by version (``plan_cache``): the start costs no read on the next session.
    document = parsed_plans.get((clinic_id, plan.id, plan.version), load)
    start = min((phase.starts for phase in document.phases), default=None)
    moved = amended is None or (amended.session_date, amended.number) != (day, number)
    others = [s for s in uow.sessions.summaries(clinic_id, plan.id)
              if amended is None or s.number != amended.number] if moved else []
    check_in_window(day, session_dates(start, others, number, today))


def latest_screening(
    uow: AbstractUnitOfWork, clinic_id: str, at_session: PlanAtSession
) -> tuple[Screening, tuple[Override, ...]]:
    """Return the patient's latest screening and the overrides the plan's own screening holds.

    A screening made after the plan (a new intake screened) is the one in force: a referral it finds
    stops sessions under the plan until the plan is amended or the finding overridden. The plan's
    overrides stay while their finding is still found. Raises ``NotFound`` when the plan's screening is gone.
    """
    own = found(at_session.screening, "screening", at_session.head.screening_id).to_screening()
    latest_id = at_session.latest_screening_id
    if latest_id is None or latest_id == at_session.head.screening_id:
        return own, ()
    latest = found(uow.screenings.get(clinic_id, latest_id), "screening", latest_id).to_screening()
    return latest, tuple(f.override for f in own.findings if f.override is not None)


def list_sessions(
    uow: AbstractUnitOfWork, actor: Actor, plan_id: str, *, offset: int = 0, limit: int = 50
) -> Page[SessionRecord]:
    """Return one page of the plan's sessions by number.

    Raises ``PermissionDenied``, ``NotFound``, ``InputError`` (offset or limit out of range).
    """
    return page_of_plan(uow, actor, plan_id, "session.list", lambda u: u.sessions.page_for_plan, offset, limit)


class AdverseEventInput(_Form):
    """An adverse event as reported."""

    occurred_on: date
    type: str = Field(min_length=1, max_length=100)
    severity: Literal["mild", "moderate", "severe"]
    outcome: Literal["resolved", "ongoing", "referred", "unknown"]
    session_id: str | None = None
    description: str = Field(default="", max_length=4000)


def record_adverse_event(
    uow: AbstractUnitOfWork, actor: Actor, patient_id: str, event: dict[str, Any], *, today: date | None = None
) -> AdverseEvent:
    """Record an adverse event of the clinic's patient, optionally tied to one of their sessions.

    ``today`` defaults to the unit of work's clock. Returns the stored event. Raises ``PermissionDenied``,
    ``NotFound`` (patient or session), ``InputError`` (``occurred_on`` after today, before the session it
    followed, or before the patient's treatment started).
    """
    with uow, audited(uow, actor, "adverse_event.record", "adverse_event", patient_id=patient_id) as note:
        require_clinical(actor)
        found(uow.patients.get(actor.clinic_id, patient_id), "patient", patient_id)
        form = parse(AdverseEventInput, event)
        check_event_date(uow, actor.clinic_id, patient_id, form, today or uow.clock().date())
        record = AdverseEvent(id=new_id(), clinic_id=actor.clinic_id, patient_id=patient_id,
                              recorded_at=uow.clock(), recorded_by=actor.user_id, **form.model_dump())
        note.record_id = record.id
        uow.adverse_events.add(record)
        return record


def check_event_date(uow: AbstractUnitOfWork, clinic_id: str, patient_id: str, form: AdverseEventInput,
                     today: date) -> None:
    """Raise ``InputError`` naming ``occurred_on`` when the event cannot have happened then.

    An event after a session is not before that session; any other not before the patient's treatment
    started (the earliest intake's ``schedule.start``); none after ``today``. Raises ``NotFound`` for a
    session that is not the patient's.
    """
    if form.session_id is not None:
        session = found_of_patient(uow.sessions.get(clinic_id, form.session_id), "session", form.session_id,
                                   patient_id)
        check_record_date("occurred_on", form.occurred_on, today, session.session_date, "the session it followed")
    else:
        check_record_date("occurred_on", form.occurred_on, today,
                          first_intake_start(uow.intakes.list_for_patient(clinic_id, patient_id)),
                          "the patient's treatment start")
