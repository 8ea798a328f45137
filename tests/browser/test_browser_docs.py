"""``/docs`` in a real browser: Swagger UI renders from the package under the page's own policy, offline.

The API is served by uvicorn in this process with ``ACUPATH_DOCS`` on (``Settings.docs``), on a fresh
SQLite database; nothing but the server's own origin may be asked for, and no Content-Security-Policy
violation may be reported.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Page, expect

from acupath.api.app import create_app
from acupath.settings import Settings
from acupath.storage.migrate import upgrade


@pytest.fixture(scope="module")
def docs_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Serve the API with its docs on 127.0.0.1 and a free port; yield its base URL."""
    url = f"sqlite:///{Path(tmp_path_factory.mktemp('docs')) / 'docs.sqlite3'}"
    upgrade(url)
    app = create_app(Settings(env="test", database_url=url, secret_key="k" * 32, docs=True))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def test_swagger_ui_renders_from_the_package_within_its_policy(page: Page, docs_url: str) -> None:
    asked: list[str] = []
    console: list[str] = []
    page.on("request", lambda request: asked.append(request.url))
    page.on("console", lambda message: console.append(message.text))
    page.goto(f"{docs_url}/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("acupath")
    expect(page.locator(".opblock-tag-section").first).to_be_visible()  # the operations, from /openapi.json
    outside = [url for url in asked if not url.startswith(docs_url + "/") and not url.startswith("data:")]
    assert outside == []
    assert [text for text in console if "Content Security Policy" in text] == []
