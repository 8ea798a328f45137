"""The table of failed logins that throttles guessing (``acupath.services.login_throttle``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from acupath.storage.tables.base import Base, UtcDateTime


class LoginFailureRow(Base):
    """One failed login under one key (``account:<email>`` or ``address:<ip>``); deleted once out of the window.

    No foreign key to users: unknown emails are throttled as known ones, so that a lockout does not
    tell which accounts exist.
    """

    __tablename__ = "login_failures"
    __table_args__ = (Index("ix_login_failures_key_at", "key", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(300))
    at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
