"""Overrides: a clinician's written decision to proceed despite a finding, applied in one place.

Screening (for the overrides written in an intake) and the services (for overrides made when a plan is
created, amended or a session recorded) all call ``apply_overrides``, so the rule is the same
everywhere: any finding may be overridden, an urgent referral included (for example once the emergency
assessment has excluded cauda equina), but only with a reason that says why (``override_problems``):

- every override: a reason of at least ``MIN_REASON_CHARACTERS`` characters that is not only "ok",
  "fine", "n/a", "cleared" and the like (``EMPTY_WORDS``) nor a few characters repeated, and the
  clinician's name (``Override`` refuses a blank one);
- an urgent finding (severity urgent or action urgent_referral) also needs at least
  ``URGENT_MIN_CHARACTERS`` characters and ``URGENT_MIN_WORDS`` telling words, the clearing clinician
  (``by``) and the date it was cleared (``on``), never after the screening day.

The finding is never dropped: it stays listed and marked overridden, and the status is worked out again
from the findings still in force.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from datetime import date

from acupath.errors import InputError
from acupath.safety.findings import Action, Finding, Override, Screening, ScreeningStatus, Severity

# Worst first: the status is the worst action among the findings in force.
_STATUS_BY_ACTION = (
    (Action.URGENT_REFERRAL, ScreeningStatus.URGENT_REFERRAL),
    (Action.REFERRAL, ScreeningStatus.REFERRAL),
    (Action.EXCLUDE, ScreeningStatus.PROCEED_WITH_CAUTIONS),
    (Action.CAUTION, ScreeningStatus.PROCEED_WITH_CAUTIONS),
)
#: Rank of each action, worst first (0): findings are listed in this order.
ACTION_RANK = {action: rank for rank, (action, _) in enumerate(_STATUS_BY_ACTION)}

#: Words that say nothing about why a finding no longer stands; a reason made only of them is refused.
EMPTY_WORDS = frozenset({
    "ok", "okay", "k", "fine", "n", "a", "na", "n/a", "none", "nil", "no", "yes", "y", "done", "cleared",
    "clear", "approved", "agreed", "override", "overridden", "overriding", "proceed", "good", "all",
    "checked", "noted", "as", "above", "per", "see", "notes", "note", "discussed", "test", "xx", "xxx",
    "tbc", "tbd", "whatever", "reason", "because", "asdf", "qwerty",
})
#: Names that do not say who cleared an urgent finding.
EMPTY_NAMES = EMPTY_WORDS | {"session", "unknown", "someone", "staff", "clinician", "doctor", "dr", "me"}
MIN_REASON_CHARACTERS = 10
URGENT_MIN_CHARACTERS = 20
URGENT_MIN_WORDS = 4
#: A reason with fewer different letters and digits is a key held down ("aaaaaaaaaa", "x x x x x").
MIN_DISTINCT_CHARACTERS = 4
REASON_ALLOWED = (
    f"a reason of at least {MIN_REASON_CHARACTERS} characters saying why the finding no longer stands "
    f"(an urgent finding: at least {URGENT_MIN_CHARACTERS} characters and {URGENT_MIN_WORDS} words, e.g. "
    "'emergency MRI 2026-11-20 excluded cauda equina compression'), not 'ok', 'fine', 'n/a', 'cleared' "
    "or repeated characters"
)
_WORD = re.compile(r"[^\W_]+(?:/[^\W_]+)?")


def is_urgent(finding: Finding) -> bool:
    """Return True for a finding whose override is governed most strictly (urgent severity or action)."""
    return finding.severity == Severity.URGENT or finding.action == Action.URGENT_REFERRAL


def reason_problem(reason: str, urgent: bool) -> str | None:
    """Return what is wrong with ``reason`` as an override's reason, or None when it is acceptable."""
    text = " ".join(reason.split())
    if len({c for c in text.lower() if c.isalnum()}) < MIN_DISTINCT_CHARACTERS:
        return f"{text!r} is not a reason (too few different characters)"
    telling = [w for w in _WORD.findall(text.lower()) if w not in EMPTY_WORDS]
    if not telling:
        return f"{text!r} says nothing about why the finding no longer stands"
    if len(text) < MIN_REASON_CHARACTERS:
        return f"{text!r} is too short"
    if urgent and (len(text) < URGENT_MIN_CHARACTERS or len(telling) < URGENT_MIN_WORDS):
        return f"{text!r} is too short for an urgent finding"
    return None


