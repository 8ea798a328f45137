"""Fakes instead of mocks (cosmicpython): an in-memory unit of work with real transaction semantics.

``FakeUnitOfWork`` keeps a committed store and a working copy: ``commit`` publishes the working copy,
``rollback`` (or leaving the block without commit) throws it away, exactly like the database. Records
are copied in and out, so a service that changes a record without saving it changes nothing.
"""

from __future__ import annotations

import copy
import itertools
from datetime import datetime, timedelta
from typing import Any

from account_fakes import (
    FakeAuditLog,
    FakeLoginFailures,
    FakePortalAccounts,
    FakePortalLinks,
    FakePortalSignIns,
    FakeSignIns,
    FakeTokenRevocations,
)
from clinical_fakes import (
    FakeAdverseEvents,
    FakeAmendments,
    FakeClinics,
    FakeIntakes,
    FakePatients,
    FakePlans,
    FakeReassessments,
    FakeScreenings,
    FakeSessions,
    FakeUsers,
)
from fake_store import FROZEN_NOW, Store

from acupath.services.passwords import PasswordHasher
from acupath.services.records import (
    AuditEntry,
)
from acupath.services.unit_of_work import AbstractUnitOfWork


class FakeUnitOfWork(AbstractUnitOfWork):
    """An in-memory unit of work; ``committed`` is what a database would hold."""

    def __init__(self, now: datetime = FROZEN_NOW) -> None:
        self.committed = Store()
        self.working = Store()
        self.commits = 0
        self.audit_ids = itertools.count(1)
        self.clock = lambda: now
        self.clinics = FakeClinics(self)
        self.users = FakeUsers(self)
        self.patients = FakePatients(self)
        self.intakes = FakeIntakes(self)
        self.screenings = FakeScreenings(self)
        self.plans = FakePlans(self)
        self.sessions = FakeSessions(self)
        self.adverse_events = FakeAdverseEvents(self)
        self.reassessments = FakeReassessments(self)
        self.amendments = FakeAmendments(self)
        # Imported here: between_fakes builds on ``_Repo`` of this module.
        from between_fakes import FakeAssignments, FakeCrisisContacts, FakeHomework, FakeUrgentTasks

        self.assignments = FakeAssignments(self)
        self.crisis_contacts = FakeCrisisContacts(self)
        self.urgent_tasks = FakeUrgentTasks(self)
        self.homework = FakeHomework(self)
        self.audit = FakeAuditLog(self)
        self.revoked_tokens = FakeTokenRevocations(self)
        self.sign_ins = FakeSignIns(self)
        self.login_failures = FakeLoginFailures(self)
        self.portal_accounts = FakePortalAccounts(self)
        self.portal_links = FakePortalLinks(self)
        self.portal_sign_ins = FakePortalSignIns(self)

    def __enter__(self) -> FakeUnitOfWork:
        self.working = copy.deepcopy(self.committed)
        return self

    def commit(self) -> None:
        self.committed = copy.deepcopy(self.working)
        self.commits += 1

    def rollback(self) -> None:
        self.working = copy.deepcopy(self.committed)

    def stored(self, table: str) -> list[Any]:
        """Return the committed records of ``table`` (``"patients"``, ``"plans"`` ...)."""
        return list(self.committed.table(table).values())

    def audit_entries(self) -> list[AuditEntry]:
        """Return the committed audit entries, oldest first."""
        return list(self.committed.audit)


class Clock:
    """A clock the test moves by hand (``uow.clock = Clock()``)."""

    def __init__(self, now: datetime = FROZEN_NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


class PlainHasher(PasswordHasher):
    """A fast, transparent stand-in for argon2id (tests only) that counts the hashes it verifies against."""

    def __init__(self) -> None:
        self.verified: list[str] = []

    def hash(self, password: str) -> str:
        return "plain$" + password[::-1]

    def verify(self, password_hash: str, password: str) -> bool:
        self.verified.append(password_hash)
        return password_hash == self.hash(password)

    def needs_rehash(self, password_hash: str) -> bool:
        return False

    def dummy_hash(self) -> str:
        return "plain$dummy"
