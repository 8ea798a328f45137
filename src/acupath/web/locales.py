"""Dates, times and numbers as the clinic writes them: the Jinja2 filters ``day``, ``when``, ``number``, ``value``.

Each clinic has a locale (``services.clinics.LOCALES``, set by its IT with ``acupath clinics
set-locale``). ``FORMATS`` holds how each writes a date, a time and a number, after CLDR's "medium"
date pattern, its time pattern and its decimal and grouping symbols (Babel is not a dependency and four
locales do not need it):

=======  ================  ===========  ============
locale   date              time         number
=======  ================  ===========  ============
en-GB    5 Dec 2026        14:05        1,234.5
en-US    Dec 5, 2026       2:05 PM      1,234.5
de-DE    05.12.2026        14:05        1.234,5
fr-FR    5 déc. 2026       14:05        1 234,5 (a narrow no-break space groups)
=======  ================  ===========  ============

``day`` writes a date, ``when`` a date and time (``when(seconds=true)`` with seconds), ``number`` a
number (``number(1)``: one decimal), ``value`` any stored field's value (a number, an ISO date or
time, else the text). The filters read the page's ``locale`` from the template's context
(``pages.render`` puts the signed-in visitor's clinic's locale there; pages nobody signed in to use
``DEFAULT_LOCALE``). Times are stored in
UTC and no clinic has a time zone yet, so ``when`` writes UTC and says so.

The visitor's clinic's locale is asked of ``services.clinics`` when the visitor is checked (the
``visitor`` dependency, in the thread pool) and kept for ``REFRESH`` per clinic, so a page costs no
query for it: a locale changed by the clinic's IT shows on every page within a minute.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from jinja2 import Environment, pass_context
from jinja2.runtime import Context

from acupath.services import clinics
from acupath.services.actor import Actor
from acupath.services.records.people import DEFAULT_LOCALE
from acupath.web.state import WebState

#: How long a clinic's locale is kept before it is asked again.
REFRESH = timedelta(minutes=1)

_EN_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_FR_MONTHS = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc.")


@dataclass(frozen=True)
class LocaleFormat:
    """How one locale writes a date (``date``: a pattern of ``{d}``, ``{dd}``, ``{mm}``, ``{mon}``,
    ``{y}``), a time (12-hour clock or 24) and a number (decimal and grouping symbols)."""

    date: str
    months: tuple[str, ...]
    twelve_hour: bool
    decimal: str
    group: str


FORMATS: dict[str, LocaleFormat] = {
    "en-GB": LocaleFormat(date="{d} {mon} {y}", months=_EN_MONTHS, twelve_hour=False, decimal=".", group=","),
    "en-US": LocaleFormat(date="{mon} {d}, {y}", months=_EN_MONTHS, twelve_hour=True, decimal=".", group=","),
    "de-DE": LocaleFormat(date="{dd}.{mm}.{y}", months=_EN_MONTHS, twelve_hour=False, decimal=",", group="."),
    "fr-FR": LocaleFormat(date="{d} {mon} {y}", months=_FR_MONTHS, twelve_hour=False, decimal=",",
                          group="\u202f"),
}


def _format(locale: str | None) -> LocaleFormat:
    return FORMATS.get(locale or DEFAULT_LOCALE, FORMATS[DEFAULT_LOCALE])


def format_day(value: date | datetime | str | None, locale: str | None = None) -> str:
    """Return the date of ``value`` (a date, a datetime or an ISO string) in ``locale``; "" for None or "".

    Raises ``ValueError`` for a string that does not start with an ISO date.
    """
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    style = _format(locale)
    return style.date.format(d=value.day, dd=f"{value.day:02d}", mm=f"{value.month:02d}",
                             mon=style.months[value.month - 1], y=value.year)


def format_when(value: datetime | str | None, locale: str | None = None, seconds: bool = False) -> str:
    """Return the date and time of ``value`` (in UTC, an aware datetime converted) in ``locale``, marked UTC.

    ``seconds`` adds the seconds (an audit log's entries). A naive datetime is taken as UTC (as
    stored); "" for None or "". Raises ``ValueError`` for a string that is not an ISO date and time.
    """
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is not None:
        value = value.astimezone(UTC)
    style = _format(locale)
    minutes = f"{value.minute:02d}" + (f":{value.second:02d}" if seconds else "")
    if style.twelve_hour:
        clock = f"{(value.hour % 12) or 12}:{minutes} {'PM' if value.hour >= 12 else 'AM'}"
    else:
        clock = f"{value.hour:02d}:{minutes}"
    return f"{format_day(value, locale)}, {clock} UTC"


def format_number(value: int | float | Decimal | None, locale: str | None = None, digits: int | None = None) -> str:
    """Return ``value`` with the locale's decimal and grouping symbols; "" for None.

    ``digits`` fixes the decimals shown (rounded half to even); without it an integer is written whole
    and any other number to at most 2 decimals, without trailing zeros.
    """
    if value is None:
        return ""
    if digits is not None:
        text = f"{value:,.{digits}f}"
    elif isinstance(value, int):
        text = f"{value:,d}"
    else:
        text = f"{value:,.2f}".rstrip("0").rstrip(".")
        text = "0" if text in ("-0", "") else text
    style = _format(locale)
    whole, _, fraction = text.partition(".")
    whole = whole.replace(",", style.group)
    return f"{whole}{style.decimal}{fraction}" if fraction else whole


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:\d{2}|Z)?")


def format_value(value: Any, locale: str | None = None) -> str:
    """Return a stored field's value (a record's JSON: an amendment's old and new values) in ``locale``.

    Numbers (not booleans) as ``format_number``; an ISO date string as ``format_day``, an ISO date and
    time as ``format_when``; anything else as ``str``; "—" for None.
    """
    if value is None:
        return "—"
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return format_number(value, locale)
    if isinstance(value, (date, datetime)):
        return format_when(value, locale) if isinstance(value, datetime) else format_day(value, locale)
    if isinstance(value, str) and _ISO_DAY.fullmatch(value):
        return format_day(value, locale)
    if isinstance(value, str) and _ISO_TIME.fullmatch(value):
        return format_when(value.replace("Z", "+00:00"), locale)
    return str(value)


@pass_context
def _day(context: Context, value: Any) -> str:
    return format_day(value, context.get("locale"))


@pass_context
def _when(context: Context, value: Any, seconds: bool = False) -> str:
    return format_when(value, context.get("locale"), seconds)


@pass_context
def _number(context: Context, value: Any, digits: int | None = None) -> str:
    return format_number(value, context.get("locale"), digits)


@pass_context
def _value(context: Context, value: Any) -> str:
    return format_value(value, context.get("locale"))


def install(env: Environment) -> None:
    """Register the filters ``day``, ``when``, ``number`` and ``value`` on ``env`` (``pages.templates``)."""
    env.filters.update(day=_day, when=_when, number=_number, value=_value)


def clinic_locale(state: WebState, actor: Actor) -> str:
    """Return the locale of the actor's clinic, asked of ``services.clinics`` at most once per ``REFRESH``.

    Runs a query on a miss: call it from the thread pool. Raises ``NotFound`` when the clinic is gone.
    """
    now = state.clock()
    kept = state.locales.get(actor.clinic_id)
    if kept is not None and now - kept[1] < REFRESH:
        return kept[0]
    locale = clinics.clinic_locale(state.uow_factory(), actor)
    state.locales[actor.clinic_id] = (locale, now)
    return locale
