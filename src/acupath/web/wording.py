"""The pages' filter ``words``: codes as the clinic says them (``reports.wording``, shared with the PDFs)."""

from __future__ import annotations

from typing import Any

from acupath.reports.wording import ABBREVIATIONS, SPELLED, words

__all__ = ["ABBREVIATIONS", "SPELLED", "install", "words"]


def install(env: Any) -> None:
    """Register the filter ``words`` on ``env`` (``pages.templates``)."""
    env.filters["words"] = words
