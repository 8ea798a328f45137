"""Steps of the clinician's pages that more than one browser test takes: ticking a questionnaire answer,
reading the points a charting form carries, and recording the session it shows."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect


def answer(page: Page, instrument: str, item: str, value: int) -> None:
    """Tick the option ``value`` of ``item`` in the questionnaire ``instrument`` of the form on the page."""
    page.locator(f'input[name="questionnaires.{instrument}.{item}"][value="{value}"]').check()


def points_shown(page: Page) -> list[tuple[str, str]]:
    """Return the (code, side) of each ticked point row of the charting form."""
    return page.locator("tr.point-row").evaluate_all(
        """rows => rows.filter(r => r.querySelector('input[type=checkbox]').checked
                              && r.querySelector('input.code-input').value)
                    .map(r => [r.querySelector('input.code-input').value, r.querySelector('select').value])""")


def record_session(page: Page, plan_url: str) -> int:
    """Press the charting form's record button; return the session number the plan page confirms."""
    button = page.get_by_role("button", name=re.compile(r"^Record session \d+$"))
    number = int(button.inner_text().rsplit(" ", 1)[1])
    button.click()
    page.wait_for_load_state()
    summary = page.locator(".error-summary")
    assert not summary.count(), summary.inner_text()
    page.wait_for_url(re.compile(re.escape(plan_url) + r"\?recorded="))
    expect(page.get_by_role("status")).to_have_text(f"Session {number} is recorded.")
    return number
