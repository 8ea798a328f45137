"""SQLAlchemy implementations of the repositories that ``acupath.services.repositories`` declares."""

from acupath.storage.repositories.audit import SqlAuditLog
from acupath.storage.repositories.clinical import (
    SqlIntakeRepository,
    SqlPlanRepository,
    SqlReassessmentRepository,
    SqlScreeningRepository,
)
from acupath.storage.repositories.people import SqlClinicRepository, SqlPatientRepository, SqlUserRepository
from acupath.storage.repositories.sessions import (
    SqlAdverseEventRepository,
    SqlAmendmentRepository,
    SqlSessionRepository,
)
from acupath.storage.repositories.tokens import SqlTokenRevocations

__all__ = [
    "SqlAdverseEventRepository",
    "SqlAmendmentRepository",
    "SqlAuditLog",
    "SqlClinicRepository",
    "SqlIntakeRepository",
    "SqlPatientRepository",
    "SqlPlanRepository",
    "SqlReassessmentRepository",
    "SqlScreeningRepository",
    "SqlSessionRepository",
    "SqlTokenRevocations",
    "SqlUserRepository",
]
