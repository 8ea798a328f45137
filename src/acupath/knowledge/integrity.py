"""Cross-file checks: every citation key resolves, every point a file names exists.

Each schema reports what it refers to through ``Document.cited_keys()`` and ``Document.point_codes()``.
"""

from __future__ import annotations

from acupath.knowledge.loader import KnowledgeBase


def check_integrity(kb: KnowledgeBase) -> list[str]:
    """Return every broken reference in ``kb`` as a line ``file: what is wrong``; empty when sound."""
    problems: list[str] = []
    known_citations = {source.key for source in kb.citations.sources}
    points = kb._by_collection.get("points")
    known_points = set(points.codes()) if points is not None else None
    for rel, doc in sorted(kb.documents.items()):
        for key in sorted(doc.cited_keys() - known_citations):
            problems.append(f"{rel}: citation {key!r} is not in citations.yaml")
        if known_points is not None:
            for code in sorted(doc.point_codes() - known_points):
                problems.append(f"{rel}: point {code!r} is not in points.yaml")
    return problems

