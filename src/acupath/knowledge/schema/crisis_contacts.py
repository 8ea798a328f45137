"""crisis_contacts.yaml: what a patient is shown at once when they answer a safety item above 0.

A clinic sets its own contacts (``services.crisis_contacts``); until it does, the patient sees this
file's ``general`` advice and the ``defaults`` of the clinic's country (the region of its locale:
``en-GB`` gives ``GB``). A country without a cited line gets the general advice alone: acupath shows
no telephone number that no source gives.
"""

from __future__ import annotations

from pydantic import Field, model_validator

from acupath.knowledge.schema.document import Document, Strict


class CrisisLine(Strict):
    """A crisis line: its name, how to reach it (a number to call, to text, or both), when, and its source."""

    name: str
    phone: str | None = None
    text: str | None = None
    hours: str | None = None
    citations: tuple[str, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _reachable(self) -> CrisisLine:
        if self.phone is None and self.text is None:
            raise ValueError(f"crisis line {self.name!r} needs a phone or a text number")
        return self


class CrisisContactsFile(Document):
    """The crisis_contacts.yaml document: general advice, and cited lines by country (ISO 3166 alpha-2)."""

    general: str
    #: That the clinic has been told: shown only after a safety answer was saved.
    told: str = Field(min_length=10)
    general_citations: tuple[str, ...] = Field(min_length=1)
    defaults: dict[str, tuple[CrisisLine, ...]] = Field(default_factory=dict)

    def cited_keys(self) -> set[str]:
        """Return every citation key in the file."""
        keys = set(self.citations) | set(self.general_citations)
        for lines in self.defaults.values():
            for line in lines:
                keys.update(line.citations)
        return keys

    def lines_for(self, country: str) -> tuple[CrisisLine, ...]:
        """Return the cited lines of ``country`` (upper case alpha-2), none when the file has none."""
        return self.defaults.get(country.upper(), ())
