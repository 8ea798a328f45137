"""Treatment planning: protocol selection, multimodal components, dated sessions and coverage.

``build_plan(intake, screening, kb, scores=None)`` returns a ``Plan`` (pure: no clock, no files).
"""

from acupath.planning.build import build_plan
from acupath.planning.plan import Plan

__all__ = ["Plan", "build_plan"]
