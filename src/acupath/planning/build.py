"""``build_plan``: from an intake and its screening to a safe, dated, multimodal plan (pure).

"Today" is the intake's treatment start (``intake.schedule.start``); the knowledge base comes in as an
argument. Every safety decision is asked of ``PlanConstraints`` (one piece of code per rule).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from acupath.assessment.intake import Intake
from acupath.planning.components import select_components
from acupath.planning.constraints import constraints_for
from acupath.planning.coverage import mark_sessions
from acupath.planning.modality import choose, needling_technique
from acupath.planning.plan import (
    PLANNED,
    Plan,
    PlanFinding,
    PlannedCheckpoint,
    PlannedPoint,
    PlanOverride,
    Session,
)
from acupath.planning.points import (
    Candidate,
    affected_sides,
    fit_budget,
    mark_warm_needle,
    merge,
    place,
    place_ashi,
)
from acupath.planning.protocol import compiled, protocol_for
from acupath.planning.schedule import lay_out
from acupath.safety.findings import Screening


def plan_findings(screening: Screening) -> tuple[tuple[PlanFinding, ...], tuple[PlanOverride, ...]]:
    """Return the screening's findings as the plan shows them, and the overrides applied."""
    findings: list[PlanFinding] = []
    overrides: list[PlanOverride] = []
    for f in screening.findings:
        o = f.override
        findings.append(
            PlanFinding(
                code=f.code, kind=str(f.kind), severity=str(f.severity), action=str(f.action),
                message=f.message, citations=f.citations,
                overridden_by=o.by if o else None, override_reason=o.reason if o else None,
            )
        )
        if o is not None:
            overrides.append(PlanOverride(finding=f.code, reason=o.reason, by=o.by, on=o.on))
    return tuple(findings), tuple(overrides)


def score_intake(intake: Intake, kb: Any) -> dict[str, Any]:
    """Return the scores of every questionnaire in the intake.

    Raises ``InputError`` naming the questionnaire when answers cannot be scored.
    """
    if not intake.questionnaires:
        return {}
    from acupath.assessment.scoring import score

    return {name: score(name, answers, kb=kb) for name, answers in intake.questionnaires.items()}


def build_plan(intake: Intake, screening: Screening, kb: Any, scores: Mapping[str, Any] | None = None) -> Plan:
    """Build the plan for ``intake`` that honours ``screening``.

    ``scores`` maps instrument ids to scores (``total``, ``band``); when None the intake's
    questionnaires are scored. Returns a ``Plan``; when screening blocks planning the plan has the
    referral status, the findings and the referral text, and no points or sessions. Raises
    ``InputError`` for a condition or pattern the knowledge base has no protocol for.
    """
    findings, overrides = plan_findings(screening)
    protocol = protocol_for(kb, intake.condition)
    pattern = protocol.pattern(intake.pattern)
    base = dict(
        patient_id=intake.patient.id, condition=intake.condition, pattern=intake.pattern, payer=intake.payer,
        knowledge_version=kb.version, findings=findings, overrides=overrides,
    )
    if screening.blocks_planning:
        blocking = [f for f in findings if f.action in ("urgent_referral", "referral") and f.overridden_by is None]
        text = tuple(f"{f.code}: {f.message}" for f in blocking)
        return Plan(status=str(screening.status), referral=text, **base)

    programme = compiled(kb).programme
    constraints = constraints_for(screening, kb)
    scores = score_intake(intake, kb) if scores is None else scores
    components, adjunct_ids, trigger_instruments = select_components(programme.components, scores)

    candidates = [Candidate(p, "protocol") for p in protocol.points]
    if pattern is not None:
        candidates += [Candidate(p, f"pattern:{pattern.id}") for p in pattern.points]
    for adjunct_id in adjunct_ids:
        candidates += [Candidate(p, f"adjunct:{adjunct_id}") for p in programme.adjuncts[adjunct_id].points]
    technique, refusals = needling_technique(constraints)
    placed, omitted = place(merge(candidates), affected_sides(intake.pain.sites), constraints, technique)
    ashi, ashi_refused = place_ashi(protocol.ashi, intake.pain.sites, constraints, technique)
    ashi_needles = ashi.needles if ashi else 0
    points, dropped = fit_budget(placed, programme.max_needles - ashi_needles, reserved=ashi_needles)
    warnings: list[str] = []
    if ashi_refused:
        warnings.append(ashi_refused)

    modality, electro, modality_warnings = choose(
        protocol, intake, pattern.modalities if pattern else (), points, constraints, technique, refusals
    )
    warnings.extend(modality_warnings)
    if modality.heat == "warm_needle":
        points, heat_warnings = mark_warm_needle(points, constraints)
        warnings.extend(heat_warnings)
    if technique != "needle":
        points += _auricular(programme, constraints)

    needles = sum(p.needles for p in points) + ashi_needles
    if needles < programme.min_needles:
        why = "findings removed points or needling" if (omitted or refusals) else "the protocol is short"
        warnings.append(
            f"{needles} needles per session, fewer than the usual {programme.min_needles}-"
            f"{programme.max_needles}: {why}"
        )

    sessions, phases, schedule_warnings = lay_out(
        protocol.phases, intake.schedule.start, intake.schedule.clinic_days, programme.min_gap_days
    )
    warnings.extend(schedule_warnings)
    course = sum(p.sessions for p in phases if p.id != "consolidation")
    if course < protocol.minimum_sessions:
        warnings.append(
            f"{course} sessions before consolidation; the protocol asks for at least {protocol.minimum_sessions}"
        )
    instruments = tuple(dict.fromkeys(protocol.reassessment_instruments + trigger_instruments))
    statuses, coverage = mark_sessions(sessions, intake, kb.coverage, findings)
    sessions, checkpoints = _dated(sessions, protocol, instruments, statuses)
    return Plan(
        status=PLANNED,
        points=tuple(points),
        ashi=ashi,
        omitted_points=tuple(omitted + dropped),
        needles_per_session=needles,
        modality=modality,
        electroacupuncture=electro,
        components=components,
        phases=phases,
        sessions=sessions,
        checkpoints=checkpoints,
        coverage=coverage,
        guidelines=tuple(g.model_dump(mode="json") for g in protocol.source.guidelines),
        baseline=_baseline(intake, scores),
        warnings=tuple(warnings),
        **base,
    )


