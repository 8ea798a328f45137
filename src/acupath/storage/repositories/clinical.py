"""Repositories of intakes, screenings, plans (with revisions and overrides) and reassessments."""

from __future__ import annotations

from sqlalchemy import Text, and_, bindparam, cast, delete, func, insert, select, update
from sqlalchemy.orm import Session

from acupath.errors import Conflict
from acupath.services import repositories as abstract
from acupath.services.records import IntakeRecord, PlanRecord, PlanRevision, Reassessment, ScreeningRecord
from acupath.services.records.summaries import PlanAtSession, PlanHead, ReassessmentSummary
from acupath.storage.repositories.base import SqlRepository, columns_of
from acupath.storage.repositories.course_facets import write_course
from acupath.storage.repositories.documents import stored_totals
from acupath.storage.tables import (
    IntakeRow,
    PlanOverrideRow,
    PlanRevisionRow,
    PlanRow,
    ReassessmentRow,
    ReassessmentTotalRow,
    ScreeningRow,
    SessionRow,
)
from acupath.storage.tables.reassessment_totals import total_rows

_plans = PlanRow.__table__.c
_reassessments = ReassessmentRow.__table__.c

# The statements progress and every recorded session run, built once over the tables' columns with
# bound parameters: building an ORM-enabled select() on every call (operators, coercions, the ORM's
# compile state) cost more than running it. SQLAlchemy still compiles each once and caches it.
#: A plan's head (``clinic_id``, ``plan_id``).
PLAN_HEAD = select(_plans.patient_id, _plans.screening_id, _plans.status, _plans.version).where(
    _plans.id == bindparam("plan_id"), _plans.clinic_id == bindparam("clinic_id"))
#: A patient's reassessments by date with their stored scores as JSON text (``clinic_id``, ``patient_id``).
REASSESSMENT_SUMMARIES = select(
    _reassessments.plan_id, _reassessments.assessed_on, _reassessments.session_number,
    cast(_reassessments.scores, Text),
).where(_reassessments.clinic_id == bindparam("clinic_id"), _reassessments.patient_id == bindparam("patient_id")
        ).order_by(_reassessments.assessed_on, _reassessments.recorded_at)


_screenings = ScreeningRow.__table__.c
_latest = ScreeningRow.__table__.alias("latest").c
_sessions = SessionRow.__table__.c
#: What recording a session reads of a plan, in one row (``clinic_id``, ``plan_id``): the head's four
#: columns, every column of its screening (NULLs if it is missing), the id of the patient's latest
#: screening (the order ``list_for_patient`` gives) and the number of its last session (NULL before
#: the first; by the plan alone, so the unique (plan_id, number) index answers from its last entry).
PLAN_AT_SESSION = (
    select(_plans.patient_id, _plans.screening_id, _plans.status, _plans.version, *_screenings,
           select(_latest.id).where(_latest.clinic_id == _plans.clinic_id, _latest.patient_id == _plans.patient_id)
           .order_by(_latest.screened_at.desc(), _latest.id.desc()).limit(1)
           .scalar_subquery(),
           select(func.max(_sessions.number)).where(_sessions.plan_id == _plans.id).scalar_subquery())
    .select_from(PlanRow.__table__.outerjoin(ScreeningRow.__table__, and_(
        _screenings.id == _plans.screening_id, _screenings.clinic_id == _plans.clinic_id)))
    .where(_plans.id == bindparam("plan_id"), _plans.clinic_id == bindparam("clinic_id")))
#: The clinic's plan row, locked until the commit (``clinic_id``, ``plan_id``; FOR UPDATE on PostgreSQL).
LOCK_PLAN = select(_plans.id).where(_plans.id == bindparam("plan_id"),
                                    _plans.clinic_id == bindparam("clinic_id")).with_for_update()


