"""The clinic the web tests use (``tests/e2e/web`` and ``tests/browser``): a migrated SQLite database
holding the demo clinic (``acupath demo``'s builder) and an outsider's clinic.

``harbour``: the demo staff (``lee@harbour.demo`` clinician, ``rita@harbour.demo`` reception,
``admin@harbour.demo``) and patients of every condition with months of care; ``hill``:
``outsider@hill.example``, a clinician of another clinic. Every password is the demo's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from acupath.cli.demo import DEMO_PASSWORD, build_demo
from acupath.knowledge import KnowledgeBase, load_knowledge
from acupath.security.passwords import Argon2idHasher
from acupath.services import users
from acupath.services.actor import Actor
from acupath.storage import SqlAlchemyUnitOfWork, make_engine, make_session_factory
from acupath.storage.migrate import upgrade

SECRET = "web-test-secret-key-that-is-long-enough-0123456789"
PASSWORD = DEMO_PASSWORD
EMAILS = {"clinician": "lee@harbour.demo", "reception": "rita@harbour.demo", "admin": "admin@harbour.demo",
          "outsider": "outsider@hill.example"}


@dataclass
class Clinics:
    """The database: its URL, a unit-of-work factory on it, the knowledge base, the demo's summary."""

    url: str
    uow_factory: Callable[[], SqlAlchemyUnitOfWork]
    kb: KnowledgeBase
    demo: dict[str, Any]
    dispose: Callable[[], None]


def demo_clinics(folder: Path, today: date, per_condition: int) -> Clinics:
    """Migrate a SQLite database in ``folder`` and load the two clinics; call ``dispose`` when done."""
    url = f"sqlite:///{folder / 'acupath.sqlite3'}"
    upgrade(url)
    engine = make_engine(url)
    sessions = make_session_factory(engine)

    def uow_factory() -> SqlAlchemyUnitOfWork:
        return SqlAlchemyUnitOfWork(sessions)

    def before_today() -> SqlAlchemyUnitOfWork:
        # The clinic is built before the first day its plans start (at most 26 weeks before ``today``):
        # the route tests move the pages' clock to days of the plans, and a password set after a
        # token's issue refuses the token (``services.sign_ins``).
        uow = uow_factory()
        uow.clock = lambda: datetime.combine(today - timedelta(weeks=27), time(0), UTC)
        return uow

    kb = load_knowledge()
    demo = build_demo(before_today, kb, seed=7, today=today, per_condition=per_condition)
    hill = users.create_clinic(before_today(), "Hill clinic")
    users.create_user(before_today(), Actor.system(hill.id), email=EMAILS["outsider"], name="Dr Outsider",
                      role="clinician", password=PASSWORD, hasher=Argon2idHasher())
    return Clinics(url=url, uow_factory=uow_factory, kb=kb, demo=demo, dispose=engine.dispose)
