"""acupath's FHIR extensions: their StructureDefinitions ship as JSON in ``fhir/definitions/`` and
these functions write extension values that follow them.

The shipped files hold ``{base}`` where the clinic's canonical base goes (``Canon``), so a clinic that
sets ``ACUPATH_FHIR_BASE`` publishes definitions whose URLs match the extensions its resources carry.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from fhir.resources.R4B.structuredefinition import StructureDefinition

from acupath.fhir.canonical import Canon
from acupath.fhir.terminology import UCUM

EA_SETTINGS = "electroacupuncture-settings"
POINT_SIDE = "point-side"
UNVERIFIED_CODE = "unverified-code"
#: Every StructureDefinition acupath ships.
STRUCTURE_DEFINITIONS = (EA_SETTINGS, POINT_SIDE, UNVERIFIED_CODE)


@cache
def _template(name: str) -> str:
    return (resources.files("acupath.fhir") / "definitions" / f"{name}.json").read_text(encoding="utf-8")


def structure_definition(canon: Canon, name: str) -> StructureDefinition:
    """Return the shipped StructureDefinition ``name`` under ``canon``'s base. Raises ``KeyError`` if unknown."""
    if name not in STRUCTURE_DEFINITIONS:
        raise KeyError(name)
    # The base is JSON-escaped before it replaces the placeholder, so no base can break the document.
    base = json.dumps(canon.base)[1:-1]
    return StructureDefinition.model_validate_json(_template(name).replace("{base}", base))


def point_side(canon: Canon, side: str | None) -> list[dict[str, Any]]:
    """Return the ``point-side`` extension for ``side`` (none when the side is not recorded)."""
    return [{"url": canon.extension(POINT_SIDE), "valueCode": side}] if side else []


def unverified(canon: Canon, why: str) -> dict[str, Any]:
    """Return the ``unverified-code`` extension of a Coding, saying why."""
    return {"url": canon.extension(UNVERIFIED_CODE), "valueString": why}


def _quantity(value: float, unit: str, code: str) -> dict[str, Any]:
    return {"value": value, "unit": unit, "system": UCUM, "code": code}


def _range(low: float, high: float, unit: str, code: str) -> dict[str, Any]:
    return {"low": _quantity(low, unit, code), "high": _quantity(high, unit, code)}


def ea_settings(canon: Canon, *, frequency: float | str | None = None,
                intensity: float | tuple[float, float] | None = None, pulse_width_ms: float | None = None,
                waveform: str | None = None, minutes: float | tuple[float, float] | None = None,
                pairs: list[str] | tuple[str, ...] = ()) -> dict[str, Any] | None:
    """Return the ``electroacupuncture-settings`` extension: only the settings given appear (None: none).

    ``frequency`` is Hz (a number) or the dense-disperse pair as text (``"2/100"``); ``intensity`` (mA)
    and ``minutes`` are a value or a (low, high) range; ``pairs`` one text per electrode circuit.
    """
    parts: list[dict[str, Any]] = []
    if isinstance(frequency, str):
        parts.append({"url": "frequency", "valueString": frequency})
    elif frequency is not None:
        parts.append({"url": "frequency", "valueQuantity": _quantity(frequency, "Hz", "Hz")})
    if isinstance(intensity, tuple):
        parts.append({"url": "intensity", "valueRange": _range(*intensity, "mA", "mA")})
    elif intensity is not None:
        parts.append({"url": "intensity", "valueQuantity": _quantity(intensity, "mA", "mA")})
    if pulse_width_ms is not None:
        parts.append({"url": "pulseWidth", "valueQuantity": _quantity(pulse_width_ms, "ms", "ms")})
    if waveform:
        parts.append({"url": "waveform", "valueCode": waveform})
    if isinstance(minutes, tuple):
        parts.append({"url": "duration", "valueRange": _range(*minutes, "min", "min")})
    elif minutes is not None:
        parts.append({"url": "duration", "valueQuantity": _quantity(minutes, "min", "min")})
    parts += [{"url": "electrodePair", "valueString": pair} for pair in pairs]
    if not parts:
        return None
    return {"url": canon.extension(EA_SETTINGS), "extension": parts}
