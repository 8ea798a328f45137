"""Requesting the pages as a persona of ``web_clinic`` through the ASGI app, each with its own client."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from web_clinic import EMAILS, PASSWORD

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
#: The pages' day in these tests (``conftest.site`` runs their clock at its midday).
TODAY = date(2026, 12, 1)


def noon(day: date) -> datetime:
    """Return midday UTC of ``day`` (the pages' clock in these tests)."""
    return datetime(day.year, day.month, day.day, 12, 0, tzinfo=UTC)


def csrf_token(html: str) -> str:
    """Return the CSRF token of the first form of a page."""
    found = TOKEN.search(html)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


@dataclass
class Browser:
    """A client with its own cookies, signed in as one persona."""

    client: TestClient

    def get(self, path: str, **kwargs: Any) -> Any:
        """GET ``path`` (redirects not followed)."""
        return self.client.get(path, follow_redirects=False, **kwargs)

    def post_form(self, path: str, page: str, fields: dict[str, str]) -> Any:
        """POST ``fields`` to ``path`` with the CSRF token of the page at ``page`` (redirects not followed)."""
        token = csrf_token(self.client.get(page).text)
        return self.client.post(path, data={"csrf_token": token, **fields}, follow_redirects=False)


def sign_in(client: TestClient, email: str) -> Browser:
    """Sign ``client`` in as ``email`` through the sign-in form; return it as a ``Browser``."""
    browser = Browser(client)
    response = browser.post_form("/sign-in", "/sign-in", {"email": email, "password": PASSWORD})
    assert response.status_code == 303, response.text
    return browser


@dataclass
class Site:
    """The site under test, its unit-of-work factory and the demo's summary."""

    app: FastAPI
    uow_factory: Callable[[], Any]
    demo: dict[str, Any]

    def client(self) -> TestClient:
        """Return a new client with no cookies."""
        return TestClient(self.app, base_url="https://testserver")

    def as_(self, persona: str) -> Browser:
        """Return a new client signed in as ``persona`` (clinician, reception, admin, outsider)."""
        return sign_in(self.client(), EMAILS[persona])
