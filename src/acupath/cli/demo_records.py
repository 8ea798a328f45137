"""What the demo clinic's patients say and what their clinicians record, drawn from a seeded random.

Intakes follow each condition's protocol file (its patterns and reassessment instruments); answers
are generated from each instrument's own items and options at a chosen severity, so they are valid
by construction; sessions follow the plan's points, modality and electroacupuncture settings.
"""

from __future__ import annotations

import random
import re
from datetime import date, timedelta
from typing import Any, get_args

from acupath import assessment
from acupath.assessment.intake import Condition
from acupath.errors import InputError
from acupath.knowledge import KnowledgeBase

CONDITIONS: tuple[str, ...] = get_args(Condition)

# Where each condition hurts (body-region vocabulary of the knowledge base) and what is typical of it.
PRESENTATIONS: dict[str, dict[str, Any]] = {
    "chronic_low_back_pain": {"sites": ["lower_back"], "nrs": (5, 8), "weeks": (14, 200),
                              "radiating_leg_pain": True},
    "upper_back_pain": {"sites": ["upper_back"], "nrs": (4, 7), "weeks": (13, 80)},
    "neck_pain": {"sites": ["neck_posterior", "shoulder"], "nrs": (4, 8), "weeks": (13, 120)},
    "migraine": {"sites": ["scalp"], "nrs": (5, 8), "weeks": (52, 520)},
    "fibromyalgia": {"sites": ["upper_back", "lower_back", "shoulder", "thigh"], "nrs": (6, 8),
                     "weeks": (52, 400), "widespread": True},
    "knee_osteoarthritis": {"sites": ["right_knee"], "nrs": (4, 7), "weeks": (26, 300)},
}
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")


def _protocol(kb: KnowledgeBase, condition: str) -> Any:
    conditions = kb.conditions
    if condition in conditions:
        return conditions[condition]
    for protocol in conditions.values():  # a variant (upper back pain) lives in its parent's file
        if any(v.condition == condition for v in protocol.variants):
            return protocol
    return None


def _option_answers(instrument: Any, item: Any) -> list[Any]:
    options = sorted(instrument.option_sets[item.options], key=lambda o: o.points)
    answers = [o.answer for o in options]
    worse_is_higher = (instrument.direction == "higher_is_worse") != bool(item.reversed)
    return answers if worse_is_higher else answers[::-1]


def answers_at(kb: KnowledgeBase, instrument_id: str, severity: float, rng: random.Random) -> dict[str, Any]:
    """Return answers to every item of the instrument at ``severity`` (0 best .. 1 worst), with jitter.

    Falls back to the instrument's first valid worked example when generated answers do not score
    (clock items, for example).
    """
    instrument = kb.instruments[instrument_id]
    answers: dict[str, Any] = {}
    for item in instrument.items:
        level = min(1.0, max(0.0, severity + rng.uniform(-0.12, 0.12)))
        if item.kind == "choice" and item.options:
            choices = _option_answers(instrument, item)
            answers[item.key] = choices[round(level * (len(choices) - 1))]
        elif item.kind == "number" and item.range is not None:
            low, high = item.range.min, item.range.max
            if instrument.direction == "higher_is_better":
                level = 1.0 - level
            value = low + level * (high - low)
            answers[item.key] = round(value) if item.range.integer else round(value, 1)
    try:
        assessment.score(instrument_id, answers)
        return answers
    except (InputError, KeyError, ValueError, TypeError):
        valid = [e for e in instrument.examples if e.get("valid", True) and "answers" in e]
        return dict(valid[0]["answers"]) if valid else answers


def nrs_answers(pain: int) -> dict[str, Any]:
    """Return the single-item NRS answers for ``pain``."""
    return {"nrs": pain}


