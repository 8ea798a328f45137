"""``acupath screen INTAKE``: red flags, contraindications and cautions for one intake."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from acupath.cli.intake import check_against_knowledge, read_intake
from acupath.cli.output import emit_json
from acupath.errors import InputError
from acupath.knowledge import load_knowledge
from acupath.safety import screen
from acupath.safety.findings import Finding, Screening


def _affects_line(finding: Finding) -> str:
    affects = finding.affects.to_dict()
    no_electrode = [t.split(":", 1)[1] for t in affects["techniques"] if t.startswith("ea_at_point:")]
    affects["techniques"] = [t for t in affects["techniques"] if not t.startswith("ea_at_point:")]
    affects["no electrode on"] = no_electrode
    return "; ".join(f"{name} {', '.join(values)}" for name, values in affects.items() if values)


def render_text(result: Screening) -> str:
    """Return the screening as text: the status, then each finding with what it affects and cites."""
    lines = [f"status: {result.status.value}", f"knowledge: {result.knowledge_version}"]
    if not result.findings:
        lines.append("no findings")
    for finding in result.findings:
        lines.append(f"- [{finding.severity.value}] {finding.code} ({finding.kind.value}, {finding.action.value})")
        lines.append(f"    {finding.message}")
        if not finding.affects.is_empty():
            lines.append(f"    affects: {_affects_line(finding)}")
        lines.append(f"    cites: {', '.join(finding.citations)}")
        if finding.note:
            lines.append(f"    note: {finding.note}")
        if finding.override is not None:
            on = f" on {finding.override.on.isoformat()}" if finding.override.on else ""
            lines.append(f"    OVERRIDDEN by {finding.override.by}{on}: {finding.override.reason}")
    return "\n".join(lines)


def screen_command(
    intake_file: Annotated[Path, typer.Argument(metavar="INTAKE", help="The intake, YAML or JSON.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON: status, findings, knowledge_version.")] = False,
    on: Annotated[str | None, typer.Option("--on", help="The screening day, YYYY-MM-DD (default: today).")] = None,
) -> None:
    """Screen an intake: status (urgent_referral, referral, proceed_with_cautions, proceed) and findings."""
    try:
        day = date.fromisoformat(on) if on else date.today()
    except ValueError:
        raise InputError("--on", f"not a date: {on!r}", "YYYY-MM-DD") from None
    intake = read_intake(intake_file)
    kb = load_knowledge()
    check_against_knowledge(intake, kb)
    result = screen(intake, kb=kb, today=day)
    if as_json:
        emit_json({**result.to_dict(), "patient_id": intake.patient.id, "screened_on": day.isoformat()})
    else:
        typer.echo(render_text(result))


def register(app: typer.Typer) -> None:
    """Add the ``screen`` command to ``app``."""
    app.command("screen")(screen_command)
