"""coverage.yaml: who pays for which sessions (Medicare NCD 30.3.3, private plans, self-pay), and CPT codes."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from acupath.knowledge.schema.document import Document, Strict


class MedicareEligibility(Strict):
    """Which patients NCD 30.3.3 covers: chronic low back pain of at least ``min_duration_weeks``."""

    conditions: tuple[str, ...]
    min_duration_weeks: int = Field(ge=1)
    exclude_if_any: tuple[Literal["systemic_cause", "related_to_surgery", "pregnancy"], ...]
    systemic_cause_findings: tuple[str, ...] = ()
    citations: tuple[str, ...] = Field(min_length=1)


class MedicareRule(Strict):
    """The NCD 30.3.3 visit limits, as a machine rule (reference §5)."""

    initial_visits: int = Field(ge=1)
    initial_window_days: int = Field(ge=1)
    additional_visits: int = Field(ge=0)
    additional_requires: str
    annual_cap: int = Field(ge=1)
    annual_window_days: int = Field(ge=1)
    annual_note: str
    stop_if: tuple[str, ...]
    non_covered_note: str
    eligibility: MedicareEligibility
    citations: tuple[str, ...] = Field(min_length=1)


class PrivateRule(Strict):
    """Private insurance: varies by plan; the plan only warns."""

    warning: str
    citations: tuple[str, ...] = Field(min_length=1)


class SelfPay(Strict):
    """The cost of one session paid by the patient, in ``currency``."""

    currency: str
    per_session_min: float = Field(ge=0)
    per_session_max: float = Field(ge=0)
    citations: tuple[str, ...] = Field(min_length=1)


class CptCode(Strict):
    """One CPT acupuncture code: with or without electrical stimulation, the initial unit or each additional one."""

    code: str = Field(pattern=r"^\d{5}$")
    electrical_stimulation: bool
    unit: Literal["initial", "additional"]
    descriptor: str


class CptRule(Strict):
    """How a session is coded: one initial code, then one add-on per further ``unit_minutes`` of contact."""

    unit_minutes: int = Field(ge=1)
    codes: tuple[CptCode, ...] = Field(min_length=1)
    note: str
    citations: tuple[str, ...] = Field(min_length=1)

    def code_for(self, electrical: bool, unit: str) -> CptCode:
        """Return the code for a session with (or without) electrical stimulation and ``unit``.

        Raises ``StopIteration`` when the file holds no such code (``knowledge check`` guarantees all four).
        """
        return next(c for c in self.codes if c.electrical_stimulation is electrical and c.unit == unit)


class Billing(Strict):
    """How a session is billed: CPT by electrical stimulation and time (the diagnosis is the condition
    file's ICD-10-CM ``codes``)."""

    cpt: CptRule
    citations: tuple[str, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _complete(self) -> Billing:
        kinds = {(c.electrical_stimulation, c.unit) for c in self.cpt.codes}
        if len(kinds) != 4 or len(self.cpt.codes) != 4:
            raise ValueError("cpt.codes needs exactly one code for each of with/without electrical "
                             "stimulation and initial/additional")
        return self


class CoverageFile(Document):
    """The coverage.yaml document."""

    medicare: MedicareRule
    private: PrivateRule
    self_pay: SelfPay
    billing: Billing

    def cited_keys(self) -> set[str]:
        """Return every citation key in the coverage rules."""
        keys = set(self.citations)
        for part in (self.medicare, self.medicare.eligibility, self.private, self.self_pay, self.billing,
                     self.billing.cpt):
            keys.update(part.citations)
        return keys
