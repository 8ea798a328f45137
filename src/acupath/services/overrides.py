"""Overrides of screening findings: validated input, and a screening with the overrides applied.

A finding can be overridden only with a written reason; the override is kept on the finding (which
stays visible, marked overridden) and the screening's status is worked out again.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from acupath.errors import InputError
from acupath.safety import status_of
from acupath.safety.findings import Action, Override, Screening
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
    return [parse(OverrideInput, item, f"{field}.{i}") for i, item in enumerate(overrides)]


def apply_overrides(
    screening: Screening, requested: Iterable[Override], kept: Iterable[Override] = (), field: str = "overrides"
) -> Screening:
    """Return ``screening`` with the overrides set on their findings and the status worked out again.

    ``requested`` must each name a finding of this screening that is not an urgent referral
    (``InputError`` naming ``field`` otherwise);
    ``kept`` (overrides made earlier, e.g. for a previous plan version) apply where their finding is
    still found and are dropped where it is not.
    """
    codes = {f.code for f in screening.findings}
    chosen: dict[str, Override] = {o.finding: o for o in kept if o.finding in codes}
    for i, override in enumerate(requested):
        if override.finding not in codes:
            raise InputError(f"{field}.{i}.finding", f"{override.finding!r} names no finding of this screening",
                             sorted(codes) or "none (screening found nothing to override)")
        finding = next(f for f in screening.findings if f.code == override.finding)
        if finding.action is Action.URGENT_REFERRAL:
            # DESIGN.md: urgent findings stop planning; no written reason makes needling safe then.
            raise InputError(f"{field}.{i}.finding", f"{override.finding} calls for urgent referral and "
                             "cannot be overridden")
        chosen[override.finding] = override
    if not chosen:
        return screening
    findings = tuple(replace(f, override=chosen[f.code]) if f.code in chosen else f for f in screening.findings)
    return Screening(findings=findings, status=status_of(findings), knowledge_version=screening.knowledge_version)
