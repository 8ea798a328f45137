"""The one responder statement of a plan's progress, said alike by every page and document.

Before the plan's first checkpoint is reached the response is not judged (the protocols expect it by
sessions 4-6 and judge it there: seed 001), so the verdict is ``too_early`` and the pages list what has
changed so far. From the first checkpoint on, the latest measures decide: ``responder`` when a measure
improved by at least its MCID (the measures that did are ``deciding``), ``not_responder`` when every
measure with an MCID fell short of it (those are ``deciding``), ``not_known`` when no measure with an
MCID was taken again. A plan without checkpoints is judged on its latest measures.

Which checkpoints a plan carries: ``in_force`` leaves out a checkpoint the condition keeps for some
payers only (``payers`` in conditions/*.yaml, Medicare's extension at session 12) when that payer covers
none of the plan's visits: NCD 30.3.3 adds "8 additional sessions ... for those patients demonstrating
an improvement" only to the 12 it covers (clinical.md §5), so on a plan it does not cover (pain under 12
weeks, after surgery, a condition other than chronic low back pain) the checkpoint judges nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

TOO_EARLY = "too_early"
RESPONDER = "responder"
NOT_RESPONDER = "not_responder"
NOT_KNOWN = "not_known"


class Judged(Protocol):
    """What the verdict reads of a status (``outcomes.progress.CheckpointStatus``)."""

    id: str
    session: int
    responder: bool | None
    changes: Any


@dataclass(frozen=True)
class Verdict:
    """Whether the patient responds, as far as may be said now.

    ``state`` is one of ``too_early``, ``responder``, ``not_responder``, ``not_known``; ``session`` the
    session of the latest measures; ``first_checkpoint`` the session of the plan's first checkpoint
    (None: the plan has none); ``checkpoint`` the id of the last checkpoint reached (None before the
    first); ``deciding`` the instruments that decided (empty when ``too_early`` or ``not_known``).
    """

    state: str
    session: int
    first_checkpoint: int | None
    checkpoint: str | None
    deciding: tuple[str, ...] = ()

    @property
    def judged(self) -> bool:
        """Return whether the response may be called yet (a checkpoint reached, or none planned)."""
        return self.state != TOO_EARLY


def judge(latest: Judged, reached: tuple[Judged, ...], checkpoints: Any) -> Verdict:
    """Return the ``Verdict`` of the latest measures, given the checkpoints ``reached`` so far.

    ``checkpoints`` are the plan's checkpoints in force (each with ``session``). Raises nothing.
    """
    first = min((c.session for c in checkpoints), default=None)
    last = max(reached, key=lambda s: s.session, default=None)
    checkpoint = last.id if last is not None else None
    if first is not None and last is None:
        return Verdict(TOO_EARLY, latest.session, first, None)
    if latest.responder is None:
        return Verdict(NOT_KNOWN, latest.session, first, checkpoint)
    wanted = latest.responder
    deciding = tuple(c.instrument for c in latest.changes if c.mcid_reached is wanted)
    return Verdict(RESPONDER if wanted else NOT_RESPONDER, latest.session, first, checkpoint, deciding)


def in_force(plan: Any, kb: Any) -> tuple[Any, ...]:
    """Return the plan's checkpoints that apply to it, in the plan's order.

    A checkpoint the condition keeps for some payers only applies when the plan's payer is one of them
    and does not leave every visit of the plan ``not_covered`` (the plan's ``covers_no_visit``); a checkpoint
    the knowledge base does not mark so (or no longer names) applies. Raises nothing.
    """
    condition = getattr(kb, "conditions", {}).get(plan.condition)
    payers = {c.id: tuple(c.payers) for c in getattr(condition, "checkpoints", ())}
    covers_none = bool(getattr(plan, "covers_no_visit", False))  # the plan's own rule (planning.Plan)
    return tuple(c for c in plan.checkpoints
                 if not payers.get(c.id) or (plan.payer in payers[c.id] and not covers_none))
