"""evidence.yaml: every quantitative claim of the seed articles, with its verification status.

Each entry records the claim as the seed states it, the seed it appears in (``seed``), the study the
seed attributes it to (``source``), the numbers (measure, effect, CI, p, n) and a ``status``:

- ``verified``: a retrieved reference text bears the figure out (meta-analysis.md §5);
- ``unverified``: nothing retrieved confirms or refutes it;
- ``contradicted``: the literature (or the seed itself) says otherwise; ``corrected`` then gives the
  right figure or text, its source, and a note.

``studies`` holds per-study data for pooled re-analysis where it is known (none of the seeds give it).

Plans print evidence only from these entries (issue 10 item 6): condition and programme files name
entries by id (``evidence_claims``), and ``quantitative_claims`` finds the free-text claims that the
integrity check refuses in those files.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import field_validator, model_validator

from acupath.errors import NotFound
from acupath.knowledge.schema.document import Document, Strict

Measure = Literal[
    "MD", "SMD", "OR", "RR", "HR", "percent", "percent_change", "NNT", "count", "ratio", "money", "sessions",
    "parameter", "ranking", "recommendation", "qualitative",
]
EvidenceStatus = Literal["verified", "unverified", "contradicted"]
Design = Literal[
    "ipd_meta_analysis",
    "meta_analysis",
    "systematic_review",
    "rct",
    "cohort",
    "guideline",
    "regulation",
    "mechanistic",
    "epidemiology",
    "expert_opinion",
    "unattributed",
]


# Free text that states a figure or a strength of evidence: a percentage, an effect statistic (MD, SMD,
# OR, RR, HR, NNT, CI) with its number, a p value, a count of people or trials, an n-fold change, an
# effect size, a quality-of-evidence grade or "clinically meaningful". Such a sentence belongs in
# evidence.yaml with its verification status, not in a rationale or a summary.
_CLAIM_PATTERNS = (
    re.compile(r"\d+(?:\.\d+)?\s*%"),
    re.compile(r"\b(?:MD|SMD|OR|RR|HR|NNT|CI)\b\s*(?:=|:|of|about|approximately|~)?\s*[-\u2212]?\d"),
    re.compile(r"\bp\s*[<=>]\s*0?\.\d"),
    re.compile(r"\b\d[\d,]*\s+(?:patients|participants|people|adults|trials|RCTs|studies)\b", re.IGNORECASE),
    re.compile(r"\b\d+(?:\.\d+)?-fold\b", re.IGNORECASE),
    re.compile(r"\beffect sizes?\b", re.IGNORECASE),
    re.compile(r"\b(?:very low|low|moderate|high)[- ]quality evidence\b", re.IGNORECASE),
    re.compile(r"\bclinically (?:meaningful|important|significant)\b", re.IGNORECASE),
    re.compile(r"\bmost powerful\b", re.IGNORECASE),
)


def quantitative_claims(text: str) -> list[str]:
    """Return the fragments of ``text`` that state a figure or a strength of evidence (empty when none)."""
    return [m.group(0) for pattern in _CLAIM_PATTERNS for m in pattern.finditer(text)]


class Correction(Strict):
    """What the literature says instead of a contradicted claim."""

    effect: float | None = None
    text: str
    source: str
    note: str | None = None


class StudyData(Strict):
    """One study's data for re-pooling: an effect and variance, a 2x2 table, or two arms' means."""

    label: str
    yi: float | None = None
    vi: float | None = None
    ai: int | None = None
    bi: int | None = None
    ci: int | None = None
    di: int | None = None
    m1i: float | None = None
    sd1i: float | None = None
    n1i: int | None = None
    m2i: float | None = None
    sd2i: float | None = None
    n2i: int | None = None

    @model_validator(mode="after")
    def _one_shape(self) -> StudyData:
        shapes = {
            "yi/vi": (self.yi, self.vi),
            "ai/bi/ci/di": (self.ai, self.bi, self.ci, self.di),
            "m1i/sd1i/n1i/m2i/sd2i/n2i": (self.m1i, self.sd1i, self.n1i, self.m2i, self.sd2i, self.n2i),
        }
        complete = [name for name, values in shapes.items() if all(v is not None for v in values)]
        if len(complete) != 1:
            raise ValueError(f"study {self.label!r}: give exactly one complete set of {', '.join(shapes)}")
        return self


class EvidenceEntry(Strict):
    """One quantitative claim of a seed article."""

    id: str
    claim: str
    seed: str | None = None
    source: str | None = None
    design: Design
    n_studies: int | None = None
    n_participants: int | None = None
    measure: Measure
    effect: float | None = None
    ci_lower: float | None = None
    ci_upper: float | None = None
    p: str | None = None
    certainty: str | None = None
    condition: str
    outcome: str
    status: EvidenceStatus
    corrected: Correction | None = None
    note: str | None = None
    studies: tuple[StudyData, ...] = ()

    @field_validator("id")
    @classmethod
    def _identifier(cls, value: str) -> str:
        if not re.fullmatch(r"[a-z][a-z0-9_]*", value):
            raise ValueError(f"evidence id must be lower_snake_case, got {value!r}")
        return value

    @model_validator(mode="after")
    def _status_rules(self) -> EvidenceEntry:
        if self.status == "contradicted" and self.corrected is None:
            raise ValueError(f"{self.id}: a contradicted claim needs 'corrected' (text and source)")
        if self.status != "contradicted" and self.corrected is not None:
            raise ValueError(f"{self.id}: 'corrected' is only for status contradicted")
        low, high = self.ci_lower, self.ci_upper
        if (low is None) != (high is None):
            raise ValueError(f"{self.id}: give both ci_lower and ci_upper, or neither")
        if low is not None and high is not None and low > high:
            raise ValueError(f"{self.id}: ci_lower {low} is above ci_upper {high}")
        return self


class EvidenceFile(Document):
    """The evidence.yaml document."""

    entries: tuple[EvidenceEntry, ...]

    @field_validator("entries")
    @classmethod
    def _unique(cls, entries: tuple[EvidenceEntry, ...]) -> tuple[EvidenceEntry, ...]:
        seen: set[str] = set()
        for entry in entries:
            if entry.id in seen:
                raise ValueError(f"duplicate evidence id {entry.id!r}")
            seen.add(entry.id)
        return entries

    def get(self, entry_id: str) -> EvidenceEntry:
        """Return the entry with ``entry_id``. Raises ``NotFound`` naming it."""
        for entry in self.entries:
            if entry.id == entry_id:
                return entry
        raise NotFound(f"unknown evidence entry {entry_id!r}")

    def ids(self) -> set[str]:
        """Return every entry id."""
        return {entry.id for entry in self.entries}

    def by_status(self, status: str) -> tuple[EvidenceEntry, ...]:
        """Return the entries whose verification status is ``status``."""
        return tuple(e for e in self.entries if e.status == status)

    def cited_keys(self) -> set[str]:
        """Return the header citations plus every seed, source and correction source cited."""
        keys = set(self.citations)
        for entry in self.entries:
            if entry.seed:
                keys.add(entry.seed)
            if entry.source:
                keys.add(entry.source)
            if entry.corrected is not None:
                keys.add(entry.corrected.source)
        return keys
