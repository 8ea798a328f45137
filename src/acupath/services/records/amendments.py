"""Amendments of clinical records: what a record was before each correction, who corrected it and why.

A session, adverse event or reassessment is never edited silently nor deleted: each correction keeps
the record as it was (``previous``, JSON values) with its version, and the record rises one version.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any


class AmendedType(StrEnum):
    """The kinds of record that can be amended."""

    SESSION = "session"
    ADVERSE_EVENT = "adverse_event"
    REASSESSMENT = "reassessment"


@dataclass(kw_only=True)
class Amendment:
    """One correction: ``previous`` is the record at ``version`` (as JSON values), replaced by ``version + 1``."""

    clinic_id: str
    record_type: str  # an ``AmendedType`` value
    record_id: str
    version: int
    previous: dict[str, Any]
    reason: str
    amended_at: datetime
    amended_by: str
