"""``acupath evidence``: the seeds' quantitative claims with their verification status, and a pooled
re-analysis with a forest plot wherever per-study data are known (composition root)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from acupath.cli.output import emit_json
from acupath.errors import InputError, NotFound
from acupath.knowledge import load_knowledge

group = typer.Typer(help="The evidence library: seed claims, verification status, re-analysis.", no_args_is_help=True)
STATUSES = ("verified", "unverified", "contradicted")


def _effect(entry: Any) -> str:
    if entry.effect is None:
        return ""
    ci = f" [{entry.ci_lower:g}, {entry.ci_upper:g}]" if entry.ci_lower is not None else ""
    return f"{entry.measure} {entry.effect:g}{ci}"


@group.command("list")
def list_entries(
    status: Annotated[str | None, typer.Option("--status", help="verified, unverified or contradicted.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List the evidence entries (optionally of one verification status)."""
    if status is not None and status not in STATUSES:
        raise InputError("--status", f"unknown status {status!r}", STATUSES)
    evidence = load_knowledge().evidence
    entries = evidence.by_status(status) if status else evidence.entries
    if as_json:
        emit_json([e.model_dump(mode="json", exclude_none=True) for e in entries])
        return
    for e in entries:
        typer.echo(f"{e.id:<40} {e.status:<13} {_effect(e):<28} {e.condition}: {e.outcome}")
    typer.echo(f"{len(entries)} entries (evidence.yaml {evidence.version})")


@group.command("show")
def show(
    entry_id: Annotated[str, typer.Argument(metavar="ID", help="Evidence entry id (see `acupath evidence list`).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    forest: Annotated[Path | None, typer.Option("--forest", help="Forest plot of the re-analysis (.png/.svg).")] = None,
    method: Annotated[str, typer.Option("--method", help="τ² estimator for the re-analysis.")] = "REML",
) -> None:
    """Show one claim, its source and status, and the pooled re-analysis when studies are known."""
    try:
        entry = load_knowledge().evidence.get(entry_id)
    except NotFound as exc:
        raise InputError("ID", f"{exc.message}; see `acupath evidence list`") from None
    from acupath.evidence.library import reanalyse  # scipy: imported only when an entry is shown

    pooled = reanalyse(entry, method)
    if forest is not None:
        from acupath.reports.forest import forest_plot  # matplotlib: only when a plot is asked for

        if pooled is None:
            raise InputError("--forest", f"{entry_id} has no per-study data to re-analyse")
        forest_plot(pooled, forest, title=entry.claim[:80])
    if as_json:
        data = entry.model_dump(mode="json", exclude_none=True)
        data["reanalysis"] = pooled.to_dict() if pooled is not None else None
        emit_json(data)
        return
    typer.echo(f"{entry.id} ({entry.status})")
    typer.echo(f"  claim: {entry.claim}")
    typer.echo(f"  seed: {entry.seed}; source: {entry.source or 'not attributed'}; design: {entry.design}")
    if entry.effect is not None:
        typer.echo(f"  effect: {_effect(entry)}" + (f", p {entry.p}" if entry.p else ""))
    if entry.corrected is not None:
        typer.echo(f"  corrected: {entry.corrected.text} [{entry.corrected.source}]")
    if entry.note:
        typer.echo(f"  note: {entry.note}")
    if pooled is None:
        typer.echo("  re-analysis: no per-study data known")
    else:
        typer.echo(f"  re-analysis ({pooled.method}, k = {pooled.k}): {pooled.estimate:.4f} "
                   f"[{pooled.ci_lb:.4f}, {pooled.ci_ub:.4f}], I^2 = {pooled.heterogeneity.i2:.1f}%")
    if forest is not None:
        typer.echo(f"wrote {forest}")


def register(app: typer.Typer) -> None:
    """Add the ``evidence`` group to ``app``."""
    app.add_typer(group, name="evidence")