def plan_at_session(session: Session, clinic_id: str, plan_id: str) -> PlanAtSession | None:
    """Return the clinic's plan with its screening and next session number, or None; the plan stays locked.

    Two statements instead of the five of ``AbstractUnitOfWork.plan_at_session`` (recording a session
    reads them all): the lock first (see ``SqlSessionRepository.next_number``), then one row.
    """
    where = {"clinic_id": clinic_id, "plan_id": plan_id}
    if session.scalar(LOCK_PLAN, where) is None:
        return None
    row = session.execute(PLAN_AT_SESSION, where).one()
    patient_id, screening_id, status, version = row[:4]
    screening = dict(zip((c.key for c in _screenings), row[4:-2], strict=True))
    return PlanAtSession(
        head=PlanHead(id=plan_id, patient_id=patient_id, screening_id=screening_id, status=status, version=version),
        screening=ScreeningRecord(**screening) if screening["id"] is not None else None,
        next_number=(row[-1] or 0) + 1, latest_screening_id=row[-2])


class SqlIntakeRepository(SqlRepository, abstract.IntakeRepository):
    """Intakes in the database."""

    def add(self, intake: IntakeRecord) -> None:
        self.session.add(IntakeRow.from_domain(intake))
        self.flush(f"intake {intake.id}")

    def get(self, clinic_id: str, intake_id: str) -> IntakeRecord | None:
        return self.one(IntakeRow, clinic_id, intake_id)

    def list_for_patient(self, clinic_id: str, patient_id: str) -> list[IntakeRecord]:
        return self.of_patient(IntakeRow, clinic_id, patient_id, IntakeRow.recorded_at, IntakeRow.id)

    def page_for_patient(self, clinic_id: str, patient_id: str, offset: int, limit: int) -> tuple[list[IntakeRecord], int]:
        return self.of_patient_page(IntakeRow, clinic_id, patient_id, IntakeRow.recorded_at, IntakeRow.id,
                                    offset=offset, limit=limit)


class SqlScreeningRepository(SqlRepository, abstract.ScreeningRepository):
    """Screenings in the database."""

    def add(self, screening: ScreeningRecord) -> None:
        self.session.add(ScreeningRow.from_domain(screening))
        self.flush(f"screening {screening.id}")

    def get(self, clinic_id: str, screening_id: str) -> ScreeningRecord | None:
        return self.one(ScreeningRow, clinic_id, screening_id)

    def list_for_patient(self, clinic_id: str, patient_id: str) -> list[ScreeningRecord]:
        return self.of_patient(ScreeningRow, clinic_id, patient_id, ScreeningRow.screened_at, ScreeningRow.id)


