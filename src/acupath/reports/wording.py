"""Codes as the pages and the PDF documents say them: ``words`` (``iv_drug_use`` -> "IV drug use").

A code's underscores become spaces; an abbreviation keeps its capitals (``ABBREVIATIONS``, word by word:
"EA implanted device", "PHQ-9 self harm"), which ``str.capitalize`` lowered ("Iv drug use", "tcm"); a few
codes are spelled otherwise as a whole (``SPELLED``).
"""

from __future__ import annotations

#: Codes whose words are not their letters with spaces: hyphenated words and proper adjectives.
SPELLED = {"long_term_steroids": "long-term steroids", "japanese": "Japanese", "korean": "Korean",
           "electro": "electroacupuncture", "medicare": "Medicare"}
#: Words of a code that are abbreviations, as the clinic writes them.
ABBREVIATIONS = {"ea": "EA", "iv": "IV", "tcm": "TCM", "nrs": "NRS", "phq9": "PHQ-9", "lbp": "LBP",
                 "ncd": "NCD", "mcid": "MCID", "gad7": "GAD-7", "odi": "ODI", "pcs": "PCS", "ndi": "NDI"}


def words(code: str, capital: bool = True) -> str:
    """Return ``code`` in words, its first letter a capital when ``capital`` (a label), else as spelled."""
    text = SPELLED.get(code) or " ".join(ABBREVIATIONS.get(word, word) for word in code.split("_"))
    return text[:1].upper() + text[1:] if capital else text

