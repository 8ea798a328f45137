"""Between visits in the database: assignments, crisis contacts, urgent tasks, homework and its ticks."""

from __future__ import annotations

from datetime import date

from sqlalchemy import delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from acupath.services.between_visits import repositories as abstract
from acupath.services.records.between_visits import (
    ClinicCrisisContacts,
    HomeworkTask,
    HomeworkTick,
    QuestionnaireAssignment,
    UrgentTask,
)
from acupath.storage.repositories.base import SqlRepository, columns_of
from acupath.storage.tables.between_visits import (
    AssignmentRow,
    CrisisContactRow,
    HomeworkTaskRow,
    HomeworkTickRow,
    UrgentTaskRow,
)


class SqlAssignments(SqlRepository, abstract.AssignmentRepository):
    """Questionnaire assignments in the database."""

    def add(self, assignment: QuestionnaireAssignment) -> None:
        self.insert(f"questionnaire assignment {assignment.id}", AssignmentRow.__table__,
                    columns_of(AssignmentRow.from_domain(assignment)))

    def get(self, clinic_id: str, assignment_id: str) -> QuestionnaireAssignment | None:
        return self.one(AssignmentRow, clinic_id, assignment_id)

    def update(self, assignment: QuestionnaireAssignment, expected_version: int) -> None:
        self.compare_and_set(AssignmentRow, columns_of(AssignmentRow.from_domain(assignment)), expected_version,
                             f"questionnaire assignment {assignment.id}")

    def list_for_patient(self, clinic_id: str, patient_id: str) -> list[QuestionnaireAssignment]:
        return self.of_patient(AssignmentRow, clinic_id, patient_id, AssignmentRow.due_on, AssignmentRow.instrument,
                               AssignmentRow.id)

    def list_for_plan(self, clinic_id: str, plan_id: str) -> list[QuestionnaireAssignment]:
        rows = self.session.scalars(
            select(AssignmentRow).where(AssignmentRow.clinic_id == clinic_id, AssignmentRow.plan_id == plan_id)
            .order_by(AssignmentRow.due_on, AssignmentRow.instrument, AssignmentRow.id))
        return [row.to_domain() for row in rows]


class SqlCrisisContacts(SqlRepository, abstract.CrisisContactRepository):
    """Clinics' crisis contacts in the database (one row per line)."""

    def get(self, clinic_id: str) -> ClinicCrisisContacts | None:
        rows = list(self.session.scalars(
            select(CrisisContactRow).where(CrisisContactRow.clinic_id == clinic_id).order_by(CrisisContactRow.position)))
        if not rows:
            return None
        return ClinicCrisisContacts(clinic_id=clinic_id, contacts=[row.to_domain() for row in rows],
                                    updated_at=rows[0].updated_at, updated_by=rows[0].updated_by)

    def replace(self, contacts: ClinicCrisisContacts) -> None:
        self.session.execute(delete(CrisisContactRow).where(CrisisContactRow.clinic_id == contacts.clinic_id))
        self.insert("crisis contacts", CrisisContactRow.__table__, [
            {"clinic_id": contacts.clinic_id, "position": n, "name": c.name, "phone": c.phone, "text_number": c.text,
             "hours": c.hours, "updated_at": contacts.updated_at, "updated_by": contacts.updated_by}
            for n, c in enumerate(contacts.contacts)])


