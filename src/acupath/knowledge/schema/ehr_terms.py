"""ehr_terms.yaml: what the CDS Hooks service recognises in another system's FHIR record.

Acupuncture orders by SNOMED CT code or text (the CPT codes are coverage.yaml's ``billing.cpt``), and the
intake answers that an EHR's Conditions, MedicationStatements, Observations and Devices give (an
implanted electronic device, pregnancy, a bleeding disorder, an anticoagulant ...). The terms are matched
by ``acupath.fhir.cds.record_terms``; which intake field an answer names is checked by the tests against
``acupath.assessment.intake.Intake`` (the knowledge layer does not import the domain above it).
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, ValidationInfo, field_validator

from acupath.knowledge.schema.document import Document, Strict
from acupath.knowledge.schema.medications import DRUG_CLASSES

ResourceType = Literal["Condition", "MedicationStatement", "Observation", "Device"]
_TERM = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 '\-]*\*?$")


def _terms(values: tuple[str, ...]) -> tuple[str, ...]:
    for value in values:
        if not _TERM.match(value):
            raise ValueError(f"{value!r} is not a term: letters, digits, spaces, ' and -, optionally ending in *")
    return values


class OrderCode(Strict):
    """One SNOMED CT procedure code of an acupuncture order, with or without electrical stimulation."""

    code: str = Field(pattern=r"^\d{6,18}$")
    display: str
    electrical_stimulation: bool


class SnomedOrders(Strict):
    """The SNOMED CT codes of acupuncture orders (clinical.md §4.5)."""

    citations: tuple[str, ...] = Field(min_length=1)
    codes: tuple[OrderCode, ...] = Field(min_length=1)
    note: str | None = None


class OrderTerms(Strict):
    """Words of an order's text: electroacupuncture first (an order matching both is electrical)."""

    citations: tuple[str, ...] = Field(min_length=1)
    electrical: tuple[str, ...] = Field(min_length=1)
    manual: tuple[str, ...] = Field(min_length=1)

    _check = field_validator("electrical", "manual")(_terms)


class Orders(Strict):
    """How an acupuncture order is recognised."""

    snomed: SnomedOrders
    terms: OrderTerms


class EhrAnswer(Strict):
    """One intake answer read from an EHR's resources: ``answer`` is set to ``value`` on a match.

    ``answer`` is a dotted field of the intake, or ``medications`` (``value`` is then a drug class).
    """

    answer: str = Field(pattern=r"^[a-z_]+(\.[a-z_]+)*$")
    value: bool | str
    resources: tuple[ResourceType, ...] = Field(min_length=1)
    terms: tuple[str, ...] = Field(min_length=1)
    unless: tuple[str, ...] = ()
    citations: tuple[str, ...] = Field(min_length=1)
    note: str | None = None

    _check = field_validator("terms", "unless")(_terms)

    @field_validator("value")
    @classmethod
    def _drug_class(cls, value: bool | str, info: ValidationInfo) -> bool | str:
        if info.data.get("answer") == "medications" and value not in DRUG_CLASSES:
            raise ValueError(f"{value!r} is not a drug class of knowledge.schema.medications")
        return value


class EhrTermsFile(Document):
    """The ehr_terms.yaml document."""

    orders: Orders
    answers: tuple[EhrAnswer, ...] = Field(min_length=1)

    def cited_keys(self) -> set[str]:
        """Return every citation key of the orders and answers."""
        keys = set(self.citations) | set(self.orders.snomed.citations) | set(self.orders.terms.citations)
        for answer in self.answers:
            keys.update(answer.citations)
        return keys
