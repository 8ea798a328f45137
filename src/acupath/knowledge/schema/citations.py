"""citations.yaml: every source the knowledge base cites."""

from __future__ import annotations

from typing import Literal

from pydantic import field_validator

from acupath.knowledge.schema.document import Document, Strict

SourceKind = Literal[
    "seed", "guideline", "instrument", "review", "trial", "standard", "regulation", "textbook", "other"
]


class Citation(Strict):
    """One source: enough to find it again, and what kind of source it is."""

    key: str
    kind: SourceKind
    text: str
    year: int | None = None
    url: str | None = None
    doi: str | None = None
    note: str | None = None


class CitationsFile(Document):
    """The citations.yaml document."""

    sources: tuple[Citation, ...]

    @field_validator("sources")
    @classmethod
    def _unique(cls, sources: tuple[Citation, ...]) -> tuple[Citation, ...]:
        seen: set[str] = set()
        for source in sources:
            if source.key in seen:
                raise ValueError(f"duplicate citation key {source.key!r}")
            seen.add(source.key)
        return sources
