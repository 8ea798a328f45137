"""Practice evidence: one question about the clinic's treatment courses, asked by an admin or clinician.

The questions themselves are SQL over the whole clinic (``acupath.analytics``, infrastructure), which
services may not import; the roots hand one in as ``answer(uow, clinic_id)``, and this use case
gives it what every read of patient data gets: the role rule (reception sees no clinical outcomes),
the actor's own clinic (never one from the request) and an audit entry, refusals included.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from acupath.services.access import require_clinical
from acupath.services.actor import Actor
from acupath.services.audit import audited
from acupath.services.unit_of_work import AbstractUnitOfWork

T = TypeVar("T")


def ask(uow: AbstractUnitOfWork, actor: Actor, question: str,
        answer: Callable[[AbstractUnitOfWork, str], T]) -> T:
    """Return ``answer(uow, actor.clinic_id)`` inside one audited transaction (``analytics.<question>``).

    ``question`` names it in the audit log (with the facets asked, e.g. ``responders:condition,ea``).
    Raises ``PermissionDenied`` (reception), ``InputError`` (from ``answer``: a bad facet or filter).
    """
    with uow, audited(uow, actor, "analytics.read", "analytics", question[:64]):
        require_clinical(actor)
        return answer(uow, actor.clinic_id)
