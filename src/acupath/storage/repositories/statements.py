"""The statements every API request runs, built once as plain Core SQL and run by ``storage.prepared``.

Building an ORM-enabled ``select()`` and compiling its cache key took about 190 µs a query on the
benchmark machine; the same statement built once over the table's columns ran in about 30 µs through
``Session.execute``, and compiled once per database and run on the driver's cursor (``Prepared``) in
a few µs more than the driver itself takes. Only the statements on the hot paths (progress, recording
a session, the audit entry, the logout check) are here; the rest of the repositories build theirs as
they go.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Text, and_, bindparam, cast, func, insert, literal_column, select

from acupath.storage.prepared import Prepared
from acupath.storage.tables import (
    AuditRow,
    PlanRow,
    ReassessmentRow,
    RevokedTokenRow,
    ScreeningRow,
    SessionPointRow,
    SessionRow,
)

_plans = PlanRow.__table__.c
_sessions = SessionRow.__table__.c
_reassessments = ReassessmentRow.__table__.c
_revoked = RevokedTokenRow.__table__.c

#: A screening, every column (``clinic_id``, ``screening_id``); the names are ``ScreeningRecord``'s fields.
SCREENING = Prepared(select(ScreeningRow.__table__).where(
    ScreeningRow.__table__.c.id == bindparam("screening_id"),
    ScreeningRow.__table__.c.clinic_id == bindparam("clinic_id")))

#: A plan's head (``clinic_id``, ``plan_id``).
PLAN_HEAD = Prepared(select(_plans.patient_id, _plans.screening_id, _plans.status, _plans.version).where(
    _plans.id == bindparam("plan_id"), _plans.clinic_id == bindparam("clinic_id")))

#: Number, date and pain of a plan's sessions by number (``clinic_id``, ``plan_id``).
SESSION_SUMMARIES = Prepared(select(
    _sessions.number, _sessions.session_date, _sessions.pain_before, _sessions.pain_after
).where(_sessions.clinic_id == bindparam("clinic_id"), _sessions.plan_id == bindparam("plan_id")
        ).order_by(_sessions.number))

#: The highest session number of a plan, or NULL (``clinic_id``, ``plan_id``).
LAST_SESSION_NUMBER = Prepared(select(func.max(_sessions.number)).where(
    _sessions.clinic_id == bindparam("clinic_id"), _sessions.plan_id == bindparam("plan_id")))

#: The patient of a plan, as a value inside another statement (``clinic_id``, ``plan_id``).
_PATIENT_OF_PLAN = select(_plans.patient_id).where(
    _plans.id == bindparam("plan_id"), _plans.clinic_id == bindparam("clinic_id")).scalar_subquery()


def _reassessment_summaries(patient: Any) -> Prepared:
    return Prepared(select(
        _reassessments.plan_id, _reassessments.assessed_on, _reassessments.session_number,
        cast(_reassessments.scores, Text)
    ).where(_reassessments.clinic_id == bindparam("clinic_id"), _reassessments.patient_id == patient
            ).order_by(_reassessments.assessed_on, _reassessments.recorded_at))


#: A patient's reassessments by date, with their stored scores as JSON text (``clinic_id``, ``patient_id``):
#: ``documents.stored_totals`` reads the totals of each distinct text once.
REASSESSMENT_SUMMARIES = _reassessment_summaries(bindparam("patient_id"))

#: The same, of the patient of a plan (``clinic_id``, ``plan_id``): read together with the plan's head.
REASSESSMENT_SUMMARIES_OF_PLAN = _reassessment_summaries(_PATIENT_OF_PLAN)

_screenings = ScreeningRow.__table__.c
_screenings_of = ScreeningRow.__table__.alias("latest").c
#: What recording a session reads of a plan, in one row (``clinic_id``, ``plan_id``): the head's four
#: columns, every column of its screening (``screening_<name>``; NULL if it is missing), the id of the
#: patient's latest screening and the number of its last session (NULL before the first).
PLAN_AT_SESSION = Prepared(
    select(_plans.patient_id, _plans.screening_id, _plans.status, _plans.version,
           *[column.label(f"screening_{column.key}") for column in _screenings],
           # By the plan alone (its sessions are its clinic's; the plan row is matched by clinic): the
           # unique (plan_id, number) index then answers from its last entry whatever the statistics
           # say, where with the clinic too a planner with stale statistics read every session of it.
           # The patient's latest screening (a new intake screened after the plan is the one in force),
           # in the order ``ScreeningRepository.list_for_patient`` gives.
           select(_screenings_of.id).where(_screenings_of.clinic_id == _plans.clinic_id,
                                           _screenings_of.patient_id == _plans.patient_id)
           .order_by(_screenings_of.screened_at.desc(), _screenings_of.id.desc()).limit(literal_column("1"))
           .offset(literal_column("0"))
           .scalar_subquery().label("latest_screening_id"),
           select(func.max(_sessions.number)).where(_sessions.plan_id == _plans.id)
           .scalar_subquery().label("last_number"))
    .select_from(PlanRow.__table__.outerjoin(ScreeningRow.__table__, and_(
        _screenings.id == _plans.screening_id, _screenings.clinic_id == _plans.clinic_id)))
    .where(_plans.id == bindparam("plan_id"), _plans.clinic_id == bindparam("clinic_id")))

#: Whether a token id was revoked (``token_id``).
TOKEN_REVOKED = Prepared(select(_revoked.token_id).where(_revoked.token_id == bindparam("token_id")))

#: One audit row (every column but the id, as ``AuditRow.values_of`` gives them); gives back its id.
AUDIT_INSERT = Prepared(insert(AuditRow.__table__).returning(AuditRow.__table__.c.id))

#: One session record (the columns ``SessionRow.values_of`` gives).
SESSION_INSERT = Prepared(insert(SessionRow.__table__))

#: The needled points of a session (the columns ``SessionPointRow.values_of`` gives, and ``session_id``).
SESSION_POINTS_INSERT = Prepared(insert(SessionPointRow.__table__))