class SqlUrgentTasks(SqlRepository, abstract.UrgentTaskRepository):
    """Urgent tasks in the database."""

    def add(self, task: UrgentTask) -> None:
        self.insert(f"urgent task {task.id}", UrgentTaskRow.__table__, columns_of(UrgentTaskRow.from_domain(task)))

    def get(self, clinic_id: str, task_id: str) -> UrgentTask | None:
        return self.one(UrgentTaskRow, clinic_id, task_id)

    def open_for_clinic(self, clinic_id: str, limit: int) -> list[UrgentTask]:
        # ix_urgent_tasks_clinic_open: (clinic_id, resolved_at IS NULL) is one index range, by created_at.
        rows = self.session.scalars(
            select(UrgentTaskRow).where(UrgentTaskRow.clinic_id == clinic_id, UrgentTaskRow.resolved_at.is_(None))
            .order_by(UrgentTaskRow.created_at, UrgentTaskRow.id).limit(limit))
        return [row.to_domain() for row in rows]

    def list_for_patient(self, clinic_id: str, patient_id: str) -> list[UrgentTask]:
        return self.of_patient(UrgentTaskRow, clinic_id, patient_id, UrgentTaskRow.created_at, UrgentTaskRow.id)

    def resolve(self, task: UrgentTask) -> bool:
        result = self.session.execute(
            update(UrgentTaskRow)
            .where(UrgentTaskRow.id == task.id, UrgentTaskRow.clinic_id == task.clinic_id,
                   UrgentTaskRow.resolved_at.is_(None))
            .values(resolved_at=task.resolved_at, resolved_by=task.resolved_by, resolution_note=task.resolution_note)
            .execution_options(synchronize_session=False))
        return bool(result.rowcount)  # type: ignore[attr-defined]

    def raise_answer(self, task: UrgentTask, answer: int) -> None:
        self.session.execute(
            update(UrgentTaskRow)
            .where(UrgentTaskRow.id == task.id, UrgentTaskRow.clinic_id == task.clinic_id,
                   UrgentTaskRow.resolved_at.is_(None), UrgentTaskRow.answer < answer)
            .values(answer=answer)
            .execution_options(synchronize_session=False))


class SqlHomework(SqlRepository, abstract.HomeworkRepository):
    """Homework tasks and ticks in the database."""

    def add_tasks(self, tasks: list[HomeworkTask]) -> None:
        self.insert("homework task", HomeworkTaskRow.__table__, [HomeworkTaskRow.values_of(t) for t in tasks])

    def get_task(self, clinic_id: str, task_id: str) -> HomeworkTask | None:
        return self.one(HomeworkTaskRow, clinic_id, task_id)

    def tasks_for_plan(self, clinic_id: str, plan_id: str) -> list[HomeworkTask]:
        rows = self.session.scalars(
            select(HomeworkTaskRow).where(HomeworkTaskRow.clinic_id == clinic_id, HomeworkTaskRow.plan_id == plan_id)
            .order_by(HomeworkTaskRow.starts_on, HomeworkTaskRow.component))
        return [row.to_domain() for row in rows]

    def tasks_for_patient(self, clinic_id: str, patient_id: str) -> list[HomeworkTask]:
        return self.of_patient(HomeworkTaskRow, clinic_id, patient_id, HomeworkTaskRow.starts_on,
                               HomeworkTaskRow.component)

    def ticks(self, clinic_id: str, task_ids: list[str]) -> list[HomeworkTick]:
        if not task_ids:
            return []
        rows = self.session.scalars(
            select(HomeworkTickRow).where(HomeworkTickRow.clinic_id == clinic_id, HomeworkTickRow.task_id.in_(task_ids))
            .order_by(HomeworkTickRow.task_id, HomeworkTickRow.done_on))
        return [row.to_domain() for row in rows]

    def tick(self, tick: HomeworkTick) -> bool:
        # INSERT ... ON CONFLICT DO NOTHING (both databases): a day ticked twice, even by two requests
        # at once, stays one tick and is not an error.
        dialect = self.session.get_bind().dialect.name
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        result = self.session.execute(
            insert(HomeworkTickRow.__table__)
            .values(task_id=tick.task_id, done_on=tick.done_on, clinic_id=tick.clinic_id, ticked_at=tick.ticked_at)
            .on_conflict_do_nothing(index_elements=["task_id", "done_on"])
            .returning(HomeworkTickRow.__table__.c.task_id))
        return result.first() is not None  # RETURNING gives no row when the day was ticked already

    def untick(self, clinic_id: str, task_id: str, done_on: date) -> bool:
        result = self.session.execute(
            delete(HomeworkTickRow).where(HomeworkTickRow.clinic_id == clinic_id, HomeworkTickRow.task_id == task_id,
                                          HomeworkTickRow.done_on == done_on))
        return bool(result.rowcount)  # type: ignore[attr-defined]
