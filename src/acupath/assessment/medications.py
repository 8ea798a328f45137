"""The medication list of an intake or a reassessment: name, drug class, dose, and an opioid's MME per day.

Written in an intake (and in a reassessment of the RECORDS file) as::

    medications:
      - {name: apixaban, class: anticoagulant, dose: 5 mg twice daily}
      - {name: oxycodone, class: opioid, dose: 10 mg twice daily, opioid: {mme_per_day: 30}}

``class`` comes from a fixed vocabulary (``knowledge.schema.medications.DrugClass``); an opioid must
give ``opioid.mme_per_day`` (oral morphine milligram equivalents per day, as the prescriber or the
clinic's conversion table gives them: acupath converts nothing) and no other class may. What reads the list: screening (an
anticoagulant raises the bleeding caution, safety.yaml), planning (an opioid adds the pharmacology
review, programme.yaml; the baseline carries the MME per day) and progress (the opioid-sparing outcome).

A form writes one medication a line (``medication_from_line``)::

    apixaban, anticoagulant, 5 mg twice daily
    oxycodone, opioid, 10 mg twice daily, 30 MME
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictFloat,
    TypeAdapter,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from acupath.errors import InputError
from acupath.knowledge.schema.medications import DRUG_CLASSES, DrugClass
from acupath.validation import describe, field_path, input_error

#: The key of a plan's baseline (and of progress) that holds the opioids' total MME per day.
MME_KEY = "opioid_mme_per_day"

#: Input guard against a unit slip (micrograms typed as MME), not a clinical threshold.
MAX_MME_PER_DAY = 10000


class _Strict(BaseModel):
    # stored intakes are dumped and read back: dump "class" as written, never the attribute name
    model_config = ConfigDict(extra="forbid", frozen=True, serialize_by_alias=True)


class OpioidDose(_Strict):
    """An opioid's daily dose as oral morphine milligram equivalents (MME) per day."""

    mme_per_day: StrictFloat = Field(ge=0, le=MAX_MME_PER_DAY, allow_inf_nan=False)


class Medication(_Strict):
    """One medication the patient takes: what it is, its class, the dose as written, the MME if an opioid."""

    name: str = Field(min_length=1, max_length=100)
    drug_class: DrugClass = Field(alias="class")
    dose: str | None = Field(default=None, min_length=1, max_length=100)
    opioid: OpioidDose | None = Field(default=None, validate_default=True)

    @field_validator("name")
    @classmethod
    def _name_not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        return value

    @field_validator("opioid")
    @classmethod
    def _opioid_only_for_opioids(cls, value: OpioidDose | None, info: ValidationInfo) -> OpioidDose | None:
        drug_class = info.data.get("drug_class")
        if drug_class == "opioid" and value is None:
            raise ValueError("an opioid needs opioid.mme_per_day (oral morphine milligram equivalents a day)")
        if drug_class is not None and drug_class != "opioid" and value is not None:
            raise ValueError(f"only allowed when class is opioid (class is {drug_class})")
        return value

    def to_dict(self) -> dict[str, object]:
        """Return the medication as written in an intake (``class``, and ``opioid`` only for an opioid)."""
        return self.model_dump(by_alias=True, exclude_none=True)


def classes_of(medications: Iterable[Medication] | None) -> frozenset[str]:
    """Return the drug classes of ``medications`` (empty when none are listed or the list is missing)."""
    return frozenset(m.drug_class for m in medications or ())


def opioid_mme_per_day(medications: Iterable[Medication] | None) -> float | None:
    """Return the total MME per day of the opioids listed: 0.0 when a list has none, None without a list."""
    if medications is None:
        return None
    return float(sum(m.opioid.mme_per_day for m in medications if m.opioid is not None))


#: At most this many medications in one list (an input guard).
MAX_MEDICATIONS = 100
_LIST = TypeAdapter(tuple[Medication, ...])


def parse_medications(data: object, field: str) -> tuple[Medication, ...]:
    """Validate ``data`` (a list read from YAML or JSON) as a medication list.

    Returns the medications. Raises ``InputError`` naming ``<field>[i].<key>`` (for example
    ``medications[1].opioid``) and what is allowed.
    """
    if not isinstance(data, list | tuple):
        raise InputError(field, "must be a list of medications", "[{name, class, dose, opioid: {mme_per_day}}]")
    if len(data) > MAX_MEDICATIONS:
        raise InputError(field, f"lists {len(data)} medications", f"at most {MAX_MEDICATIONS}")
    try:
        return _LIST.validate_python(data)
    except ValidationError as exc:
        raise input_error(exc, prefix=field) from None