class SqlPlanRepository(SqlRepository, abstract.PlanRepository):
    """Plans in the database; every version is also kept in ``plan_revisions``."""

    def add(self, plan: PlanRecord) -> None:
        self.session.add(PlanRow.from_domain(plan))
        # The plan row must exist before its revision refers to it (no ORM relationship orders them).
        self.flush(f"plan {plan.id}")
        self.session.add(PlanRevisionRow.of_plan(plan, plan.version, "created"))
        self.flush(f"plan {plan.id} version {plan.version}")
        write_course(self.session, plan, replace=False)  # the outcome cohort's facets (migration 0015)

    def get(self, clinic_id: str, plan_id: str) -> PlanRecord | None:
        return self.one(PlanRow, clinic_id, plan_id)

    def head(self, clinic_id: str, plan_id: str) -> PlanHead | None:
        # Four short columns: neither the plan document (JSON) nor the overrides (a second query).
        row = self.session.execute(PLAN_HEAD, {"clinic_id": clinic_id, "plan_id": plan_id}).one_or_none()
        if row is None:
            return None
        patient_id, screening_id, status, version = row
        return PlanHead(id=plan_id, patient_id=patient_id, screening_id=screening_id, status=status, version=version)

    def list_for_patient(self, clinic_id: str, patient_id: str) -> list[PlanRecord]:
        return self.of_patient(PlanRow, clinic_id, patient_id, PlanRow.created_at, PlanRow.id)

    def page_for_patient(self, clinic_id: str, patient_id: str, offset: int, limit: int) -> tuple[list[PlanRecord], int]:
        return self.of_patient_page(PlanRow, clinic_id, patient_id, PlanRow.created_at, PlanRow.id,
                                    offset=offset, limit=limit)

    def update(self, plan: PlanRecord, expected_version: int, note: str = "") -> None:
        version = expected_version + 1
        # Compare-and-set: a stale amendment matches no row and changes nothing.
        result = self.session.execute(
            update(PlanRow)
            .where(and_(PlanRow.id == plan.id, PlanRow.clinic_id == plan.clinic_id,
                        PlanRow.version == expected_version))
            .values(version=version, **{name: getattr(plan, name) for name in PlanRow.AMENDABLE})
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:
            raise Conflict(f"plan {plan.id} was amended by someone else since version {expected_version}: "
                           "reload it and amend again")
        self.session.expire_all()
        self.session.add(PlanRevisionRow.of_plan(plan, version, note))
        for override in plan.overrides:
            if override.plan_version == version:
                self.session.add(PlanOverrideRow.from_domain(override, plan))
        self.flush(f"plan {plan.id} version {version}")
        write_course(self.session, plan, replace=True)

    def revisions(self, clinic_id: str, plan_id: str) -> list[PlanRevision]:
        rows = self.session.scalars(
            select(PlanRevisionRow)
            .where(PlanRevisionRow.clinic_id == clinic_id, PlanRevisionRow.plan_id == plan_id)
            .order_by(PlanRevisionRow.version)
        )
        return [row.to_domain() for row in rows]

    def revisions_page(self, clinic_id: str, plan_id: str, offset: int, limit: int) -> tuple[list[PlanRevision], int]:
        query = select(PlanRevisionRow).where(PlanRevisionRow.clinic_id == clinic_id,
                                              PlanRevisionRow.plan_id == plan_id)
        return self.paged(query, PlanRevisionRow.version, offset=offset, limit=limit)


class SqlReassessmentRepository(SqlRepository, abstract.ReassessmentRepository):
    """Reassessments in the database."""

    def add(self, reassessment: Reassessment) -> None:
        self.session.add(ReassessmentRow.from_domain(reassessment))
        self.flush(f"reassessment {reassessment.id}")
        _write_totals(self.session, reassessment, replace=False)  # the outcome cohort's totals (migration 0016)

    def get(self, clinic_id: str, reassessment_id: str) -> Reassessment | None:
        return self.one(ReassessmentRow, clinic_id, reassessment_id)

    def update(self, reassessment: Reassessment, expected_version: int) -> None:
        self.compare_and_set(ReassessmentRow, columns_of(ReassessmentRow.from_domain(reassessment)),
                             expected_version, f"reassessment {reassessment.id}")
        _write_totals(self.session, reassessment, replace=True)

    def list_for_patient(self, clinic_id: str, patient_id: str) -> list[Reassessment]:
        return self.of_patient(ReassessmentRow, clinic_id, patient_id, ReassessmentRow.assessed_on, ReassessmentRow.recorded_at)

    def page_for_patient(self, clinic_id: str, patient_id: str, offset: int, limit: int) -> tuple[list[Reassessment], int]:
        return self.of_patient_page(ReassessmentRow, clinic_id, patient_id, ReassessmentRow.assessed_on,
                                    ReassessmentRow.recorded_at, ReassessmentRow.id, offset=offset, limit=limit)

    def summaries_for_patient(self, clinic_id: str, patient_id: str) -> list[ReassessmentSummary]:
        # The stored scores as JSON text, not the answers: progress does not score them again, and
        # ``stored_totals`` reads the totals and flags of each distinct text once.
        rows = self.session.execute(REASSESSMENT_SUMMARIES, {"clinic_id": clinic_id, "patient_id": patient_id})
        summaries = []
        for plan_id, assessed_on, number, text in rows:
            totals, flags = stored_totals(text)
            summaries.append(ReassessmentSummary(plan_id=plan_id, assessed_on=assessed_on, session_number=number,
                                                 totals=totals, flags=flags))
        return summaries


def _write_totals(session: Session, reassessment: Reassessment, *, replace: bool) -> None:
    """Write the ``reassessment_totals`` rows of ``reassessment`` (after deleting its old ones if ``replace``)."""
    table = ReassessmentTotalRow.__table__
    if replace:
        session.execute(delete(table).where(table.c.reassessment_id == reassessment.id))
    rows = total_rows(reassessment)
    if rows:
        session.execute(insert(table), rows)
