"""The repository of failed logins (``acupath.services.login_throttle`` says why it is a table)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, insert, select

from acupath.services.login_throttle import LoginFailures
from acupath.storage.repositories.base import SqlRepository
from acupath.storage.tables.login_failures import LoginFailureRow


class SqlLoginFailures(SqlRepository, LoginFailures):
    """Failed logins in the database: appended, read by the (key, at) index, deleted out of the window."""

    def add(self, key: str, at: datetime) -> None:
        self.session.execute(insert(LoginFailureRow).values(key=key, at=at))

    def recent(self, key: str, since: datetime, limit: int) -> list[datetime]:
        query = (select(LoginFailureRow.at).where(LoginFailureRow.key == key, LoginFailureRow.at > since)
                 .order_by(LoginFailureRow.at.desc()).limit(limit))
        return list(self.session.scalars(query))

    def forget(self, key: str) -> None:
        self.session.execute(delete(LoginFailureRow).where(LoginFailureRow.key == key))

    def forget_before(self, before: datetime) -> int:
        result = self.session.execute(delete(LoginFailureRow).where(LoginFailureRow.at <= before))
        return int(result.rowcount or 0)
