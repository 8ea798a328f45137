"""Charting a session under a plan: the form pre-filled from the previous session (else the plan).

``services.session_drafts.session_draft`` says what the form starts from (carried forward from the
last session as given, or the plan for the first one); ``services.sessions.record_session`` records
what is sent, as the API's ``POST /plans/{id}/sessions`` does (the same ``SessionInput``). The form's
controls are named by their path in that input (``points.2.code``, ``stimulation.electrode_pairs.0.1.side``,
``overrides.0.reason``), rows numbered as shown: a point row without a code or with "Needled" unticked
is left out, and an error's index in the sent lists is turned back into the row's, so that every
problem is named beside its box.

A session's date must fit its plan (``services.session_dates``: from the plan's start and the last
session's date to today); the date box's hint says which days, and a refused date is named beside it
in the clinic's date format (``SessionDateRefused.worded``). While the plan starts after today the page
says so plainly instead of offering a form that cannot succeed.

A ``SafetyBlock`` (a referral standing, or a point, modality or electrode pair that a finding in force
excludes) is decided by the service alone; the page only places each of its sentences beside the row
it names (``safety_problems``), and any it cannot place stays in the summary. Nothing is stored
unless the service accepts the whole session.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal, get_args, get_origin

from fastapi import APIRouter, Request
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from acupath.errors import InputError, SafetyBlock
from acupath.services import patients, sessions
from acupath.services.access import require_clinical
from acupath.services.electrodes import ElectrodeSide
from acupath.services.record_dates import plan_start
from acupath.services.records.people import DEFAULT_LOCALE
from acupath.services.session_dates import (
    SessionDateRefused,
    SessionDates,
    not_started_sentence,
    session_dates,
)
from acupath.services.session_drafts import SessionDraft, session_draft
from acupath.services.sessions import NeedleInput, PointInput, SessionInput, StimulationInput
from acupath.validation import describe
from acupath.web.forms import Problem, refused_characters
from acupath.web.locales import format_day
from acupath.web.pages import PageRoute, render, web_state
from acupath.web.visitor import CsrfFormDep, VisitorDep, unit_of_work

router = APIRouter(prefix="/clinic/plans", route_class=PageRoute, include_in_schema=False)

#: Empty rows offered beyond the carried-forward ones, to add a point or an electrode pair.
EXTRA_POINTS = 3
EXTRA_PAIRS = 1


def _options(model: Any, name: str) -> tuple[str, ...]:
    """Return the allowed values of a ``Literal`` field of ``model`` (``Literal[...] | None`` too)."""
    annotation = model.model_fields[name].annotation
    for arg in (annotation, *get_args(annotation)):
        if get_origin(arg) is Literal:
            return get_args(arg)
    return ()


SIDES = _options(PointInput, "side")
UNITS = _options(PointInput, "unit")
ELECTRODE_SIDES = get_args(ElectrodeSide)
STYLES = _options(SessionInput, "style")
INDIVIDUALISATION = _options(SessionInput, "individualisation")
WAVEFORMS = _options(StimulationInput, "waveform")
KINDS = _options(StimulationInput, "kind")
NEEDLE_FIELDS = tuple(NeedleInput.model_fields)
ELECTRO_FIELDS = ("frequency_hz", "intensity_ma", "pulse_width_ms", "waveform", "minutes")
#: The boxes' labels, as the error summary names them.
LABELS = {
    "session_date": "Date of the session", "style": "Style", "rationale": "Rationale",
    "individualisation": "Individualisation", "points": "Points", "stimulation": "Stimulation",
    "stimulation.kind": "Stimulation", "stimulation.frequency_hz": "Frequency (Hz)",
    "stimulation.intensity_ma": "Intensity (mA)", "stimulation.pulse_width_ms": "Pulse width (ms)",
    "stimulation.waveform": "Waveform", "stimulation.minutes": "Stimulation minutes",
    "stimulation.electrode_pairs": "Electrode pairs", "retention_minutes": "Needle retention (minutes)",
    "face_to_face_minutes": "Face-to-face time (minutes)",
    "needle.diameter_mm": "Needle diameter (mm)", "needle.gauge": "Needle gauge", "needle.length_mm": "Needle length (mm)",
    "needle.material": "Needle material", "needle.manufacturer": "Needle manufacturer",
    "co_interventions": "Co-interventions", "pain_before": "Pain before (NRS 0 to 10)",
    "pain_after": "Pain after (NRS 0 to 10)", "notes": "Notes", "overrides": "Overrides",
}


@dataclass
class Rows:
    """Which shown row each sent list item came from (``points``, ``electrode_pairs``, ``overrides``)."""

    of: dict[str, list[int]] = field(default_factory=lambda: {"points": [], "electrode_pairs": [], "overrides": []})

    def control(self, path: list[str | int]) -> str:
        """Return the control's name for a path into the sent session (indices turned into rows)."""
        parts: list[str] = []
        for i, part in enumerate(path):
            if isinstance(part, int) and i and isinstance(path[i - 1], str) and path[i - 1] in self.of:
                rows = self.of[str(path[i - 1])]
                part = rows[part] if part < len(rows) else part
            parts.append(str(part))
        return ".".join(parts)


