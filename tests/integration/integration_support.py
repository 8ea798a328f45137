"""Helpers of the integration tests: the staff of a test clinic, and extra units of work."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from acupath.services import Actor
from acupath.storage import SqlAlchemyUnitOfWork, make_session_factory


def fresh_uow(engine: Engine) -> SqlAlchemyUnitOfWork:
    """Return another unit of work on ``engine`` (a second user, or a look at what was committed)."""
    return SqlAlchemyUnitOfWork(make_session_factory(engine))


@dataclass(frozen=True)
class Staff:
    """Two clinicians and a receptionist of a clinic made for the test, and a clinician of another."""

    clinic_id: str
    dr_lee: Actor
    dr_patel: Actor
    rita: Actor
    dr_outsider: Actor
