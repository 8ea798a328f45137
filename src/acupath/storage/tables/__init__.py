"""The acupath tables (SQLAlchemy 2 declarative), split by topic; ``metadata`` holds them all."""

from acupath.storage.tables.amendments import AmendmentRow
from acupath.storage.tables.audit import AuditChainHeadRow, AuditRow
from acupath.storage.tables.base import Base
from acupath.storage.tables.between_visits import (
    AssignmentRow,
    CrisisContactRow,
    HomeworkTaskRow,
    HomeworkTickRow,
    UrgentTaskRow,
)
from acupath.storage.tables.clinical import (
    IntakeRow,
    PlanOverrideRow,
    PlanRevisionRow,
    PlanRow,
    ReassessmentRow,
    ScreeningRow,
)
from acupath.storage.tables.clinics_users import ClinicRow, UserRow
from acupath.storage.tables.course_facets import CourseBaselineRow, CourseComponentRow, CourseFacetRow
from acupath.storage.tables.course_outcomes import CourseChangeRow, CourseOutcomeRow
from acupath.storage.tables.fhir_exports import ExportJobRow
from acupath.storage.tables.login_failures import LoginFailureRow
from acupath.storage.tables.patients import PatientRow
from acupath.storage.tables.portal import PortalAccountRow, PortalLinkRow, PortalSignInRow
from acupath.storage.tables.reassessment_totals import ReassessmentTotalRow
from acupath.storage.tables.sessions import AdverseEventRow, SessionPointRow, SessionRow
from acupath.storage.tables.tokens import RevokedTokenRow

metadata = Base.metadata

__all__ = [
    "AdverseEventRow",
    "AmendmentRow",
    "AssignmentRow",
    "AuditChainHeadRow",
    "AuditRow",
    "Base",
    "ClinicRow",
    "CourseBaselineRow",
    "CourseChangeRow",
    "CourseComponentRow",
    "CourseFacetRow",
    "CourseOutcomeRow",
    "CrisisContactRow",
    "ExportJobRow",
    "HomeworkTaskRow",
    "HomeworkTickRow",
    "IntakeRow",
    "LoginFailureRow",
    "PatientRow",
    "PlanOverrideRow",
    "PlanRevisionRow",
    "PlanRow",
    "PortalAccountRow",
    "PortalLinkRow",
    "PortalSignInRow",
    "ReassessmentRow",
    "ReassessmentTotalRow",
    "RevokedTokenRow",
    "ScreeningRow",
    "SessionPointRow",
    "SessionRow",
    "UrgentTaskRow",
    "UserRow",
    "metadata",
]