def label_of(name: str) -> str:
    """Return how the summary names a control (``points.2.code`` -> ``Point row 3, code``)."""
    if name in LABELS:
        return LABELS[name]
    parts = name.split(".")
    if parts[0] == "points" and len(parts) > 1:
        return f"Point row {int(parts[1]) + 1}" + (f", {parts[2]}" if len(parts) > 2 else "")
    if parts[:2] == ["stimulation", "electrode_pairs"] and len(parts) > 2:
        return f"Electrode pair {int(parts[2]) + 1}" + (f", electrode {int(parts[3]) + 1}" if len(parts) > 3 else "")
    if parts[0] == "overrides" and len(parts) > 1:
        return f"Override {int(parts[1]) + 1}" + (f", {parts[2]}" if len(parts) > 2 else "")
    return name.replace("_", " ").capitalize()


def draft_fields(values: dict[str, Any], draft: SessionDraft) -> dict[str, str]:
    """Return the draft's values as the form's fields (strings; each of its points ticked "Needled")."""
    fields: dict[str, str] = {}

    def put(name: str, value: Any) -> None:
        if value is not None and value != "":
            fields[name] = f"{value:g}" if isinstance(value, float) else str(value)

    for name in ("session_date", "style", "rationale", "individualisation", "retention_minutes"):
        put(name, values.get(name))
    points = values.get("points") or []
    for i, point in enumerate(points):
        fields[f"points.{i}.given"] = "true"
        for key in ("code", "side", "depth", "unit"):
            put(f"points.{i}.{key}", point.get(key))
    stimulation = values.get("stimulation") or {}
    put("stimulation.kind", stimulation.get("kind"))
    for key in ELECTRO_FIELDS:
        put(f"stimulation.{key}", stimulation.get(key))
    for i, pair in enumerate(stimulation.get("electrode_pairs") or []):
        for j, electrode in enumerate(pair):
            put(f"stimulation.electrode_pairs.{i}.{j}.code", electrode["code"])
            put(f"stimulation.electrode_pairs.{i}.{j}.side", electrode["side"])
    for key, value in (values.get("needle") or {}).items():
        put(f"needle.{key}", value)
    fields["co_interventions"] = "\n".join(values.get("co_interventions") or [])
    for i, finding in enumerate(draft.referral):
        fields[f"overrides.{i}.finding"] = finding.code
    return fields


def _indices(form: dict[str, str], prefix: str) -> list[int]:
    """Return the row numbers the form holds under ``prefix`` (``points.`` -> 0, 1, 2...), in order."""
    found = {int(m.group(1)) for name in form if (m := re.match(re.escape(prefix) + r"(\d+)\.", name))}
    return sorted(found)


def session_document(form: dict[str, str]) -> tuple[dict[str, Any], Rows]:
    """Return the session the posted form describes (blank boxes left out) and where each item came from."""
    rows = Rows()
    text = {name: value.strip() for name, value in form.items()}
    document: dict[str, Any] = {name: text[name] for name in ("session_date", "style", "rationale",
                                                              "individualisation", "retention_minutes",
                                                              "face_to_face_minutes", "pain_before", "pain_after",
                                                              "notes")
                                if text.get(name)}
    document["points"] = []
    for i in _indices(form, "points."):
        if text.get(f"points.{i}.code") and text.get(f"points.{i}.given"):
            point = {key: text[f"points.{i}.{key}"] for key in ("code", "side", "depth", "unit")
                     if text.get(f"points.{i}.{key}")}
            document["points"].append(point)
            rows.of["points"].append(i)
    stimulation: dict[str, Any] = {"kind": text.get("stimulation.kind", "")}
    if stimulation["kind"] != "manual":
        stimulation.update({key: text[f"stimulation.{key}"] for key in ELECTRO_FIELDS if text.get(f"stimulation.{key}")})
        pairs = []
        for i in _indices(form, "stimulation.electrode_pairs."):
            electrodes = [{key: text.get(f"stimulation.electrode_pairs.{i}.{j}.{key}", "") for key in ("code", "side")}
                          for j in (0, 1)]
            if any(e["code"] for e in electrodes):
                pairs.append(electrodes)
                rows.of["electrode_pairs"].append(i)
        stimulation["electrode_pairs"] = pairs
    document["stimulation"] = stimulation
    needle = {key: text[f"needle.{key}"] for key in NEEDLE_FIELDS if text.get(f"needle.{key}")}
    if needle:
        document["needle"] = needle
    document["co_interventions"] = [line.strip() for line in form.get("co_interventions", "").splitlines() if line.strip()]
    document["overrides"] = []
    for i in _indices(form, "overrides."):
        if text.get(f"overrides.{i}.reason"):
            document["overrides"].append({"finding": text.get(f"overrides.{i}.finding", ""),
                                          "reason": text[f"overrides.{i}.reason"]})
            rows.of["overrides"].append(i)
    return document, rows


