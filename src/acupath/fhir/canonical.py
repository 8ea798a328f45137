"""Canonical URLs, resource ids and references: one place that names every acupath FHIR artefact.

A clinic's IT sets the base (``ACUPATH_FHIR_BASE``, ``Settings.fhir_base``); every canonical URL of a
definition acupath publishes (CodeSystem, StructureDefinition, Questionnaire, PlanDefinition) is
``{base}/{type}/{id}``, so the URLs stay stable for as long as the base does. Resource ids are
acupath's record ids; FHIR ids allow only ``[A-Za-z0-9.-]{1,64}``, so knowledge ids (``bpi_sf``) are
written with hyphens (``bpi-sf``) and derived resources append a suffix to their record's id.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

#: The FHIR id rule (R4 datatypes: id).
FHIR_ID = re.compile(r"^[A-Za-z0-9\-.]{1,64}$")

#: The default base when a clinic has set none: the reserved ``.example`` domain, so no real site is named.
DEFAULT_BASE = "https://acupath.example/fhir"


def fhir_id(text: str) -> str:
    """Return ``text`` as a FHIR id: underscores become hyphens. Raises ``ValueError`` if still invalid."""
    value = text.replace("_", "-")
    if not FHIR_ID.match(value):
        raise ValueError(f"{text!r} cannot be a FHIR id")
    return value


def knowledge_id(value: str) -> str:
    """Return the knowledge id a FHIR id stands for (``bpi-sf`` -> ``bpi_sf``)."""
    return value.replace("-", "_")


def as_json(resource: Any) -> dict[str, Any]:
    """Return a ``fhir.resources`` model as the JSON a client receives (no empty elements)."""
    return resource.model_dump(mode="json", exclude_none=True)  # type: ignore[no-any-return]


@dataclass(frozen=True)
class Canon:
    """The canonical URLs under one base (no trailing slash)."""

    base: str = DEFAULT_BASE

    def __post_init__(self) -> None:
        object.__setattr__(self, "base", self.base.rstrip("/"))

    def url(self, resource_type: str, resource_id: str) -> str:
        """Return the canonical URL of the definition ``resource_type``/``resource_id``."""
        return f"{self.base}/{resource_type}/{resource_id}"

    def code_system(self, name: str) -> str:
        """Return the URL of the acupath CodeSystem ``name`` (its id)."""
        return self.url("CodeSystem", name)

    def extension(self, name: str) -> str:
        """Return the URL of the acupath extension defined by StructureDefinition ``name``."""
        return self.url("StructureDefinition", name)

    def identifier_system(self, name: str) -> str:
        """Return the system of acupath's identifiers of ``name`` (``mrn``, ``user``)."""
        return f"{self.base}/identifier/{name}"


def reference(resource_type: str, resource_id: str, display: str | None = None) -> dict[str, str]:
    """Return a literal reference ``{"reference": "Type/id"}`` (with ``display`` when given)."""
    out = {"reference": f"{resource_type}/{resource_id}"}
    if display:
        out["display"] = display
    return out
