"""The tables of login tokens revoked at logout and of their last use, shared by every API worker."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from acupath.services.records import RevokedToken
from acupath.storage.tables.base import Author, Base, UtcDateTime


class RevokedTokenRow(Base):
    """A revoked token's id, kept until the token would have expired anyway (then purged).

    No foreign key to users: a revocation must outlive nothing and block nothing; it only names a
    token id, which is random and carries no patient data.
    """

    __tablename__ = "revoked_tokens"

    token_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(Author)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    revoked_at: Mapped[datetime] = mapped_column(UtcDateTime)

    def to_domain(self) -> RevokedToken:
        """Return the revocation."""
        return RevokedToken(token_id=self.token_id, user_id=self.user_id, expires_at=self.expires_at,
                            revoked_at=self.revoked_at)

    @classmethod
    def from_domain(cls, token: RevokedToken) -> RevokedTokenRow:
        """Return a new row for ``token``."""
        return cls(token_id=token.token_id, user_id=token.user_id, expires_at=token.expires_at,
                   revoked_at=token.revoked_at)


class TokenActivityRow(Base):
    """When a login token was last used (recorded at most once a minute), kept until it expires.

    Like a revocation it names only a random token id and its user: no foreign key, no patient data.
    """

    __tablename__ = "token_activity"

    token_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(Author)
    last_seen_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
