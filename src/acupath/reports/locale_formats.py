"""Dates, times and numbers as a clinic writes them, for its pages and its documents (PDFs).

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

Times are stored in UTC and no clinic has a time zone yet, so ``format_when`` writes UTC and says so.
The web's Jinja2 filters (``web.locales``) and the documents (``reports.documents``) both use these
functions, so a page and its PDF write a date alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from acupath.services.records.people import DEFAULT_LOCALE

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
