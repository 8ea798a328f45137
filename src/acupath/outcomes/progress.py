"""Progress of one patient against the plan: responder status at each checkpoint, and alerts.

``evaluate(plan, session_records, reassessments, kb)`` compares every measurement with the plan's
baseline (the intake's pain NRS and questionnaire totals) through ``acupath.assessment.classify_change``
(MCID, IMMPACT category). Worsening is the same test run backwards: the change from follow-up to
baseline reaching the MCID means the patient got worse by at least an MCID.

Alerts (codes): ``reassess_diagnosis`` (no improvement at the plan's reassess-diagnosis checkpoint,
seed 001: no improvement by session 8-10), ``discontinue`` (worse by an MCID; NCD 30.3.3: "Treatment
must be discontinued if the patient is not improving or is regressing"), ``medicare_extension_eligible``
(Medicare, eligible, improvement documented: the 8 additional sessions), ``medicare_annual_cap_reached``
(Medicare, 20 sessions given in the year: no more are covered), ``safety_follow_up`` (a reassessment's
questionnaire raised a flag, PHQ-9 item 9 above 0 or unanswered: ``outcomes.safety_flags``),
``medicare_not_improving``
(Medicare, at the extension checkpoint without improvement, or improvement lost after it: discontinue),
``recall_period_not_passed`` (an instrument given again before its recall period passed: left out of the change, ``outcomes.recall``).

Only the checkpoints in force are judged (``outcomes.verdict.in_force``: Medicare's extension checkpoint
on a plan Medicare covers), and ``Progress.verdict`` says whether the response may be called yet and
what decided it (``outcomes.verdict.judge``): too early before the first checkpoint.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, is_dataclass
from datetime import date, timedelta
from typing import Any, Protocol

from acupath.assessment import classify_change, score
from acupath.errors import InputError
from acupath.outcomes.diary import HeadacheDays, headache_days
from acupath.outcomes.opioids import OpioidUse, opioid_use
from acupath.outcomes.recall import EarlyMeasure, within_recall
from acupath.outcomes.records import DiaryMonth, Reassessment, SessionRecord
from acupath.outcomes.safety_flags import follow_up, raised_flags
from acupath.outcomes.verdict import Verdict, in_force, judge


class PlanLike(Protocol):
    """What progress reads from a plan (``acupath.planning.Plan`` or anything shaped like it)."""

    patient_id: str
    condition: str
    payer: str
    baseline: dict[str, float]
    checkpoints: Any
    coverage: Any


@dataclass(frozen=True)
class InstrumentChange:
    """One instrument's change from baseline at a checkpoint."""

    instrument: str
    baseline: float
    followup: float
    improvement: float
    percent_improvement: float | None
    mcid_reached: bool | None
    immpact: str | None
    worsened: bool
    measured_at_session: int
    #: Where the follow-up value was measured: ``reassessment``, or ``before_needling`` (the pain NRS the
    #: patient rated before a session's needling, later than the last reassessment's NRS).
    source: str = "reassessment"


@dataclass(frozen=True)
class CheckpointStatus:
    """Responder status at one checkpoint: ``responder`` is None when nothing was measured."""

    id: str
    session: int
    reached: bool
    responder: bool | None
    worsened: bool
    changes: tuple[InstrumentChange, ...]


@dataclass(frozen=True)
class Alert:
    """Something the clinician must act on."""

    code: str
    session: int
    message: str
    citations: tuple[str, ...] = ()


