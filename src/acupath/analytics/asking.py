"""A practice-evidence question as the roots receive it: facets and filters, checked once for all three.

``Question.parse`` turns the CLI's options, the API's query parameters and the page's form into one
value (``InputError`` naming the field and what is allowed); ``where`` gives the ``CohortFilter`` of
the asking clinic, which always comes from the signed-in actor, never from the request.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from acupath.analytics.course_sql import CohortFilter
from acupath.analytics.facets import parse_facets
from acupath.errors import InputError
from acupath.validation import MAX_SESSION_NUMBER


@dataclass(frozen=True)
class Question:
    """Facets (one or two) and filters: courses started from ``start`` to ``end``, of a condition, of a
    practitioner (user id); the outcome judged at ``at_session`` (None: the latest)."""

    by: tuple[str, ...]
    start: date | None = None
    end: date | None = None
    condition: str | None = None
    practitioner: str | None = None
    at_session: int | None = None

    @classmethod
    def parse(cls, by: str | tuple[str, ...], *, start: date | str | None = None, end: date | str | None = None,
              condition: str | None = None, practitioner: str | None = None,
              at_session: int | str | None = None) -> Question:
        """Return the question. Raises ``InputError`` naming ``by``, ``start``, ``end`` or ``at_session``."""
        first, last = _day("start", start), _day("end", end)
        if first and last and last < first:
            raise InputError("end", f"{last.isoformat()} is before start {first.isoformat()}", "a later date")
        session = None
        if at_session not in (None, ""):
            try:
                session = int(at_session)  # type: ignore[arg-type]
            except ValueError:
                session = -1
            if not 1 <= session <= MAX_SESSION_NUMBER:
                raise InputError("at_session", f"expected a session number, got {at_session!r}",
                                 f"1 to {MAX_SESSION_NUMBER}")
        return cls(parse_facets(by), first, last, condition or None, practitioner or None, session)

    def where(self, clinic_id: str) -> CohortFilter:
        """Return the cohort filter of this question for ``clinic_id`` (the actor's clinic)."""
        return CohortFilter(clinic_id=clinic_id, start=self.start, end=self.end, condition=self.condition,
                            practitioner=self.practitioner)

    @property
    def name(self) -> str:
        """What the audit log records of the question: the facets asked."""
        return ",".join(self.by)


def _day(field: str, value: date | str | None) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise InputError(field, f"expected a date, got {value!r}", "YYYY-MM-DD") from None
