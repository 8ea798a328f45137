"""Use cases correcting a session, an adverse event or a reassessment by an audited amendment.

A record is never edited silently nor deleted. An amendment names the version it read (a stale one
is ``Conflict``, 409), gives the corrected fields (top-level fields replace the stored ones whole;
the rest stay) and a reason; the corrected record passes the same checks as a new one (dates, points,
safety), the record as it was is kept in the amendments with the reason, author and time, and the
record rises one version. Reading a record returns its current version; its history every earlier one.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from datetime import date
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from acupath.errors import Conflict, InputError
from acupath.knowledge import KnowledgeBase
from acupath.services.access import found, require_clinical
from acupath.services.actor import Actor
from acupath.services.audit import audited
from acupath.services.intakes import score_answers
from acupath.services.progress import ReassessmentInput, check_reassessment_date
from acupath.services.records import (
    AdverseEvent,
    AmendedType,
    Amendment,
    NeedlePoint,
    NeedleType,
    Reassessment,
    SessionRecord,
    Stimulation,
)
from acupath.services.sessions import (
    AdverseEventInput,
    SessionInput,
    check_event_date,
    check_session_date,
    check_session_safety,
    name_points,
)
from acupath.services.unit_of_work import AbstractUnitOfWork
from acupath.services.validation import parse
from acupath.validation import MAX_STORED_INT

T = TypeVar("T")


class AmendmentInput(BaseModel):
    """A correction: the ``version`` read, the corrected fields, and why."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    version: int = Field(ge=1, le=MAX_STORED_INT)
    changes: dict[str, Any] = Field(min_length=1)
    reason: str = Field(min_length=5, max_length=2000, description="Why the record was wrong (kept with it).")


@dataclass(kw_only=True)
class History(Generic[T]):
    """A record's current version and every amendment of it, oldest first."""

    current: T
    amendments: list[Amendment]


def _changed(current: dict[str, Any], changes: dict[str, Any], allowed: type[BaseModel]) -> dict[str, Any]:
    # Only fields the record's input form has may be corrected (ids, authors and times may not).
    for name in changes:
        if name not in allowed.model_fields and name not in ("retention_min",):
            raise InputError(f"changes.{name}", "cannot be amended", sorted(allowed.model_fields))
    merged = {**current, **changes}
    if "retention_min" in changes:  # the alias of retention_minutes: the correction is the one kept
        merged.pop("retention_minutes", None)
    return merged


def _stale(found_version: int, expected: int, what: str) -> None:
    if found_version != expected:
        raise Conflict(f"{what} is at version {found_version}, not {expected}: reload it and amend again")


def _keep(uow: AbstractUnitOfWork, actor: Actor, kind: AmendedType, record: Any, form: AmendmentInput) -> None:
    uow.amendments.add(Amendment(clinic_id=actor.clinic_id, record_type=kind.value, record_id=record.id,
                                 version=record.version, previous=_json(asdict(record)), reason=form.reason,
                                 amended_at=uow.clock(), amended_by=actor.user_id))


