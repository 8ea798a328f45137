"""Reusable intakes for tests: a builder for examples and hypothesis strategies for property tests.

``build_intake(**sections)`` returns a valid ``Intake`` with sensible defaults, each section replaced or
merged from the keyword arguments. ``intake_data()`` draws a random, valid intake mapping (every red
flag, safety fact, pregnancy, age and condition varied); ``intakes()`` draws the validated ``Intake``.
Import as ``from strategies import build_intake, intakes`` (tests/ is on sys.path via conftest).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, get_args

from hypothesis import strategies as st

from acupath.assessment.intake import Condition, History, Intake, RedFlagAnswers, Safety, parse_intake
from acupath.knowledge.schema.regions import REGIONS

CONDITIONS: tuple[str, ...] = get_args(Condition)
START = date(2026, 12, 1)


def base_intake_data() -> dict[str, Any]:
    """Return the mapping of a plain intake: a 45-year-old with chronic low back pain, no findings."""
    return {
        "patient": {"id": "p-test", "birth_date": "1981-06-15", "sex": "female"},
        "condition": "chronic_low_back_pain",
        "pain": {"duration_weeks": 30, "nrs": 6, "sites": ["lower_back"]},
        "schedule": {"start": START.isoformat(), "clinic_days": ["mon", "thu"]},
        "payer": "self_pay",
    }


def build_intake(**sections: Any) -> Intake:
    """Return a valid ``Intake``: the base intake with each keyword's section merged in (dicts) or set.

    ``build_intake(condition="migraine", red_flag_answers={"thunderclap_onset": True})``.
    Raises ``InputError`` when the result is not a valid intake.
    """
    data = base_intake_data()
    for key, value in sections.items():
        if isinstance(value, dict) and isinstance(data.get(key), dict):
            data[key] = {**data[key], **value}
        else:
            data[key] = value
    return parse_intake(data)


def _flags(model: type) -> list[str]:
    return [name for name, info in model.model_fields.items() if info.annotation is bool]


_sided_regions = st.builds(
    lambda side, region: f"{side}_{region}" if side else region,
    st.sampled_from(["", "left", "right"]),
    st.sampled_from(REGIONS),
)


@st.composite
def intake_data(draw: st.DrawFn, phq9: bool = True) -> dict[str, Any]:
    """Draw a random valid intake mapping; ``phq9`` adds PHQ-9 answers some of the time."""
    data = base_intake_data()
    sex = draw(st.sampled_from(["female", "male", "other", "unknown"]))
    age_days = draw(st.integers(min_value=18 * 366, max_value=95 * 365))
    pregnant = sex == "female" and draw(st.booleans())
    data["patient"] = {
        "id": "p-prop",
        "birth_date": (START - timedelta(days=age_days)).isoformat(),
        "sex": sex,
        "pregnancy": {"pregnant": pregnant, "weeks": draw(st.integers(4, 40)) if pregnant else None},
    }
    data["condition"] = draw(st.sampled_from(CONDITIONS))
    data["pain"] = {
        "duration_weeks": draw(st.integers(12, 520)),
        "nrs": draw(st.integers(0, 10)),
        "sites": draw(st.lists(_sided_regions, max_size=3, unique=True)),
        "radiating_leg_pain": draw(st.booleans()),
        "widespread": draw(st.booleans()),
        # An acute flare adds seed 003's Yaotongdian: the safety properties cover the added point.
        "acute_exacerbation": draw(st.booleans()),
    }
    rare = st.sampled_from([False, False, False, True])  # each flag set a quarter of the time
    data["history"] = {name: draw(rare) for name in _flags(History)}
    # Some twenty red-flag answers: at a quarter each, nearly every intake would be referred and the plan
    # properties would seldom see a plan; one in twelve leaves about a sixth of intakes without any.
    rarer = st.sampled_from([False] * 11 + [True])
    data["red_flag_answers"] = {name: draw(rarer) for name in _flags(RedFlagAnswers)}
    safety = {name: draw(rare) for name in _flags(Safety)}
    safety["bleeding_disorder"] = draw(st.sampled_from(["none", "none", "mild", "severe"]))
    safety["epilepsy"] = draw(st.sampled_from(["none", "none", "controlled", "poorly_controlled"]))
    safety["skin_lesions_at"] = draw(st.lists(_sided_regions, max_size=2, unique=True))
    safety["metal_implants_at"] = draw(st.lists(_sided_regions, max_size=2, unique=True))
    safety["sensory_loss_at"] = draw(st.lists(_sided_regions, max_size=2, unique=True))
    safety["tumour_sites"] = draw(st.lists(_sided_regions, max_size=1, unique=True))
    safety["movement_disorder"] = draw(st.sampled_from(["none", "none", "controlled", "uncontrolled"]))
    data["safety"] = safety
    if phq9 and draw(st.booleans()):
        data["questionnaires"] = {"phq9": {f"q{i}": draw(st.integers(0, 3)) for i in range(1, 10)}}
    data["payer"] = draw(st.sampled_from(["medicare", "private", "self_pay"]))
    # Closures (holidays, leave) within the first months of treatment, a bare date or a range.
    closures: list[Any] = []
    for _ in range(draw(st.integers(0, 2))):
        first = START + timedelta(days=draw(st.integers(0, 120)))
        length = draw(st.sampled_from([0, 1, 6]))
        closures.append(first.isoformat() if length == 0 else
                        {"from": first.isoformat(), "to": (first + timedelta(days=length)).isoformat(), "reason": "leave"})
    data["schedule"] = {**data["schedule"], "closures": closures}
    return data


def intakes(phq9: bool = True) -> st.SearchStrategy[Intake]:
    """Return a strategy of random valid ``Intake`` values (no overrides)."""
    return intake_data(phq9=phq9).map(parse_intake)
