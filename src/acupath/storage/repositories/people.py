"""Repositories of clinics, users and patients."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, select, update
from sqlalchemy.exc import IntegrityError

from acupath.errors import Conflict, NotFound
from acupath.services import repositories as abstract
from acupath.services.records import Clinic, Patient, User
from acupath.services.records.listings import NameSearch, Total
from acupath.storage.repositories import listings
from acupath.storage.repositories.base import SqlRepository, refused
from acupath.storage.tables import ClinicRow, PatientRow, UserRow
from acupath.storage.tables.patients import DEMOGRAPHICS


class SqlClinicRepository(SqlRepository, abstract.ClinicRepository):
    """Clinics in the database."""

    def add(self, clinic: Clinic) -> None:
        self.session.add(ClinicRow.from_domain(clinic))
        self.flush(f"clinic {clinic.id}")

    def get(self, clinic_id: str) -> Clinic | None:
        row = self.session.get(ClinicRow, clinic_id)
        return row.to_domain() if row else None

    def update(self, clinic: Clinic) -> None:
        row = self.session.get(ClinicRow, clinic.id)
        if row is None:
            raise NotFound(f"no clinic {clinic.id!r}")
        row.name, row.locale = clinic.name, clinic.locale
        self.flush(f"clinic {clinic.id}")


class SqlUserRepository(SqlRepository, abstract.UserRepository):
    """Users in the database."""

    def add(self, user: User) -> None:
        self.session.add(UserRow.from_domain(user))
        self.flush(f"user {user.email}")

    def get(self, user_id: str) -> User | None:
        row = self.session.get(UserRow, user_id)
        return row.to_domain() if row else None

    def get_by_email(self, email: str) -> User | None:
        row = self.session.scalars(select(UserRow).where(UserRow.email == email)).one_or_none()
        return row.to_domain() if row else None

    def update(self, user: User) -> None:
        row = self.session.get(UserRow, user.id)
        if row is None:
            raise Conflict(f"user {user.id} no longer exists")
        row.update_from(user)
        self.flush(f"user {user.email}")

    def record_sign_in(self, user_id: str, at: datetime) -> None:
        # One column by one UPDATE: the row as read before the password check is never written back.
        self.session.execute(update(UserRow).where(UserRow.id == user_id).values(last_sign_in_at=at))

    def list(self, clinic_id: str) -> list[User]:
        rows = self.session.scalars(select(UserRow).where(UserRow.clinic_id == clinic_id).order_by(UserRow.email))
        return [row.to_domain() for row in rows]

    def page(self, clinic_id: str, offset: int, limit: int) -> tuple[list[User], int]:
        query = select(UserRow).where(UserRow.clinic_id == clinic_id)
        return self.paged(query, UserRow.email, offset=offset, limit=limit)


class SqlPatientRepository(SqlRepository, abstract.PatientRepository):
    """Patients in the database."""

    def add(self, patient: Patient) -> None:
        self.session.add(PatientRow.from_domain(patient))
        self.flush(f"patient (MRN {patient.mrn})" if patient.mrn else f"patient {patient.id}")

    def get(self, clinic_id: str, patient_id: str) -> Patient | None:
        return self.one(PatientRow, clinic_id, patient_id)

    def search(self, clinic_id: str, search: NameSearch | None, after: Patient | None, limit: int) -> list[Patient]:
        return listings.patient_page(self.session, clinic_id, search, after, limit)

    def count(self, clinic_id: str, search: NameSearch | None, cap: int) -> Total:
        return listings.patient_total(self.session, clinic_id, search, cap)

    def update(self, patient: Patient, expected_version: int) -> None:
        # Compare-and-set in one statement: if another writer got there first, no row matches and
        # nothing is overwritten (PostgreSQL re-checks the WHERE after waiting for that writer's lock).
        statement = (
            update(PatientRow)
            .where(and_(PatientRow.id == patient.id, PatientRow.clinic_id == patient.clinic_id,
                        PatientRow.version == expected_version))
            .values(version=expected_version + 1, updated_at=patient.updated_at,
                    **{name: getattr(patient, name) for name in DEMOGRAPHICS})
            .execution_options(synchronize_session=False)
        )
        try:
            result = self.session.execute(statement)
        except IntegrityError as error:
            raise refused(error, f"patient (MRN {patient.mrn})") from None
        if result.rowcount != 1:
            raise Conflict(f"patient {patient.id} was changed by someone else since version {expected_version}: "
                           "reload it and try again")
        self.session.expire_all()
