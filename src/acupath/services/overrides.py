"""Overrides of screening findings: validated input, and a screening with the overrides applied.

A finding can be overridden only with a written reason. Whether a reason is good enough (never "ok",
"n/a" or "cleared"; an urgent finding needs a longer one, the clearing clinician and the date) is the
domain's rule (``acupath.safety.overrides``), applied by ``apply_overrides``, so screening an intake,
creating or amending a plan and recording a session all follow the same rule. The services make the
signed-in clinician the override's ``by`` and the day it was made its ``on``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from acupath.safety import apply_overrides
from acupath.safety.findings import Override
from acupath.safety.overrides import REASON_ALLOWED
from acupath.services.validation import parse


class OverrideInput(BaseModel):
    """A clinician's override of one finding: the finding's code and a written reason."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    finding: str = Field(min_length=1, max_length=100)
    reason: str = Field(min_length=1, max_length=2000, description=f"Why the finding no longer stands: {REASON_ALLOWED}.")

    @field_validator("reason")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("a reason is required")
        return value


def parse_overrides(overrides: Iterable[dict[str, Any]], field: str = "overrides") -> list[OverrideInput]:
    """Return the validated overrides. Raises ``InputError`` (e.g. a missing or blank reason)."""
    return [parse(OverrideInput, item, f"{field}[{i}]") for i, item in enumerate(overrides)]


def requested_overrides(inputs: Iterable[OverrideInput], by: str, on: date) -> list[Override]:
    """Return the overrides ``inputs`` ask for, made by clinician ``by`` on day ``on``.

    Raises ``ValueError`` only for a blank ``by`` (the services always pass the signed-in user).
    """
    return [Override(finding=o.finding, reason=o.reason, by=by, on=on) for o in inputs]


__all__ = ["OverrideInput", "apply_overrides", "parse_overrides", "requested_overrides"]
