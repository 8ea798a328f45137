"""Tables of clinics and the users who sign in to them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, String, false
from sqlalchemy.orm import Mapped, mapped_column

from acupath.services.records import Clinic, Qualification, User
from acupath.services.records.people import DEFAULT_LOCALE
from acupath.storage.tables.base import Base, Document, Id, UtcDateTime


class ClinicRow(Base):
    """A clinic."""

    __tablename__ = "clinics"

    id: Mapped[str] = mapped_column(Id, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    #: How the clinic's pages write dates and numbers (migration 0009; ``services.clinics.LOCALES``).
    locale: Mapped[str] = mapped_column(String(16), default=DEFAULT_LOCALE, server_default=DEFAULT_LOCALE)

    def to_domain(self) -> Clinic:
        """Return the clinic record."""
        return Clinic(id=self.id, name=self.name, created_at=self.created_at, locale=self.locale)

    @classmethod
    def from_domain(cls, clinic: Clinic) -> ClinicRow:
        """Return a new row for ``clinic``."""
        return cls(id=clinic.id, name=clinic.name, created_at=clinic.created_at, locale=clinic.locale)


class UserRow(Base):
    """A user account; the email is unique across clinics (one login, one clinic)."""

    __tablename__ = "users"
    __table_args__ = (CheckConstraint("role IN ('admin', 'clinician', 'reception')", name="role"),)

    id: Mapped[str] = mapped_column(Id, primary_key=True)
    clinic_id: Mapped[str] = mapped_column(ForeignKey("clinics.id"), index=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    password_changed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    #: The practising licence and the qualifications (migration 0017). Qualifications are a short list
    #: read and written whole with the account, never searched: one JSON column, as other documents.
    licence_number: Mapped[str | None] = mapped_column(String(64), nullable=True)
    licence_authority: Mapped[str | None] = mapped_column(String(200), nullable=True)
    licence_expires: Mapped[date | None] = mapped_column(Date, nullable=True)
    qualifications: Mapped[list[dict[str, Any]] | None] = mapped_column(Document, nullable=True)

    def to_domain(self) -> User:
        """Return the user record."""
        return User(id=self.id, clinic_id=self.clinic_id, email=self.email, name=self.name, role=self.role,
                    password_hash=self.password_hash, active=self.active,
                    must_change_password=self.must_change_password,
                    password_changed_at=self.password_changed_at, created_at=self.created_at,
                    last_sign_in_at=self.last_sign_in_at, licence_number=self.licence_number,
                    licence_authority=self.licence_authority, licence_expires=self.licence_expires,
                    qualifications=[Qualification(**item) for item in self.qualifications or ()])

    @classmethod
    def from_domain(cls, user: User) -> UserRow:
        """Return a new row for ``user``."""
        row = cls(id=user.id)
        row.update_from(user)
        return row

    def update_from(self, user: User) -> None:
        """Copy the user's fields onto this row, but ``last_sign_in_at`` (``record_sign_in`` writes it alone)."""
        self.clinic_id = user.clinic_id
        self.email = user.email
        self.name = user.name
        self.role = user.role
        self.password_hash = user.password_hash
        self.active = user.active
        self.must_change_password = user.must_change_password
        self.password_changed_at = user.password_changed_at
        self.created_at = user.created_at
        self.licence_number = user.licence_number
        self.licence_authority = user.licence_authority
        self.licence_expires = user.licence_expires
        self.qualifications = [{"text": item.text, "issuer": item.issuer, "year": item.year}
                               for item in user.qualifications] or None
