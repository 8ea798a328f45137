"""CarePlan (each stored plan) and PlanDefinition (each condition file, the protocol a plan comes from).

A CarePlan's activities are the plan's points (WHO point code, ``point-side`` extension), ashi points,
electroacupuncture (``electroacupuncture-settings`` extension), multimodal components and every dated
session (``completed`` with its Procedure once recorded). ``instantiatesCanonical`` names the
PlanDefinition generated from the condition file at the version the plan was built with; when the plan
was built on another knowledge version than the server's, that version is not known, and the canonical
is given without it.
"""

from __future__ import annotations

from typing import Any

from fhir.resources.R4B.careplan import CarePlan
from fhir.resources.R4B.plandefinition import PlanDefinition

from acupath.fhir.canonical import Canon, fhir_id, reference
from acupath.fhir.conditions import condition_file
from acupath.fhir.extensions import ea_settings, point_side
from acupath.fhir.resource_json import instant, maps_to
from acupath.fhir.terminology import ACTIVITIES, POINTS, coding
from acupath.knowledge import KnowledgeBase
from acupath.knowledge.schema.conditions import ConditionFile
from acupath.services.records import PlanRecord

PLAN_DEFINITION_TYPE = "http://terminology.hl7.org/CodeSystem/plan-definition-type"
#: acupath plan status -> CarePlan.status and the status of its ongoing activities.
STATUSES = {"active": ("active", "in-progress"), "completed": ("completed", "completed"),
            "discontinued": ("revoked", "stopped")}


def plan_definition_url(canon: Canon, condition_id: str) -> str:
    """Return the canonical URL of the PlanDefinition of a condition file."""
    return canon.url("PlanDefinition", fhir_id(condition_id))


def point_code(canon: Canon, code: str, side: str | None) -> dict[str, Any]:
    """Return the CodeableConcept of a point: its WHO code and its side (``point-side`` extension)."""
    out: dict[str, Any] = {"coding": [coding(canon, POINTS, code)], "text": f"{code} ({side})" if side else code}
    extension = point_side(canon, side)
    if extension:
        out["extension"] = extension
    return out


def pair_text(pair: list[Any] | tuple[Any, ...]) -> str:
    """Return an electrode pair as text: a plan's (point, point, side) or a session's two electrodes."""
    if len(pair) == 3 and all(isinstance(p, str) for p in pair):
        return f"{pair[0]} - {pair[1]} ({pair[2]})"
    return " - ".join(f"{e['code']} {e.get('side') or 'side not recorded'}" for e in pair)


def _activity(canon: Canon, code: dict[str, Any], status: str, description: str | None = None,
              **extra: Any) -> dict[str, Any]:
    detail = {"code": code, "status": status, "description": description, **extra}
    return {"detail": {key: value for key, value in detail.items() if value is not None}}