def demo_intake(kb: KnowledgeBase, condition: str, start: date, severity: float, age: int,
                rng: random.Random, *, screening: tuple[str, ...] = ()) -> dict[str, Any]:
    """Return an intake document for a patient with ``condition`` whose treatment starts on ``start``;
    ``screening`` adds answers to further instruments (the STarT Back tool for back pain) after the
    protocol's reassessment instruments."""
    shape = PRESENTATIONS[condition]
    protocol = _protocol(kb, condition)
    patterns = [p.id for p in protocol.patterns] if protocol is not None and condition in kb.conditions else []
    instruments = [i for i in (protocol.reassessment_instruments if protocol else ()) if i != "nrs"]
    instruments += [i for i in screening if i not in instruments]
    nrs_low, nrs_high = shape["nrs"]
    payer = "medicare" if age >= 65 and condition == "chronic_low_back_pain" else rng.choice(["private", "self_pay"])
    return {
        "condition": condition,
        "pattern": rng.choice([*patterns, None]) if patterns else None,
        "pain": {
            "duration_weeks": rng.randint(*shape["weeks"]),
            "nrs": round(nrs_low + severity * (nrs_high - nrs_low)),
            "sites": list(shape["sites"]),
            "radiating_leg_pain": bool(shape.get("radiating_leg_pain")) and rng.random() < 0.5,
            "widespread": bool(shape.get("widespread")),
        },
        "payer": payer,
        "schedule": {"start": start.isoformat(), "clinic_days": sorted(rng.sample(WEEKDAYS, 2),
                                                                        key=WEEKDAYS.index)},
        "questionnaires": {i: answers_at(kb, i, severity, rng) for i in instruments},
    }


def _first_number(text: str) -> float:
    match = re.search(r"\d+(\.\d+)?", text)
    return float(match.group()) if match else 2.0


def _recorded_points(points: list[dict[str, Any]], stimulation: dict[str, Any]) -> list[dict[str, Any]]:
    # At most 16 points, but never without the needles the electrodes are clipped to.
    wired = {code for a, b, _ in stimulation.get("electrode_pairs", []) for code in (a, b)}
    kept = points[:16]
    return kept + [p for p in points[16:] if p["code"] in wired]


def session_record(plan: dict[str, Any], planned: dict[str, Any], pain_before: int,
                   rng: random.Random) -> dict[str, Any]:
    """Return the STRICTA session record of ``planned`` (one entry of ``plan["sessions"]``)."""
    points = [{"code": p["code"], "side": p["side"], "response_sought": "de_qi", "response_obtained": True}
              for p in plan["points"] if p.get("technique", "needle") == "needle"]
    modality = (plan.get("modality") or {}).get("primary", "manual")
    electro = plan.get("electroacupuncture")
    minutes = rng.choice([20, 25, 30])
    if modality == "electro" and electro:
        low, high = electro["intensity_ma"]
        frequency = str(electro["frequency_hz"])
        stimulation: dict[str, Any] = {
            "kind": "electro", "frequency_hz": _first_number(frequency),
            "intensity_ma": round(rng.uniform(low, high), 1), "pulse_width_ms": 0.5,
            "waveform": "dense_disperse" if "/" in frequency else "continuous",
            "minutes": max(electro["duration_min"][0], minutes),
            # The plan's (point, point, side) circuits, as planned: each electrode's side is known, so
            # the session is checked as exactly what the plan allowed.
            "electrode_pairs": [list(pair) for pair in electro["pairs"]],
        }
    else:
        stimulation = {"kind": "manual"}
    return {
        "session_date": planned["date"],
        "number": planned["number"],
        "style": "auricular" if modality == "auricular" else ("tcm" if plan.get("pattern") else "western_medical"),
        "rationale": f"{plan['condition'].replace('_', ' ')} protocol, {planned['phase']} phase",
        "points": _recorded_points(points, stimulation) or [{"code": "GV20", "side": "midline"}],
        "stimulation": stimulation,
        "retention_minutes": minutes,
        "needle": {"diameter_mm": 0.25, "length_mm": rng.choice([25, 40]), "material": "stainless steel",
                   "manufacturer": "sterile single-use"},
        "co_interventions": [c["title"] for c in plan.get("components", [])][:2],
        "pain_before": pain_before,
        "pain_after": max(0, pain_before - rng.choice([0, 1, 1, 2])),
    }


def adverse_event(on: date, session_id: str, rng: random.Random, today: date | None = None) -> dict[str, Any]:
    """Return a minor adverse event of the kind trials report after needling (bruising, needle pain), on
    the session's day or the next (never after ``today``)."""
    kind = rng.choice(["bruising", "needle pain", "tiredness", "minor bleeding"])
    occurred = on + timedelta(days=rng.choice([0, 1]))
    return {"occurred_on": min(occurred, today or occurred).isoformat(), "type": kind,
            "severity": "mild", "outcome": "resolved", "session_id": session_id,
            "description": f"{kind} after the session; settled without treatment"}
