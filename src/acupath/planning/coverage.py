"""Who pays for each planned session: Medicare NCD 30.3.3, private plans, self-pay.

Medicare (NCD 30.3.3, reference §5): up to 12 visits in the first 90 days are ``covered``; the next 8
are ``conditional`` on documented improvement; never more than 20 in a year (the year is counted from
the first session, 365 days; confirm with the MAC); anything beyond is ``not_covered``. Only chronic
low back pain of at least 12 weeks, nonspecific, not related to surgery and not in pregnancy is
eligible. A private plan marks sessions ``check_plan``; self-pay marks them ``self_pay``.
"""

from __future__ import annotations

from typing import Any

from acupath.assessment.intake import Intake
from acupath.knowledge.schema.coverage import CoverageFile
from acupath.planning.plan import CONDITIONAL, COVERED, NOT_COVERED, Coverage, PlanFinding, Session


def medicare_ineligibility(
    intake: Intake, rules: CoverageFile, findings: tuple[PlanFinding, ...]
) -> tuple[str, ...]:
    """Return why the patient is not eligible under NCD 30.3.3 (empty when eligible)."""
    eligibility = rules.medicare.eligibility
    reasons: list[str] = []
    if intake.condition not in eligibility.conditions:
        reasons.append(f"{intake.condition} is not covered: {rules.medicare.non_covered_note}")
    if intake.pain.duration_weeks < eligibility.min_duration_weeks:
        reasons.append(
            f"pain for {intake.pain.duration_weeks} weeks; NCD 30.3.3 needs {eligibility.min_duration_weeks} or more"
        )
    if "related_to_surgery" in eligibility.exclude_if_any and intake.pain.related_to_surgery:
        reasons.append("pain associated with surgery is excluded by NCD 30.3.3")
    if "pregnancy" in eligibility.exclude_if_any and intake.patient.pregnancy.pregnant:
        reasons.append("pain associated with pregnancy is excluded by NCD 30.3.3")
    if "systemic_cause" in eligibility.exclude_if_any:
        systemic = sorted({f.code for f in findings if f.code in eligibility.systemic_cause_findings})
        if systemic:
            reasons.append(
                "possible systemic cause found at screening (" + ", ".join(systemic) + "); NCD 30.3.3 covers only "
                "nonspecific cLBP - document the medical assessment"
            )
    return tuple(reasons)


def mark_sessions(
    sessions: tuple[Session, ...], intake: Intake, rules: CoverageFile, findings: tuple[PlanFinding, ...]
) -> tuple[tuple[str, ...], Coverage]:
    """Return each session's coverage status (in order), and the plan's coverage summary."""
    cost = rules.self_pay
    payer = intake.payer
    warnings: list[str] = []
    eligible = False
    if payer == "medicare":
        reasons = medicare_ineligibility(intake, rules, findings)
        eligible = not reasons
        warnings.extend(reasons)
        if eligible:
            marked = _medicare(sessions, rules)
            conditional = marked.count(CONDITIONAL)
            if conditional:
                warnings.append(
                    f"{conditional} sessions are covered only with {rules.medicare.additional_requires} "
                    f"(NCD 30.3.3: +{rules.medicare.additional_visits})"
                )
            warnings.append(
                "Discontinue if the patient is not improving or is regressing (NCD 30.3.3). "
                + rules.medicare.annual_note
            )
        else:
            marked = (NOT_COVERED,) * len(sessions)
    elif payer == "private":
        warnings.append(rules.private.warning)
        marked = ("check_plan",) * len(sessions)
    else:
        marked = ("self_pay",) * len(sessions)
    covered = marked.count(COVERED)
    conditional = marked.count(CONDITIONAL)
    unpaid = len(marked) - covered - conditional
    not_covered = marked.count(NOT_COVERED)
    if not_covered and payer == "medicare":
        warnings.append(f"{not_covered} planned sessions are not covered by Medicare (self-pay)")
    citations = rules.medicare.citations if payer == "medicare" else rules.private.citations
    summary = Coverage(
        payer=payer,
        eligible=eligible,
        covered=covered,
        conditional=conditional,
        not_covered=not_covered,
        warnings=tuple(warnings),
        self_pay_per_session=(cost.per_session_min, cost.per_session_max),
        self_pay_total=(cost.per_session_min * unpaid, cost.per_session_max * unpaid),
        currency=cost.currency,
        citations=tuple(dict.fromkeys(citations + cost.citations)),
    )
    return marked, summary


def _medicare(sessions: tuple[Session, ...], rules: CoverageFile) -> tuple[str, ...]:
    rule: Any = rules.medicare
    if not sessions:
        return ()
    first = sessions[0].date
    marked: list[str] = []
    year_counts: dict[int, list[int]] = {}  # year index -> [initial, total]
    for session in sessions:
        offset = (session.date - first).days
        counts = year_counts.setdefault(offset // rule.annual_window_days, [0, 0])
        year_start_offset = (offset // rule.annual_window_days) * rule.annual_window_days
        in_initial_window = offset - year_start_offset < rule.initial_window_days
        if counts[1] >= rule.annual_cap:
            status = NOT_COVERED
        elif in_initial_window and counts[0] < rule.initial_visits:
            status = COVERED
            counts[0] += 1
        elif counts[1] - counts[0] < rule.additional_visits:
            status = CONDITIONAL
        else:
            status = NOT_COVERED
        if status != NOT_COVERED:
            counts[1] += 1
        marked.append(status)
    return tuple(marked)
