"""Steps the browser tests share: signing in through the form, and reading axe-core's verdict on a page."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from playwright.sync_api import Page

from web_clinic import EMAILS, PASSWORD


@dataclass(frozen=True)
class Server:
    """The running site: its URL and the ids the tests open."""

    url: str
    patient_ids: tuple[str, ...]
    red_flag_patient_id: str
    #: The served database's unit-of-work factory, the knowledge base and the demo clinic's id, for tests
    #: that set up what no page does yet (a portal invitation) through the services.
    uow_factory: Any = None
    kb: Any = None
    clinic_id: str = ""


AXE = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text()


def sign_in(page: Page, server: Server, persona: str) -> None:
    """Sign in as ``persona`` through the sign-in form; returns on the page it leads to."""
    page.goto(f"{server.url}/sign-in")
    page.get_by_label("Email").fill(EMAILS[persona])
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{server.url}/clinic/**")


def serious_violations(page: Page) -> list[dict[str, Any]]:
    """Return axe-core's serious and critical violations on the page (WCAG 2.1 A and AA rules).

    axe-core is evaluated through the DevTools protocol, which the page's Content-Security-Policy
    does not govern: the page itself still loads no script but its own.
    """
    page.evaluate(AXE + "\n;true")
    result = page.evaluate(
        "async () => (await axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})).violations"
        ".map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(' '))}))")
    return [v for v in result if v["impact"] in ("serious", "critical")]