def _json(value: Any) -> Any:
    # The record as JSON values (dates and times as ISO 8601, tuples as lists).
    if isinstance(value, dict):
        return {key: _json(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_json(item) for item in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def session_input_of(record: SessionRecord) -> dict[str, Any]:
    """Return the stored session as the JSON a clinician would send to record it."""
    stimulation = {key: value for key, value in asdict(record.stimulation).items() if key != "electrode_pairs"}
    stimulation["electrode_pairs"] = [[{"code": e.code, "side": e.side} for e in pair]
                                      for pair in record.stimulation.electrode_pairs]
    return {
        "session_date": record.session_date.isoformat(), "number": record.number, "style": record.style,
        "rationale": record.rationale, "individualisation": record.individualisation,
        "points": [asdict(p) for p in record.points], "stimulation": stimulation,
        "retention_minutes": record.retention_minutes, "face_to_face_minutes": record.face_to_face_minutes,
        "needle": asdict(record.needle),
        "co_interventions": list(record.co_interventions), "pain_before": record.pain_before,
        "pain_after": record.pain_after, "notes": record.notes, "overrides": list(record.overrides),
    }


def amend_session(
    uow: AbstractUnitOfWork, actor: Actor, session_id: str, amendment: dict[str, Any], kb: KnowledgeBase,
    *, today: date | None = None,
) -> SessionRecord:
    """Correct a session; ``amendment`` is ``{version, changes, reason}`` (``changes``: ``SessionInput`` fields).

    Returns the session at its new version. Raises ``PermissionDenied`` (reception), ``NotFound``,
    ``InputError`` (a field that cannot be amended, a bad value; ``SessionDateRefused`` for a
    ``session_date`` before the plan's start or a lower-numbered session's date, or after today or a
    higher-numbered session's date: ``sessions.check_session_date``), ``SafetyBlock`` (the corrected
    session uses what the plan's screening excludes), ``Conflict`` (stale version, or a number the plan
    already has).
    """
    with uow, audited(uow, actor, "session.amend", "session", session_id) as note:
        require_clinical(actor)
        current = found(uow.sessions.get(actor.clinic_id, session_id), "session", session_id)
        note.patient_id = current.patient_id
        form = parse(AmendmentInput, amendment)
        _stale(current.version, form.version, f"session {session_id}")
        corrected = parse(SessionInput, _changed(session_input_of(current), form.changes, SessionInput), "changes")
        at_session = found(uow.plan_at_session(actor.clinic_id, current.plan_id), "plan", current.plan_id)
        number = corrected.number or current.number
        # After ``plan_at_session``, which locks the plan: a session recorded meanwhile is seen.
        check_session_date(uow, actor.clinic_id, at_session.head, corrected.session_date,
                           today or uow.clock().date(), number, amended=current)
        name_points(corrected, kb)
        # Checked against the plan's own screening: a correction says what was done then.
        screening = found(at_session.screening, "screening", at_session.head.screening_id)
        check_session_safety(screening.to_screening(), corrected, kb, corrected.session_date, actor.user_id)
        record = replace(
            current,
            number=number, session_date=corrected.session_date,
            style=corrected.style, rationale=corrected.rationale, individualisation=corrected.individualisation,
            points=[NeedlePoint(**p.model_dump()) for p in corrected.points],
            stimulation=Stimulation(**corrected.stimulation.model_dump(exclude={"electrode_pairs"}),
                                    electrode_pairs=[p.to_record() for p in corrected.stimulation.electrode_pairs]),
            retention_minutes=corrected.retention_minutes, face_to_face_minutes=corrected.face_to_face_minutes,
            needle=NeedleType(**corrected.needle.model_dump()),
            co_interventions=list(corrected.co_interventions), pain_before=corrected.pain_before,
            pain_after=corrected.pain_after, notes=corrected.notes,
            overrides=[o.model_dump() for o in corrected.overrides], version=current.version + 1,
        )
        _keep(uow, actor, AmendedType.SESSION, current, form)
        uow.sessions.update(record, current.version)
        return record


def amend_adverse_event(
    uow: AbstractUnitOfWork, actor: Actor, event_id: str, amendment: dict[str, Any], *, today: date | None = None
) -> AdverseEvent:
    """Correct an adverse event; ``changes`` are ``AdverseEventInput`` fields.

    Returns the event at its new version. Raises ``PermissionDenied``, ``NotFound``, ``InputError``
    (also ``occurred_on`` before its session or the treatment's start, or after today), ``Conflict``.
    """
    with uow, audited(uow, actor, "adverse_event.amend", "adverse_event", event_id) as note:
        require_clinical(actor)
        current = found(uow.adverse_events.get(actor.clinic_id, event_id), "adverse_event", event_id)
        note.patient_id = current.patient_id
        form = parse(AmendmentInput, amendment)
        _stale(current.version, form.version, f"adverse event {event_id}")
        stored = {name: _json(getattr(current, name)) for name in AdverseEventInput.model_fields}
        corrected = parse(AdverseEventInput, _changed(stored, form.changes, AdverseEventInput), "changes")
        check_event_date(uow, actor.clinic_id, current.patient_id, corrected, today or uow.clock().date())
        record = replace(current, **corrected.model_dump(), version=current.version + 1)
        _keep(uow, actor, AmendedType.ADVERSE_EVENT, current, form)
        uow.adverse_events.update(record, current.version)
        return record


def amend_reassessment(
    uow: AbstractUnitOfWork, actor: Actor, reassessment_id: str, amendment: dict[str, Any], kb: KnowledgeBase,
    *, today: date | None = None,
) -> Reassessment:
    """Correct a reassessment (its answers are scored again); ``changes`` are ``ReassessmentInput`` fields.

    Returns the reassessment at its new version. Raises ``PermissionDenied``, ``NotFound`` (also a plan
    not the patient's), ``InputError`` (also ``assessed_on`` out of range, unscorable answers), ``Conflict``.
    """
    with uow, audited(uow, actor, "reassessment.amend", "reassessment", reassessment_id) as note:
        require_clinical(actor)
        current = found(uow.reassessments.get(actor.clinic_id, reassessment_id), "reassessment", reassessment_id)
        note.patient_id = current.patient_id
        form = parse(AmendmentInput, amendment)
        _stale(current.version, form.version, f"reassessment {reassessment_id}")
        stored = {name: _json(getattr(current, name)) for name in ReassessmentInput.model_fields}
        corrected = parse(ReassessmentInput, _changed(stored, form.changes, ReassessmentInput), "changes")
        check_reassessment_date(uow, actor.clinic_id, current.patient_id, corrected, today or uow.clock().date())
        record = replace(current, plan_id=corrected.plan_id, assessed_on=corrected.assessed_on,
                         session_number=corrected.session_number, answers=corrected.answers,
                         scores=score_answers(corrected.answers, kb, "changes.answers"),
                         knowledge_version=kb.version, version=current.version + 1)
        _keep(uow, actor, AmendedType.REASSESSMENT, current, form)
        uow.reassessments.update(record, current.version)
        return record


_READERS = {
    AmendedType.SESSION: lambda uow: uow.sessions.get,
    AmendedType.ADVERSE_EVENT: lambda uow: uow.adverse_events.get,
    AmendedType.REASSESSMENT: lambda uow: uow.reassessments.get,
}


def get_record(uow: AbstractUnitOfWork, actor: Actor, kind: AmendedType, record_id: str) -> Any:
    """Return the current version of the clinic's session, adverse event or reassessment.

    Raises ``PermissionDenied`` (reception), ``NotFound``.
    """
    with uow, audited(uow, actor, f"{kind.value}.read", kind.value, record_id) as note:
        require_clinical(actor)
        record = found(_READERS[kind](uow)(actor.clinic_id, record_id), kind.value, record_id)
        note.patient_id = record.patient_id
        return record


def record_history(uow: AbstractUnitOfWork, actor: Actor, kind: AmendedType, record_id: str) -> History[Any]:
    """Return the record's current version and its amendments (each with the record as it was).

    Raises ``PermissionDenied`` (reception), ``NotFound``.
    """
    with uow, audited(uow, actor, f"{kind.value}.history", kind.value, record_id) as note:
        require_clinical(actor)
        record = found(_READERS[kind](uow)(actor.clinic_id, record_id), kind.value, record_id)
        note.patient_id = record.patient_id
        return History(current=record, amendments=uow.amendments.list_for(actor.clinic_id, kind.value, record_id))
