"""The repository every authenticated request asks: the token's user as stored now, and its last use."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, bindparam, delete, select
from sqlalchemy.dialects import postgresql, sqlite

from acupath.services.sign_ins import AccountNow, SignIns
from acupath.storage.repositories.base import SqlRepository
from acupath.storage.tables import RevokedTokenRow, UserRow
from acupath.storage.tables.tokens import TokenActivityRow

_UPSERT = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}

_users, _revoked, _activity = UserRow.__table__.c, RevokedTokenRow.__table__.c, TokenActivityRow.__table__.c

#: One statement: the user by id (clinic, role, status, when the password was last set), with the
#: token's revocation and last use joined by token id (each a primary-key lookup), so the check costs
#: one round trip per request (``token_id``, ``user_id``).
#: Built once with bound parameters: it runs on every authenticated request.
ACCOUNT_NOW = (
    select(_users.clinic_id, _users.role, _users.active, _users.password_changed_at, _revoked.token_id,
           _activity.last_seen_at)
    .select_from(UserRow.__table__
                 .outerjoin(RevokedTokenRow.__table__, _revoked.token_id == bindparam("token_id"))
                 .outerjoin(TokenActivityRow.__table__, and_(_activity.token_id == bindparam("token_id"),
                                                              _activity.user_id == bindparam("user_id"))))
    .where(_users.id == bindparam("user_id")))


class SqlSignIns(SqlRepository, SignIns):
    """Users, revocations and token activity in the database, read together by primary keys."""

    def account_now(self, token_id: str, user_id: str) -> AccountNow | None:
        row = self.session.execute(ACCOUNT_NOW, {"token_id": token_id, "user_id": user_id}).one_or_none()
        if row is None:
            return None
        clinic_id, role, active, password_changed_at, revoked, last_seen_at = row
        return AccountNow(clinic_id=clinic_id, role=role, active=bool(active), revoked=revoked is not None,
                          last_seen_at=last_seen_at, password_changed_at=password_changed_at)

    def mark_seen(self, token_id: str, user_id: str, at: datetime, expires_at: datetime) -> None:
        # An upsert (INSERT ... ON CONFLICT DO UPDATE, on both databases): the first two requests of a
        # token may arrive at once, and neither may fail for the other's row.
        insert = _UPSERT[self.session.get_bind().dialect.name]
        statement = insert(TokenActivityRow).values(token_id=token_id, user_id=user_id, last_seen_at=at,
                                                    expires_at=expires_at)
        self.session.execute(statement.on_conflict_do_update(
            index_elements=[TokenActivityRow.token_id], set_={"last_seen_at": statement.excluded.last_seen_at}))

    def purge(self, now: datetime) -> int:
        result = self.session.execute(delete(TokenActivityRow).where(TokenActivityRow.expires_at < now)
                                      .execution_options(synchronize_session=False))
        return int(result.rowcount or 0)