@maps_to(CarePlan)
def care_plan(record: PlanRecord, kb: KnowledgeBase, canon: Canon, *,
              sessions: dict[int, str] | None = None) -> dict[str, Any]:
    """Return the CarePlan of a stored plan; ``sessions`` maps recorded session numbers to their ids."""
    plan = record.plan
    sessions = sessions or {}
    status, ongoing = STATUSES.get(record.status, ("unknown", "unknown"))
    activities: list[dict[str, Any]] = []
    for point in plan.get("points") or []:
        text = f"{point['role']} point, {point['needles']} needle(s), {point['technique']}"
        if point.get("warm_needle"):
            text += ", warm needle"
        if point.get("cautions"):
            text += "; cautions: " + "; ".join(point["cautions"])
        activities.append(_activity(canon, point_code(canon, point["code"], point["side"]), ongoing, text))
    ashi = plan.get("ashi")
    if ashi:
        activities.append(_activity(canon, {"text": "Ashi (tender) points"}, ongoing,
                                    f"{ashi['needles']} needle(s) at {', '.join(ashi['sites']) or 'the pain sites'}: "
                                    f"{ashi['rationale']}"))
    ea = plan.get("electroacupuncture")
    if ea:
        extension = ea_settings(canon, frequency=ea["frequency_hz"], intensity=tuple(ea["intensity_ma"]),
                                minutes=tuple(ea["duration_min"]), pairs=[pair_text(p) for p in ea["pairs"]])
        activity = _activity(canon, {"coding": [coding(canon, ACTIVITIES, "electroacupuncture", "Electroacupuncture")]},
                             ongoing, ea.get("note") or ea.get("indication"))
        activity["detail"]["extension"] = [extension] if extension else None
        activities.append(activity)
    for component in plan.get("components") or []:
        activities.append(_activity(canon, {"coding": [coding(canon, ACTIVITIES, component["id"], component["title"])]},
                                    ongoing, component["instructions"]))
    for session in plan.get("sessions") or []:
        done = sessions.get(session["number"])
        reassess = f"; reassess: {', '.join(session['reassess'])}" if session.get("reassess") else ""
        activity = _activity(
            canon, {"coding": [coding(canon, ACTIVITIES, "treatment_session", "Treatment session")]},
            "completed" if done else ("scheduled" if record.status == "active" else "cancelled"),
            f"session {session['number']} ({session['phase']}){reassess}",
            scheduledPeriod={"start": session["date"], "end": session["date"]})
        if done:
            activity["outcomeReference"] = [reference("Procedure", done)]
        activities.append(activity)
    dates = [s["date"] for s in plan.get("sessions") or []]
    notes = [{"text": f"Finding {o.finding} overridden by {o.author} on {o.at.date().isoformat()}: {o.reason}",
              "time": instant(o.at)} for o in record.overrides]
    notes += [{"text": warning} for warning in plan.get("warnings") or []]
    found = condition_file(kb, str(plan.get("condition")))
    canonical = None
    if found:
        canonical = plan_definition_url(canon, found[0].id)
        if record.knowledge_version == kb.version:
            canonical += f"|{found[0].version}"
    return {
        "resourceType": "CarePlan", "id": record.id,
        "meta": {"versionId": str(record.version), "lastUpdated": instant(record.updated_at)},
        "instantiatesCanonical": [canonical] if canonical else None,
        "status": status, "intent": "plan",
        "category": [{"text": "acupuncture-centred multimodal care of chronic pain"}],
        "title": f"{found[1] if found else plan.get('condition')}: treatment plan",
        "subject": reference("Patient", record.patient_id),
        "period": {"start": min(dates), "end": max(dates)} if dates else None,
        "created": instant(record.created_at), "author": reference("Practitioner", record.created_by),
        "addresses": [reference("Condition", record.intake_id)],
        "activity": activities or None, "note": notes or None,
    }


def plan_definition(doc: ConditionFile, kb: KnowledgeBase, canon: Canon) -> PlanDefinition:
    """Return the PlanDefinition generated from the condition file ``doc`` (its version as ``version``)."""
    citations = {source.key: source.text for source in kb.citations.sources}
    actions: list[dict[str, Any]] = []
    for point in doc.points:
        actions.append({"title": f"{point.code} ({point.role} point, priority {point.priority})",
                        "description": point.rationale, "code": [point_code(canon, point.code, point.side)]})
    ea = doc.electroacupuncture
    extension = ea_settings(canon, frequency=ea.frequency_hz, intensity=ea.intensity_ma, minutes=ea.duration_min,
                            pairs=[" - ".join(pair) for pair in ea.electrode_pairs])
    actions.append({"title": "Electroacupuncture when indicated",
                    "description": f"Indications: {', '.join(ea.indications)}." + (f" {ea.note}" if ea.note else ""),
                    "code": [{"coding": [coding(canon, ACTIVITIES, "electroacupuncture", "Electroacupuncture")]}],
                    "extension": [extension] if extension else None})
    for phase in doc.phases:
        often = f"{phase.per_week} a week" if phase.per_week else f"every {phase.every_weeks} weeks"
        actions.append({"title": f"Phase {phase.id}", "description": f"Weeks {phase.first_week}-{phase.last_week}, "
                        f"sessions {often}." + (f" {phase.note}" if phase.note else "")})
    for checkpoint in doc.checkpoints:
        payers = f" Only on plans whose payer is {' or '.join(checkpoint.payers)}." if checkpoint.payers else ""
        actions.append({"title": f"Checkpoint {checkpoint.id} at session {checkpoint.session}",
                        "description": f"{checkpoint.expect} If not: {checkpoint.if_not}{payers}"})
    return PlanDefinition.model_validate({
        "resourceType": "PlanDefinition", "id": fhir_id(doc.id), "url": plan_definition_url(canon, doc.id),
        "version": doc.version, "name": "".join(part.title() for part in doc.id.split("_")),
        "title": doc.title or doc.id, "status": "active" if doc.status == "active" else "draft",
        "type": {"coding": [{"system": PLAN_DEFINITION_TYPE, "code": "clinical-protocol"}]},
        "publisher": "acupath", "description": f"The acupath protocol of conditions/{doc.id}.yaml, version {doc.version}.",
        "relatedArtifact": [{"type": "citation", "label": key, "citation": citations.get(key, key)}
                            for key in sorted(doc.cited_keys())],
        "action": [{k: v for k, v in action.items() if v is not None} for action in actions],
    })
