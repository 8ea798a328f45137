"""Stored JSON documents read often enough to keep what was read of them.

Progress reads the totals of every reassessment of a patient on every request; decoding each stored
scores document (every item and band of every questionnaire) was a tenth of the request on
PostgreSQL. The totals are kept here by the document's exact text, so a document that changed is a
new key and can never be answered from an old one.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from acupath.services.records.summaries import flags_of, totals_of

#: Distinct score documents kept (one a reassessment; a few kilobytes of text each).
DOCUMENTS_KEPT = 2048


@lru_cache(maxsize=DOCUMENTS_KEPT)
def stored_totals(text: str) -> tuple[tuple[tuple[str, Any], ...], tuple[tuple[str, str], ...]]:
    """Return each instrument's total and the flags of a stored scores document (JSON text), as
    ``totals_of`` and ``flags_of``.

    Raises ``ValueError`` for text that is not a JSON object of objects.
    """
    scores = json.loads(text)
    if not isinstance(scores, dict) or not all(isinstance(score, dict) for score in scores.values()):
        raise ValueError("stored scores are not a JSON object of objects")
    return totals_of(scores), flags_of(scores)
