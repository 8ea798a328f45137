"""Writing a plan's course rows (``tables.course_facets``) in the plan's own transaction."""

from __future__ import annotations

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from acupath.services.records import PlanRecord
from acupath.storage.tables.clinical import IntakeRow
from acupath.storage.tables.course_facets import (
    CourseBaselineRow,
    CourseComponentRow,
    CourseFacetRow,
    course_rows,
    start_back_band,
)

COURSE_TABLES = (CourseComponentRow.__table__, CourseBaselineRow.__table__, CourseFacetRow.__table__)


def write_course(session: Session, plan: PlanRecord, *, replace: bool) -> None:
    """Write the facets, components and baselines of ``plan`` (after deleting its old ones if ``replace``).

    Reads the STarT Back band of the plan's intake. Raises what the session raises.
    """
    if replace:
        for table in COURSE_TABLES:
            session.execute(delete(table).where(table.c.plan_id == plan.id))
    scores = session.scalar(select(IntakeRow.scores).where(IntakeRow.id == plan.intake_id))
    facets, components, baselines = course_rows(plan, start_back_band(scores))
    if facets is None:
        return
    session.execute(insert(CourseFacetRow.__table__), [facets])
    if components:
        session.execute(insert(CourseComponentRow.__table__), components)
    if baselines:
        session.execute(insert(CourseBaselineRow.__table__), baselines)
