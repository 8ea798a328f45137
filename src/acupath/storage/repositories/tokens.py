"""The repository of login tokens revoked at logout."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

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

    def use_once(self, token: RevokedToken) -> bool:
        # INSERT ... ON CONFLICT DO NOTHING: of two requests replaying one token at once, one inserts.
        insert = pg_insert if self.session.get_bind().dialect.name == "postgresql" else sqlite_insert
        table = RevokedTokenRow.__table__
        result = self.session.execute(
            insert(table).values(token_id=token.token_id, user_id=token.user_id, expires_at=token.expires_at,
                                 revoked_at=token.revoked_at)
            .on_conflict_do_nothing(index_elements=["token_id"]).returning(table.c.token_id))
        return result.first() is not None

    def purge(self, now: datetime) -> int:
        result = self.session.execute(delete(RevokedTokenRow).where(RevokedTokenRow.expires_at < now)
                                      .execution_options(synchronize_session=False))
        return int(result.rowcount or 0)