def problems_of_input(exc: ValidationError, rows: Rows) -> list[Problem]:
    """Return one problem per control that ``SessionInput`` refused (pydantic's every error)."""
    found: dict[str, Problem] = {}
    for error in exc.errors():
        path = [part for part in error["loc"] if part != "root"]
        name = rows.control(path) or "form"
        if name in found:
            continue
        problem, allowed = describe(error)
        if error.get("type") == "missing":
            problem = "enter a value" if path[-1] != "points" else "record at least one point"
        found[name] = Problem(name, f"{label_of(name)}: {problem}" + (f" (allowed: {allowed})" if allowed else ""))
    return list(found.values())


def day_text_of(request: Request) -> Callable[[date], str]:
    """Return how the visitor's clinic writes a date ("7 Dec 2026" in en-GB), for sentences built in code."""
    locale = getattr(request.state, "locale", DEFAULT_LOCALE)  # the clinic's, set by the visitor check
    return lambda day: format_day(day, locale)


def problem_at(error: InputError, rows: Rows, day_text: Callable[[date], str] = date.isoformat) -> Problem:
    """Return the problem of a service's ``InputError``, named by the control of its field.

    A refused session date is worded with ``day_text`` (the clinic's date format; the service's own
    message writes ISO 8601 for the API).
    """
    path: list[str | int] = [int(p) if p.isdigit() else p for p in re.findall(r"[^.\[\]]+", error.field)]
    name = rows.control(path)
    if re.fullmatch(r"stimulation\.electrode_pairs\.\d+\.\d", name):  # an electrode: its point's box
        name += ".code"
    problem, allowed = error.worded(day_text) if isinstance(error, SessionDateRefused) else (error.problem,
                                                                                             error.allowed)
    text = f"{label_of(name)}: {problem}" + (f" (allowed: {allowed})" if allowed else "")
    return Problem(field=name, message=text)


def draft_dates(draft: SessionDraft, today: date) -> SessionDates:
    """Return the dates the drafted session may have: from the plan's start and the last session's date to today.

    The service decides (``check_session_date`` reads every session of the plan); this is the hint.
    """
    return session_dates(plan_start(draft.plan.plan), [draft.previous] if draft.previous else [],
                         draft.next_number, today)


def date_hint(dates: SessionDates, day_text: Callable[[date], str]) -> str:
    """Return the date box's hint: "From 9 Nov 2026 (the date of session 3) to today (1 Dec 2026)."."""
    latest = f"{dates.latest.what} ({day_text(dates.latest.day)})"
    if dates.earliest is None:
        return f"On or before {latest}."
    return f"From {day_text(dates.earliest.day)} ({dates.earliest.what}) to {latest}."


def safety_problems(block: SafetyBlock, sent: SessionInput, rows: Rows) -> list[Problem]:
    """Return the service's safety refusal as problems beside the rows its sentences name.

    The service decided (``check_session_safety``); its message lists one sentence per thing refused,
    each starting with what it is about (``point BL23 (left): ...``, ``modality electro: ...``,
    ``electrode pair BL23(left)-BL25(left): ...``, ``safety.violations``). A sentence no row answers to
    (a referral, the plan as a whole) is shown at the overrides, where it can be answered.
    """
    message = str(block)
    head, _, listed = message.partition("): ")
    if not listed or not head.startswith("the session contradicts"):
        return [Problem("overrides", f"Referral: {message}. To record this session, give a reason to override "
                                     "each finding named (an urgent one needs the clearing clinician's words).")]
    labels: dict[str, str] = {f"modality {sent.stimulation.kind}": "stimulation.kind"}
    for row, point in zip(rows.of["points"], sent.points, strict=False):
        for verb in ("point", "needling", "heat at"):
            labels[f"{verb} {point.code} ({point.side})"] = f"points.{row}.code"
    for row, pair in zip(rows.of["electrode_pairs"], sent.stimulation.electrode_pairs, strict=False):
        a, b = pair.root
        labels[f"electrode pair {a.code}({a.side})-{b.code}({b.side})"] = f"stimulation.electrode_pairs.{row}"
    placed: list[tuple[str, str]] = []
    for sentence in listed.split("; "):
        where = next((name for label, name in labels.items() if sentence.startswith(label + ": ")), None)
        if where is None and placed:  # a sentence of its own holding "; ": it continues the one before
            placed[-1] = (placed[-1][0], f"{placed[-1][1]}; {sentence}")
        else:
            placed.append((where or "overrides", sentence))
    return [Problem(name, f"{label_of(name)}: {sentence[:1].upper()}{sentence[1:]} (change it, or override the "
                          "finding with a reason below)") for name, sentence in placed]


