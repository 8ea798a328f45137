"""``acupath plan INTAKE`` and ``acupath progress PLAN.json RECORDS.yaml``.

``plan`` screens the intake on its treatment start date and builds the plan; a referral intake prints
the referral (exit 0: a clinician can follow it); ``--format svg`` prints the plan's body chart
(``acupath.reports.body_chart``) instead. ``progress`` reads a plan saved with
``--format json`` and the session records (format in ``acupath.outcomes.records``).
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from acupath.cli.files import read_data
from acupath.cli.intake import check_against_knowledge, read_intake
from acupath.cli.output import emit_json
from acupath.cli.plan_render import render_plan
from acupath.errors import InputError
from acupath.knowledge import load_knowledge
from acupath.outcomes import HeadacheDays, Progress, evaluate, parse_diary, parse_records
from acupath.outcomes.opioids import describe as describe_opioids
from acupath.planning import Plan, build_plan
from acupath.safety import screen


class Format(StrEnum):
    """Output formats of ``acupath plan``."""

    text = "text"
    markdown = "markdown"
    json = "json"
    svg = "svg"


def plan_command(
    intake_file: Annotated[Path, typer.Argument(metavar="INTAKE", help="The intake, YAML or JSON.")],
    fmt: Annotated[Format, typer.Option("--format", help="text, markdown, json or svg (the body chart).")] = Format.text,
) -> None:
    """Screen an intake and print its plan (or the referral that stops planning)."""
    intake = read_intake(intake_file)
    kb = load_knowledge()
    check_against_knowledge(intake, kb)
    screening = screen(intake, kb=kb, today=intake.schedule.start)
    plan = build_plan(intake, screening, kb)
    if fmt is Format.json:
        emit_json(plan.to_dict())
    elif fmt is Format.svg:
        from acupath.reports.body_chart import body_chart_svg, excluded_regions  # only this format needs it

        typer.echo(body_chart_svg(plan, kb, excluded_regions=excluded_regions(screening.findings)))
    else:
        typer.echo(render_plan(plan, markdown=fmt is Format.markdown), nl=False)


def read_plan(path: Path) -> Plan:
    """Read a plan written by ``acupath plan --format json``.

    Raises ``InputError`` naming the file when it is not a plan.
    """
    data = read_data(path, "plan")
    try:
        return Plan.from_dict(data)
    except (KeyError, ValueError, TypeError) as exc:
        raise InputError(str(path), f"not a plan written by 'acupath plan --format json' ({exc})") from None


def render_progress(progress: Progress) -> str:
    """Return progress as text: alerts first, then checkpoints with each instrument's change."""
    lines = [f"Progress of {progress.patient_id} ({progress.condition}): {progress.sessions_given} sessions given"]
    lines.append(f"knowledge: {progress.knowledge_version}")
    lines.append("ALERTS" if progress.alerts else "No alerts.")
    for alert in progress.alerts:
        lines.append(f"- [{alert.code}] session {alert.session}: {alert.message}")
    for status in (*progress.checkpoints, progress.latest):
        responder = {True: "responder", False: "not responding", None: "not measured"}[status.responder]
        worse = "; WORSE" if status.worsened else ""
        lines.append(f"{status.id} (session {status.session}): {responder}{worse}")
        for c in status.changes:
            pct = f" ({c.percent_improvement:+.0f}%)" if c.percent_improvement is not None else ""
            mcid = {True: "MCID reached", False: "below MCID", None: "no MCID"}[c.mcid_reached]
            immpact = f", IMMPACT {c.immpact}" if c.immpact else ""
            lines.append(f"  - {c.instrument}: {c.baseline:g} -> {c.followup:g}{pct}, {mcid}{immpact}")
    if progress.pain:
        lines.append("Pain NRS by session (before/after): " + ", ".join(
            f"{n}: {'-' if b is None else b}/{'-' if a is None else a}" for n, b, a in progress.pain))
    if progress.opioids is not None:
        lines.append(describe_opioids(progress.opioids))
    if progress.headache_days is not None:
        lines.extend(_diary_lines(progress.headache_days))
    return "\n".join(lines)


def _diary_lines(diary: HeadacheDays) -> list[str]:
    """Return the headache diary as text: the baseline, then each month's days and its reduction."""
    def days(value: float | None) -> str:
        return "-" if value is None else f"{value:g}"

    measure = diary.measure.replace("_", " ")
    lines = [
        f"Headache diary: baseline {days(diary.baseline_headache_days)} headache days, "
        f"{days(diary.baseline_migraine_days)} migraine days a month ({diary.baseline_from}); responder: "
        f">= {diary.reduction_percent_needed:g}% fewer {measure} ({', '.join(diary.citations)})"
    ]
    for m in diary.months:
        pct = "baseline 0: no percent" if m.reduction_percent is None else f"{-m.reduction_percent:+.0f}% {measure}"
        status = {True: "responder", False: "not responding", None: "not judged"}[m.responder]
        lines.append(f"  - month from {m.month_start.isoformat()}: {m.headache_days} headache days, "
                     f"{m.migraine_days} migraine days ({pct}): {status}")
    if not diary.months:
        lines.append("  - no diary month since the plan started")
    return lines


def progress_command(
    plan_file: Annotated[Path, typer.Argument(metavar="PLAN.json", help="A plan from 'acupath plan --format json'.")],
    records_file: Annotated[Path, typer.Argument(metavar="RECORDS.yaml", help="Session records and reassessments.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show responder status at each checkpoint and the alerts (reassess, discontinue, Medicare extension)."""
    plan = read_plan(plan_file)
    if plan.is_referral:
        raise InputError(str(plan_file), f"the plan is a referral ({plan.status}); there is no progress to follow")
    records = read_data(records_file, "records")
    sessions, reassessments = parse_records(records)
    result = evaluate(plan, sessions, reassessments, kb=load_knowledge(), diary=parse_diary(records))
    if as_json:
        emit_json(result.to_dict())
    else:
        typer.echo(render_progress(result))


def register(app: typer.Typer) -> None:
    """Add the ``plan`` and ``progress`` commands to ``app``."""
    app.command("plan")(plan_command)
    app.command("progress")(progress_command)
