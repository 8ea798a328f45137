"""``acupath points``: look up an acupuncture point, or list points by meridian or safety flag."""

from __future__ import annotations

from typing import Any

import typer

from acupath.cli.output import emit_json
from acupath.errors import InputError, NotFound
from acupath.knowledge import load_knowledge
from acupath.knowledge.schema.points import MERIDIAN_CODES, SAFETY_FLAGS, Point, PointsFile

group = typer.Typer(help="Acupuncture points: names, location, depth and safety flags.", no_args_is_help=True)


def _find(points: PointsFile, code: str) -> Point:
    """Return the point for ``code``. Raises ``InputError`` naming it, with close matches."""
    try:
        return points.find(code)
    except NotFound as exc:
        if "ambiguous" in exc.message:
            raise InputError("CODE", f"{exc.message}; give the code") from None
        close = points.suggest(code)
        hint = f"did you mean {', '.join(close)}?" if close else "see `acupath points list`"
        raise InputError("CODE", f"{exc.message}; {hint}") from None


def _depth(point: Point) -> str:
    if point.depth_cun_min is None:
        return "not given"
    return f"{point.depth_cun_min:g}-{point.depth_cun_max:g} cun"


def _show_text(points: PointsFile, point: Point) -> None:
    typer.echo(f"{point.code}  {point.names()}")
    if point.aliases:
        typer.echo(f"  also: {', '.join(point.aliases)}")
    kind = point.kind + (f", {point.meridian} meridian" if point.meridian else "")
    typer.echo(f"  kind: {kind}")
    side = "midline" if point.midline else ("bilateral" if point.bilateral else "single")
    regions = ", ".join((point.region, *point.other_regions))
    typer.echo(f"  region: {regions} ({side})" + (f"; WHO: {point.who_region}" if point.who_region else ""))
    typer.echo(f"  depth: {_depth(point)}; angles: {', '.join(point.angles) or 'not given'}")
    if point.location:
        typer.echo(f"  location: {point.location.text} [{', '.join(point.location.sources)}]")
    if point.safety_flags:
        typer.echo(f"  safety flags: {', '.join(point.safety_flags)}")
        for flag in point.safety_flags:
            typer.echo(f"    - {flag}: {points.flag_rule(flag).guidance}")
    if point.caution:
        typer.echo(f"  caution: {point.caution.text} [{', '.join(point.caution.sources)}]")
    if not point.plannable:
        typer.echo("  NEEDLING PROHIBITED: never part of a plan.")
    if point.note:
        typer.echo(f"  note: {point.note}")


def _as_json(point: Point) -> dict[str, Any]:
    data = point.model_dump(mode="json")
    data["plannable"] = point.plannable
    return data


@group.command("show")
def show(
    code: str = typer.Argument(..., help="Point code or alias, e.g. BL23, BL-23, UB23, Yintang, Shenmen_ear."),
    as_json: bool = typer.Option(False, "--json", help="Print the point as JSON."),
) -> None:
    """Show one point: names, region, depth, angles, location note, safety flags and cautions."""
    kb = load_knowledge()
    point = _find(kb.points, code)
    if as_json:
        emit_json({"knowledge_version": kb.version, "point": _as_json(point)})
    else:
        _show_text(kb.points, point)


@group.command("list")
def list_points(
    meridian: str | None = typer.Option(None, "--meridian", help="Only this meridian, e.g. LU, BL, GV."),
    flag: str | None = typer.Option(None, "--flag", help="Only points with this safety flag."),
    as_json: bool = typer.Option(False, "--json", help="Print the points as JSON."),
) -> None:
    """List points, optionally only one meridian's or only those carrying a safety flag."""
    points = load_knowledge().points
    selected = list(points.points)
    if meridian is not None:
        wanted = meridian.upper()
        if wanted not in MERIDIAN_CODES:
            raise InputError("--meridian", f"unknown meridian {meridian!r}", MERIDIAN_CODES)
        selected = [p for p in selected if p.meridian == wanted]
    if flag is not None:
        if flag not in SAFETY_FLAGS:
            raise InputError("--flag", f"unknown safety flag {flag!r}", SAFETY_FLAGS)
        selected = [p for p in selected if flag in p.safety_flags]
    if as_json:
        emit_json([_as_json(p) for p in selected])
        return
    for point in selected:
        flags = f"  [{', '.join(point.safety_flags)}]" if point.safety_flags else ""
        typer.echo(f"{point.code:<10} {point.pinyin:<22} {point.region:<15}{flags}")
    typer.echo(f"{len(selected)} points", err=True)


def register(app: typer.Typer) -> None:
    """Add the ``points`` group to ``app``."""
    app.add_typer(group, name="points")
