"""The intake: what a clinician records about a patient before screening and planning.

Read from YAML or JSON (``Intake.model_validate``); unknown keys and bad values are rejected naming the
field. ``acupath intake --schema`` prints the JSON Schema (``Intake.model_json_schema()``).
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    ValidationError,
    field_validator,
    model_validator,
)

from acupath.errors import InputError
from acupath.knowledge.schema.regions import split_side
from acupath.validation import input_error

Condition = Literal[
    "chronic_low_back_pain",
    "upper_back_pain",
    "neck_pain",
    "migraine",
    "fibromyalgia",
    "knee_osteoarthritis",
]
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
Payer = Literal["medicare", "private", "self_pay"]
#: A yes/no answer: only true or false. "yes", 1 or "on" are refused, because a red-flag answer that was
#: mistyped must be asked again, not guessed.
Answer = StrictBool


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Pregnancy(_Strict):
    """Whether the patient is pregnant, and for how many weeks."""

    pregnant: Answer = False
    weeks: int | None = Field(default=None, ge=0, le=45)

    @model_validator(mode="after")
    def _weeks_only_when_pregnant(self) -> Pregnancy:
        if self.weeks is not None and not self.pregnant:
            raise ValueError("weeks is only allowed when pregnant is true")
        return self


class Patient(_Strict):
    """Who the patient is, as far as screening and planning need to know."""

    id: str = Field(min_length=1, max_length=64)
    birth_date: date
    sex: Literal["female", "male", "other", "unknown"]
    pregnancy: Pregnancy = Pregnancy()


class Pain(_Strict):
    """The presenting pain."""

    duration_weeks: int = Field(ge=0, le=5200)
    nrs: int = Field(ge=0, le=10)
    sites: tuple[str, ...] = ()
    radiating_leg_pain: Answer = False
    widespread: Answer = False
    acute_exacerbation: Answer = False
    related_to_surgery: Answer = False

    @field_validator("sites")
    @classmethod
    def _regions(cls, sites: tuple[str, ...]) -> tuple[str, ...]:
        for site in sites:
            split_side(site)
        return sites


class History(_Strict):
    """Past and present conditions that raise the suspicion of serious pathology."""

    cancer: Answer = False
    long_term_steroids: Answer = False
    iv_drug_use: Answer = False
    immunosuppression: Answer = False
    recent_trauma: Answer = False
    osteoporosis: Answer = False


class RedFlagAnswers(_Strict):
    """Answers to the red-flag questions (all default to false); safety.yaml says which rule reads each.

    Asked of every patient: the spinal and systemic questions (saddle anaesthesia ... fever,
    ``gait_disturbance``, ``inflammatory_morning_stiffness``: long morning stiffness that eases with
    movement, ``pulsatile_abdominal_mass``) and the headache questions (thunderclap ... Valsalva).
    By condition: neck (``hand_clumsiness``; ``bilateral_arm_symptoms``: numbness, tingling or weakness
    in both arms; ``brainstem_symptoms``: new dizziness, double vision, slurred speech, difficulty
    swallowing or drop attacks), knee (``hot_swollen_joint``; ``unable_to_bear_weight``;
    ``calf_swelling``: a swollen, tender calf).
    """

    saddle_anaesthesia: Answer = False
    bladder_or_bowel_dysfunction: Answer = False
    progressive_neurological_deficit: Answer = False
    unexplained_weight_loss: Answer = False
    night_pain_unrelieved_by_position: Answer = False
    fever: Answer = False
    thunderclap_onset: Answer = False
    headache_onset_after_50: Answer = False
    papilloedema: Answer = False
    headache_pattern_change: Answer = False
    positional_headache: Answer = False
    valsalva_triggered: Answer = False
    gait_disturbance: Answer = False
    inflammatory_morning_stiffness: Answer = False
    pulsatile_abdominal_mass: Answer = False
    hand_clumsiness: Answer = False
    bilateral_arm_symptoms: Answer = False
    brainstem_symptoms: Answer = False
    hot_swollen_joint: Answer = False
    unable_to_bear_weight: Answer = False
    calf_swelling: Answer = False


class Safety(_Strict):
    """Facts that make points, regions or modalities unsafe."""

    anticoagulant: Answer = False
    bleeding_disorder: Literal["none", "mild", "severe"] = "none"
    implanted_electronic_device: Answer = False
    epilepsy: Literal["none", "controlled", "poorly_controlled"] = "none"
    skin_lesions_at: tuple[str, ...] = ()
    metal_implants_at: tuple[str, ...] = ()
    needle_phobia: Answer = False

    @field_validator("skin_lesions_at", "metal_implants_at")
    @classmethod
    def _regions(cls, regions: tuple[str, ...]) -> tuple[str, ...]:
        for region in regions:
            split_side(region)
        return regions


class Schedule(_Strict):
    """When treatment starts and on which weekdays the clinic sees the patient."""

    start: date
    clinic_days: tuple[Weekday, ...] = Field(min_length=1)

    @field_validator("clinic_days")
    @classmethod
    def _distinct(cls, days: tuple[str, ...]) -> tuple[str, ...]:
        if len(set(days)) != len(days):
            raise ValueError("clinic_days must not repeat a day")
        return days


class OverrideRequest(_Strict):
    """A clinician's override of a screening finding, with the reason that is stored and shown.

    Whether the reason, ``by`` and ``on`` are good enough for the finding is decided at screening
    (``acupath.safety.overrides``: never "ok"-style; an urgent finding needs ``by`` and ``on``).
    """

    finding: str = Field(min_length=1)
    reason: str = Field(min_length=1)
    by: str = Field(min_length=1)
    on: date | None = None

    @field_validator("reason", "by")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        return value


class Intake(_Strict):
    """Everything screening and planning need about one patient at one point in time.

    ``questionnaires`` maps an instrument id (``odi``, ``pcs``, ``phq9`` ...) to its answers; they are
    scored by ``acupath.assessment`` when screened or planned.
    """

    patient: Patient
    condition: Condition
    pattern: str | None = None
    pain: Pain
    history: History = History()
    red_flag_answers: RedFlagAnswers = RedFlagAnswers()
    safety: Safety = Safety()
    questionnaires: dict[str, dict[str, Any]] = Field(default_factory=dict)
    payer: Payer = "self_pay"
    schedule: Schedule
    overrides: tuple[OverrideRequest, ...] = ()

    def age_on(self, day: date) -> int:
        """Return the patient's age in whole years on ``day``."""
        born = self.patient.birth_date
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def parse_intake(data: object) -> Intake:
    """Validate ``data`` (a mapping read from YAML or JSON) as an ``Intake``.

    Returns the intake. Raises ``InputError`` naming the first offending field path (for example
    ``safety.bleeding_disorder``) and, where pydantic knows them, the allowed values.
    """
    if not isinstance(data, dict):
        raise InputError("intake", "must be a mapping of keys (patient, condition, pain, ...)")
    try:
        intake = Intake.model_validate(data)
    except ValidationError as exc:
        raise input_error(exc, default_field="intake") from None
    if intake.patient.birth_date > intake.schedule.start:
        raise InputError(
            "patient.birth_date", f"{intake.patient.birth_date.isoformat()} is after the schedule start",
            f"a date on or before {intake.schedule.start.isoformat()}",
        )
    return intake
