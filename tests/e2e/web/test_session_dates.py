"""A session's date on its pages (TestClient, demo clinic, en-GB): in order with the plan's sessions, and
no form offered for a plan that has not started yet. Found in a clinician's walk-through: a session dated
before the last one was stored under the next number; a plan starting tomorrow offered an impossible range.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from html import unescape

from test_session_charting import START, TODAY, chart, form_of, fresh_plan, given, new_session
from web_world import Site

NOTES = "Patient walked in without a stick today."


def _error_of(page: str, field: str) -> str:
    """Return the text of the error beside ``field`` (the page's words, tags removed)."""
    text = unescape(page)
    found = re.search(rf'<p class="field-error" id="{re.escape(field)}-error">(.*?)</p>', text, re.S)
    assert found, f"no error beside {field}"
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split())


def test_a_session_dated_before_the_last_one_is_refused_beside_the_date_and_nothing_typed_is_lost(
        site: Site) -> None:
    plan = fresh_plan(site)
    browser = site.as_("clinician")
    for days in (1, 4, 8):  # 18, 21 and 25 Nov 2026
        assert chart(browser, plan, session_date=(START + timedelta(days=days)).isoformat()).status_code == 303
    refused = chart(browser, plan, session_date=(START + timedelta(days=2)).isoformat(), notes=NOTES)
    assert refused.status_code == 422
    error = _error_of(refused.text, "session_date")
    assert "19 Nov 2026 is before the date of session 3 (25 Nov 2026)" in error
    assert "on or after 25 Nov 2026, the date of session 3" in error and "on or before today, 1 Dec 2026" in error
    assert not re.search(r"\d{4}-\d{2}-\d{2}", error)  # the clinic's date format, not ISO
    assert 'href="#session_date"' in refused.text
    sent = form_of(refused.text, new_session(plan))
    assert sent["session_date"] == (START + timedelta(days=2)).isoformat() and sent["notes"] == NOTES
    assert [(s.number, s.session_date) for s in given(site, plan)] == [
        (n, START + timedelta(days=d)) for n, d in ((1, 1), (2, 4), (3, 8))]


def test_the_date_hint_and_box_start_at_the_last_sessions_date(site: Site) -> None:
    plan = fresh_plan(site)
    browser = site.as_("clinician")
    page = unescape(browser.get(new_session(plan)).text)
    assert "From 17 Nov 2026 (the plan's start) to today (1 Dec 2026)." in page
    assert chart(browser, plan, session_date=(START + timedelta(days=8)).isoformat()).status_code == 303
    page = unescape(browser.get(new_session(plan)).text)
    assert "From 25 Nov 2026 (the date of session 1) to today (1 Dec 2026)." in page
    box = page[page.index('<input id="session_date"'):]
    assert 'min="2026-11-25" max="2026-12-01"' in box[:box.index(">")]


def test_two_sessions_on_one_day_are_charted_in_order(site: Site) -> None:
    plan = fresh_plan(site)
    browser = site.as_("clinician")
    for _ in range(2):
        assert chart(browser, plan, session_date=TODAY.isoformat()).status_code == 303
    assert [(s.number, s.session_date) for s in given(site, plan)] == [(1, TODAY), (2, TODAY)]


def test_a_plan_starting_tomorrow_says_when_sessions_can_be_charted_instead_of_a_form(site: Site) -> None:
    plan = fresh_plan(site, schedule={"start": (TODAY + timedelta(days=1)).isoformat()})
    browser = site.as_("clinician")
    said = "This plan starts on 2 Dec 2026; sessions can be charted from that day."
    chart_page = unescape(browser.get(f"/clinic/patients/{plan.patient_id}").text)
    assert said in chart_page and f'href="{new_session(plan)}"' not in chart_page
    plan_page = unescape(browser.get(f"/clinic/plans/{plan.id}").text)
    assert said in plan_page and f'href="{new_session(plan)}"' not in plan_page
    form_page = unescape(browser.get(new_session(plan)).text)
    assert said in form_page and f'action="{new_session(plan)}"' not in form_page
    assert "to today (1 Dec 2026)" not in form_page


def test_a_form_posted_for_a_plan_not_started_is_refused_in_the_clinics_words_keeping_what_was_typed(
        site: Site) -> None:
    started = fresh_plan(site)
    later = fresh_plan(site, schedule={"start": (TODAY + timedelta(days=1)).isoformat()})
    browser = site.as_("clinician")
    fields = {**form_of(browser.get(new_session(started)).text, new_session(started)), "notes": NOTES}
    refused = browser.client.post(new_session(later), data=fields, follow_redirects=False)
    assert refused.status_code == 422
    error = _error_of(refused.text, "session_date")
    assert "1 Dec 2026 is before the plan's start (2 Dec 2026)" in error
    assert "none yet: this plan starts on 2 Dec 2026; sessions can be charted from that day" in error
    assert not re.search(r"\d{4}-\d{2}-\d{2}", error)
    assert form_of(refused.text, new_session(later))["notes"] == NOTES
    assert given(site, later) == []


def test_a_plan_starting_today_offers_the_form(site: Site) -> None:
    plan = fresh_plan(site, schedule={"start": TODAY.isoformat()})
    browser = site.as_("clinician")
    assert f'href="{new_session(plan)}">Chart a session</a>' in browser.get(f"/clinic/patients/{plan.patient_id}").text
    assert "sessions can be charted from that day" not in browser.get(new_session(plan)).text
    assert chart(browser, plan).status_code == 303


def test_the_chart_says_how_long_the_next_visit_is_overdue(site: Site) -> None:
    late = fresh_plan(site)  # started two weeks ago, nothing charted yet
    lead = unescape(site.as_("clinician").get(f"/clinic/patients/{late.patient_id}").text)
    first = late.plan["sessions"][0]["date"]
    overdue = (TODAY - date.fromisoformat(first)).days
    assert overdue > 0 and f"{overdue} days overdue</strong>, reschedule or chart it" in lead
    on_time = fresh_plan(site, schedule={"start": TODAY.isoformat()})
    assert "overdue" not in site.as_("clinician").get(f"/clinic/patients/{on_time.patient_id}").text
