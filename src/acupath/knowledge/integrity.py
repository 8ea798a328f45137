"""Cross-file checks: every citation key resolves, every point a file names exists, every evidence id
a file names is in evidence.yaml, and no free text a plan prints states a claim of its own.

Each schema reports what it refers to through ``Document.cited_keys()`` and ``Document.point_codes()``;
condition and programme files also through ``evidence_ids()`` and ``free_text()`` (issue 10 item 6:
plans say only what the evidence library supports). Every point a protocol, acute-flare rule or
programme set can place has a body-chart position on a view body_chart.yaml draws (issue 13 item 2).
Every multimodal component and condition is explained in patient_guide.yaml (issue 14 item 1).
"""

from __future__ import annotations

from acupath.knowledge.loader import KnowledgeBase
from acupath.knowledge.schema.evidence import quantitative_claims


def check_integrity(kb: KnowledgeBase) -> list[str]:
    """Return every broken reference in ``kb`` as a line ``file: what is wrong``; empty when sound."""
    problems: list[str] = []
    known_citations = {source.key for source in kb.citations.sources}
    points = kb._by_collection.get("points")
    known_points = set(points.codes()) if points is not None else None
    evidence = kb._by_collection.get("evidence")
    known_evidence = evidence.ids() if evidence is not None else set()
    for rel, doc in sorted(kb.documents.items()):
        for key in sorted(doc.cited_keys() - known_citations):
            problems.append(f"{rel}: citation {key!r} is not in citations.yaml")
        if known_points is not None:
            for code in sorted(doc.point_codes() - known_points):
                problems.append(f"{rel}: point {code!r} is not in points.yaml")
        problems.extend(_evidence_problems(rel, doc, known_evidence))
    problems.extend(_instrument_regions(kb))
    problems.extend(_chart_positions(kb))
    problems.extend(_patient_guide(kb))
    return problems


def _patient_guide(kb: KnowledgeBase) -> list[str]:
    """Return every component of programme.yaml without a handout in patient_guide.yaml, every handout
    of a component it does not hold, and every condition without a plain name."""
    guide = kb._by_collection.get("patient_guide")
    programme = kb._by_collection.get("programme")
    if guide is None or programme is None:
        return []
    components = {component.id for component in programme.components}
    explained = {handout.component for handout in guide.handouts}
    problems = [f"patient_guide.yaml: component {c!r} of programme.yaml has no handout"
                for c in sorted(components - explained)]
    problems += [f"patient_guide.yaml: handout of {c!r}, which programme.yaml does not hold"
                 for c in sorted(explained - components)]
    conditions = set()
    for condition in (kb._by_collection.get("conditions") or {}).values():
        conditions |= {condition.id, *(variant.condition for variant in condition.variants)}
    problems += [f"patient_guide.yaml: condition {c!r} has no plain name" for c in sorted(conditions - set(guide.conditions))]
    return problems


def _chart_positions(kb: KnowledgeBase) -> list[str]:
    """Return every placeable point (a protocol's, a programme set's) without a body-chart position, and
    every position on a view body_chart.yaml does not draw."""
    points = kb._by_collection.get("points")
    chart = kb._by_collection.get("body_chart")
    if points is None:
        return []
    placeable: dict[str, list[str]] = {}
    placing = [(f"conditions/{c.id}.yaml", c) for c in (kb._by_collection.get("conditions") or {}).values()]
    placing.append(("programme.yaml", kb._by_collection.get("programme")))
    for rel, doc in placing:
        for code in doc.point_codes() if doc is not None else ():
            placeable.setdefault(code, []).append(rel)
    problems: list[str] = []
    known = set(points.codes())
    for code, rels in sorted(placeable.items()):
        if code in known and not points.find(code).chart:
            problems.append(f"points.yaml: {code} (placed by {', '.join(sorted(rels))}) has no body-chart position")
    views = set(chart.view_names()) if chart is not None else set()
    for point in points.points:
        for position in point.chart:
            if position.view not in views:
                problems.append(f"points.yaml: {point.code} is charted on view {position.view!r}, "
                                f"not drawn by body_chart.yaml")
    return problems


def _evidence_problems(rel: str, doc: object, known_evidence: set[str]) -> list[str]:
    """Return the unknown evidence ids and the free-text claims of one condition or programme file."""
    problems: list[str] = []
    evidence_ids = getattr(doc, "evidence_ids", None)
    if evidence_ids is not None:
        for entry_id in sorted(evidence_ids() - known_evidence):
            problems.append(f"{rel}: evidence {entry_id!r} is not in evidence.yaml")
    free_text = getattr(doc, "free_text", None)
    for where, text in free_text() if free_text is not None else ():
        for fragment in quantitative_claims(text):
            problems.append(
                f"{rel}: {where}: free-text claim {fragment!r}: name an evidence.yaml entry in evidence_claims"
            )
    return problems


def _instrument_regions(kb: KnowledgeBase) -> list[str]:
    """Return every reassessment instrument a condition (or variant) names that does not exist, or that
    was made for other body regions than the condition's (the ODI for the neck)."""
    instruments = kb._by_collection.get("instruments")
    conditions = kb._by_collection.get("conditions")
    if instruments is None or conditions is None:
        return []
    problems: list[str] = []
    for condition in conditions.values():
        rel = f"conditions/{condition.id}.yaml"
        uses = [(condition.id, condition.regions, condition.reassessment_instruments)]
        # A variant without its own regions or instruments takes the protocol's.
        uses += [(v.condition, v.regions or condition.regions,
                  condition.reassessment_instruments if v.reassessment_instruments is None
                  else v.reassessment_instruments) for v in condition.variants]
        for name, regions, named in uses:
            for instrument_id in named:
                instrument = instruments.get(instrument_id)
                if instrument is None:
                    problems.append(f"{rel}: {name} reassesses with {instrument_id!r}, not in instruments/")
                elif instrument.regions and not set(instrument.regions) & set(regions):
                    problems.append(
                        f"{rel}: {name} ({', '.join(regions) or 'no single region'}) reassesses with "
                        f"{instrument_id!r}, made for {', '.join(instrument.regions)}"
                    )
    return problems

