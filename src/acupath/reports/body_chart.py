"""The body chart of a plan as inline SVG: every planned point on a front and back outline of our own.

``body_chart_svg(plan, kb)`` draws the views of ``body_chart.yaml`` and places each planned point from
its points.yaml ``chart`` positions (given for the patient's left side; mirrored for the right). A
bilateral point is drawn on both sides: filled where the plan needles it, outlined where it does not
(a point planned on the left only is filled on the left and outlined on the right). Each point is a
``<circle data-code=... data-side=... data-needled=...>`` with a ``<title>`` (code, pinyin, side, role,
cautions) for screen readers, and a visible label with its WHO code. Electrode pairs are dashed lines
between the two circles of one side; excluded regions are hatched (an SVG pattern, clipped to the
outline) and named in the legend, so that no meaning rests on colour alone.

The output is deterministic (ids from ``id_prefix``, numbers rounded), uses presentation attributes
only (no ``<style>``, no script, nothing loaded from outside) so that a strict Content-Security-Policy
page, a PDF and a test all take the same string.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Mapping, Sequence
from html import escape
from typing import Any

from acupath.knowledge.schema.regions import split_side
from acupath.planning.plan import Plan, PlannedPoint
from acupath.reports.body_chart_panels import Mark, Panel, points, smooth
from acupath.reports.body_chart_panels import n as _n
from acupath.safety.findings import Action, Finding

INK = "#1b3a5c"
OUTLINE = "#5a5a5a"
HATCH = "#8a2b0f"
TITLE_ROW = 26
GAP = 28
LEGEND_ROW = 20
#: Width of one character of legend text (font-size 11), in chart units, to wrap long lines.
LEGEND_CHAR = 6.2
RADIUS = 4.5
LABEL_OFFSET = 7.0
#: Width of one character and height of a label at font-size 10 (bold), in chart units.
LABEL_CHAR = 6.4
LABEL_HEIGHT = 11.0


def excluded_regions(findings: Iterable[Finding | Mapping[str, Any]]) -> tuple[str, ...]:
    """Return the regions (``left_knee``, ``abdomen_lower``) of every finding in force that excludes them.

    ``findings`` are ``Finding`` objects or their stored form (``Finding.to_dict()``, as a
    ``ScreeningRecord`` keeps them). Overridden findings and cautions are left out; the order is first
    seen, without repeats.
    """
    found: list[str] = []
    for finding in findings:
        if isinstance(finding, Mapping):
            in_force = finding.get("in_force", finding.get("override") is None)
            action, regions = finding.get("action"), (finding.get("affects") or {}).get("regions", ())
        else:
            in_force, action, regions = finding.in_force, finding.action, finding.affects.regions
        if in_force and action == Action.EXCLUDE:
            found.extend(sorted(regions))
    return tuple(dict.fromkeys(found))


def body_chart_svg(
    plan: Plan,
    kb: Any,
    *,
    excluded_regions: Iterable[str] = (),
    views: Sequence[str] | None = None,
    id_prefix: str = "bodychart",
) -> str:
    """Return the body chart of ``plan`` as one ``<svg role="img">`` element (a string, no XML declaration).

    ``excluded_regions`` are region words, optionally sided (``left_knee``), hatched and named in the
    legend (``excluded_regions(screening.findings)`` gives them). ``views`` names the views to draw;
    None draws front and back plus any view a planned point is charted on only (the ear for auricular
    Shenmen). ``id_prefix`` keeps ids unique when a page holds two charts. Raises ``NotFound`` for an
    unknown view or point code and ``ValueError`` for an unknown region word or an empty ``views``.
    """
    chart = kb.collection("body_chart")
    planned = [(p, kb.points.find(p.code)) for p in plan.points]
    names = _views_to_draw(chart, planned, views)
    regions = tuple(dict.fromkeys(excluded_regions))
    for region in regions:
        split_side(region)
    panels = _layout(chart, names)
    width = panels[-1].left + panels[-1].view.width
    height = max(p.view.height for p in panels) + TITLE_ROW
    legend, legend_height = _legend(plan, planned, panels, regions, chart, id_prefix, top=height + 8, width=width)
    summary = _summary(plan, planned, regions)
    total_height = height + 8 + legend_height
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="{id_prefix}-title" '
        f'aria-label="{escape(summary)}" viewBox="0 0 {_n(width)} {_n(total_height)}" '
        f'width="{_n(width)}" height="{_n(total_height)}" font-family="sans-serif" font-size="10">',
        f'<title id="{id_prefix}-title">{escape(summary)}</title>',
        _defs(panels, id_prefix),
    ]
    for panel in panels:
        parts.append(_panel(panel, plan, planned, regions, chart, id_prefix))
    parts.append(legend)
    parts.append("</svg>")
    return "\n".join(parts)


def _views_to_draw(chart: Any, planned: list[tuple[PlannedPoint, Any]], views: Sequence[str] | None) -> list[str]:
    if views is not None:
        if not views:
            raise ValueError("views: name at least one of " + ", ".join(chart.view_names()))
        for name in views:
            chart.view(name)
        wanted = set(views)
    else:
        wanted = {"front", "back"} & set(chart.view_names())
        for _planned, point in planned:
            if point.chart and not {p.view for p in point.chart} & wanted:
                wanted.add(point.chart[0].view)
    return [name for name in chart.view_names() if name in wanted]


def _layout(chart: Any, names: list[str]) -> list[Panel]:
    panels: list[Panel] = []
    left = 0.0
    for name in names:
        view = chart.view(name)
        for side in ("left", "right") if view.paired else (None,):
            panels.append(Panel(view=view, side=side, left=left))
            left += view.width + GAP
    return panels


def _sides_needled(planned: PlannedPoint) -> set[str]:
    if planned.side == "bilateral":
        return {"left", "right"}
    return {planned.side}


def _marks(panel: Panel, planned: list[tuple[PlannedPoint, Any]]) -> list[Mark]:
    marks: list[Mark] = []
    for plan_point, point in planned:
        positions = [p for p in point.chart if p.view == panel.view.name]
        needled = _sides_needled(plan_point)
        sides = ("midline",) if point.midline else ("left", "right")
        for side in sides:
            if not panel.shows(side):
                continue
            for index, position in enumerate(positions):
                cx, cy = panel.place(position.x, position.y, side)
                marks.append(Mark(
                    code=point.code, side=side, needled=side in needled, cx=cx, cy=cy,
                    title=_point_title(plan_point, point, side, side in needled), labelled=index == 0,
                ))
    return marks


def _point_title(plan_point: PlannedPoint, point: Any, side: str, needled: bool) -> str:
    if not needled:
        return f"{point.code} {point.pinyin}, {side}: not in the plan on this side"
    text = f"{point.code} {point.pinyin}, {side}, {plan_point.role}"
    if plan_point.technique != "needle":
        text += f", {plan_point.technique.replace('_', ' ')}"
    if plan_point.cautions:
        text += ". Caution: " + " ".join(plan_point.cautions)
    return text


def _panel(panel: Panel, plan: Plan, planned: list[tuple[PlannedPoint, Any]], regions: tuple[str, ...],
           chart: Any, id_prefix: str) -> str:
    view = panel.view
    out = [f'<g data-view="{view.name}" data-panel="{panel.key}" transform="translate({_n(panel.left)} 0)">',
           f'<text x="{_n(view.width / 2)}" y="16" text-anchor="middle" font-size="13" font-weight="bold">'
           f'{escape(panel.title)}</text>',
           f'<g transform="translate(0 {TITLE_ROW})">']
    out += _side_markers(panel)
    for shape in view.outline:
        out.append(f'<path d="{smooth(panel, shape)}" fill="#ffffff" stroke="{OUTLINE}" stroke-width="1.5"/>')
    for shape in view.details:
        out.append(f'<path d="{smooth(panel, shape)}" fill="none" stroke="{OUTLINE}" stroke-width="0.8"/>')
    for shape in view.guides:
        out.append(f'<polyline points="{points(panel, shape)}" fill="none" stroke="{OUTLINE}" '
                   f'stroke-width="0.8" stroke-dasharray="3 2"/>')
    out += _hatched(panel, regions, chart, id_prefix)
    marks = _marks(panel, planned)
    out += _pair_lines(panel, plan, marks)
    for mark in marks:
        fill = INK if mark.needled else "#ffffff"
        out.append(
            f'<circle data-code="{escape(mark.code)}" data-side="{mark.side}" '
            f'data-needled="{"true" if mark.needled else "false"}" cx="{_n(mark.cx)}" cy="{_n(mark.cy)}" '
            f'r="{_n(RADIUS)}" fill="{fill}" stroke="{INK}" stroke-width="1.5">'
            f'<title>{escape(mark.title)}</title></circle>'
        )
    out += _labels(panel, marks)
    out.append("</g></g>")
    return "\n".join(out)


def _side_markers(panel: Panel) -> list[str]:
    """Mark the patient's left and right on a front or back view (R on the viewer's left on the front)."""
    if panel.side is not None:
        return []
    view = panel.view
    near, far = ("R", "L") if view.name == "front" else ("L", "R")
    y = _n(view.height * 0.3)
    return [f'<text x="4" y="{y}" font-size="12" font-weight="bold" fill="{OUTLINE}">{near}</text>',
            f'<text x="{_n(view.width - 4)}" y="{y}" text-anchor="end" font-size="12" font-weight="bold" '
            f'fill="{OUTLINE}">{far}</text>']


def _labels(panel: Panel, marks: list[Mark]) -> list[str]:
    """Return a label (the WHO code) beside each labelled mark, clear of the circles and of each other.

    Greedy and deterministic: needled marks first, each takes the first free place among candidates
    going outward from the midline, then inward, then further out (with a thin leader line).
    """
    circles = [(m.cx - RADIUS - 1, m.cy - RADIUS - 1, m.cx + RADIUS + 1, m.cy + RADIUS + 1) for m in marks]
    taken: list[tuple[float, float, float, float]] = []
    out = []
    for mark in sorted((m for m in marks if m.labelled), key=lambda m: not m.needled):
        width, height = LABEL_CHAR * len(mark.code) + 2, LABEL_HEIGHT
        box = _free_box(panel, mark, width, height, circles + taken)
        taken.append(box)
        x0, y0, x1, y1 = box
        near_x = min(max(mark.cx, x0), x1)
        near_y = min(max(mark.cy, y0), y1)
        if abs(near_x - mark.cx) + abs(near_y - mark.cy) > LABEL_OFFSET + 2:
            out.append(f'<line x1="{_n(mark.cx)}" y1="{_n(mark.cy)}" x2="{_n(near_x)}" y2="{_n(near_y)}" '
                       f'stroke="{OUTLINE}" stroke-width="0.6" aria-hidden="true"/>')
        weight = "bold" if mark.needled else "normal"
        place = f'x="{_n(x0 + 1)}" y="{_n(y1 - 2)}" font-weight="{weight}"'
        # A white halo keeps the code readable over the outline and the hatching: a white, stroked copy
        # under the code rather than ``paint-order``, which WeasyPrint (the PDF documents) ignores,
        # painting the white stroke over the letters.
        out.append(f'<text {place} fill="#ffffff" stroke="#ffffff" stroke-width="3" aria-hidden="true">'
                   f'{escape(mark.code)}</text>')
        out.append(f'<text {place} fill="{INK}" aria-hidden="true">{escape(mark.code)}</text>')
    return out


def _free_box(panel: Panel, mark: Mark, width: float, height: float,
              taken: list[tuple[float, float, float, float]]) -> tuple[float, float, float, float]:
    outward = -1 if mark.side != "midline" and mark.cx < panel.view.width / 2 else 1
    candidates = []
    for distance in (LABEL_OFFSET, 16.0, 28.0, 44.0, 62.0):
        for direction in (outward, -outward):
            for dy in (0.0, -10.0, 10.0, -20.0, 20.0):
                candidates.append((direction, distance, dy))
    first = None
    for direction, distance, dy in candidates:
        x0 = mark.cx + distance if direction > 0 else mark.cx - distance - width
        y0 = mark.cy + dy - height / 2
        box = (x0, y0, x0 + width, y0 + height)
        if x0 < 0 or box[2] > panel.view.width:
            continue
        first = first or box
        if not any(_overlap(box, other) for other in taken):
            return box
    return first or (mark.cx + LABEL_OFFSET, mark.cy - height / 2, mark.cx + LABEL_OFFSET + width, mark.cy + height / 2)


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _pair_lines(panel: Panel, plan: Plan, marks: list[Mark]) -> list[str]:
    if plan.electroacupuncture is None:
        return []
    at = {(m.code, m.side): m for m in reversed(marks)}  # the first position of a point on this view
    lines = []
    for a, b, side in plan.electroacupuncture.pairs:
        one, two = at.get((a, side)), at.get((b, side))
        if one is None or two is None:
            continue
        lines.append(
            f'<line data-pair="{escape(a)} {escape(b)}" data-side="{side}" x1="{_n(one.cx)}" y1="{_n(one.cy)}" '
            f'x2="{_n(two.cx)}" y2="{_n(two.cy)}" stroke="{INK}" stroke-width="2" stroke-dasharray="5 3">'
            f'<title>Electrode pair {escape(a)} to {escape(b)}, {side}</title></line>'
        )
    return lines


def _hatched(panel: Panel, regions: tuple[str, ...], chart: Any, id_prefix: str) -> list[str]:
    out = []
    for word in regions:
        side, region = split_side(word)
        for draw_side in (side,) if side else ("left", "right"):
            if not panel.shows(draw_side):
                continue
            for shape in chart.areas(region, panel.view.name):
                mirrored = [(1 - x, y) if draw_side == "right" else (x, y) for x, y in shape]
                out.append(
                    f'<polygon data-region="{escape(word)}" points="{points(panel, mirrored, placed=True)}" '
                    f'fill="url(#{id_prefix}-hatch)" stroke="none" '
                    f'clip-path="url(#{id_prefix}-clip-{panel.key})">'
                    f'<title>Excluded region: {escape(_region_words(word))}</title></polygon>'
                )
    return out


def _defs(panels: list[Panel], id_prefix: str) -> str:
    out = ["<defs>",
           f'<pattern id="{id_prefix}-hatch" patternUnits="userSpaceOnUse" width="6" height="6" '
           f'patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff" fill-opacity="0.35"/>'
           f'<line x1="0" y1="0" x2="0" y2="6" stroke="{HATCH}" stroke-width="2"/></pattern>']
    for panel in panels:
        shapes = "".join(f'<path d="{smooth(panel, shape)}"/>' for shape in panel.view.outline)
        out.append(f'<clipPath id="{id_prefix}-clip-{panel.key}">{shapes}</clipPath>')
    out.append("</defs>")
    return "\n".join(out)


def _legend(plan: Plan, planned: list[tuple[PlannedPoint, Any]], panels: list[Panel], regions: tuple[str, ...],
            chart: Any, id_prefix: str, top: float, width: float) -> tuple[str, float]:
    rows: list[str] = []
    y = 0.0
    fits = max(20, int((width - 34) / LEGEND_CHAR))

    def row(symbol: str, text: str) -> None:
        nonlocal y
        for number, line in enumerate(textwrap.wrap(text, fits)):
            rows.append(f'<g transform="translate(0 {_n(y)})">{symbol if number == 0 else ""}'
                        f'<text x="30" y="13" font-size="11">{escape(line)}</text></g>')
            y += LEGEND_ROW if number == 0 else LEGEND_ROW - 5

    row(f'<circle cx="10" cy="9" r="{_n(RADIUS)}" fill="{INK}" stroke="{INK}" stroke-width="1.5"/>',
        "Needled point (label: WHO code)")
    row(f'<circle cx="10" cy="9" r="{_n(RADIUS)}" fill="#ffffff" stroke="{INK}" stroke-width="1.5"/>',
        "Same point on the side not needled")
    if plan.electroacupuncture is not None and plan.electroacupuncture.pairs:
        row(f'<line x1="0" y1="9" x2="22" y2="9" stroke="{INK}" stroke-width="2" stroke-dasharray="5 3"/>',
            "Electrode pair")
    drawn = {p.view.name for p in panels}
    for a, b, side in plan.electroacupuncture.pairs if plan.electroacupuncture else ():
        if not any({a, b} <= _codes_on(planned, view) for view in drawn):
            row("", f"Electrode pair {a} to {b} ({side}): the points are on different views")
    for word in regions:
        _side, region = split_side(word)
        seen = any(chart.areas(region, view) for view in drawn)
        text = f"Excluded region: {_region_words(word)}" + ("" if seen else " (not visible on these views)")
        row(f'<rect data-legend-region="{escape(word)}" x="0" y="2" width="22" height="14" '
            f'fill="url(#{id_prefix}-hatch)" stroke="{HATCH}" stroke-width="1"/>', text)
    missing = [p.code for p, point in planned if not {c.view for c in point.chart} & drawn]
    if missing:
        row("", "Not on these views: " + ", ".join(missing))
    if plan.ashi is not None:
        sites = ", ".join(_region_words(s) for s in plan.ashi.sites)
        row("", f"Ashi points ({plan.ashi.needles} needles) found by palpation at: {sites}")
    body = "\n".join(rows)
    return f'<g data-legend="true" transform="translate(4 {_n(top)})">\n{body}\n</g>', y + 4


def _codes_on(planned: list[tuple[PlannedPoint, Any]], view: str) -> set[str]:
    return {point.code for _p, point in planned if any(c.view == view for c in point.chart)}


def _region_words(word: str) -> str:
    side, region = split_side(word)
    return f"{side + ' ' if side else ''}{region.replace('_', ' ')}" + ("" if side else " (both sides)")


def _summary(plan: Plan, planned: list[tuple[PlannedPoint, Any]], regions: tuple[str, ...]) -> str:
    if not planned:
        return "Body chart: no points planned" + (" (referral)" if plan.is_referral else "")
    points = ", ".join(f"{p.code} {p.side}" for p, _point in planned)
    text = f"Body chart of {len(planned)} points: {points}"
    pairs = plan.electroacupuncture.pairs if plan.electroacupuncture else ()
    if pairs:
        text += "; electrode pairs: " + ", ".join(f"{a}-{b} {side}" for a, b, side in pairs)
    if regions:
        text += "; excluded regions: " + ", ".join(_region_words(r) for r in regions)
    return text
