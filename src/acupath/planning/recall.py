"""Which instruments a reassessment session gives: each only once its recall period has passed.

A questionnaire asks about a span of time before it is answered (MIDAS the last 3 months, HIT-6 the
last 4 weeks: ``recall_days`` in ``instruments/*.yaml``, instruments.md §16-17). Given again before that
span has passed, two answers describe overlapping days and the change between them means little, so an
instrument is placed at a reassessment only when at least ``recall_days`` have passed since it was last
given. The intake's questionnaires (the baseline) count as given on the schedule's start.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any


def recall_days_of(kb: Any, instruments: Iterable[str]) -> tuple[int, ...]:
    """Return each instrument's recall period in days (0 when it has none or is unknown), in order."""
    found = []
    for instrument in instruments:
        source = kb.instruments.get(instrument)
        found.append(source.recall_days or 0 if source is not None else 0)
    return tuple(found)


def spaced(
    reassessments: Iterable[tuple[int, date]], instruments: tuple[str, ...], recall_days: tuple[int, ...],
    baseline_on: date,
) -> dict[int, tuple[str, ...]]:
    """Return, for each reassessment ``(session number, date)``, the instruments due at it.

    An instrument is due when at least its recall period has passed since it was last given (the
    baseline on ``baseline_on`` first). ``reassessments`` are taken in date order.
    """
    last_given = dict.fromkeys(instruments, baseline_on)
    due: dict[int, tuple[str, ...]] = {}
    for number, day in sorted(reassessments, key=lambda entry: entry[1]):
        given = tuple(
            instrument for instrument, recall in zip(instruments, recall_days, strict=True)
            if (day - last_given[instrument]).days >= recall
        )
        for instrument in given:
            last_given[instrument] = day
        due[number] = given
    return due
