"""``build_plan``: from an intake and its screening to a safe, dated, multimodal plan (pure).

"Today" is the intake's treatment start (``intake.schedule.start``); the knowledge base comes in as an
argument. Every safety decision is asked of ``PlanConstraints`` (one piece of code per rule).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from typing import Any

from acupath.assessment.intake import Intake
from acupath.assessment.medications import MME_KEY
from acupath.knowledge.memo import Derived
from acupath.planning.claims import statements
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
    RetentionRange,
    Session,
    covers_no_visit,
)
from acupath.planning.points import (
    Candidate,
    affected_sides,
    fit_budget,
    mark_warm_needle,
    merge,
    place,
    place_ashi,
    place_auricular,
)
from acupath.planning.protocol import compiled, protocol_for
from acupath.planning.recall import recall_days_of, spaced
from acupath.planning.schedule import schedule_sessions
from acupath.safety.constraints import HEAT_NEAR_REGION
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
                regions=_places(f.affects),
            )
        )
        if o is not None:
            overrides.append(PlanOverride(finding=f.code, reason=o.reason, by=o.by, on=o.on))
    return tuple(findings), tuple(overrides)


def _places(affects: Any) -> tuple[str, ...]:
    """Return the regions a finding keeps needles or heat away from, in order (``heat_near_region:`` too)."""
    heat = (t.removeprefix(HEAT_NEAR_REGION) for t in affects.techniques if t.startswith(HEAT_NEAR_REGION))
    return tuple(sorted(set(affects.regions) | set(heat)))


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
    # A questionnaire made for other body regions (STarT Back, for low back pain, on a knee intake) neither
    # triggers a component nor is reassessed: its referral pathway is for the pain it was made for.
    scores = {name: score for name, score in scores.items() if protocol.fits(kb.instruments.get(name))}
    components, adjunct_ids, trigger_instruments = select_components(programme.components, scores, intake.medications)

    candidates = [Candidate(p, "protocol") for p in protocol.points]
    if intake.pain.acute_exacerbation and protocol.condition == protocol.source.id:
        # Seed 003's acute-flare point is for acute lumbar pain: the protocol's own condition, no variant.
        candidates += [Candidate(p, "acute_exacerbation") for p in protocol.source.acute_exacerbation_points]
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
    ear, ear_refused = _ear_points(programme, adjunct_ids, technique, constraints)
    points += ear
    omitted += ear_refused

    needles = sum(p.needles for p in points) + ashi_needles
    if needles < programme.min_needles:
        why = "findings removed points or needling" if (omitted or refusals) else "the protocol is short"
        warnings.append(
            f"{needles} needles per session, fewer than the usual {programme.min_needles}-"
            f"{programme.max_needles}: {why}"
        )

    sessions, phases, schedule_warnings = schedule_sessions(protocol.phases, intake, programme, kb.derived)
    warnings.extend(schedule_warnings)
    course = sum(p.sessions for p in phases if p.id != "consolidation")
    if course < protocol.minimum_sessions:
        warnings.append(
            f"{course} sessions before consolidation; the protocol asks for at least {protocol.minimum_sessions}"
        )
    instruments = tuple(dict.fromkeys(protocol.reassessment_instruments + trigger_instruments))
    evidence = _evidence(protocol, programme, points, electro, kb.evidence)
    statuses, coverage = mark_sessions(sessions, intake, kb.coverage, findings)
    recall = recall_days_of(kb, instruments)
    sessions, checkpoints = _dated(kb.derived, sessions, protocol, instruments, statuses, recall,
                                  intake.schedule.start, intake.payer)
    return Plan(
        status=PLANNED,
        points=tuple(points),
        ashi=ashi,
        omitted_points=tuple(omitted),
        dropped_points=tuple(dropped),
        retention=_retention(programme, evidence),
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
        evidence=evidence,
        **base,
    )


def _evidence(
    protocol: Any, programme: Any, points: list[PlannedPoint], electro: Any, evidence: Any
) -> tuple[Any, ...]:
    """Return the evidence statements of everything the plan prints (condition, points, EA settings
    when used, checkpoints, guideline positions, needle retention), each generated from evidence.yaml."""
    source = protocol.source
    ids = list(source.evidence_claims)
    for point in points:
        ids.extend(point.evidence_claims)
    if electro is not None:
        ids.extend(source.electroacupuncture.evidence_claims)
    for group in (protocol.checkpoints, source.guidelines):
        for entry in group:
            ids.extend(entry.evidence_claims)
    ids.extend(r.evidence_claim for r in programme.source.needle_retention)
    return statements(evidence, ids)


def _retention(programme: Any, evidence: tuple[Any, ...]) -> tuple[RetentionRange, ...]:
    """Return every source's needle-retention range (seeds 002 and 003), with the evidence status of
    its claim taken from the plan's evidence statements."""
    status = {e.id: e.status for e in evidence}
    return tuple(
        RetentionRange(
            minutes=r.minutes, source=r.source, evidence_claim=r.evidence_claim, status=status[r.evidence_claim],
        )
        for r in programme.source.needle_retention
    )


