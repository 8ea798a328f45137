"""HTML to PDF with WeasyPrint, loading nothing from outside the document.

A document's HTML holds its charts as inline SVG and its style from ``templates/print.css`` (read from
the package), so WeasyPrint needs no resource: the URL fetcher refuses every URL, so a document never
makes the renderer reach a file or the network. The PDF's title and author come from the HTML's
``<title>`` and ``<meta name="author">``. WeasyPrint is imported on first use (it takes a few tenths of
a second), so the CLI's other commands and the API's start-up do not pay for it.
"""

from __future__ import annotations

from importlib import resources
from typing import Any

#: The print style sheet every document uses (A4, running header, "Page X of Y").
_CSS = resources.files("acupath.reports.documents").joinpath("templates/print.css")


def _fetcher() -> Any:
    from weasyprint.urls import URLFetcher

    class NoFetch(URLFetcher):  # type: ignore[misc]
        """Refuses every URL: documents are self-contained, anything they would load is a mistake."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            raise ValueError("documents load no outside resource")

    return NoFetch()


def write_pdf(html: str) -> bytes:
    """Return the PDF of ``html`` laid out on A4 pages with ``print.css``.

    Raises what WeasyPrint raises for HTML it cannot lay out (never for the package's templates).
    """
    from weasyprint import CSS, HTML

    fetcher = _fetcher()
    style = CSS(string=_CSS.read_text(encoding="utf-8"), url_fetcher=fetcher)
    return HTML(string=html, url_fetcher=fetcher, base_url="about:blank").write_pdf(stylesheets=[style])  # type: ignore[no-any-return]
