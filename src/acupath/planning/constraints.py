"""The safety constraints as the planner asks them, remembered (the decisions stay in ``acupath.safety``).

Many intakes share the same findings in force, and a point's cautions never depend on the patient, so
the answers of ``PlanConstraints`` are kept per knowledge base (``kb.derived``, ``knowledge.memo``) and
per set of findings in force. This module decides nothing: every answer comes from ``PlanConstraints``.
"""

from __future__ import annotations

from typing import Any

from acupath.knowledge.memo import Derived
from acupath.safety.constraints import PlanConstraints
from acupath.safety.findings import Screening

_MAX_KEPT = 512


class AskedConstraints:
    """``PlanConstraints`` with each answer remembered; same questions, same answers."""

    def __init__(self, constraints: PlanConstraints, derived: Derived) -> None:
        self.constraints = constraints
        self.regions = constraints.regions
        self._derived = derived
        self._points: dict[tuple[str, str | None], Any] = {}
        self._modalities: dict[str, Any] = {}
        self._pairs: dict[tuple[Any, Any], Any] = {}

    def point_allowed(self, code: str, side: str | None = None) -> Any:
        """Return ``PlanConstraints.point_allowed(code, side)`` (remembered)."""
        key = (code, side)
        verdict = self._points.get(key)
        if verdict is None:
            verdict = self._points[key] = self.constraints.point_allowed(code, side)
        return verdict

    def modality_allowed(self, modality: str) -> Any:
        """Return ``PlanConstraints.modality_allowed(modality)`` (remembered)."""
        verdict = self._modalities.get(modality)
        if verdict is None:
            verdict = self._modalities[modality] = self.constraints.modality_allowed(modality)
        return verdict

    def ea_pair_allowed(self, a: tuple[str, str | None], b: tuple[str, str | None]) -> Any:
        """Return ``PlanConstraints.ea_pair_allowed(a, b)`` (remembered)."""
        verdict = self._pairs.get((a, b))
        if verdict is None:
            verdict = self._pairs[(a, b)] = self.constraints.ea_pair_allowed(a, b)
        return verdict

    def warm_needle_allowed_at(self, code: str, side: str | None = None) -> Any:
        """Return ``PlanConstraints.warm_needle_allowed_at(code, side)``."""
        return self.constraints.warm_needle_allowed_at(code, side)

    def heat_allowed_at(self, code: str, side: str | None = None) -> Any:
        """Return ``PlanConstraints.heat_allowed_at(code, side)``."""
        return self.constraints.heat_allowed_at(code, side)

    def point_cautions(self, code: str) -> tuple[str, ...]:
        """Return ``PlanConstraints.point_cautions(code)`` (remembered per knowledge base: a point's
        cautions never depend on the patient)."""
        return self._derived.get("planning.point_cautions", code,
                                 lambda: tuple(self.constraints.point_cautions(code)))


def constraints_for(screening: Screening, kb: Any) -> AskedConstraints:
    """Return the constraints of ``screening``'s findings in force, shared with any screening alike
    (kept in ``kb.derived``, by the findings' codes and what they affect)."""
    key = tuple((f.code, f.affects) for f in screening.in_force())
    return kb.derived.get("planning.constraints", key, lambda: AskedConstraints(
        PlanConstraints.from_screening(screening, kb), kb.derived), capacity=_MAX_KEPT)