@dataclass(frozen=True)
class Progress:
    """Where the patient stands: sessions given, pain per session, checkpoints, alerts."""

    patient_id: str
    condition: str
    sessions_given: int
    last_session_date: date | None
    pain: tuple[tuple[int, int | None, int | None], ...]
    latest: CheckpointStatus
    checkpoints: tuple[CheckpointStatus, ...]
    alerts: tuple[Alert, ...]
    knowledge_version: str
    #: The opioid-sparing outcome (``acupath.outcomes.opioids``); None when no MME was ever recorded.
    opioids: OpioidUse | None = None
    headache_days: HeadacheDays | None = None  # migraine: the headache diary against baseline
    #: The responder statement every page and document says (``acupath.outcomes.verdict``).
    verdict: Verdict | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return progress as JSON-ready data (dates as ISO strings)."""
        data: dict[str, Any] = _plain(self)
        data["last_session_date"] = self.last_session_date.isoformat() if self.last_session_date else None
        for month in (data["headache_days"] or {}).get("months", ()):
            month["month_start"] = month["month_start"].isoformat()
        return data


def _plain(value: Any) -> Any:
    # What ``dataclasses.asdict`` returns, without its deep copy of every leaf value (the values here
    # are numbers, strings and tuples, which need no copy); it was a tenth of a progress request.
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, tuple | list):
        return type(value)(_plain(item) for item in value)
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value


def _score(reassessment: Reassessment, instrument: str, answers: dict[str, Any], kb: Any) -> Any:
    """Return the score of one reassessment questionnaire.

    Raises ``InputError`` naming the reassessment's session, the instrument and the item.
    """
    try:
        return score(instrument, answers, kb=kb)
    except InputError as exc:
        item = exc.field.removeprefix(f"{instrument}.") if exc.field != "instrument" else ""
        field = f"reassessments (session {reassessment.session}).questionnaires.{instrument}"
        raise InputError(f"{field}.{item}" if item else field, exc.problem, exc.allowed) from None


def _changes_at(
    session: int, plan: PlanLike, records: tuple[SessionRecord, ...], reassessments: tuple[Reassessment, ...], kb: Any
) -> tuple[InstrumentChange, ...]:
    """Return the change of every measured instrument, using the latest measurement at or before ``session``.

    Reassessments count in their order (the last one given wins); the pain NRS rated before a session
    counts when it is later than the last reassessment's NRS: a reassessment at the same session wins,
    as the fuller measurement of the same day. A later session's NRS is never hidden by an earlier
    reassessment's, so a patient whose pain came back is not kept a responder.
    """
    latest: dict[str, tuple[int, Any]] = {}
    before_needling = False
    for reassessment in reassessments:
        if reassessment.session <= session:
            for instrument, answers in reassessment.questionnaires.items():
                latest[instrument] = (reassessment.session, _score(reassessment, instrument, answers, kb))
            for instrument, total in reassessment.totals.items():
                latest[instrument] = (reassessment.session, None if total is None else float(total))
    rated = [(r.number, float(r.pain_nrs_before)) for r in records
             if r.number <= session and r.pain_nrs_before is not None]
    if rated:
        number, pain = max(rated)
        if "nrs" not in latest or latest["nrs"][0] < number:
            latest["nrs"] = (number, pain)
            before_needling = True
    changes: list[InstrumentChange] = []
    for instrument, (at, followup) in latest.items():
        baseline = plan.baseline.get(instrument)
        if baseline is None or followup is None or (not isinstance(followup, float) and followup.total is None):
            continue
        forward = classify_change(instrument, baseline, followup, kb=kb)
        backward = classify_change(instrument, followup, baseline, kb=kb)
        changes.append(
            InstrumentChange(
                instrument=instrument, baseline=forward.baseline, followup=forward.followup,
                improvement=forward.improvement, percent_improvement=forward.percent_improvement,
                mcid_reached=forward.mcid_reached, immpact=forward.immpact,
                worsened=bool(backward.mcid_reached) and forward.improvement < 0, measured_at_session=at,
                source="before_needling" if before_needling and instrument == "nrs" else "reassessment",
            )
        )
    return tuple(changes)


def _status(cid: str, session: int, given: int, changes: tuple[InstrumentChange, ...]) -> CheckpointStatus:
    decided = [c.mcid_reached for c in changes if c.mcid_reached is not None]
    return CheckpointStatus(
        id=cid, session=session, reached=given >= session,
        responder=any(decided) if decided else None,
        worsened=any(c.worsened for c in changes), changes=changes,
    )


def evaluate(
    plan: PlanLike, session_records: tuple[SessionRecord, ...], reassessments: tuple[Reassessment, ...],
    kb: Any = None, diary: tuple[DiaryMonth, ...] = (),
) -> Progress:
    """Return the patient's ``Progress`` against ``plan``; ``diary`` is the headache diary (migraine).

    Raises ``InputError`` (from scoring) when reassessment answers cannot be scored, naming the item,
    and on ``headache_diary`` when the plan's condition keeps no diary or it has no baseline.
    """
    if kb is None:
        from acupath.knowledge import load_knowledge

        kb = load_knowledge()
    # Sessions given is a count (numbers may skip a missed appointment): Medicare's 12/20 limits and the
    # checkpoints count the sessions delivered, not the highest number written on one.
    given = len(session_records)
    highest = max((r.number for r in session_records), default=0)
    phases = getattr(plan, "phases", ())
    # Before the recall filter: a flag is followed up even when its questionnaire came back too soon.
    flagged = tuple(_follow_up_alerts(reassessments, kb))
    reassessments, early = within_recall(reassessments, plan.baseline, phases[0].starts if phases else None, kb)
    checkpoints = in_force(plan, kb)  # Medicare's extension checkpoint only on a plan Medicare covers
    statuses = tuple(
        _status(c.id, c.session, given, _changes_at(c.session, plan, session_records, reassessments, kb))
        for c in checkpoints if given >= c.session
    )
    last = max([highest] + [r.session for r in reassessments])
    latest = _status("latest", last, given, _changes_at(last, plan, session_records, reassessments, kb))
    this_year = _sessions_this_year(session_records, kb.coverage.medicare.annual_window_days)
    alerts = flagged + _alerts(plan, statuses, latest, given, kb, this_year) + tuple(_early_alert(m) for m in early)
    return Progress(
        patient_id=plan.patient_id, condition=plan.condition, sessions_given=given,
        last_session_date=max((r.date for r in session_records), default=None),
        pain=tuple((r.number, r.pain_nrs_before, r.pain_nrs_after) for r in session_records),
        latest=latest, checkpoints=statuses, alerts=alerts,
        knowledge_version=getattr(plan, "knowledge_version", kb.version),
        opioids=opioid_use(plan.baseline, reassessments),
        headache_days=headache_days(plan, diary, kb),
        verdict=judge(latest, statuses, checkpoints),
    )


def _sessions_this_year(records: tuple[SessionRecord, ...], window_days: int) -> tuple[int, date | None]:
    """Return how many sessions fall in the Medicare year of the latest one, and the day that year began.

    The years are counted from the first session in windows of ``window_days``, as ``planning.coverage``
    marks the planned sessions (coverage.yaml ``annual_note``: the NCD says "annually"; confirm with the MAC).
    """
    if not records:
        return 0, None
    first = min(r.date for r in records)
    year = (max(r.date for r in records) - first).days // window_days
    start = first + timedelta(days=year * window_days)
    return sum(1 for r in records if (r.date - first).days // window_days == year), start


def _follow_up_alerts(reassessments: tuple[Reassessment, ...], kb: Any) -> list[Alert]:
    """Return a ``safety_follow_up`` alert for each flag a reassessment's questionnaires raised."""
    alerts = []
    for reassessment in reassessments:
        def score_of(instrument: str, answers: dict[str, Any], r: Reassessment = reassessment) -> Any:
            return _score(r, instrument, answers, kb)

        for instrument, flag in raised_flags(reassessment, score_of):
            message, citations = follow_up(instrument, flag, reassessment, kb)
            alerts.append(Alert("safety_follow_up", reassessment.session, message, citations))
    return alerts


