"""Aggregate payloads of two and three clinics for the network tests, written down as a clinic would export them."""

from __future__ import annotations

import copy
from typing import Any


def cell(condition: str, courses: int | None, responders: int | None, followed_up: int | None,
         mean: float | None, sd: float | None) -> dict[str, Any]:
    """Return one condition's cell (None everywhere for a suppressed one)."""
    return {"condition": condition, "courses": courses, "responders": responders, "followed_up": followed_up,
            "mean_improvement": mean, "sd_improvement": sd}


def payload(clinic: str, cells: list[dict[str, Any]], min_cell: int = 10) -> dict[str, Any]:
    """Return an aggregate payload of ``clinic``."""
    return {"clinic": clinic, "exported_on": "2026-12-01", "period_start": None, "period_end": None,
            "outcome": {"instrument": "nrs", "at_session": None,
                        "responder": "pain NRS improved by at least the MCID (2 points or 30 %, Farrar 2001, Ostelo 2008)"},
            "min_cell": min_cell, "conditions": copy.deepcopy(cells), "note": "test data"}


HARBOUR = payload("Harbour", [cell("chronic_low_back_pain", 100, 60, 94, 1.89, 1.55),
                              cell("neck_pain", 67, 30, 60, 1.52, 1.45),
                              cell("migraine", None, None, None, None, None)])
RIVERSIDE = payload("Riverside", [cell("chronic_low_back_pain", 35, 11, 34, 1.15, 1.46),
                                  cell("neck_pain", 29, 15, None, None, None),
                                  cell("migraine", 19, 12, 19, 1.63, 1.38)])
HILL = payload("Hill", [cell("chronic_low_back_pain", 52, 30, 50, 2.31, 1.70),
                        cell("neck_pain", 12, 12, 12, 2.9, 0.8)])
