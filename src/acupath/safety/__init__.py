"""acupath.safety: screening for red flags and contraindications, and the constraints a plan must honour.

``screen(intake, kb, today)`` returns a ``Screening``; ``PlanConstraints.from_screening`` is the one
place that decides what a plan may contain; ``violations`` checks a finished plan against a screening.
"""

from acupath.safety.constraints import PlanConstraints, Verdict
from acupath.safety.overrides import apply_overrides, status_of
from acupath.safety.screening import screen
from acupath.safety.violations import PlanOutline, violations

__all__ = ["PlanConstraints", "PlanOutline", "Verdict", "apply_overrides", "screen", "status_of", "violations"]
