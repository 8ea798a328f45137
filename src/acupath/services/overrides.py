"""Overrides of screening findings: validated input, and a screening with the overrides applied.

A finding can be overridden only with a written reason. Applying overrides to a screening is the
domain's job (``acupath.safety.apply_overrides``), so screening an intake and amending a plan follow the
same rule.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from acupath.safety import apply_overrides
from acupath.services.validation import parse


class OverrideInput(BaseModel):
    """A clinician's override of one finding: the finding's code and a written reason."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    finding: str = Field(min_length=1, max_length=100)
    reason: str = Field(min_length=3, max_length=2000)

    @field_validator("reason")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("a reason is required")
        return value


def parse_overrides(overrides: Iterable[dict[str, Any]], field: str = "overrides") -> list[OverrideInput]:
    """Return the validated overrides. Raises ``InputError`` (e.g. a missing or blank reason)."""
    return [parse(OverrideInput, item, f"{field}[{i}]") for i, item in enumerate(overrides)]


__all__ = ["OverrideInput", "apply_overrides", "parse_overrides"]
