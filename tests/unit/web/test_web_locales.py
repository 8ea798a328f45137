"""The pages' date, time and number filters in each clinic locale (expected values: CLDR's medium
date pattern, time pattern and number symbols of each locale, as ``web.locales`` documents them)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from jinja2 import Environment

from acupath.reports import locale_formats
from acupath.services.clinics import LOCALES
from acupath.web import locales
from acupath.web.locales import format_day, format_number, format_value, format_when


def test_every_locale_a_clinic_may_choose_has_a_format_and_no_other_has_one() -> None:
    assert set(locale_formats.FORMATS) == set(LOCALES)


@pytest.mark.parametrize(("locale", "december", "march"), [
    ("en-GB", "5 Dec 2026", "1 Mar 2027"),
    ("en-US", "Dec 5, 2026", "Mar 1, 2027"),
    ("de-DE", "05.12.2026", "01.03.2027"),
    ("fr-FR", "5 déc. 2026", "1 mars 2027"),
])
def test_a_date_is_written_in_the_locales_order_with_its_month_names(locale: str, december: str, march: str) -> None:
    assert format_day(date(2026, 12, 5), locale) == december
    assert format_day("2027-03-01", locale) == march
    assert format_day(datetime(2027, 3, 1, 23, 59, tzinfo=UTC), locale) == march


@pytest.mark.parametrize(("locale", "decimal", "whole", "negative"), [
    ("en-GB", "1,234.5", "1,234,567", "-0.25"),
    ("en-US", "1,234.5", "1,234,567", "-0.25"),
    ("de-DE", "1.234,5", "1.234.567", "-0,25"),
    ("fr-FR", "1\u202f234,5", "1\u202f234\u202f567", "-0,25"),
])
def test_a_number_uses_the_locales_decimal_and_grouping_symbols(locale: str, decimal: str, whole: str,
                                                                 negative: str) -> None:
    assert format_number(1234.5, locale) == decimal
    assert format_number(1234567, locale) == whole
    assert format_number(Decimal("-0.25"), locale) == negative


def test_a_number_shows_the_decimals_asked_for_and_otherwise_no_trailing_zeros() -> None:
    assert format_number(2.0, "de-DE", 1) == "2,0"
    assert format_number(12.345, "en-GB", 0) == "12"
    assert format_number(28.0, "en-GB") == "28"
    assert format_number(4.756, "fr-FR") == "4,76"
    assert format_number(-0.001, "en-GB") == "0"
    assert format_number(None, "en-GB") == ""


@pytest.mark.parametrize(("locale", "afternoon", "midnight"), [
    ("en-GB", "5 Dec 2026, 14:05 UTC", "6 Dec 2026, 00:00 UTC"),
    ("en-US", "Dec 5, 2026, 2:05 PM UTC", "Dec 6, 2026, 12:00 AM UTC"),
    ("de-DE", "05.12.2026, 14:05 UTC", "06.12.2026, 00:00 UTC"),
    ("fr-FR", "5 déc. 2026, 14:05 UTC", "6 déc. 2026, 00:00 UTC"),
])
def test_a_time_is_written_in_utc_on_the_locales_clock(locale: str, afternoon: str, midnight: str) -> None:
    assert format_when(datetime(2026, 12, 5, 14, 5, tzinfo=UTC), locale) == afternoon
    auckland = timezone(timedelta(hours=13))
    assert format_when(datetime(2026, 12, 6, 13, 0, tzinfo=auckland), locale) == midnight
    assert format_when("2026-12-05T14:05:09+00:00", locale) == afternoon


def test_noon_on_a_twelve_hour_clock_is_pm() -> None:
    assert format_when(datetime(2026, 12, 5, 12, 30), "en-US") == "Dec 5, 2026, 12:30 PM UTC"


def test_seconds_are_written_when_asked_for() -> None:
    moment = datetime(2026, 12, 5, 14, 5, 9, tzinfo=UTC)
    assert format_when(moment, "en-US", seconds=True) == "Dec 5, 2026, 2:05:09 PM UTC"
    assert format_when(moment, "de-DE", seconds=True) == "05.12.2026, 14:05:09 UTC"


def test_a_stored_value_is_written_as_what_it_is() -> None:
    assert format_value("2026-12-05", "de-DE") == "05.12.2026"
    assert format_value("2026-12-05T14:05:00Z", "en-US") == "Dec 5, 2026, 2:05 PM UTC"
    assert format_value(7.5, "fr-FR") == "7,5"
    assert format_value(True, "de-DE") == "True"
    assert format_value(["ST36", "LI4"], "de-DE") == "['ST36', 'LI4']"
    assert format_value("2026-12-05 was a Saturday", "de-DE") == "2026-12-05 was a Saturday"
    assert format_value(None, "en-GB") == "—"


def test_an_unknown_or_missing_locale_writes_as_the_default_en_gb() -> None:
    assert format_day(date(2026, 12, 5), None) == format_day(date(2026, 12, 5), "tlh") == "5 Dec 2026"
    assert format_number(1234.5, "tlh") == "1,234.5"


def test_the_filters_read_the_pages_locale_from_the_context() -> None:
    env = Environment(autoescape=True)
    locales.install(env)
    page = env.from_string("{{ d | day }} · {{ t | when }} · {{ n | number(1) }} · {{ v | value }}")
    values = {"d": date(2026, 12, 5), "t": datetime(2026, 12, 5, 9, 0, tzinfo=UTC), "n": 2, "v": "2026-01-02"}
    assert page.render(locale="de-DE", **values) == "05.12.2026 · 05.12.2026, 09:00 UTC · 2,0 · 02.01.2026"
    assert page.render(**values) == "5 Dec 2026 · 5 Dec 2026, 09:00 UTC · 2.0 · 2 Jan 2026"