def _rows_shown(values: dict[str, str], prefix: str, extra: int, least: int = 0) -> int:
    """Return how many rows to show under ``prefix``: those filled in, plus ``extra`` empty ones."""
    taken = _indices(values, prefix)
    return max((taken[-1] + 1) if taken else 0, least) + extra


def not_yet_notice(request: Request, opens: date | None) -> str | None:
    """Return what the chart and the form say of a plan that starts after today (``opens``), else None.

    "This plan starts on 7 Dec 2026; sessions can be charted from that day." (the clinic's date format).
    """
    if opens is None:
        return None
    text = not_started_sentence(opens, day_text_of(request))
    return text[:1].upper() + text[1:] + "."


def _form(request: Request, draft: SessionDraft, patient: Any, values: dict[str, str], problems: list[Problem],
          status_code: int = 200) -> Response:
    plan = draft.plan.plan
    today = web_state(request).clock().date()
    dates, day_text = draft_dates(draft, today), day_text_of(request)
    return render(request, "sessions/new.html", {
        "draft": draft, "plan": plan, "patient": patient, "values": values, "problems": problems,
        "labels": LABELS, "sides": SIDES, "units": UNITS, "electrode_sides": ELECTRODE_SIDES, "styles": STYLES,
        "individualisation": INDIVIDUALISATION, "waveforms": WAVEFORMS, "kinds": KINDS,
        "point_rows": _rows_shown(values, "points.", EXTRA_POINTS),
        "pair_rows": _rows_shown(values, "stimulation.electrode_pairs.", EXTRA_PAIRS),
        "override_rows": _rows_shown(values, "overrides.", 1, least=len(draft.referral)),
        "today": today, "date_hint": date_hint(dates, day_text),
        "earliest": dates.earliest.day if dates.earliest and not dates.empty else None,
        # A plan that starts after today: the page says so instead of a form that cannot succeed.
        "not_yet": not_yet_notice(request, dates.not_started),
    }, status_code=status_code)


@router.get("/{plan_id}/sessions/new")
def new_session_page(request: Request, plan_id: str, visitor: VisitorDep) -> Response:
    """Return the charting form pre-filled from the previous session, else the plan.

    Reception gets the 403 page, another clinic's plan the 404 page.
    """
    require_clinical(visitor.actor)
    state = web_state(request)
    draft = session_draft(unit_of_work(request), visitor.actor, plan_id, state.clock().date())
    patient = patients.get_patient(unit_of_work(request), visitor.actor, draft.plan.patient_id)
    return _form(request, draft, patient, draft_fields(draft.values, draft), [])


@router.post("/{plan_id}/sessions/new")
async def record_session(request: Request, plan_id: str, form: CsrfFormDep, visitor: VisitorDep) -> Response:
    """Record the session and go to the plan page (or the adverse-event form when asked for).

    Otherwise the form again as typed (422), each problem named beside its box; nothing is stored.
    """
    require_clinical(visitor.actor)
    state = web_state(request)
    today = state.clock().date()
    draft = await run_in_threadpool(session_draft, unit_of_work(request), visitor.actor, plan_id, today)
    patient = await run_in_threadpool(patients.get_patient, unit_of_work(request), visitor.actor,
                                      draft.plan.patient_id)
    problems = refused_characters(form, LABELS)
    document, rows = session_document(form)
    sent: SessionInput | None = None
    if not problems:
        try:
            sent = SessionInput.model_validate(document)
        except ValidationError as exc:
            problems = problems_of_input(exc, rows)
    if sent is not None:
        try:
            record = await run_in_threadpool(sessions.record_session, unit_of_work(request), visitor.actor, plan_id,
                                             sent, state.kb, today=today)
        except InputError as exc:
            problems.append(problem_at(exc, rows, day_text_of(request)))
        except SafetyBlock as exc:
            problems.extend(safety_problems(exc, sent, rows))
        else:
            if form.get("adverse_event_next"):
                return RedirectResponse(f"/clinic/plans/{plan_id}/adverse-events/new?session={record.id}",
                                        status_code=303)
            return RedirectResponse(f"/clinic/plans/{plan_id}?recorded=session&number={record.number}",
                                    status_code=303)
    return _form(request, draft, patient, form, problems, status_code=422)
