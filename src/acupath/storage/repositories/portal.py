"""Repositories of the patient portal: accounts, one-time links and signed-in browsers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update

from acupath.errors import Conflict
from acupath.services.portal import repositories as portal_abstract
from acupath.services.records.portal import PortalAccount, PortalLink, PortalSignIn, PortalSignInNow
from acupath.storage.repositories.base import SqlRepository
from acupath.storage.tables.portal import PortalAccountRow, PortalLinkRow, PortalSignInRow


class SqlPortalAccounts(SqlRepository, portal_abstract.PortalAccountRepository):
    """Portal accounts in the database (unique by patient and by email)."""

    def add(self, account: PortalAccount) -> None:
        self.session.add(PortalAccountRow.from_domain(account))
        self.flush("portal account")

    def get(self, clinic_id: str, account_id: str) -> PortalAccount | None:
        return self.one(PortalAccountRow, clinic_id, account_id)  # type: ignore[no-any-return]

    def for_patient(self, clinic_id: str, patient_id: str) -> PortalAccount | None:
        row = self.session.scalars(select(PortalAccountRow).where(
            PortalAccountRow.clinic_id == clinic_id, PortalAccountRow.patient_id == patient_id)).one_or_none()
        return row.to_domain() if row else None

    def by_email(self, email: str) -> PortalAccount | None:
        row = self.session.scalars(select(PortalAccountRow).where(PortalAccountRow.email == email)).one_or_none()
        return row.to_domain() if row else None

    def update(self, account: PortalAccount) -> None:
        row = self.session.get(PortalAccountRow, account.id)
        if row is None or row.clinic_id != account.clinic_id:
            raise Conflict("the portal account no longer exists")
        row.email, row.password_hash, row.active = account.email, account.password_hash, account.active
        row.password_changed_at = account.password_changed_at
        self.flush("portal account email")

    def record_sign_in(self, account_id: str, at: datetime) -> None:
        self.session.execute(update(PortalAccountRow).where(PortalAccountRow.id == account_id)
                             .values(last_sign_in_at=at).execution_options(synchronize_session=False))


class SqlPortalLinks(SqlRepository, portal_abstract.PortalLinkRepository):
    """One-time links in the database, found by their token hash (a unique index)."""

    def add(self, link: PortalLink) -> None:
        self.session.add(PortalLinkRow.from_domain(link))
        self.flush("portal link")

    def by_token_hash(self, token_hash: str) -> PortalLink | None:
        row = self.session.scalars(select(PortalLinkRow).where(PortalLinkRow.token_hash == token_hash)).one_or_none()
        return row.to_domain() if row else None

    def use(self, link_id: str, at: datetime) -> bool:
        # A conditional UPDATE: the database lets only one of two racing requests match the row.
        result = self.session.execute(
            update(PortalLinkRow)
            .where(PortalLinkRow.id == link_id, PortalLinkRow.used_at.is_(None), PortalLinkRow.revoked_at.is_(None))
            .values(used_at=at).execution_options(synchronize_session=False))
        return result.rowcount == 1

    def revoke_open(self, clinic_id: str, patient_id: str, at: datetime) -> int:
        result = self.session.execute(
            update(PortalLinkRow)
            .where(PortalLinkRow.clinic_id == clinic_id, PortalLinkRow.patient_id == patient_id,
                   PortalLinkRow.used_at.is_(None), PortalLinkRow.revoked_at.is_(None))
            .values(revoked_at=at).execution_options(synchronize_session=False))
        return int(result.rowcount or 0)

    def list_for_patient(self, clinic_id: str, patient_id: str) -> list[PortalLink]:
        rows = self.session.scalars(select(PortalLinkRow).where(
            PortalLinkRow.clinic_id == clinic_id, PortalLinkRow.patient_id == patient_id)
            .order_by(PortalLinkRow.created_at.desc(), PortalLinkRow.id))
        return [row.to_domain() for row in rows]


class SqlPortalSignIns(SqlRepository, portal_abstract.PortalSignInRepository):
    """Signed-in portal browsers in the database, read with their account in one query."""

    def add(self, sign_in: PortalSignIn) -> None:
        self.session.add(PortalSignInRow.from_domain(sign_in))
        self.flush("portal sign-in")

    def find(self, token_hash: str) -> PortalSignInNow | None:
        row = self.session.execute(
            select(PortalSignInRow, PortalAccountRow.active, PortalAccountRow.password_changed_at)
            .join(PortalAccountRow, PortalAccountRow.id == PortalSignInRow.account_id)
            .where(PortalSignInRow.token_hash == token_hash)).one_or_none()
        if row is None:
            return None
        sign_in, active, changed = row
        return PortalSignInNow(sign_in=sign_in.to_domain(), account_active=bool(active), password_changed_at=changed)

    def touch(self, token_hash: str, at: datetime) -> None:
        self.session.execute(update(PortalSignInRow).where(PortalSignInRow.token_hash == token_hash)
                             .values(last_seen_at=at).execution_options(synchronize_session=False))

    def remove(self, token_hash: str) -> None:
        self.session.execute(delete(PortalSignInRow).where(PortalSignInRow.token_hash == token_hash)
                             .execution_options(synchronize_session=False))

    def remove_for_account(self, account_id: str, keep: str | None = None) -> int:
        statement = delete(PortalSignInRow).where(PortalSignInRow.account_id == account_id)
        if keep is not None:
            statement = statement.where(PortalSignInRow.token_hash != keep)
        result = self.session.execute(statement.execution_options(synchronize_session=False))
        return int(result.rowcount or 0)

    def purge(self, now: datetime) -> int:
        result = self.session.execute(delete(PortalSignInRow).where(PortalSignInRow.expires_at < now)
                                      .execution_options(synchronize_session=False))
        return int(result.rowcount or 0)
