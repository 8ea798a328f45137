"""The repository of login tokens revoked at logout."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select

from acupath.services import repositories as abstract
from acupath.services.records import RevokedToken
from acupath.storage.repositories.base import SqlRepository
from acupath.storage.tables import RevokedTokenRow


class SqlTokenRevocations(SqlRepository, abstract.TokenRevocations):
    """Revoked token ids in the database, looked up by primary key on every authenticated request."""

    def add(self, token: RevokedToken) -> None:
        # merge, not add: a second logout with the same token (two tabs) is not a conflict.
        self.session.merge(RevokedTokenRow.from_domain(token))
        self.session.flush()

    def is_revoked(self, token_id: str) -> bool:
        return self.session.scalar(select(RevokedTokenRow.token_id).where(RevokedTokenRow.token_id == token_id)) is not None

    def purge(self, now: datetime) -> int:
        result = self.session.execute(delete(RevokedTokenRow).where(RevokedTokenRow.expires_at < now)
                                      .execution_options(synchronize_session=False))
        return int(result.rowcount or 0)
