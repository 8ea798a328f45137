"""Example inputs for service and storage tests: intakes from ``examples/intakes`` and a session record."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]


def example_intake(name: str) -> dict[str, Any]:
    """Return ``examples/intakes/<name>.yaml`` as JSON values, without its patient block."""
    document = yaml.safe_load((ROOT / "examples" / "intakes" / f"{name}.yaml").read_text())
    document.pop("patient", None)
    return json.loads(json.dumps(document, default=str))


def example_session(**changes: Any) -> dict[str, Any]:
    """Return a manual-needling session of the right knee with every STRICTA item, changed by ``changes``."""
    data: dict[str, Any] = {
        "session_date": "2026-12-01", "style": "tcm", "rationale": "knee protocol (seed 001)",
        "individualisation": "semi_standardised",
        "points": [{"code": "ST35", "side": "right", "depth": 1.0, "unit": "cun", "response_sought": "de_qi",
                    "response_obtained": True}],
        "stimulation": {"kind": "manual"}, "retention_minutes": 20,
        "needle": {"diameter_mm": 0.25, "length_mm": 40, "material": "stainless steel", "manufacturer": "Seirin"},
        "co_interventions": ["home exercise"], "pain_before": 6, "pain_after": 4, "notes": "tolerated well",
    }
    data.update(changes)
    return data
