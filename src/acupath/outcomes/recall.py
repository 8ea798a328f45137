"""Reassessments given before an instrument's recall period had passed since it was last given.

HIT-6 asks about the last 4 weeks and MIDAS the last 3 months (``recall_days`` in the instrument files,
instruments.md §16-17). Answered again sooner, the answers cover days the previous ones already counted,
so progress leaves such a measurement out of the change from baseline and says why. The baseline (the
intake's score, in the plan's baseline) counts as given on the plan's first day.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from acupath.outcomes.records import Reassessment


@dataclass(frozen=True)
class EarlyMeasure:
    """An instrument given ``days`` after its previous administration, fewer than its ``recall_days``."""

    instrument: str
    session: int
    given_on: date
    previous: date
    days: int
    recall_days: int


def within_recall(
    reassessments: tuple[Reassessment, ...], baseline: dict[str, float], baseline_on: date | None, kb: Any
) -> tuple[tuple[Reassessment, ...], tuple[EarlyMeasure, ...]]:
    """Return the reassessments without the measurements given too early, and those measurements.

    The reassessments keep their order; one that held only early measurements is kept empty.
    """
    last: dict[str, date] = {}
    if baseline_on is not None:
        last = dict.fromkeys(baseline, baseline_on)
    kept: dict[int, Reassessment] = {}
    early: list[EarlyMeasure] = []
    for index in sorted(range(len(reassessments)), key=lambda i: (reassessments[i].date, reassessments[i].session)):
        reassessment = reassessments[index]
        dropped: set[str] = set()
        for instrument in sorted({*reassessment.questionnaires, *reassessment.totals}):
            source = kb.instruments.get(instrument)
            recall = (source.recall_days or 0) if source is not None else 0
            previous = last.get(instrument)
            if previous is not None and (reassessment.date - previous).days < recall:
                dropped.add(instrument)
                early.append(EarlyMeasure(instrument, reassessment.session, reassessment.date, previous,
                                          (reassessment.date - previous).days, recall))
            else:
                last[instrument] = reassessment.date
        kept[index] = reassessment if not dropped else replace(
            reassessment,
            questionnaires={k: v for k, v in reassessment.questionnaires.items() if k not in dropped},
            totals={k: v for k, v in reassessment.totals.items() if k not in dropped},
        )
    return tuple(kept[i] for i in range(len(reassessments))), tuple(early)
