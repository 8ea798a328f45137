"""The audit log table: append-only, one row per audited read or write, chained by hashes.

Rows are never changed nor deleted: triggers refuse UPDATE and DELETE (and TRUNCATE on PostgreSQL),
see migration 0006. Each row holds the hash of the one before it (``storage.audit_chain``); the chain
head (``AuditChainHeadRow``) is the one row every append locks, so concurrent writers form one chain.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, CheckConstraint, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from acupath.services.records import AuditEntry, Outcome
from acupath.storage.tables.base import Base, UtcDateTime


class AuditRow(Base):
    """Who did what to which record, when, from where, and how it ended.

    No foreign keys: the log must keep entries about ids that do not exist (denied or not-found
    attempts) and must never block or lose a write of the records it describes.
    """

    __tablename__ = "audit_log"
    __table_args__ = (
        # The log's reading order (newest first), so a page after a cursor reads only the page (0005).
        Index("ix_audit_log_clinic_at", "clinic_id", "at", "id"),
        Index("ix_audit_log_patient", "patient_id"),
    )

    # BIGINT on PostgreSQL; SQLite autoincrements only an INTEGER PRIMARY KEY.
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer(), "sqlite"), primary_key=True,
                                    autoincrement=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    #: Whose log the entry is in: the clinic of the record (or of the user, when there is no record).
    clinic_id: Mapped[str | None] = mapped_column(String(32))
    #: The acting user's clinic: another clinic's for a probe of this clinic's ids (``services.audit``).
    actor_clinic_id: Mapped[str | None] = mapped_column(String(32))
    user_id: Mapped[str] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(64))
    record_type: Mapped[str] = mapped_column(String(32))
    record_id: Mapped[str | None] = mapped_column(String(64))
    patient_id: Mapped[str | None] = mapped_column(String(64))
    remote_address: Mapped[str] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(16))
    detail: Mapped[str] = mapped_column(Text)
    #: Hex SHA-256 of the entry before this one (``audit_chain.GENESIS`` for the first) and of this one.
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    def to_domain(self) -> AuditEntry:
        """Return the audit entry."""
        return AuditEntry(id=self.id, at=self.at, clinic_id=self.clinic_id, actor_clinic_id=self.actor_clinic_id,
                          user_id=self.user_id,
                          action=self.action, record_type=self.record_type, record_id=self.record_id,
                          patient_id=self.patient_id, remote_address=self.remote_address,
                          outcome=Outcome(self.outcome), detail=self.detail)

    @staticmethod
    def values_of(e: AuditEntry) -> dict[str, Any]:
        """Return the column values of a new row for the entry ``e``, but for its id (the database's) and
        its hashes (the chain's)."""
        return {"at": e.at, "clinic_id": e.clinic_id, "actor_clinic_id": e.actor_clinic_id,
                "user_id": e.user_id[:254], "action": e.action,
                "record_type": e.record_type, "record_id": e.record_id, "patient_id": e.patient_id,
                "remote_address": e.remote_address[:64], "outcome": e.outcome.value, "detail": e.detail}


class AuditChainHeadRow(Base):
    """The head of the audit log's hash chain: one row, locked by every append until its commit.

    ``entries`` counts the rows appended and ``last_hash`` is the newest row's hash (GENESIS before
    the first), so removing the newest rows shows. An append increments ``entries`` first, which locks
    the row (PostgreSQL: its row lock; SQLite: the database's writer lock) and gives the previous hash;
    a trigger on ``audit_log`` sets ``last_hash`` and ``last_id`` from the inserted row (migration 0006).
    """

    __tablename__ = "audit_chain_head"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    entries: Mapped[int] = mapped_column(BigInteger)
    last_hash: Mapped[str] = mapped_column(String(64))
    last_id: Mapped[int | None] = mapped_column(BigInteger)
