"""The practice-evidence page in a real browser: reached from the menu, a question asked with the form by
keyboard, the table, the chart and the literature shown, no serious accessibility violation, 768 px wide."""

from __future__ import annotations

import re

from browser_steps import Server, serious_violations, sign_in
from playwright.sync_api import Page, expect


def test_a_clinician_asks_which_plans_work_and_sees_the_table_chart_and_literature(page: Page,
                                                                                   server: Server) -> None:
    sign_in(page, server, "clinician")
    page.get_by_role("link", name="Practice evidence").click()
    page.wait_for_url(re.compile(r"/clinic/analytics$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Practice evidence")
    page.get_by_label("Group by").select_option("ea")
    page.get_by_label("And by").select_option("payer")
    page.get_by_label("Condition", exact=True).select_option("chronic_low_back_pain")
    page.get_by_label("Completers (courses followed up)").check()
    page.get_by_role("button", name="Show").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"by=ea&then=payer&condition=chronic_low_back_pain"))
    table = page.get_by_role("region", name="Responder rates").locator("table")
    expect(table).to_be_visible()
    expect(table.locator("thead")).to_contain_text("Electroacupuncture (yes/no)")
    expect(table.locator("thead")).to_contain_text("Payer")
    assert table.locator("tbody tr").count() >= 1
    chart = page.locator("svg.evidence-chart").first
    expect(chart).to_be_visible()
    expect(chart.locator("title").first).to_contain_text("Responder rate by electroacupuncture")
    # The literature for the same condition, with its verification status in words.
    literature = page.get_by_role("region", name=re.compile("What the literature says"))
    expect(literature).to_contain_text("chronic low back pain")
    expect(literature).to_contain_text(re.compile("Contradicted|Verified|Unverified"))
    # Every group under the threshold says so in words; none shows a number of courses.
    for row in table.locator("tbody tr").all():
        cells = row.locator("td").all_inner_texts()
        assert "suppressed" in " ".join(cells) or int(cells[0]) >= 10
    assert serious_violations(page) == []


def test_the_page_fits_a_tablet_and_a_bad_date_is_named(page: Page, server: Server) -> None:
    page.set_viewport_size({"width": 768, "height": 1024})
    sign_in(page, server, "clinician")
    page.goto(f"{server.url}/clinic/analytics?by=condition&start=2026-02-30")
    expect(page.locator(".error-summary, [role=alert]").first).to_contain_text("Courses started from")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 768
    assert serious_violations(page) == []
