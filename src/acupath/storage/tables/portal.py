"""Tables of the patient portal: accounts, one-time links (by token hash) and signed-in browsers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from acupath.services.records.portal import LinkPurpose, PortalAccount, PortalLink, PortalSignIn
from acupath.storage.tables.base import Author, Base, Id, UtcDateTime

#: Hex SHA-256 of a random token: what links and sign-ins are looked up by.
TokenHash = String(64)


class PortalAccountRow(Base):
    """A patient's portal account: one per patient, of the patient's clinic.

    ``(patient_id, clinic_id)`` refers to the patient as every clinical row does, so an account can
    never name another clinic's patient. ``email`` is unique across clinics (NULLs allowed twice on both
    databases): it is what the one sign-in page looks the account up by.
    """

    __tablename__ = "portal_accounts"
    __table_args__ = (
        ForeignKeyConstraint(["patient_id", "clinic_id"], ["patients.id", "patients.clinic_id"]),
        UniqueConstraint("patient_id"),
        UniqueConstraint("email"),
        UniqueConstraint("id", "clinic_id"),
    )

    id: Mapped[str] = mapped_column(Id, primary_key=True)
    clinic_id: Mapped[str] = mapped_column(ForeignKey("clinics.id"))
    patient_id: Mapped[str] = mapped_column(Id)
    email: Mapped[str | None] = mapped_column(String(254))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    created_by: Mapped[str] = mapped_column(Author)
    password_changed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)

    def to_domain(self) -> PortalAccount:
        """Return the account record."""
        return PortalAccount(id=self.id, clinic_id=self.clinic_id, patient_id=self.patient_id, email=self.email,
                             password_hash=self.password_hash, active=self.active, created_at=self.created_at,
                             created_by=self.created_by, password_changed_at=self.password_changed_at,
                             last_sign_in_at=self.last_sign_in_at)

    @classmethod
    def from_domain(cls, account: PortalAccount) -> PortalAccountRow:
        """Return a new row for ``account``."""
        return cls(id=account.id, clinic_id=account.clinic_id, patient_id=account.patient_id,
                   email=account.email, password_hash=account.password_hash, active=account.active,
                   created_at=account.created_at, created_by=account.created_by,
                   password_changed_at=account.password_changed_at, last_sign_in_at=account.last_sign_in_at)


class PortalLinkRow(Base):
    """A single-use link into the portal; only the SHA-256 of its token is stored."""

    __tablename__ = "portal_links"
    __table_args__ = (
        ForeignKeyConstraint(["account_id", "clinic_id"], ["portal_accounts.id", "portal_accounts.clinic_id"],
                             ondelete="CASCADE"),
        # The chart page's "pending invitation" and a new invitation's revocation of the old ones.
        Index("ix_portal_links_clinic_patient", "clinic_id", "patient_id", "created_at"),
        CheckConstraint("purpose IN ('invitation', 'sign_in')", name="purpose"),
    )

    id: Mapped[str] = mapped_column(Id, primary_key=True)
    clinic_id: Mapped[str] = mapped_column(Id)
    patient_id: Mapped[str] = mapped_column(Id)
    account_id: Mapped[str] = mapped_column(Id)
    token_hash: Mapped[str] = mapped_column(TokenHash, unique=True)
    purpose: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    created_by: Mapped[str] = mapped_column(Author)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)

    def to_domain(self) -> PortalLink:
        """Return the link record."""
        return PortalLink(id=self.id, clinic_id=self.clinic_id, patient_id=self.patient_id,
                          account_id=self.account_id, token_hash=self.token_hash, purpose=LinkPurpose(self.purpose),
                          created_at=self.created_at, created_by=self.created_by, expires_at=self.expires_at,
                          used_at=self.used_at, revoked_at=self.revoked_at)

    @classmethod
    def from_domain(cls, link: PortalLink) -> PortalLinkRow:
        """Return a new row for ``link``."""
        return cls(id=link.id, clinic_id=link.clinic_id, patient_id=link.patient_id, account_id=link.account_id,
                   token_hash=link.token_hash, purpose=link.purpose.value, created_at=link.created_at,
                   created_by=link.created_by, expires_at=link.expires_at, used_at=link.used_at,
                   revoked_at=link.revoked_at)


class PortalSignInRow(Base):
    """A signed-in browser: the hash of its cookie's token, until sign-out, revocation or expiry."""

    __tablename__ = "portal_sign_ins"
    __table_args__ = (
        ForeignKeyConstraint(["account_id", "clinic_id"], ["portal_accounts.id", "portal_accounts.clinic_id"],
                             ondelete="CASCADE"),
    )

    token_hash: Mapped[str] = mapped_column(TokenHash, primary_key=True)
    account_id: Mapped[str] = mapped_column(Id, index=True)
    clinic_id: Mapped[str] = mapped_column(Id)
    patient_id: Mapped[str] = mapped_column(Id)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)

    def to_domain(self) -> PortalSignIn:
        """Return the sign-in record."""
        return PortalSignIn(token_hash=self.token_hash, account_id=self.account_id, clinic_id=self.clinic_id,
                            patient_id=self.patient_id, created_at=self.created_at, last_seen_at=self.last_seen_at,
                            expires_at=self.expires_at)

    @classmethod
    def from_domain(cls, sign_in: PortalSignIn) -> PortalSignInRow:
        """Return a new row for ``sign_in``."""
        return cls(token_hash=sign_in.token_hash, account_id=sign_in.account_id, clinic_id=sign_in.clinic_id,
                   patient_id=sign_in.patient_id, created_at=sign_in.created_at, last_seen_at=sign_in.last_seen_at,
                   expires_at=sign_in.expires_at)
