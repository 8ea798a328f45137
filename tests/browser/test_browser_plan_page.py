"""The plan page in a real browser: opened from the chart, every planned point on the body chart,
no serious accessibility violation, and a layout that fits 1280 px and a 768 px tablet."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from browser_steps import Server, serious_violations, sign_in
from playwright.sync_api import Page, expect


def open_plan(page: Page, server: Server) -> None:
    """Sign in as the clinician and open the red-flag patient's plan from their chart."""
    sign_in(page, server, "clinician")
    page.goto(f"{server.url}/clinic/patients/{server.red_flag_patient_id}")
    page.get_by_role("link", name=re.compile(r" plan$")).click()
    page.wait_for_url(re.compile(r"/clinic/plans/[0-9a-f]{32}$"))


def open_ea_plan(page: Page, server: Server) -> None:
    """Open the first plan with electroacupuncture, going through each demo patient's chart (signed in)."""
    for patient_id in server.patient_ids:
        page.goto(f"{server.url}/clinic/patients/{patient_id}")
        page.get_by_role("link", name=re.compile(r" plan$")).click()
        page.wait_for_url(re.compile(r"/clinic/plans/[0-9a-f]{32}$"))
        if page.get_by_text("Electrode pairs", exact=True).count():
            return
    raise AssertionError("the demo clinic should hold a plan with electroacupuncture")


def test_the_electrode_pairs_are_lines_between_their_points_on_the_chart(page: Page, server: Server) -> None:
    sign_in(page, server, "clinician")
    open_ea_plan(page, server)
    pairs = page.locator("svg[role=img] line[data-pair]").evaluate_all(
        "lines => lines.map(l => l.dataset.pair + ' ' + l.dataset.side)")
    assert pairs
    settings = page.locator(".settings").inner_text()
    for pair in pairs:
        a, b, side = pair.split(" ")
        assert f"{a}–{b} ({side})" in settings


def test_the_body_chart_carries_every_planned_point(page: Page, server: Server) -> None:
    open_plan(page, server)
    expect(page.get_by_role("heading", level=1)).to_contain_text("plan")
    planned = page.locator("table.points tbody tr").evaluate_all("rows => rows.map(r => r.id.slice(6))")
    assert planned
    chart = page.get_by_role("img", name=re.compile(r"\S"))
    expect(chart.first).to_be_visible()
    charted = page.locator("svg[role=img] circle[data-code]").evaluate_all(
        "circles => circles.map(c => c.dataset.code)")
    assert set(charted) == set(planned)
    titles = page.locator("svg[role=img] circle[data-code] > title").all_text_contents()
    assert all(any(code in title for code in planned) for title in titles) and len(titles) == len(charted)
    expect(page.locator(".findings > li").first).to_contain_text("Red flag")


def test_the_plan_page_has_no_serious_accessibility_violation(page: Page, server: Server) -> None:
    open_plan(page, server)
    assert serious_violations(page) == []


@pytest.mark.parametrize("width", [1280, 768])
def test_the_plan_page_fits_the_screen(page: Page, server: Server, width: int, tmp_path: Path) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    open_plan(page, server)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow} px at {width} px"
    chart = page.locator(".body-chart svg").bounding_box()
    figure = page.locator(".body-chart figure").bounding_box()
    assert chart is not None and figure is not None
    assert chart["x"] >= figure["x"] and chart["x"] + chart["width"] <= figure["x"] + figure["width"] + 0.5
    page.screenshot(path=str(tmp_path / f"plan-{width}.png"), full_page=True)
    open_ea_plan(page, server)
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    page.screenshot(path=str(tmp_path / f"plan-ea-{width}.png"), full_page=True)
