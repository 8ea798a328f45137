"""Procedure (each recorded session, STRICTA items) and AdverseEvent (each recorded adverse event).

A session's needled points are its ``bodySite`` entries: the WHO standard point code in acupath's
``acupuncture-points`` CodeSystem, the side as the ``point-side`` extension, depth and response sought
as text. Electroacupuncture settings go in the ``electroacupuncture-settings`` extension.
"""

from __future__ import annotations

from typing import Any

from fhir.resources.R4B.adverseevent import AdverseEvent
from fhir.resources.R4B.procedure import Procedure

from acupath.fhir.canonical import Canon, reference
from acupath.fhir.care_plans import pair_text, point_code
from acupath.fhir.extensions import ea_settings
from acupath.fhir.resource_json import instant, maps_to
from acupath.fhir.terminology import ACTIVITIES, ADVERSE_EVENT_OUTCOME, ADVERSE_EVENT_SEVERITY, CPT, coding
from acupath.knowledge import KnowledgeBase
from acupath.services.records import AdverseEvent as AdverseEventRecord
from acupath.services.records import SessionRecord

#: acupath outcomes -> R4 adverse-event-outcome (a referral is an event still ongoing).
OUTCOMES = {"resolved": "resolved", "ongoing": "ongoing", "referred": "ongoing", "unknown": "unknown"}


def _site(canon: Canon, point: Any) -> dict[str, Any]:
    site = point_code(canon, point.code, point.side)
    details = []
    if point.depth is not None:
        details.append(f"depth {point.depth:g} {point.unit or ''}".strip())
    if point.response_sought:
        details.append(f"response sought: {point.response_sought}")
    if point.response_obtained is not None:
        details.append("obtained" if point.response_obtained else "not obtained")
    if details:
        site["text"] += ": " + ", ".join(details)
    return site


def _cpt(kb: KnowledgeBase, electro: bool) -> list[dict[str, Any]]:
    # The initial 15-minute code by electrical stimulation (coverage.yaml billing.cpt, cited there); the
    # add-on units count face-to-face time, which a session record does not hold.
    return [{"system": CPT, "code": code.code, "display": code.descriptor}
            for code in kb.coverage.billing.cpt.codes if code.unit == "initial" and code.electrical_stimulation is electro]


@maps_to(Procedure)
def procedure(session: SessionRecord, kb: KnowledgeBase, canon: Canon, *,
              condition_id: str | None = None) -> dict[str, Any]:
    """Return the Procedure of a recorded session (``condition_id``: the Condition it treats); its code
    is acupath's activity and the initial CPT code (97810, or 97813 with electrical stimulation)."""
    stim = session.stimulation
    electro = stim.kind == "electro"
    kind = "electroacupuncture" if electro else "acupuncture"
    notes = [f"Session {session.number}; style {session.style}; rationale: {session.rationale}; "
             f"{session.individualisation.replace('_', ' ')}"]
    if session.retention_minutes is not None:
        notes.append(f"needles retained {session.retention_minutes} min")
    needle = session.needle
    needle_text = ", ".join(part for part in (
        f"{needle.diameter_mm:g} mm" if needle.diameter_mm else needle.gauge,
        f"{needle.length_mm:g} mm long" if needle.length_mm else None, needle.material, needle.manufacturer) if part)
    if needle_text:
        notes.append(f"needles: {needle_text}")
    if session.pain_before is not None or session.pain_after is not None:
        notes.append(f"pain NRS before {session.pain_before}, after {session.pain_after}")
    notes += [f"needled despite finding {o.get('finding')}: {o.get('reason')}" for o in session.overrides]
    if session.co_interventions:
        notes.append("co-interventions: " + ", ".join(session.co_interventions))
    if session.notes:
        notes.append(session.notes)
    extension = None
    if electro:
        extension = ea_settings(canon, frequency=stim.frequency_hz, intensity=stim.intensity_ma,
                                pulse_width_ms=stim.pulse_width_ms, waveform=stim.waveform, minutes=stim.minutes,
                                pairs=[pair_text([{"code": e.code, "side": e.side} for e in pair])
                                       for pair in stim.electrode_pairs])
    return {
        "resourceType": "Procedure", "id": session.id,
        "meta": {"versionId": str(session.version)},
        "extension": [extension] if extension else None,
        "basedOn": [reference("CarePlan", session.plan_id)], "status": "completed",
        "code": {"coding": [coding(canon, ACTIVITIES, kind), *_cpt(kb, electro)], "text": kind},
        "subject": reference("Patient", session.patient_id), "performedDateTime": session.session_date.isoformat(),
        "recorder": reference("Practitioner", session.recorded_by),
        "performer": [{"actor": reference("Practitioner", session.practitioner_id)}],
        "reasonReference": [reference("Condition", condition_id)] if condition_id else None,
        "bodySite": [_site(canon, point) for point in session.points] or None,
        "note": [{"text": text} for text in notes],
    }


@maps_to(AdverseEvent)
def adverse_event(event: AdverseEventRecord) -> dict[str, Any]:
    """Return the AdverseEvent of a recorded event (its session as the suspect Procedure)."""
    what = event.type + (f": {event.description}" if event.description else "")
    if event.outcome == "referred":
        what += " (referred)"
    return {
        "resourceType": "AdverseEvent", "id": event.id, "meta": {"versionId": str(event.version)},
        "actuality": "actual", "event": {"text": what}, "subject": reference("Patient", event.patient_id),
        "date": event.occurred_on.isoformat(), "recordedDate": instant(event.recorded_at),
        "recorder": reference("Practitioner", event.recorded_by),
        "severity": {"coding": [{"system": ADVERSE_EVENT_SEVERITY, "code": event.severity}]},
        "outcome": {"coding": [{"system": ADVERSE_EVENT_OUTCOME, "code": OUTCOMES[event.outcome]}],
                    "text": event.outcome},
        "suspectEntity": [{"instance": reference("Procedure", event.session_id)}] if event.session_id else None,
    }