def _early_alert(measure: EarlyMeasure) -> Alert:
    return Alert(
        "recall_period_not_passed", measure.session,
        f"{measure.instrument} given on {measure.given_on.isoformat()}, {measure.days} days after "
        f"{measure.previous.isoformat()}: its recall period is {measure.recall_days} days, so its answers "
        "overlap the previous ones; left out of the change from baseline.",
        ("instruments_reference_2026",),
    )


def _alerts(
    plan: PlanLike, statuses: tuple[CheckpointStatus, ...], latest: CheckpointStatus, given: int, kb: Any,
    this_year: tuple[int, date | None] = (0, None),
) -> tuple[Alert, ...]:
    alerts: list[Alert] = []
    cites = {c.id: tuple(c.citations) for c in plan.checkpoints}
    medicare = kb.coverage.medicare
    for status in statuses:
        if status.id == "reassess_diagnosis" and status.responder is not True:
            alerts.append(Alert("reassess_diagnosis", status.session,
                                f"No improvement by session {status.session}: reassess the diagnosis.",
                                cites.get(status.id, ())))
    if latest.worsened:
        worse = ", ".join(c.instrument for c in latest.changes if c.worsened)
        alerts.append(Alert("discontinue", latest.session,
                            f"Worse by at least an MCID ({worse}): discontinue and reassess "
                            "(NCD 30.3.3: discontinue if not improving or regressing).", medicare.citations))
    coverage = plan.coverage
    eligible = plan.payer == "medicare" and coverage is not None and getattr(coverage, "eligible", False)
    in_year, year_start = this_year
    if eligible and in_year >= medicare.annual_cap and year_start is not None:
        # NCD 30.3.3 (clinical.md §5): 12 visits, 8 more with improvement, "No more than 20 acupuncture
        # treatments may be administered annually": the additional sessions are spent, so the patient is
        # no longer "eligible for the 8 additional sessions" however well they respond.
        ends = year_start + timedelta(days=medicare.annual_window_days)
        alerts.append(Alert("medicare_annual_cap_reached", latest.session,
                            f"{in_year} sessions given in the Medicare year from {year_start.isoformat()}: NCD "
                            f"30.3.3 covers no more than {medicare.annual_cap} a year, so further sessions are "
                            f"not covered before {ends.isoformat()} (confirm the year with the MAC).",
                            medicare.citations))
    elif eligible and latest.responder and not latest.worsened:
        alerts.append(Alert("medicare_extension_eligible", latest.session,
                            f"Improvement documented: eligible for the {medicare.additional_visits} additional "
                            f"Medicare sessions ({medicare.annual_cap} a year at most); record it in the notes.",
                            medicare.citations))
    extension = next((s for s in statuses if s.id == "medicare_extension"), None)
    if eligible and extension is not None and given >= extension.session:
        if extension.responder is not True:
            alerts.append(Alert("medicare_not_improving", extension.session,
                                f"No documented improvement by session {extension.session}: Medicare covers no "
                                "more sessions; discontinue (NCD 30.3.3).", medicare.citations))
        elif latest.responder is not True and latest.session > extension.session:
            # NCD 30.3.3 (clinical.md §5): "Treatment must be discontinued if the patient is not improving
            # or is regressing" holds in the additional sessions too, not only at the checkpoint: an
            # improvement documented there and since lost is "not improving".
            alerts.append(Alert("medicare_not_improving", latest.session,
                                f"Improved at session {extension.session} but no longer by session "
                                f"{latest.session} (no measure improved by its MCID): Medicare covers no more "
                                "sessions; discontinue (NCD 30.3.3).", medicare.citations))
    return tuple(alerts)
