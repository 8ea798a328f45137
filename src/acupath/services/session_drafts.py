"""What the next session under a plan starts from: the last session as given, else the plan.

Charting carries forward what was actually done (Stillpoint and Jane do the same): the previous
session's points with their sides, its stimulation (electroacupuncture frequency, intensity, pulse
width, waveform, minutes and electrode pairs), needle retention, needle type, style and rationale. The
first session under a plan starts from the plan: its needled points with their sides, its
electroacupuncture settings (the lower end of each planned range; a ``2/100`` frequency as 2 Hz
dense-disperse, as the plan's note says) and the shortest retention the plan cites. The draft is only
a starting point: the clinician edits it and ``sessions.record_session`` checks what is sent.

The draft also says whether the patient's latest screening calls for referral (``referral``), as
``sessions.record_session`` will decide it (``sessions.latest_screening`` with the plan's kept
overrides), so that the form can say so before anything is typed.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from acupath.safety import apply_overrides
from acupath.safety.findings import Action, Finding
from acupath.services.access import found, require_clinical
from acupath.services.actor import Actor
from acupath.services.audit import audited
from acupath.services.records import PlanRecord, SessionRecord
from acupath.services.sessions import latest_screening
from acupath.services.unit_of_work import AbstractUnitOfWork

#: Where the referral findings' actions stop sessions (``Screening.blocks_planning``).
REFERRAL_ACTIONS = (Action.URGENT_REFERRAL, Action.REFERRAL)


@dataclass(frozen=True)
class SessionDraft:
    """The next session's starting values under a plan.

    ``values`` has the shape of a ``SessionInput`` (JSON values; ``session_date`` is ``today``);
    ``previous`` is the session it was carried forward from (None: drawn from the plan);
    ``next_number`` the number the service will give the session; ``referral`` the findings of the
    patient's latest screening that call for referral and stand without override (a session is then
    refused unless each is overridden with a reason); ``findings`` every finding in force, for the
    override choices.
    """

    plan: PlanRecord
    previous: SessionRecord | None
    next_number: int
    values: dict[str, Any]
    referral: tuple[Finding, ...]
    findings: tuple[Finding, ...]


def session_draft(uow: AbstractUnitOfWork, actor: Actor, plan_id: str, today: date) -> SessionDraft:
    """Return the draft of the next session under the clinic's plan (audited as a read of the plan).

    Raises ``PermissionDenied`` (reception), ``NotFound`` (not the clinic's plan, or its screening gone).
    """
    with uow, audited(uow, actor, "session.draft", "plan", plan_id) as note:
        require_clinical(actor)
        plan = found(uow.plans.get(actor.clinic_id, plan_id), "plan", plan_id)
        note.patient_id = plan.patient_id
        at_session = found(uow.plan_at_session(actor.clinic_id, plan_id), "plan", plan_id)
        _, total = uow.sessions.page_for_plan(actor.clinic_id, plan_id, 0, 1)
        last = uow.sessions.page_for_plan(actor.clinic_id, plan_id, total - 1, 1)[0] if total else []
        screening, kept = latest_screening(uow, actor.clinic_id, at_session)
        in_force = apply_overrides(screening, (), kept, day=today).in_force()
    previous = last[-1] if last else None
    values = from_session(previous) if previous else from_plan(plan.plan, at_session.next_number)
    values["session_date"] = today.isoformat()
    return SessionDraft(plan=plan, previous=previous, next_number=at_session.next_number, values=values,
                        referral=tuple(f for f in in_force if f.action in REFERRAL_ACTIONS),
                        findings=in_force)


def from_session(session: SessionRecord) -> dict[str, Any]:
    """Return what ``session`` carries forward: points, stimulation, retention, needle, style, rationale."""
    stimulation = asdict(session.stimulation)
    stimulation["electrode_pairs"] = [[{"code": e.code, "side": e.side} for e in pair]
                                      for pair in session.stimulation.electrode_pairs]
    return {
        "style": session.style, "rationale": session.rationale, "individualisation": session.individualisation,
        "points": [asdict(p) for p in session.points], "stimulation": stimulation,
        "retention_minutes": session.retention_minutes, "needle": asdict(session.needle),
        "co_interventions": list(session.co_interventions),
    }


def from_plan(plan: dict[str, Any], number: int) -> dict[str, Any]:
    """Return the first session as the plan prescribes it (``plan`` is the plan's JSON document).

    Needled points only (an ear seed is pressed, not needled); electroacupuncture when the plan's
    modality is electro, at the lower end of each planned range; the shortest retention the plan cites.
    """
    electro = plan.get("electroacupuncture")
    stimulation: dict[str, Any] = {"kind": "manual", "electrode_pairs": []}
    if (plan.get("modality") or {}).get("primary") == "electro" and electro:
        frequency = str(electro["frequency_hz"])
        stimulation = {
            "kind": "electro", "frequency_hz": _first_number(frequency), "intensity_ma": electro["intensity_ma"][0],
            "waveform": "dense_disperse" if "/" in frequency else "continuous",
            "minutes": electro["duration_min"][0],
            "electrode_pairs": [[{"code": a, "side": side}, {"code": b, "side": side}]
                                for a, b, side in electro["pairs"]],
        }
    retention = [r["minutes"][0] for r in plan.get("retention") or []]
    phase = next((s["phase"] for s in plan.get("sessions") or [] if s["number"] == number), None)
    rationale = f"{plan['condition'].replace('_', ' ').capitalize()} protocol"
    if plan.get("pattern"):
        rationale += f", {plan['pattern'].replace('_', ' ')} pattern"
    return {
        "style": "tcm" if plan.get("pattern") else "western_medical",
        "rationale": rationale + (f", {phase} phase" if phase else ""),
        "individualisation": "semi_standardised",
        "points": [{"code": p["code"], "side": p["side"]} for p in plan.get("points") or []
                   if p.get("technique", "needle") == "needle"],
        "stimulation": stimulation,
        "retention_minutes": min(retention) if retention else None,
        "needle": {}, "co_interventions": [],
    }


def _first_number(text: str) -> float | None:
    # "2/100" (dense-disperse: the low frequency first), "2", "100 Hz".
    match = re.search(r"\d+(\.\d+)?", text)
    return float(match.group()) if match else None
