"""The header every knowledge file carries (DESIGN.md, "Clinical knowledge is data").

Each file has ``id``, ``version`` (semver), ``status``, ``citations`` (keys into citations.yaml) and
worked ``examples`` that run as tests. Models forbid unknown keys so that a typo in a file is an error,
not a silently ignored field.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, field_validator

SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$")

Status = Literal["draft", "active", "retired"]


class Strict(BaseModel):
    """Base for every knowledge model: unknown keys are rejected, instances are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Document(Strict):
    """Header fields shared by every knowledge file."""

    id: str
    version: str
    status: Status
    title: str | None = None
    citations: tuple[str, ...] = ()
    examples: tuple[dict[str, Any], ...] = ()

    @field_validator("version")
    @classmethod
    def _semver(cls, value: str) -> str:
        if not SEMVER.match(value):
            raise ValueError(f"version must be semver MAJOR.MINOR.PATCH, got {value!r}")
        return value

    @field_validator("id")
    @classmethod
    def _identifier(cls, value: str) -> str:
        if not re.match(r"^[a-z][a-z0-9_]*$", value):
            raise ValueError(f"id must be lower_snake_case, got {value!r}")
        return value

    def cited_keys(self) -> set[str]:
        """Return every citation key this document refers to (header and body).

        Subclasses with citations inside their entries extend this.
        """
        return set(self.citations)

    def point_codes(self) -> set[str]:
        """Return every acupoint code this document names; files that name points override this."""
        return set()
