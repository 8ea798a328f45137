"""The dates a session may have: its plan's start, today, and the order of the plan's sessions.

A session is numbered in the order it was given, so its number and its date never disagree: it is
dated on or after its plan's start and the date of every lower-numbered session of the plan, and on
or before today and the date of every higher-numbered one. Two sessions on one day are allowed (the
order by number stands). ``SessionDates`` is that window for one number; ``SessionDateRefused`` the
``InputError`` naming ``session_date`` that says what is allowed, worded with any date format
(ISO 8601 for the API, the clinic's locale on the pages: ``SessionDateRefused.worded``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from acupath.errors import InputError

#: How a date is written in a message (``date.isoformat`` unless a page gives the clinic's format).
DateFormat = Callable[[date], str]

PLAN_START = "the plan's start"
TODAY = "today"
#: Today's rank among upper bounds on one day: after every session's number.
MAX_RANK = 1 << 62


class Dated(Protocol):
    """A session as the window reads it (a ``SessionRecord`` or a ``SessionSummary``)."""

    @property
    def number(self) -> int: ...

    @property
    def session_date(self) -> date: ...


@dataclass(frozen=True)
class DateBound:
    """One end of a session's window: the ``day`` and what it is (``PLAN_START``, ``TODAY``, "session 3")."""

    day: date
    what: str

    def phrase(self, day_text: DateFormat) -> str:
        """Return the bound as a page says it: "9 Nov 2026, the date of session 3", "today, 1 Dec 2026"."""
        if self.what == TODAY:
            return f"today, {day_text(self.day)}"
        return f"{day_text(self.day)}, {self.what}"


@dataclass(frozen=True)
class SessionDates:
    """The dates a session may have: from ``earliest`` (None: no lower bound) to ``latest``, both included."""

    earliest: DateBound | None
    latest: DateBound

    @property
    def empty(self) -> bool:
        """Return whether no date fits (``earliest`` after ``latest``, e.g. a plan that starts tomorrow)."""
        return self.earliest is not None and self.earliest.day > self.latest.day

    @property
    def not_started(self) -> date | None:
        """Return the plan's start when it is after today and nothing else narrows the window, else None."""
        if self.empty and self.earliest is not None and self.earliest.what == PLAN_START and self.latest.what == TODAY:
            return self.earliest.day
        return None

    def allows(self, day: date) -> bool:
        """Return whether a session may be dated ``day``."""
        return (self.earliest is None or self.earliest.day <= day) and day <= self.latest.day

    def allowed(self, day_text: DateFormat = date.isoformat) -> str:
        """Return what is allowed in the clinic's words, dates written by ``day_text``."""
        if self.not_started is not None:
            return f"none yet: {not_started_sentence(self.not_started, day_text)}"
        upper = f"on or before {self.latest.phrase(day_text)}"
        if self.earliest is None:
            return f"a date {upper}"
        both = f"on or after {self.earliest.phrase(day_text)}, and {upper}"
        return f"none: a date would have to be {both}" if self.empty else f"a date {both}"

    def problem(self, day: date, day_text: DateFormat = date.isoformat) -> str | None:
        """Return why ``day`` is refused ("... is before the date of session 3 (9 Nov 2026)"), None if allowed."""
        if self.earliest is not None and day < self.earliest.day:
            return f"{day_text(day)} is before {self.earliest.what} ({day_text(self.earliest.day)})"
        if day > self.latest.day:
            return f"{day_text(day)} is after {self.latest.what} ({day_text(self.latest.day)})"
        return None


def not_started_sentence(start: date, day_text: DateFormat = date.isoformat) -> str:
    """Return what the chart, the session form and the refusal say of a plan that starts after today."""
    return f"this plan starts on {day_text(start)}; sessions can be charted from that day"


def session_dates(start: date | None, sessions: Iterable[Dated], number: int, today: date) -> SessionDates:
    """Return the window of dates of the plan's session ``number`` among its other ``sessions``.

    ``start`` is the plan's start (None: no lower bound but the sessions'); a session of ``sessions``
    numbered ``number`` itself (the one amended) is left out. On a tie the session is named rather than
    the plan's start or today (it says more).
    """
    # (day, rank, what): the latest lower bound and the earliest upper bound; on a tie the higher rank
    # wins below (the session with the highest number) and the lower rank above (the lowest number).
    lower: list[tuple[date, int, str]] = [(start, 0, PLAN_START)] if start is not None else []
    upper: list[tuple[date, int, str]] = [(today, MAX_RANK, TODAY)]
    for session in sessions:
        what = f"the date of session {session.number}"
        if session.number < number:
            lower.append((session.session_date, session.number, what))
        elif session.number > number:
            upper.append((session.session_date, session.number, what))
    earliest = max(lower, default=None)
    latest = min(upper)
    return SessionDates(earliest=DateBound(earliest[0], earliest[2]) if earliest else None,
                        latest=DateBound(latest[0], latest[2]))


class SessionDateRefused(InputError):
    """``session_date`` outside its ``window``; the message writes dates in ISO 8601 (the API's)."""

    def __init__(self, day: date, window: SessionDates) -> None:
        self.day = day
        self.window = window
        super().__init__("session_date", window.problem(day) or "no date fits", window.allowed())

    def worded(self, day_text: DateFormat) -> tuple[str, str]:
        """Return the problem and what is allowed with dates written by ``day_text`` (a page's locale)."""
        return self.window.problem(self.day, day_text) or "no date fits", self.window.allowed(day_text)


def check_in_window(day: date, window: SessionDates) -> None:
    """Raise ``SessionDateRefused`` (an ``InputError`` naming ``session_date``) unless ``window`` allows ``day``."""
    if not window.allows(day):
        raise SessionDateRefused(day, window)


def charting_opens(start: date | None, today: date) -> date | None:
    """Return the plan's ``start`` when it is after ``today`` (no session can be charted yet), else None."""
    return session_dates(start, (), 1, today).not_started
