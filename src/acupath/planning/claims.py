"""Evidence sentences of a plan, generated from evidence.yaml entries (issue 10 item 6).

A plan never prints a claim of its own: the condition and programme files name evidence.yaml entries
by id, and this module turns each into the sentence the plan shows. A verified claim is shown as the
seed states it; an unverified one is marked "(unverified)"; a contradicted one shows only its
correction and the correction's source, never the original figure.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from acupath.planning.plan import EvidenceStatement

UNVERIFIED = "(unverified)"


def statement(entry: Any) -> EvidenceStatement:
    """Return the sentence a plan prints for one ``EvidenceEntry``."""
    if entry.status == "contradicted":
        corrected = entry.corrected
        return EvidenceStatement(
            id=entry.id, status=entry.status, text=f"Corrected: {corrected.text}", source=corrected.source
        )
    text = entry.claim if entry.status == "verified" else f"{entry.claim} {UNVERIFIED}"
    return EvidenceStatement(id=entry.id, status=entry.status, text=text, source=entry.source or entry.seed)


def statements(evidence: Any, ids: Iterable[str]) -> tuple[EvidenceStatement, ...]:
    """Return the statements for ``ids`` (each once, in first-named order) from an ``EvidenceFile``.

    Raises ``NotFound`` naming an id that evidence.yaml does not hold (the integrity check refuses
    such a file, so this means a knowledge base that was not checked).
    """
    by_id = {entry.id: entry for entry in evidence.entries}
    found = []
    for entry_id in dict.fromkeys(ids):
        entry = by_id.get(entry_id)
        found.append(statement(entry if entry is not None else evidence.get(entry_id)))
    return tuple(found)
