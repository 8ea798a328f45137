"""What listings pass between services and repositories: a parsed name search, totals, schedule rows.

Plain values, no database types (the records' rule). The page rule itself is ``services.paging``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

#: How a total relates to the true count: exactly it, less than it (counting stopped at a cap), or
#: PostgreSQL's planner estimate of it.
TotalRelation = Literal["eq", "gt", "about"]


@dataclass(frozen=True)
class Total:
    """How many items a listing has: ``value`` with its ``relation`` to the true count."""

    value: int
    relation: TotalRelation


@dataclass(frozen=True)
class NameSearch:
    """A patient search as the front desk typed it, split as both databases search it.

    ``text`` is the whole search (an MRN or a patient id is matched exactly against it; a text that is
    exactly a patient's MRN or id finds that patient alone, and the names are not searched). An MRN is
    also matched in capitals (``mrns``): MRNs are printed in capitals and the front desk types them in
    lower case, while an MRN stored in lower case is still found only as stored. Words are split at
    spaces and commas, so a name typed as the lists show it ("Nguyen, Olivia") is found. A patient's
    names match when every word of 3 or more characters appears anywhere in the given or family name,
    every 2-character word begins a word of them, and every 1-letter word begins one too (the initials
    only narrow a search: a search of initials alone matches no names, only an MRN or id). Case is
    ignored.
    """

    text: str
    words: tuple[str, ...]
    initials: tuple[str, ...]

    @classmethod
    def of(cls, text: str) -> NameSearch:
        """Return the search for ``text`` (stripped; words split at whitespace and commas)."""
        parts = text.replace(",", " ").split()
        return cls(text=text.strip(), words=tuple(w for w in parts if len(w) >= 2),
                   initials=tuple(w for w in parts if len(w) == 1))

    @property
    def mrns(self) -> tuple[str, ...]:
        """Return the MRNs this search finds exactly: the text as typed, and in capitals."""
        return tuple(dict.fromkeys((self.text, self.text.upper())))

    def matches_names(self, given_name: str, family_name: str) -> bool:
        """Return True when the names match this search (the rule the databases' indexes answer)."""
        names = f" {given_name} {family_name}".casefold()
        return bool(self.words) and all(
            (word.casefold() in names) if len(word) >= 3 else (f" {word.casefold()}" in names)
            for word in (*self.words, *self.initials))


@dataclass(frozen=True)
class ScheduledSession:
    """One session as the front desk's schedule shows it: no clinical notes."""

    id: str
    plan_id: str
    number: int
    session_date: date


@dataclass(frozen=True)
class SchedulePlan:
    """A plan of the schedule and its status."""

    plan_id: str
    status: str
