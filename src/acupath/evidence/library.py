"""Pooled re-analysis of an evidence-library entry from its per-study data.

An entry (``acupath.knowledge.schema.evidence.EvidenceEntry``, used by its attributes only) may carry
``studies``: per study either (yi, vi), a 2×2 table (ai, bi, ci, di) or two arms' summaries. This turns
them into effect sizes on the entry's measure and pools them with the requested method.
"""

from __future__ import annotations

from typing import Any

from acupath.errors import InputError
from acupath.evidence.effect_sizes import binary_effect_sizes, continuous_effect_sizes, generic_effect_sizes
from acupath.evidence.random_effects import meta_analysis
from acupath.evidence.results import MetaResult


def reanalyse(entry: Any, method: str = "REML", *, test: str = "z") -> MetaResult | None:
    """Pool ``entry.studies`` on ``entry.measure``; return None when the entry has no per-study data.

    Raises:
        InputError: the studies mix data shapes, or the shape does not fit the measure.
    """
    studies = tuple(entry.studies)
    if not studies:
        return None
    labels = [s.label for s in studies]
    shape = {("yi" if s.yi is not None else "ai" if s.ai is not None else "m1i") for s in studies}
    if len(shape) != 1:
        raise InputError(f"{entry.id}.studies", "mixes effect sizes, 2x2 tables and arm summaries")
    kind = shape.pop()
    measure = entry.measure
    if kind == "yi":
        es = generic_effect_sizes([s.yi for s in studies], [s.vi for s in studies])
    elif kind == "ai":
        if measure not in ("OR", "RR"):
            raise InputError(f"{entry.id}.measure", f"2x2 tables cannot be pooled as {measure}", ("OR", "RR"))
        es = binary_effect_sizes(measure, *([getattr(s, c) for s in studies] for c in ("ai", "bi", "ci", "di")))
    else:
        if measure not in ("MD", "SMD"):
            raise InputError(f"{entry.id}.measure", f"arm summaries cannot be pooled as {measure}", ("MD", "SMD"))
        cols = ("m1i", "sd1i", "n1i", "m2i", "sd2i", "n2i")
        es = continuous_effect_sizes(measure, *([getattr(s, c) for s in studies] for c in cols))
    shown = measure if measure in ("MD", "SMD", "OR", "RR") else "GEN"
    kept = [lab for i, lab in enumerate(labels) if i not in es.dropped]
    return meta_analysis(es.yi, es.vi, method, test=test, measure=shown, labels=kept)
