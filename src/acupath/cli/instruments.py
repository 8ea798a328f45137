"""``acupath instruments list`` and ``acupath instruments show ID``: what can be scored, and how."""

from __future__ import annotations

from typing import Annotated

import typer

from acupath.assessment import scorer_for
from acupath.cli.output import emit_json
from acupath.knowledge import load_knowledge

group = typer.Typer(help="The questionnaires acupath scores.", no_args_is_help=True)


@group.command("list")
def list_instruments(
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """List every instrument: id, version, name and licence status."""
    docs = sorted(load_knowledge().instruments.values(), key=lambda d: d.id)
    if as_json:
        emit_json([{"id": d.id, "version": d.version, "name": d.name, "licence": d.licence.status}
                   for d in docs])
        return
    for doc in docs:
        typer.echo(f"{doc.id:<11} {doc.version:<7} {doc.name}  [{doc.licence.status}]")


@group.command("show")
def show(
    instrument: Annotated[str, typer.Argument(help="Instrument id, e.g. phq9.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the whole instrument file as JSON.")] = False,
) -> None:
    """Show one instrument: items and allowed answers, scales, bands, flags, MCID and licence."""
    scorer = scorer_for(instrument)  # raises UnknownInstrument naming the known ids
    doc = scorer.doc
    if as_json:
        emit_json(doc.model_dump(mode="json", exclude_none=True))
        return
    typer.echo(f"{doc.id} v{doc.version}: {doc.name}" + (f" (recall: {doc.recall})" if doc.recall else ""))
    typer.echo(f"licence: {doc.licence.status}; {doc.licence.note}")
    typer.echo("items:")
    for item in doc.items:
        note = "" if item.scored else " [not scored]"
        note += " [reversed]" if item.reversed else ""
        typer.echo(f"  {item.key}: {item.text}{note}\n      answers: {scorer.items[item.key].allowed}")
    typer.echo("scales:")
    for scale in doc.scales:
        mark = " (total)" if scale.id == doc.total else ""
        typer.echo(f"  {scale.id}{mark}: {scale.label} [{scale.method}]"
                   + (f" - missing: {scale.missing_rule}" if scale.missing_rule else ""))
    if doc.bands:
        typer.echo("bands (first match): " + "; ".join(
            f"{b.id}" + (f" <= {b.upto:g}" if b.upto is not None else "")
            + (f" >= {b.at_least:g}" if b.at_least is not None else "")
            + (f" on {b.scale}" if b.scale else "") for b in doc.bands))
    for flag in doc.flags:
        typer.echo(f"flag {flag.id}: {flag.item} >= {flag.at_least:g} - {flag.note}")
    for mcid in doc.mcid:
        parts = [f"{mcid.points:g} points" if mcid.points is not None else "",
                 f"{mcid.percent:g}%" if mcid.percent is not None else ""]
        typer.echo(f"MCID {mcid.scale or 'total'}: {' or '.join(p for p in parts if p)} ({mcid.source}"
                   + ("" if mcid.verified else ", not verified") + ")")


def register(app: typer.Typer) -> None:
    """Add the ``instruments`` group to ``app``."""
    app.add_typer(group, name="instruments")
