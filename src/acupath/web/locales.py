"""Dates, times and numbers as the clinic writes them: the Jinja2 filters ``day``, ``when``, ``number``, ``value``.

Each clinic has a locale (``services.clinics.LOCALES``, set by its IT with ``acupath clinics
set-locale``); how each writes a date, a time and a number is ``reports.locale_formats`` (its table),
shared with the PDF documents. ``format_day``, ``format_when``, ``format_number`` and ``format_value``
are imported here for the pages' code.

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

from datetime import timedelta
from typing import Any

from jinja2 import Environment, pass_context
from jinja2.runtime import Context

from acupath.reports.locale_formats import format_day, format_number, format_value, format_when
from acupath.services import clinics
from acupath.services.actor import Actor
from acupath.web.state import WebState

#: How long a clinic's locale is kept before it is asked again.
REFRESH = timedelta(minutes=1)


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


__all__ = ["REFRESH", "clinic_locale", "format_day", "format_number", "format_value", "format_when", "install"]


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
