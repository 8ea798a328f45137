"""In-memory audit log, token revocations, login failures, sign-ins and the portal's accounts,
links and sign-ins (``service_fakes.FakeUnitOfWork``)."""

from __future__ import annotations

import copy
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

from fake_store import _capped, _Repo

from acupath.errors import Conflict
from acupath.services import login_throttle as abstract_throttle
from acupath.services import repositories as abstract
from acupath.services.portal import repositories as portal_abstract
from acupath.services.records import (
    AuditEntry,
    AuditQuery,
    RecordOwner,
    RevokedToken,
)
from acupath.services.records.listings import Total
from acupath.services.records.portal import PortalAccount, PortalLink, PortalSignIn, PortalSignInNow
from acupath.services.sign_ins import AccountNow, SignIns

if TYPE_CHECKING:
    from service_fakes import FakeUnitOfWork


class FakeAuditLog(abstract.AuditLog):
    def __init__(self, uow: FakeUnitOfWork) -> None:
        self.uow = uow

    def add(self, entry: AuditEntry) -> None:
        entry.id = next(self.uow.audit_ids)
        self.uow.working.audit.append(copy.deepcopy(entry))

    def list(self, clinic_id: str | None, *, patient_id: str | None = None, offset: int = 0,
             limit: int = 100) -> list[AuditEntry]:
        found = [e for e in self.uow.working.audit
                 if e.clinic_id == clinic_id and (patient_id is None or e.patient_id == patient_id)]
        return copy.deepcopy(found[offset:offset + limit])

    def _found(self, clinic_id: str, query: AuditQuery) -> list[AuditEntry]:
        return sorted((e for e in self.uow.working.audit if _audit_matches(e, clinic_id, query)),
                      key=lambda e: (e.at, e.id), reverse=True)

    def search(self, clinic_id: str, query: AuditQuery, after: tuple[datetime, int] | None,
               limit: int) -> list[AuditEntry]:
        found = [e for e in self._found(clinic_id, query) if after is None or (e.at, e.id) < after]
        return copy.deepcopy(found[:limit])

    def count(self, clinic_id: str, query: AuditQuery, cap: int) -> Total:
        return _capped(len(self._found(clinic_id, query)), cap)

    def owner_of(self, record_type: str, record_id: str) -> RecordOwner | None:
        record = self.uow.working.table(_AUDITED_TABLES.get(record_type, "")).get(record_id)
        if record is None:
            return None
        return RecordOwner(clinic_id=record.clinic_id,
                           patient_id=record.id if record_type == "patient" else record.patient_id)

    def export_batch(self, clinic_id: str, query: AuditQuery, after_id: int, through_id: int,
                     limit: int) -> list[AuditEntry]:
        found = [e for e in self.uow.working.audit
                 if after_id < (e.id or 0) <= through_id and _audit_matches(e, clinic_id, query)]
        return copy.deepcopy(found[:limit])


#: The record kinds services name (``access.found``) and the fake tables that keep them.
_AUDITED_TABLES = {"patient": "patients", "intake": "intakes", "screening": "screenings", "plan": "plans",
                   "session": "sessions", "adverse_event": "adverse_events", "reassessment": "reassessments",
                   "questionnaire_assignment": "assignments", "urgent_task": "urgent_tasks",
                   "homework_task": "homework_tasks"}


def _audit_matches(e: AuditEntry, clinic_id: str, query: AuditQuery) -> bool:
    wanted = ((e.patient_id, query.patient_id), (e.user_id, query.user_id), (e.action, query.action))
    return (e.clinic_id == clinic_id and all(w is None or v == w for v, w in wanted)
            and (query.since is None or e.at >= query.since) and (query.until is None or e.at < query.until)
            and not (query.staff_only and e.user_id.startswith("patient:")))


class FakeTokenRevocations(_Repo, abstract.TokenRevocations):
    table = "revoked_tokens"

    def add(self, token: RevokedToken) -> None:
        self.rows[token.token_id] = copy.deepcopy(token)

    def is_revoked(self, token_id: str) -> bool:
        return token_id in self.rows

    def use_once(self, token: RevokedToken) -> bool:
        if token.token_id in self.rows:
            return False
        self.add(token)
        return True

    def purge(self, now: datetime) -> int:
        expired = [t for t, token in self.rows.items() if token.expires_at < now]
        for token_id in expired:
            del self.rows[token_id]
        return len(expired)


class FakeLoginFailures(abstract_throttle.LoginFailures):
    def __init__(self, uow: FakeUnitOfWork) -> None:
        self.uow = uow

    @property
    def kept(self) -> list[tuple[str, datetime]]:
        return self.uow.working.login_failures

    def add(self, key: str, at: datetime) -> None:
        self.kept.append((key, at))

    def recent(self, key: str, since: datetime, limit: int) -> list[datetime]:
        return sorted((at for k, at in self.kept if k == key and at > since), reverse=True)[:limit]

    def forget(self, key: str) -> None:
        self.kept[:] = [(k, at) for k, at in self.kept if k != key]

    def forget_before(self, before: datetime) -> int:
        kept = [(k, at) for k, at in self.kept if at > before]
        gone = len(self.kept) - len(kept)
        self.kept[:] = kept
        return gone


