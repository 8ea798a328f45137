"""What the literature says beside the clinic's own figures: the evidence library's pooled estimates.

``literature_for(kb, condition)`` picks the entries of ``knowledge/data/evidence.yaml`` that pool
trials (meta-analyses and systematic reviews) on pain, as an effect with a measure one can compare
(MD, SMD, OR, RR), for the condition, else for chronic pain in general. Each keeps its verification
status; a contradicted claim is shown by its correction and source only, never its original figure
(as plans print it: ``planning.claims``).
"""

from __future__ import annotations

from dataclasses import dataclass

from acupath.knowledge import KnowledgeBase

POOLED = ("ipd_meta_analysis", "meta_analysis", "systematic_review")
MEASURES = ("MD", "SMD", "OR", "RR")
GENERAL = "chronic_pain"


@dataclass(frozen=True)
class LiteratureEstimate:
    """One pooled estimate as the page shows it: ``text`` is the claim (verified / unverified) or the
    correction (contradicted); ``effect`` and the interval are None for a contradicted claim."""

    id: str
    condition: str
    outcome: str
    status: str
    text: str
    measure: str
    effect: float | None
    ci_lower: float | None
    ci_upper: float | None
    n_studies: int | None
    source: str | None


def literature_for(kb: KnowledgeBase, condition: str | None) -> list[LiteratureEstimate]:
    """Return the pooled pain estimates of ``condition`` (none of its own: of chronic pain), library order."""
    entries = [e for e in kb.evidence.entries
               if e.design in POOLED and e.measure in MEASURES and "pain" in e.outcome]
    own = [e for e in entries if condition and e.condition == condition]
    chosen = own or [e for e in entries if e.condition == GENERAL]
    result = []
    for e in chosen:
        contradicted = e.status == "contradicted" and e.corrected is not None
        result.append(LiteratureEstimate(
            id=e.id, condition=e.condition, outcome=e.outcome, status=e.status,
            text=e.corrected.text if contradicted else e.claim,  # type: ignore[union-attr]
            measure=e.measure, effect=None if contradicted else e.effect,
            ci_lower=None if contradicted else e.ci_lower, ci_upper=None if contradicted else e.ci_upper,
            n_studies=e.n_studies, source=e.corrected.source if contradicted else e.source,  # type: ignore[union-attr]
        ))
    return result