def override_problems(override: Override, finding: Finding, day: date | None = None) -> list[tuple[str, str, str]]:
    """Return what keeps ``override`` from standing against ``finding``, or an empty list.

    Each problem is ``(part, problem, allowed)`` where ``part`` is ``reason``, ``by`` or ``on``.
    ``day`` is the screening day: an override cleared after it is refused.
    """
    urgent = is_urgent(finding)
    problems: list[tuple[str, str, str]] = []
    problem = reason_problem(override.reason, urgent)
    if problem is not None:
        problems.append(("reason", problem, REASON_ALLOWED))
    if urgent:
        name = override.by.strip().lower()
        if sum(c.isalpha() for c in name) < 2 or name in EMPTY_NAMES:
            problems.append(("by", f"{finding.code} is urgent: {override.by!r} does not name the clearing clinician",
                             "the name of the clinician who cleared it"))
        if override.on is None:
            problems.append(("on", f"{finding.code} is urgent: the date it was cleared is required",
                             "a date YYYY-MM-DD"))
    if override.on is not None and day is not None and override.on > day:
        problems.append(("on", f"{override.on.isoformat()} is after the screening day",
                         f"a date on or before {day.isoformat()}"))
    return problems


def status_of(findings: Iterable[Finding]) -> ScreeningStatus:
    """Return the status that the findings in force require (overridden findings do not count)."""
    actions = {f.action for f in findings if f.in_force}
    for action, status in _STATUS_BY_ACTION:
        if action in actions:
            return status
    return ScreeningStatus.PROCEED


def _answered_by(screening: Screening, override: Override) -> tuple[Finding, ...]:
    """Return the findings ``override`` is about: the one with its code, or those that renamed it."""
    return tuple(f for f in screening.findings if f.answers_to(override.finding))


def apply_overrides(
    screening: Screening,
    requested: Iterable[Override],
    kept: Iterable[Override] = (),
    field: str = "overrides",
    day: date | None = None,
) -> Screening:
    """Return ``screening`` with the overrides set on their findings and the status worked out again.

    Each of ``requested`` must name a finding of this screening and meet ``override_problems``:
    otherwise ``InputError`` naming ``<field>[i].finding`` (with the codes that were found),
    ``<field>[i].reason``, ``.by`` or ``.on`` and what is allowed. ``kept`` (overrides made earlier,
    e.g. on a previous version of the plan) apply where their finding is still found and they meet the
    rule; otherwise they are dropped and the finding is in force again, because the finding they
    answered no longer stands or the override would not be accepted today. An override naming a code
    that safety.yaml has since renamed (``former_codes``) answers the renamed findings and is returned
    under their current codes.
    """
    findings_by_code = {f.code: f for f in screening.findings}
    chosen: dict[str, Override] = {}
    for override in kept:
        for finding in _answered_by(screening, override):
            if not override_problems(override, finding, day):
                chosen[finding.code] = replace(override, finding=finding.code)
    for i, override in enumerate(requested):
        answered = _answered_by(screening, override)
        if not answered:
            raise InputError(
                f"{field}[{i}].finding",
                f"{override.finding!r} was not found by screening",
                sorted(findings_by_code) or "none (screening found nothing to override)",
            )
        for finding in answered:
            problems = override_problems(override, finding, day)
            if problems:
                part, problem, allowed = problems[0]
                raise InputError(f"{field}[{i}].{part}", problem, allowed)
            chosen[finding.code] = replace(override, finding=finding.code)
    if not chosen:
        return screening
    findings = tuple(replace(f, override=chosen[f.code]) if f.code in chosen else f for f in screening.findings)
    return Screening(findings=findings, status=status_of(findings), knowledge_version=screening.knowledge_version)
