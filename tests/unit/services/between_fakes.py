"""In-memory repositories of the time between visits, for ``service_fakes.FakeUnitOfWork``."""

from __future__ import annotations

import copy
from datetime import date

from fake_store import _Repo

from acupath.errors import Conflict
from acupath.services.between_visits import repositories as abstract
from acupath.services.records.between_visits import (
    ClinicCrisisContacts,
    HomeworkTask,
    HomeworkTick,
    QuestionnaireAssignment,
    UrgentTask,
)


class FakeAssignments(_Repo, abstract.AssignmentRepository):
    table = "assignments"

    def add(self, assignment: QuestionnaireAssignment) -> None:
        self._put(assignment)

    def get(self, clinic_id: str, assignment_id: str) -> QuestionnaireAssignment | None:
        return self._get(clinic_id, assignment_id)  # type: ignore[no-any-return]

    def update(self, assignment: QuestionnaireAssignment, expected_version: int) -> None:
        self._compare_and_set(assignment, expected_version)

    def list_for_patient(self, clinic_id: str, patient_id: str) -> list[QuestionnaireAssignment]:
        return sorted(self._of_patient(clinic_id, patient_id), key=lambda a: (a.due_on, a.instrument, a.id))

    def list_for_plan(self, clinic_id: str, plan_id: str) -> list[QuestionnaireAssignment]:
        return sorted((copy.deepcopy(a) for a in self.rows.values() if (a.clinic_id, a.plan_id) == (clinic_id, plan_id)),
                      key=lambda a: (a.due_on, a.instrument, a.id))


class FakeCrisisContacts(_Repo, abstract.CrisisContactRepository):
    table = "crisis_contacts"

    def get(self, clinic_id: str) -> ClinicCrisisContacts | None:
        stored = self.rows.get(clinic_id)
        return copy.deepcopy(stored) if stored is not None and stored.contacts else None

    def replace(self, contacts: ClinicCrisisContacts) -> None:
        self.rows[contacts.clinic_id] = copy.deepcopy(contacts)


class FakeUrgentTasks(_Repo, abstract.UrgentTaskRepository):
    table = "urgent_tasks"

    def add(self, task: UrgentTask) -> None:
        self._put(task)

    def get(self, clinic_id: str, task_id: str) -> UrgentTask | None:
        return self._get(clinic_id, task_id)  # type: ignore[no-any-return]

    def open_for_clinic(self, clinic_id: str, limit: int) -> list[UrgentTask]:
        found = [t for t in self.rows.values() if t.clinic_id == clinic_id and t.resolved_at is None]
        return copy.deepcopy(sorted(found, key=lambda t: (t.created_at, t.id))[:limit])

    def list_for_patient(self, clinic_id: str, patient_id: str) -> list[UrgentTask]:
        return sorted(self._of_patient(clinic_id, patient_id), key=lambda t: (t.created_at, t.id))

    def resolve(self, task: UrgentTask) -> bool:
        stored = self.rows.get(task.id)
        if stored is None or stored.clinic_id != task.clinic_id or stored.resolved_at is not None:
            return False
        stored.resolved_at, stored.resolved_by, stored.resolution_note = (
            task.resolved_at, task.resolved_by, task.resolution_note)
        return True

    def raise_answer(self, task: UrgentTask, answer: int) -> None:
        stored = self.rows.get(task.id)
        if stored is not None and stored.clinic_id == task.clinic_id and stored.resolved_at is None \
                and stored.answer < answer:
            stored.answer = answer


class FakeHomework(_Repo, abstract.HomeworkRepository):
    table = "homework_tasks"

    @property
    def tick_rows(self) -> dict[tuple[str, date], HomeworkTick]:
        return self.uow.working.table("homework_ticks")

    def add_tasks(self, tasks: list[HomeworkTask]) -> None:
        for task in tasks:
            if any((t.plan_id, t.component) == (task.plan_id, task.component) for t in self.rows.values()):
                raise Conflict("homework task conflicts with a stored record")
            self._put(task)

    def get_task(self, clinic_id: str, task_id: str) -> HomeworkTask | None:
        return self._get(clinic_id, task_id)  # type: ignore[no-any-return]

    def tasks_for_plan(self, clinic_id: str, plan_id: str) -> list[HomeworkTask]:
        return sorted((copy.deepcopy(t) for t in self.rows.values() if (t.clinic_id, t.plan_id) == (clinic_id, plan_id)),
                      key=lambda t: (t.starts_on, t.component))

    def tasks_for_patient(self, clinic_id: str, patient_id: str) -> list[HomeworkTask]:
        return sorted(self._of_patient(clinic_id, patient_id), key=lambda t: (t.starts_on, t.component))

    def ticks(self, clinic_id: str, task_ids: list[str]) -> list[HomeworkTick]:
        return sorted((t for t in self.tick_rows.values() if t.clinic_id == clinic_id and t.task_id in task_ids),
                      key=lambda t: (t.task_id, t.done_on))

    def tick(self, tick: HomeworkTick) -> bool:
        key = (tick.task_id, tick.done_on)
        if key in self.tick_rows:
            return False
        self.tick_rows[key] = tick
        return True

    def untick(self, clinic_id: str, task_id: str, done_on: date) -> bool:
        stored = self.tick_rows.get((task_id, done_on))
        if stored is None or stored.clinic_id != clinic_id:
            return False
        del self.tick_rows[(task_id, done_on)]
        return True
