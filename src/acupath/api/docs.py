"""``/docs``: Swagger UI served from the package, as FastAPI's "Custom Docs UI Static Assets" recipe shows.

The assets (``docs_assets/``: Swagger UI's bundle, stylesheet, icon and licence; where they come from
is in its README) are mounted with Starlette's ``StaticFiles``, so the page works offline and loads
nothing from a CDN. The page's one inline script is allowed by its SHA-256 in the page's own
Content-Security-Policy; its styles need ``'unsafe-inline'`` (Swagger UI sets style attributes).
Whether ``/docs`` and ``/openapi.json`` are served at all is ``Settings.docs`` (``create_app``).
"""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS = Path(__file__).with_name("docs_assets")
ASSETS_URL = "/docs/assets"


def _script_hash(html: str) -> str:
    """Return the CSP source of the page's inline script: ``'sha256-…'`` of its exact text."""
    inline = re.findall(r"<script>(.*?)</script>", html, flags=re.DOTALL)
    digests = (base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() for text in inline)
    return " ".join(f"'sha256-{digest}'" for digest in digests)


def install_docs(app: FastAPI, openapi_url: str) -> None:
    """Serve Swagger UI at ``/docs`` for the schema at ``openapi_url``, with its assets from the package."""
    app.mount(ASSETS_URL, StaticFiles(directory=ASSETS), name="docs-assets")
    page = get_swagger_ui_html(
        openapi_url=openapi_url, title=f"{app.title} - API docs",
        swagger_js_url=f"{ASSETS_URL}/swagger-ui-bundle.js", swagger_css_url=f"{ASSETS_URL}/swagger-ui.css",
        swagger_favicon_url=f"{ASSETS_URL}/favicon-32x32.png",
        # validatorUrl None: Swagger UI would otherwise send the schema to validator.swagger.io.
        swagger_ui_parameters={"validatorUrl": None})
    html = bytes(page.body).decode()
    policy = (f"default-src 'none'; script-src 'self' {_script_hash(html)}; style-src 'self' 'unsafe-inline'; "
              "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
              "form-action 'none'")

    @app.get("/docs", include_in_schema=False)
    async def swagger_ui() -> HTMLResponse:
        return HTMLResponse(html, headers={"Content-Security-Policy": policy})
