"""Overrides: a clinician's written decision to proceed despite a finding, applied in one place.

Screening (for the overrides written in an intake) and the services (for overrides made when a plan is
created, amended or a session recorded) both call ``apply_overrides``, so the rule is the same
everywhere: any finding may be overridden, an urgent referral included (for example once the emergency
assessment has excluded cauda equina), but only with a reason and the clinician's name (``Override``
refuses a blank one); the finding is never dropped, it stays listed and marked overridden, and the
status is worked out again from the findings still in force.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from acupath.errors import InputError
from acupath.safety.findings import Action, Finding, Override, Screening, ScreeningStatus

# Worst first: the status is the worst action among the findings in force.
_STATUS_BY_ACTION = (
    (Action.URGENT_REFERRAL, ScreeningStatus.URGENT_REFERRAL),
    (Action.REFERRAL, ScreeningStatus.REFERRAL),
    (Action.EXCLUDE, ScreeningStatus.PROCEED_WITH_CAUTIONS),
    (Action.CAUTION, ScreeningStatus.PROCEED_WITH_CAUTIONS),
)
#: Rank of each action, worst first (0): findings are listed in this order.
ACTION_RANK = {action: rank for rank, (action, _) in enumerate(_STATUS_BY_ACTION)}


def status_of(findings: Iterable[Finding]) -> ScreeningStatus:
    """Return the status that the findings in force require (overridden findings do not count)."""
    actions = {f.action for f in findings if f.in_force}
    for action, status in _STATUS_BY_ACTION:
        if action in actions:
            return status
    return ScreeningStatus.PROCEED


def apply_overrides(
    screening: Screening,
    requested: Iterable[Override],
    kept: Iterable[Override] = (),
    field: str = "overrides",
) -> Screening:
    """Return ``screening`` with the overrides set on their findings and the status worked out again.

    Each of ``requested`` must name a finding of this screening: otherwise ``InputError`` naming
    ``<field>[i].finding`` and the codes that were found. ``kept`` (overrides made earlier, e.g. on a
    previous version of the plan) apply where their finding is still found and are dropped where it is
    not, because the finding they answered no longer stands.
    """
    codes = [f.code for f in screening.findings]
    chosen: dict[str, Override] = {o.finding: o for o in kept if o.finding in codes}
    for i, override in enumerate(requested):
        if override.finding not in codes:
            raise InputError(
                f"{field}[{i}].finding",
                f"{override.finding!r} was not found by screening",
                sorted(codes) or "none (screening found nothing to override)",
            )
        chosen[override.finding] = override
    if not chosen:
        return screening
    findings = tuple(replace(f, override=chosen[f.code]) if f.code in chosen else f for f in screening.findings)
    return Screening(findings=findings, status=status_of(findings), knowledge_version=screening.knowledge_version)