class FakeSignIns(_Repo, SignIns):
    """Users, revocations and each token's last use (``token_activity``: token id -> (user, seen, expiry))."""

    table = "token_activity"

    def account_now(self, token_id: str, user_id: str) -> AccountNow | None:
        user = self.uow.working.table("users").get(user_id)
        if user is None:
            return None
        seen = self.rows.get(token_id)
        return AccountNow(clinic_id=user.clinic_id, role=user.role, active=user.active,
                          revoked=token_id in self.uow.working.table("revoked_tokens"),
                          last_seen_at=seen[1] if seen is not None and seen[0] == user_id else None,
                          password_changed_at=user.password_changed_at)

    def mark_seen(self, token_id: str, user_id: str, at: datetime, expires_at: datetime) -> None:
        self.rows[token_id] = (user_id, at, expires_at)

    def purge(self, now: datetime) -> int:
        expired = [t for t, (_, _, expires_at) in self.rows.items() if expires_at < now]
        for token_id in expired:
            del self.rows[token_id]
        return len(expired)


class FakePortalAccounts(_Repo, portal_abstract.PortalAccountRepository):
    table = "portal_accounts"

    def _email_taken(self, account: PortalAccount) -> bool:
        return account.email is not None and any(
            a.email == account.email and a.id != account.id for a in self.rows.values())

    def add(self, account: PortalAccount) -> None:
        if self._email_taken(account) or any(a.patient_id == account.patient_id for a in self.rows.values()):
            raise Conflict("portal account conflicts with a stored record")
        self._put(account)

    def get(self, clinic_id: str, account_id: str) -> PortalAccount | None:
        return self._get(clinic_id, account_id)  # type: ignore[no-any-return]

    def for_patient(self, clinic_id: str, patient_id: str) -> PortalAccount | None:
        found = [a for a in self.rows.values() if (a.clinic_id, a.patient_id) == (clinic_id, patient_id)]
        return copy.deepcopy(found[0]) if found else None

    def by_email(self, email: str) -> PortalAccount | None:
        found = [a for a in self.rows.values() if a.email == email]
        return copy.deepcopy(found[0]) if found else None

    def update(self, account: PortalAccount) -> None:
        stored = self.rows.get(account.id)
        if stored is None or stored.clinic_id != account.clinic_id:
            raise Conflict("the portal account no longer exists")
        if self._email_taken(account):
            raise Conflict("portal account email conflicts with a stored record")
        self.rows[account.id] = replace(copy.deepcopy(account), last_sign_in_at=stored.last_sign_in_at)

    def record_sign_in(self, account_id: str, at: datetime) -> None:
        if account_id in self.rows:
            self.rows[account_id].last_sign_in_at = at


class FakePortalLinks(_Repo, portal_abstract.PortalLinkRepository):
    table = "portal_links"

    def add(self, link: PortalLink) -> None:
        if any(other.token_hash == link.token_hash for other in self.rows.values()):
            raise Conflict("portal link conflicts with a stored record")
        self._put(link)

    def by_token_hash(self, token_hash: str) -> PortalLink | None:
        found = [link for link in self.rows.values() if link.token_hash == token_hash]
        return copy.deepcopy(found[0]) if found else None

    def use(self, link_id: str, at: datetime) -> bool:
        link = self.rows.get(link_id)
        if link is None or link.used_at is not None or link.revoked_at is not None:
            return False
        link.used_at = at
        return True

    def revoke_open(self, clinic_id: str, patient_id: str, at: datetime) -> int:
        open_links = [link for link in self.rows.values() if (link.clinic_id, link.patient_id) == (clinic_id, patient_id)
                      and link.used_at is None and link.revoked_at is None]
        for link in open_links:
            link.revoked_at = at
        return len(open_links)

    def list_for_patient(self, clinic_id: str, patient_id: str) -> list[PortalLink]:
        found = [link for link in self.rows.values() if (link.clinic_id, link.patient_id) == (clinic_id, patient_id)]
        return copy.deepcopy(sorted(found, key=lambda link: link.created_at, reverse=True))


class FakePortalSignIns(_Repo, portal_abstract.PortalSignInRepository):
    table = "portal_sign_ins"

    def add(self, sign_in: PortalSignIn) -> None:
        if sign_in.token_hash in self.rows:
            raise Conflict("portal sign-in exists")
        self.rows[sign_in.token_hash] = copy.deepcopy(sign_in)

    def find(self, token_hash: str) -> PortalSignInNow | None:
        sign_in = self.rows.get(token_hash)
        if sign_in is None:
            return None
        account = self.uow.working.table("portal_accounts")[sign_in.account_id]
        return PortalSignInNow(sign_in=copy.deepcopy(sign_in), account_active=account.active,
                               password_changed_at=account.password_changed_at)

    def touch(self, token_hash: str, at: datetime) -> None:
        if token_hash in self.rows:
            self.rows[token_hash].last_seen_at = at

    def remove(self, token_hash: str) -> None:
        self.rows.pop(token_hash, None)

    def remove_for_account(self, account_id: str, keep: str | None = None) -> int:
        gone = [h for h, s in self.rows.items() if s.account_id == account_id and h != keep]
        for token_hash in gone:
            del self.rows[token_hash]
        return len(gone)

    def purge(self, now: datetime) -> int:
        gone = [h for h, s in self.rows.items() if s.expires_at < now]
        for token_hash in gone:
            del self.rows[token_hash]
        return len(gone)