#: How one line of a medication box is written (``medication_from_line``).
LINE_FORMAT = "name, class, dose, and for an opioid its MME per day last (oxycodone, opioid, 10 mg twice daily, 30 MME)"
#: "MME" as a word of its own (``30 MME``, ``30mme``, ``MME 30``), never inside one ("immediate release").
_MME = re.compile(r"(?<![a-z])mme(?![a-z])", re.IGNORECASE)
#: The words that may stand around the number of an MME part: "per day", "/day", "a day", "daily", ":".
_MME_WORDS = re.compile(r"(?<![a-z])mme(?![a-z])|/\s*day\b|\bper\s+day\b|\ba\s+day\b|\bdaily\b|[:=]", re.IGNORECASE)
_NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?")


def drug_class_of(text: str) -> str | None:
    """Return the drug class ``text`` names, matched without regard to case, spaces or hyphens (``SNRI``
    is ``snri``, ``Muscle relaxant`` is ``muscle_relaxant``); None when it names none."""
    wanted = "_".join(text.lower().replace("-", " ").split())
    return wanted if wanted in DRUG_CLASSES else None


def medication_from_line(line: str, field: str = "medications") -> Medication:
    """Return the medication written on one line as ``name, class[, dose][, N MME]``.

    The class is one of ``DRUG_CLASSES`` in any case; the dose is free text and may itself hold commas;
    a last part naming MME (``30 MME``, ``MME 30``, ``30 MME/day``) is an opioid's oral morphine
    milligram equivalents per day, which an opioid must give and no other class may. Raises
    ``InputError`` on ``field`` saying what is wrong with the line and what is allowed.
    """
    name, *rest = (part.strip() for part in line.split(","))
    if not name:
        raise InputError(field, "give the medication's name first", LINE_FORMAT)
    if not rest or not rest[0]:
        raise InputError(field, "give the class after the name, separated by a comma", LINE_FORMAT)
    typed_class, *dose_parts = rest
    drug_class = drug_class_of(typed_class)
    if drug_class is None:
        raise InputError(field, f"{typed_class!r} is not a drug class", ", ".join(DRUG_CLASSES))
    mme_part = dose_parts.pop() if dose_parts and _MME.search(dose_parts[-1]) else None
    if mme_part is not None and dose_parts and dose_parts[-1][-1:].isdigit() and mme_part[:1].isdigit():
        # "7,5 MME" or "1,200 MME": the parts are split at commas, so the number would be read as 5 or 200.
        raise InputError(field, f"'{dose_parts[-1].split()[-1]},{mme_part}' has a comma inside the MME number",
                         "the MME with a decimal point and no thousands separator, e.g. 7.5 MME or 1200 MME")
    entry: dict[str, object] = {"name": name, "class": drug_class}
    if any(dose_parts):
        entry["dose"] = ", ".join(dose_parts)
    if mme_part is not None:
        if drug_class != "opioid":
            raise InputError(field, f"MME per day is given only for an opioid (the class is {drug_class})",
                             "no MME part, or the class opioid")
        entry["opioid"] = {"mme_per_day": _mme_per_day(mme_part, field)}
    elif drug_class == "opioid":
        raise InputError(field, "an opioid needs its MME per day (oral morphine milligram equivalents) as the "
                         "last part", "for example: oxycodone, opioid, 10 mg twice daily, 30 MME")
    try:
        return Medication.model_validate(entry)
    except ValidationError as exc:
        error = exc.errors()[0]  # a part too long: the checks above leave nothing else
        problem, allowed = describe(error)
        raise InputError(field, f"{field_path(error['loc']) or 'line'}: {problem}", allowed) from None


def _mme_per_day(text: str, field: str) -> float:
    """Return the MME per day written in ``text`` (``30 MME``), within the bounds of ``OpioidDose``.

    Raises ``InputError`` on ``field`` when it is not one number or is out of bounds.
    """
    number = _MME_WORDS.sub(" ", text).strip()
    if not _NUMBER.fullmatch(number):
        raise InputError(field, f"{text!r}: the MME per day must be a number", "for example 30 MME")
    value = float(number)
    if not 0 <= value <= MAX_MME_PER_DAY:
        raise InputError(field, f"{text!r}: the MME per day is out of range", f"0 to {MAX_MME_PER_DAY}")
    return value
