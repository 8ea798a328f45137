"""The intake: what a clinician records about a patient before screening and planning.

Read from YAML or JSON (``Intake.model_validate``); unknown keys and bad values are rejected naming the
field. ``acupath intake --schema`` prints the JSON Schema (``Intake.model_json_schema()``).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from acupath.assessment.medications import MAX_MEDICATIONS, Medication, classes_of, opioid_mme_per_day
from acupath.errors import InputError
from acupath.knowledge.schema.regions import split_side
from acupath.validation import ClinicDate, input_error

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
    birth_date: ClinicDate
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
    #: Headache diary baseline (migraine): days with any headache, and with migraine, in the last month.
    headache_days_per_month: int | None = Field(default=None, ge=0, le=31)
    migraine_days_per_month: int | None = Field(default=None, ge=0, le=31)

    @field_validator("sites")
    @classmethod
    def _regions(cls, sites: tuple[str, ...]) -> tuple[str, ...]:
        for site in sites:
            split_side(site)
        return sites

    @field_validator("migraine_days_per_month")
    @classmethod
    def _migraine_days_are_headache_days(cls, value: int | None, info: ValidationInfo) -> int | None:
        headache = info.data.get("headache_days_per_month")
        if value is not None and headache is not None and value > headache:
            raise ValueError(f"{value} is more than headache_days_per_month ({headache}): a migraine day is a headache day")
        return value


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

    Asked of every patient, and each found whatever pain is treated: the spinal and systemic questions
    (saddle anaesthesia ... fever, ``gait_disturbance``, ``inflammatory_morning_stiffness``: long morning
    stiffness that eases with movement, ``pulsatile_abdominal_mass``), the headache questions
    (thunderclap ... Valsalva), the neck's (``hand_clumsiness``; ``bilateral_arm_symptoms``: numbness,
    tingling or weakness in both arms; ``brainstem_symptoms``: new dizziness, double vision, slurred
    speech, difficulty swallowing or drop attacks) and the knee's (``hot_swollen_joint``;
    ``unable_to_bear_weight``; ``calf_swelling``: a swollen, tender calf).
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
    """Facts that make points, regions or modalities unsafe.

    ``*_at`` and ``tumour_sites`` are body regions (``left_knee``, ``lower_back``): skin lesions and metal
    implants keep needles and heat away, sensory loss keeps heat away (at the region and the regions
    next to it), a known tumour keeps needles and electroacupuncture away. ``movement_disorder`` is
    ``none``, ``controlled`` or ``uncontrolled`` (seed 003).
    """

    anticoagulant: Answer = False
    bleeding_disorder: Literal["none", "mild", "severe"] = "none"
    implanted_electronic_device: Answer = False
    epilepsy: Literal["none", "controlled", "poorly_controlled"] = "none"
    skin_lesions_at: tuple[str, ...] = ()
    metal_implants_at: tuple[str, ...] = ()
    sensory_loss_at: tuple[str, ...] = ()
    tumour_sites: tuple[str, ...] = ()
    movement_disorder: Literal["none", "controlled", "uncontrolled"] = "none"
    needle_phobia: Answer = False

    @field_validator("skin_lesions_at", "metal_implants_at", "sensory_loss_at", "tumour_sites")
    @classmethod
    def _regions(cls, regions: tuple[str, ...]) -> tuple[str, ...]:
        for region in regions:
            split_side(region)
        return regions


#: The longest closure one entry may give (a year of leave), and the most entries a schedule takes.
MAX_CLOSURE_DAYS = 366
MAX_CLOSURES = 200


def _strict_date(value: object) -> date:
    """Return ``value`` as a date: a date (not a date-time) or a ``YYYY-MM-DD`` string; else ValueError."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        return date.fromisoformat(value)  # ValueError names an impossible day (2026-02-30)
    raise ValueError(f"must be a date YYYY-MM-DD, got {value!r}")


class Closure(_Strict):
    """Days the clinic is closed (a public holiday, leave): ``from`` to ``to`` inclusive, and why.

    Written as a bare date (``2026-12-25``) or as ``{from, to, reason}``; ``to`` defaults to ``from``.
    """

    first: ClinicDate = Field(alias="from")
    last: ClinicDate | None = Field(default=None, alias="to")
    reason: str | None = Field(default=None, min_length=1, max_length=80)

    @model_validator(mode="before")
    @classmethod
    def _bare_date(cls, value: object) -> object:
        if isinstance(value, dict):
            return value
        if isinstance(value, date | str):
            return {"from": value}
        raise ValueError("a closure is a date YYYY-MM-DD or a mapping {from, to, reason}")

    @field_validator("first", "last", mode="before")
    @classmethod
    def _dates(cls, value: object) -> object:
        return None if value is None else _strict_date(value)

    @field_validator("last")
    @classmethod
    def _not_before_first(cls, value: date | None, info: ValidationInfo) -> date | None:
        first = info.data.get("first")
        if value is not None and first is not None:
            if value < first:
                raise ValueError(f"{value.isoformat()} is before from ({first.isoformat()})")
            if (value - first).days >= MAX_CLOSURE_DAYS:
                raise ValueError(f"a closure spans at most {MAX_CLOSURE_DAYS} days")
        return value

    @field_validator("reason")
    @classmethod
    def _reason_not_blank(cls, value: str | None) -> str | None:
        if value is not None and not value.strip():
            raise ValueError("must not be blank")
        return value

    @property
    def span(self) -> tuple[date, date, str | None]:
        """Return ``(first day, last day, reason)`` of the closure."""
        return self.first, self.last or self.first, self.reason


def _bare_dates_too(schema: dict[str, Any]) -> None:
    """Say in the JSON Schema that a closure may also be a bare date (``Closure`` reads one)."""
    schema["items"] = {"anyOf": [{"type": "string", "format": "date"}, schema["items"]]}


class Schedule(_Strict):
    """When treatment starts, on which weekdays the clinic sees the patient, and when it is closed.

    ``closures`` lists public holidays and leave; no session is placed on one (``planning.schedule``).
    """

    start: ClinicDate
    clinic_days: tuple[Weekday, ...] = Field(min_length=1)
    closures: tuple[Closure, ...] = Field(default=(), max_length=MAX_CLOSURES, json_schema_extra=_bare_dates_too)

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
    on: ClinicDate | None = None

    @field_validator("reason", "by")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        return value


class Intake(_Strict):
    """Everything screening and planning need about one patient at one point in time.

    ``questionnaires`` maps an instrument id (``odi``, ``pcs``, ``phq9`` ...) to its answers; they are
    scored by ``acupath.assessment`` when screened or planned. ``medications`` is the medication list
    (``acupath.assessment.medications``): None when it was not recorded, empty when the patient takes none.
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
    medications: tuple[Medication, ...] | None = Field(default=None, max_length=MAX_MEDICATIONS)

    def age_on(self, day: date) -> int:
        """Return the patient's age in whole years on ``day``."""
        born = self.patient.birth_date
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    def medication_classes(self) -> frozenset[str]:
        """Return the drug classes of the medications listed (empty when none or not recorded)."""
        return classes_of(self.medications)

    def opioid_mme_per_day(self) -> float | None:
        """Return the listed opioids' total MME per day (0.0 with none listed, None when not recorded)."""
        return opioid_mme_per_day(self.medications)


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
