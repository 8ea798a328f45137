"""``/docs`` in a real browser: Swagger UI renders from the package under the page's own policy, offline.

The site of ``conftest.py`` serves the API with ``ACUPATH_DOCS`` on (``Settings.docs``); nothing but the
server's own origin may be asked for, and no Content-Security-Policy violation may be reported.
"""

from __future__ import annotations

from browser_steps import Server
from playwright.sync_api import Page, expect


def test_swagger_ui_renders_from_the_package_within_its_policy(page: Page, server: Server) -> None:
    asked: list[str] = []
    console: list[str] = []
    page.on("request", lambda request: asked.append(request.url))
    page.on("console", lambda message: console.append(message.text))
    page.goto(f"{server.url}/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("acupath")
    expect(page.locator(".opblock-tag-section").first).to_be_visible()  # the operations, from /openapi.json
    outside = [url for url in asked if not url.startswith(server.url + "/") and not url.startswith("data:")]
    assert outside == []
    assert [text for text in console if "Content Security Policy" in text] == []
