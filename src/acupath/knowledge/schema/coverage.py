"""coverage.yaml: who pays for which sessions (Medicare NCD 30.3.3, private plans, self-pay)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

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


class CoverageFile(Document):
    """The coverage.yaml document."""

    medicare: MedicareRule
    private: PrivateRule
    self_pay: SelfPay

    def cited_keys(self) -> set[str]:
        """Return every citation key in the coverage rules."""
        keys = set(self.citations)
        for part in (self.medicare, self.medicare.eligibility, self.private, self.self_pay):
            keys.update(part.citations)
        return keys
