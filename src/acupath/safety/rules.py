"""The interpreter of safety.yaml's condition operators (never ``eval``: a fixed vocabulary).

``holds(when, facts)`` answers whether a rule's condition is true of one intake on one day; the
operators are listed in ``acupath.knowledge.schema.safety``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from acupath.assessment.intake import Intake
from acupath.errors import KnowledgeError
from acupath.knowledge.schema.instruments import SAFETY_ITEM_FLAG
from acupath.knowledge.schema.safety import When

#: Scores one questionnaire of the intake and returns the flags it raised (``self_harm_risk`` ...).
FlagScorer = Callable[[str, dict[str, Any]], frozenset[str]]


@dataclass
class Facts:
    """What the rules are evaluated against: the intake, the screening day, and a questionnaire scorer.

    Flags are scored at most once per instrument (cached here).
    """

    intake: Intake
    today: date
    scorer: FlagScorer
    _flags: dict[str, frozenset[str]] = field(default_factory=dict)

    def value(self, path: str) -> Any:
        """Return the intake field at a dotted ``path``.

        Raises ``KnowledgeError`` when safety.yaml names a field the intake does not have.
        """
        current: Any = self.intake
        for part in path.split("."):
            if not hasattr(current, part) or part.startswith("_"):
                raise KnowledgeError("safety.yaml", path, "the intake has no such field")
            current = getattr(current, part)
        return current

    def flags(self, instrument: str) -> frozenset[str]:
        """Return the flags raised by scoring ``instrument``'s answers (empty when not answered)."""
        if instrument not in self._flags:
            answers = self.intake.questionnaires.get(instrument)
            self._flags[instrument] = frozenset() if answers is None else self.scorer(instrument, answers)
        return self._flags[instrument]

    def unanswered_safety_instruments(self) -> tuple[str, ...]:
        """Return the intake's instruments whose score flagged an unanswered safety item, in intake order."""
        return tuple(name for name in self.intake.questionnaires if SAFETY_ITEM_FLAG in self.flags(name))

    def age(self) -> int:
        """Return the patient's age in whole years on the screening day."""
        return self.intake.age_on(self.today)

    def onset_age(self) -> int:
        """Return the patient's age when the pain began (screening day minus its duration)."""
        return self.intake.age_on(self.today - timedelta(weeks=self.intake.pain.duration_weeks))


def _field_true(facts: Facts, path: str) -> bool:
    value = facts.value(path)
    if not isinstance(value, bool):
        raise KnowledgeError("safety.yaml", path, "field_true needs a true/false field")
    return value


def _below(value: Any, limit: int) -> bool:
    # An unset number (None: not recorded) is not below anything; rules that must treat "not recorded"
    # as the worst case say so with ``not: {field_nonempty: ...}``.
    return isinstance(value, int) and not isinstance(value, bool) and value < limit


_OPERATORS: dict[str, Callable[[Facts, Any], bool]] = {
    "all": lambda facts, conds: all(holds(c, facts) for c in conds),
    "any": lambda facts, conds: any(holds(c, facts) for c in conds),
    "not": lambda facts, cond: not holds(cond, facts),
    "always": lambda facts, _: True,
    "field_true": _field_true,
    "field_equals": lambda facts, op: facts.value(op.field) == op.value,
    "field_in": lambda facts, op: facts.value(op.field) in op.values,
    "field_nonempty": lambda facts, path: bool(facts.value(path)),
    "field_below": lambda facts, op: _below(facts.value(op.field), op.value),
    "age_over": lambda facts, years: facts.age() > years,
    "onset_age_over": lambda facts, years: facts.onset_age() > years,
    "condition_in": lambda facts, names: facts.intake.condition in names,
    "score_flag": lambda facts, op: op.flag in facts.flags(op.instrument),
    "safety_item_unanswered": lambda facts, _: bool(facts.unanswered_safety_instruments()),
    "medication_class_in": lambda facts, classes: bool(facts.intake.medication_classes() & set(classes)),
}


def holds(when: When, facts: Facts) -> bool:
    """Return True when the condition ``when`` is true of ``facts``.

    Raises ``KnowledgeError`` when the condition names an intake field that does not exist.
    """
    name, operand = when.operator()
    return _OPERATORS[name](facts, operand)
