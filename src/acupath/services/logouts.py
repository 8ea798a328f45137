"""Use cases of logging out: revoke a login token, and ask whether a token was revoked.

Revocations live in the database (``uow.revoked_tokens``), so a logout holds for every API worker and
survives a restart. Each is kept only until its token would have expired anyway, then purged.
"""

from __future__ import annotations

from datetime import datetime

from acupath.services.actor import Actor
from acupath.services.records import AuditEntry, Outcome, RevokedToken
from acupath.services.unit_of_work import AbstractUnitOfWork


def revoke_token(uow: AbstractUnitOfWork, actor: Actor, token_id: str, expires_at: datetime) -> None:
    """Revoke the actor's token ``token_id`` (valid until ``expires_at``) and purge expired revocations.

    Audited as ``user.logout``. Raises nothing for a token revoked twice.
    """
    with uow:
        now = uow.clock()
        uow.revoked_tokens.purge(now)
        uow.revoked_tokens.add(RevokedToken(token_id=token_id, user_id=actor.user_id, expires_at=expires_at,
                                            revoked_at=now))
        uow.audit.add(AuditEntry(at=now, clinic_id=actor.clinic_id, user_id=actor.user_id, action="user.logout",
                                 record_type="user", record_id=actor.user_id,
                                 remote_address=actor.remote_address, outcome=Outcome.OK))
        uow.commit()


def is_token_revoked(uow: AbstractUnitOfWork, token_id: str) -> bool:
    """Return True if the token with this id was revoked at logout (by any worker)."""
    with uow:
        return uow.revoked_tokens.is_revoked(token_id)
