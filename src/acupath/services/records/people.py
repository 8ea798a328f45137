"""Clinics, their users and their patients' demographics (what reception may see)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Generic, TypeVar

T = TypeVar("T")

#: The locale a clinic's pages use unless its IT sets another (``services.clinics.LOCALES``).
DEFAULT_LOCALE = "en-GB"


@dataclass(kw_only=True)
class Clinic:
    """A clinic: every record holding patient data belongs to exactly one.

    ``locale`` is how its pages write dates and numbers (``services.clinics.LOCALES``).
    """

    id: str
    name: str
    created_at: datetime
    locale: str = DEFAULT_LOCALE


@dataclass(kw_only=True)
class User:
    """A person who signs in; ``password_hash`` is an argon2id hash, never the password.

    ``must_change_password`` is set by a reset to a temporary password: sign-in is refused until the
    user sets their own. ``password_changed_at`` is when the password was last set (None: at creation).
    ``last_sign_in_at`` is the last successful sign-in (None: never, or before it was recorded; migration
    0010); only ``UserRepository.record_sign_in`` writes it. ``licence_number``, ``licence_authority``
    (who issued it: a state board, the BAcC...) and ``licence_expires`` are the practising licence,
    ``qualifications`` the degrees and certificates (migration 0017; all optional: None / empty when
    the clinic has not recorded them; ``services.users.update_user`` sets them).
    """

    id: str
    clinic_id: str
    email: str
    name: str
    role: str
    password_hash: str
    active: bool = True
    must_change_password: bool = False
    password_changed_at: datetime | None = None
    created_at: datetime
    last_sign_in_at: datetime | None = None
    licence_number: str | None = None
    licence_authority: str | None = None
    licence_expires: date | None = None
    qualifications: list[Qualification] = field(default_factory=list)

    @property
    def has_licence(self) -> bool:
        """Return whether any part of a licence is recorded."""
        return any(value is not None for value in (self.licence_number, self.licence_authority, self.licence_expires))


@dataclass(kw_only=True)
class Qualification:
    """A practitioner's qualification: its ``text`` as written ("L.Ac.", "MSc Acupuncture"), who issued it, the year."""

    text: str
    issuer: str | None = None
    year: int | None = None


@dataclass(kw_only=True)
class Patient:
    """A patient's demographics; ``version`` rises by one on every update (stale writes get 409).

    ``mrn`` is the clinic's own identifier for the patient (unique within the clinic, optional).
    """

    id: str
    clinic_id: str
    mrn: str | None = None
    given_name: str
    family_name: str
    birth_date: date
    sex: str
    phone: str | None = None
    email: str | None = None
    version: int = 1
    created_at: datetime
    updated_at: datetime

    def to_dict(self) -> dict[str, object]:
        """Return the demographics as JSON-ready values."""
        return {
            "id": self.id,
            "mrn": self.mrn,
            "given_name": self.given_name,
            "family_name": self.family_name,
            "birth_date": self.birth_date.isoformat(),
            "sex": self.sex,
            "phone": self.phone,
            "email": self.email,
            "version": self.version,
        }


@dataclass(kw_only=True)
class Page(Generic[T]):
    """One page of a list: ``items`` from ``offset``, at most ``limit``, out of ``total``."""

    items: list[T] = field(default_factory=list)
    total: int = 0
    offset: int = 0
    limit: int = 50


@dataclass(kw_only=True)
class RevokedToken:
    """A login token revoked at logout: refused by every worker until ``expires_at``, then forgotten."""

    token_id: str
    user_id: str
    expires_at: datetime
    revoked_at: datetime