def _baseline(intake: Intake, scores: Mapping[str, Any]) -> dict[str, float]:
    """Return the baseline totals progress is measured against (intake pain NRS and valid scores)."""
    baseline: dict[str, float] = {"nrs": float(intake.pain.nrs)}
    for name, result in scores.items():
        total = getattr(result, "total", None)
        if total is not None and getattr(result, "valid", True):
            baseline[name] = float(total)
    return baseline


def _auricular(programme: Any, constraints: Any) -> list[PlannedPoint]:
    found = []
    for code in programme.source.auricular_set:
        if constraints.point_allowed(code, None) and constraints.modality_allowed("auricular"):
            found.append(
                PlannedPoint(
                    code=code, role="adjunct", side="bilateral", needles=0,
                    rationale="Auricular seeds between sessions when body needling is withheld (seeds 002, 004).",
                    evidence=programme.source.auricular_citations, source="auricular", technique="ear_seed",
                )
            )
    return found


_DATED: dict[tuple[Any, ...], tuple[Any, tuple[Session, ...], tuple[PlannedCheckpoint, ...]]] = {}


def _dated(
    laid_out: tuple[Session, ...], protocol: Any, instruments: tuple[str, ...], statuses: tuple[str, ...]
) -> tuple[tuple[Session, ...], tuple[PlannedCheckpoint, ...]]:
    """Return the sessions with reassessments and coverage marked, and the checkpoints (remembered).

    ``laid_out`` comes from the cached ``lay_out``; the entry keeps it alive so that its id stays unique.
    """
    key = (id(laid_out), protocol.variant_source, instruments, statuses)
    hit = _DATED.get(key)
    if hit is not None and hit[0] is laid_out:
        return hit[1], hit[2]
    at, checkpoints = _reassessments(laid_out, protocol)
    sessions = tuple(
        Session(s.number, s.date, s.phase, instruments if s.number in at else (), at.get(s.number), status)
        for s, status in zip(laid_out, statuses, strict=True)
    )
    if len(_DATED) > 4096:
        _DATED.clear()
    _DATED[key] = (laid_out, sessions, checkpoints)
    return sessions, checkpoints


def _reassessments(
    sessions: tuple[Session, ...], protocol: Any
) -> tuple[dict[int, str], tuple[PlannedCheckpoint, ...]]:
    """Return the reassessment sessions (checkpoints and each phase's last session) and the checkpoints."""
    at: dict[int, str] = {}
    for i, session in enumerate(sessions):
        if i + 1 == len(sessions) or sessions[i + 1].phase != session.phase:
            at[session.number] = f"end of {session.phase}"
    checkpoints = []
    for checkpoint in protocol.checkpoints:
        when = sessions[checkpoint.session - 1].date if checkpoint.session <= len(sessions) else None
        if when is not None:
            at[checkpoint.session] = checkpoint.id
        checkpoints.append(
            PlannedCheckpoint(
                id=checkpoint.id, session=checkpoint.session, date=when, expect=checkpoint.expect,
                if_not=checkpoint.if_not, citations=checkpoint.citations,
            )
        )
    return at, tuple(checkpoints)