def _baseline(intake: Intake, scores: Mapping[str, Any]) -> dict[str, float]:
    """Return the baseline totals progress is measured against (intake pain NRS and valid scores).

    With a medication list it also holds ``opioid_mme_per_day`` (0 when no opioid is listed), the
    baseline of the opioid-sparing outcome.
    """
    baseline: dict[str, float] = {"nrs": float(intake.pain.nrs)}
    for name, result in scores.items():
        total = getattr(result, "total", None)
        if total is not None and getattr(result, "valid", True):
            baseline[name] = float(total)
    mme = intake.opioid_mme_per_day()
    if mme is not None:
        baseline[MME_KEY] = mme
    # The headache diary's baseline month (``acupath.outcomes.diary``), when the intake gives it.
    for key in ("headache_days", "migraine_days"):
        days = getattr(intake.pain, f"{key}_per_month")
        if days is not None:
            baseline[key] = float(days)
    return baseline


def _ear_points(
    programme: Any, adjunct_ids: tuple[str, ...], technique: str, constraints: Any
) -> tuple[list[PlannedPoint], list[Any]]:
    """Return the ear-seed points the plan places and those the constraints refuse.

    A component that adds a point set with ear points (sleep: auricular Shenmen, seed 004) gets them;
    when body needling is withheld the programme's auricular set is used (seeds 002, 004).
    """
    placed: list[PlannedPoint] = []
    refused: list[Any] = []
    for adjunct_id in adjunct_ids:
        adjunct = programme.adjuncts[adjunct_id]
        found, gone = place_auricular(
            adjunct.auricular, f"adjunct:{adjunct_id}",
            f"Ear seeds between sessions, added with the {adjunct.title.lower()} (seed 004).",
            adjunct.citations, constraints,
        )
        placed += found
        refused += gone
    if technique != "needle":
        have = {p.code for p in placed}
        found, gone = place_auricular(
            [c for c in programme.source.auricular_set if c not in have], "auricular",
            "Auricular seeds between sessions when body needling is withheld (seeds 002, 004).",
            programme.source.auricular_citations, constraints,
        )
        placed += found
        refused += gone
    return placed, refused


def _dated(
    derived: Derived, laid_out: tuple[Session, ...], protocol: Any, instruments: tuple[str, ...],
    statuses: tuple[str, ...], recall: tuple[int, ...], start: date, payer: str,
) -> tuple[tuple[Session, ...], tuple[PlannedCheckpoint, ...]]:
    """Return the sessions with reassessments and coverage marked, and the checkpoints (remembered in
    ``derived``, the knowledge base's caches).

    Each reassessment gives only the instruments whose recall period has passed (``planning.recall``).
    ``laid_out`` is the very tuple ``schedule_sessions`` keeps for its arguments, so its ``id`` names
    it; the entry holds it, so no other tuple can take that ``id`` while the entry lives.
    """
    key = (id(laid_out), protocol.variant_source, instruments, statuses, recall, start, payer)
    return derived.get("planning.dated", key, lambda: _date(laid_out, protocol, instruments, statuses, recall,
                                                             start, payer))[1:]


def _date(
    laid_out: tuple[Session, ...], protocol: Any, instruments: tuple[str, ...], statuses: tuple[str, ...],
    recall: tuple[int, ...], start: date, payer: str,
) -> tuple[Any, tuple[Session, ...], tuple[PlannedCheckpoint, ...]]:
    # A payer that covers none of the visits judges none of them: its own checkpoints do not apply.
    at, checkpoints = _reassessments(laid_out, protocol, payer, covers_any=not covers_no_visit(statuses))
    due = spaced(((s.number, s.date) for s in laid_out if s.number in at), instruments, recall, start)
    sessions = tuple(
        replace(s, reassess=due.get(s.number, ()), checkpoint=at.get(s.number), coverage=status)
        for s, status in zip(laid_out, statuses, strict=True)
    )
    return laid_out, sessions, checkpoints


def _reassessments(
    sessions: tuple[Session, ...], protocol: Any, payer: str, covers_any: bool = True
) -> tuple[dict[int, str], tuple[PlannedCheckpoint, ...]]:
    """Return the reassessment sessions (checkpoints and each phase's last session) and the checkpoints
    of a plan paid by ``payer`` (a checkpoint of other payers only, as Medicare's extension, is left out,
    and so is a payer's own when it covers none of the visits: ``covers_any`` False; ``outcomes.in_force``
    applies the same rule to plans stored before it)."""
    at: dict[int, str] = {}
    for i, session in enumerate(sessions):
        if i + 1 == len(sessions) or sessions[i + 1].phase != session.phase:
            at[session.number] = f"end of {session.phase}"
    checkpoints = []
    for checkpoint in protocol.checkpoints:
        if not checkpoint.applies_to(payer) or (checkpoint.payers and not covers_any):
            continue
        when = sessions[checkpoint.session - 1].date if checkpoint.session <= len(sessions) else None
        if when is not None:
            at[checkpoint.session] = checkpoint.id
        checkpoints.append(
            PlannedCheckpoint(
                id=checkpoint.id, session=checkpoint.session, date=when, expect=checkpoint.expect,
                if_not=checkpoint.if_not, citations=checkpoint.citations, evidence_claims=checkpoint.evidence_claims,
            )
        )
    return at, tuple(checkpoints)
