"""Screening: every rule of safety.yaml applied to one intake, overrides attached, status computed.

Decisions recorded here (DESIGN.md, "Safety is a property"):

- No finding is ever dropped; an overridden finding stays in the list, marked with its override.
- The status is the worst action among the findings *in force*: urgent_referral, then referral, then
  proceed_with_cautions (any exclude or caution), else proceed.
- Every finding may be overridden by a clinician with a written reason, urgent referrals included
  (the house rule: the clinician decides and is accountable). The override is stored, shown on every
  rendering, and the finding itself is still listed. An override naming a code that screening did not
  find is an input error, so that a typo never silently leaves a finding in force.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from acupath.assessment.intake import Intake
from acupath.knowledge.schema.safety import AffectsSpec, Rule
from acupath.safety.findings import (
    Action,
    Affects,
    Finding,
    FindingKind,
    Override,
    Screening,
    Severity,
)
from acupath.safety.overrides import ACTION_RANK, apply_overrides, status_of
from acupath.safety.rules import Facts, FlagScorer, holds


def flagged_points(kb: Any, flags: Iterable[str]) -> frozenset[str]:
    """Return the codes of every point in points.yaml carrying one of ``flags`` (empty without points)."""
    points = getattr(kb, "points", None)
    wanted = frozenset(flags)
    if points is None or not wanted:
        return frozenset()
    # The points file is immutable: each flag set is resolved once per knowledge base (``kb.derived``).
    return kb.derived.get("safety.flagged_points", wanted, lambda: frozenset(
        p.code for p in points.points if wanted & set(p.safety_flags)))


def affects_of(spec: AffectsSpec, facts: Facts | None, kb: Any) -> Affects:
    """Return the concrete ``Affects`` of a rule: flagged points resolved, intake regions filled in."""
    regions = list(spec.regions)
    if spec.regions_from is not None and facts is not None:
        regions.extend(facts.value(spec.regions_from))
    techniques = set(spec.techniques) | {f"ea_over_region:{region}" for region in spec.ea_regions}
    ea_points = set(spec.ea_points) | flagged_points(kb, spec.ea_points_flagged)
    techniques |= {f"ea_at_point:{code}" for code in ea_points}
    if spec.ea_over_regions:
        techniques |= {f"ea_over_region:{region}" for region in regions}
    heat = list(spec.heat_regions)
    if spec.heat_regions_from is not None and facts is not None:
        heat.extend(facts.value(spec.heat_regions_from))
    techniques |= {f"heat_near_region:{region}" for region in heat}
    return Affects(
        points=frozenset(spec.points) | flagged_points(kb, spec.points_flagged),
        regions=frozenset(regions),
        modalities=frozenset(spec.modalities),
        techniques=frozenset(techniques),
    )


def unanswered_safety_items(facts: Facts, kb: Any) -> str:
    """Return the unanswered safety items of the intake's questionnaires as text for a finding.

    E.g. ``phq9 q9 "Thoughts that you would be better off dead, ..."``; an instrument the knowledge base
    does not describe is named alone.
    """
    named = []
    for instrument in facts.unanswered_safety_instruments():
        doc = getattr(kb, "instruments", {}).get(instrument)
        answers = facts.intake.questionnaires.get(instrument, {})
        items = [item for item in doc.items if item.safety_item is not None and answers.get(item.key) is None] \
            if doc is not None else []
        named += [f'{instrument} {item.key} "{item.text}"' for item in items] or [instrument]
    return "; ".join(named)


def _finding(rule: Rule, facts: Facts, kb: Any) -> Finding:
    affects = affects_of(rule.affects, facts, kb)
    heat = sorted(t.split(":", 1)[1] for t in affects.techniques if t.startswith("heat_near_region:"))
    message = rule.message.replace("{regions}", ", ".join(sorted(affects.regions) or heat))
    if "{safety_items}" in message:
        message = message.replace("{safety_items}", unanswered_safety_items(facts, kb))
    note = rule.note
    if rule.disagreement is not None:
        chosen = f"Sources disagree; acupath: {rule.disagreement.chosen}."
        note = f"{note} {chosen}" if note else chosen
    return Finding(
        code=rule.code,
        kind=FindingKind(rule.kind),
        severity=Severity(rule.severity),
        action=Action(rule.action),
        message=message,
        citations=rule.citations,
        affects=affects,
        note=note,
        former_codes=rule.former_codes,
    )


def default_scorer(kb: Any) -> FlagScorer:
    """Return a scorer that scores a questionnaire with ``acupath.assessment`` and gives its flags.

    The scorer raises ``InputError`` naming ``questionnaires.<instrument>.<item>`` for bad answers.
    """

    def score_flags(instrument: str, answers: dict[str, Any]) -> frozenset[str]:
        from acupath.assessment.scoring import score_questionnaires

        return frozenset(score_questionnaires({instrument: answers}, kb)[instrument].flags)

    return score_flags


def screen(
    intake: Intake,
    kb: Any = None,
    today: date | None = None,
    scorer: FlagScorer | None = None,
) -> Screening:
    """Screen ``intake`` against every rule of safety.yaml.

    ``today`` is the screening day (age rules); it defaults to the intake's treatment start date, never
    to the clock. ``kb`` defaults to the packaged knowledge base; ``scorer`` to
    ``acupath.assessment.score``.

    Returns the ``Screening``: every finding whose condition holds, worst action first, overrides
    attached, and the status of the findings in force. Raises ``InputError`` for an override naming a
    code that was not found or refused by ``overrides.override_problems`` (an "ok"-style reason; an
    urgent finding without ``by`` or ``on``), or for questionnaire answers that cannot be scored.
    """
    if kb is None:
        from acupath.knowledge import load_knowledge

        kb = load_knowledge()
    facts = Facts(intake=intake, today=today or intake.schedule.start, scorer=scorer or default_scorer(kb))
    findings = [_finding(rule, facts, kb) for rule in kb.safety.rules if holds(rule.when, facts)]
    findings.sort(key=lambda f: ACTION_RANK[f.action])
    found = Screening(findings=tuple(findings), status=status_of(findings), knowledge_version=kb.version)
    requested = [Override(finding=o.finding, reason=o.reason, by=o.by, on=o.on) for o in intake.overrides]
    return apply_overrides(found, requested, day=facts.today)
