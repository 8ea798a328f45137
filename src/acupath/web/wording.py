"""Codes as the pages say them: the Jinja2 filter ``words`` (``iv_drug_use`` -> "IV drug use").

A code's underscores become spaces; an abbreviation keeps its capitals (``SPELLED``), which
``str.capitalize`` lowered ("Iv drug use", "tcm").
"""

from __future__ import annotations

from typing import Any

#: Codes whose words are not their letters with spaces: abbreviations and hyphenated words.
SPELLED = {"iv_drug_use": "IV drug use", "long_term_steroids": "long-term steroids", "tcm": "TCM",
           "ea": "EA", "nrs": "NRS", "japanese": "Japanese", "korean": "Korean"}


def words(code: str, capital: bool = True) -> str:
    """Return ``code`` in words, its first letter a capital when ``capital`` (a label), else as spelled."""
    text = SPELLED.get(code) or code.replace("_", " ")
    return text[:1].upper() + text[1:] if capital else text


def install(env: Any) -> None:
    """Register the filter ``words`` on ``env`` (``pages.templates``)."""
    env.filters["words"] = words
