"""The repositories of the time between visits: abstract, so services never see a database.

As every repository, each lookup of patient data takes the clinic id: another clinic's record is None.
"""

from __future__ import annotations

import abc
from datetime import date

from acupath.services.records.between_visits import (
    ClinicCrisisContacts,
    HomeworkTask,
    HomeworkTick,
    QuestionnaireAssignment,
    UrgentTask,
)


class AssignmentRepository(abc.ABC):
    """Questionnaires assigned to patients."""

    @abc.abstractmethod
    def add(self, assignment: QuestionnaireAssignment) -> None:
        """Store a new assignment."""

    @abc.abstractmethod
    def get(self, clinic_id: str, assignment_id: str) -> QuestionnaireAssignment | None:
        """Return the clinic's assignment, or None."""

    @abc.abstractmethod
    def update(self, assignment: QuestionnaireAssignment, expected_version: int) -> None:
        """Store ``assignment`` as version ``expected_version + 1``. Raises ``Conflict`` if stale."""

    @abc.abstractmethod
    def list_for_patient(self, clinic_id: str, patient_id: str) -> list[QuestionnaireAssignment]:
        """Return the patient's assignments by due date, then instrument."""

    @abc.abstractmethod
    def list_for_plan(self, clinic_id: str, plan_id: str) -> list[QuestionnaireAssignment]:
        """Return the plan's assignments by due date, then instrument."""


class CrisisContactRepository(abc.ABC):
    """The crisis contacts each clinic set (no patient data)."""

    @abc.abstractmethod
    def get(self, clinic_id: str) -> ClinicCrisisContacts | None:
        """Return the clinic's contacts, or None when it set none (the default is shown)."""

    @abc.abstractmethod
    def replace(self, contacts: ClinicCrisisContacts) -> None:
        """Store ``contacts`` as the clinic's whole list (an empty list goes back to the default)."""


class UrgentTaskRepository(abc.ABC):
    """Urgent tasks for the clinicians."""

    @abc.abstractmethod
    def add(self, task: UrgentTask) -> None:
        """Store a new task."""

    @abc.abstractmethod
    def get(self, clinic_id: str, task_id: str) -> UrgentTask | None:
        """Return the clinic's task, or None."""

    @abc.abstractmethod
    def open_for_clinic(self, clinic_id: str, limit: int) -> list[UrgentTask]:
        """Return up to ``limit`` of the clinic's open tasks, oldest first."""

    @abc.abstractmethod
    def list_for_patient(self, clinic_id: str, patient_id: str) -> list[UrgentTask]:
        """Return the patient's tasks, open and resolved, oldest first."""

    @abc.abstractmethod
    def resolve(self, task: UrgentTask) -> bool:
        """Store the resolution of ``task`` if it is still open; return whether it was (one statement)."""

    @abc.abstractmethod
    def raise_answer(self, task: UrgentTask, answer: int) -> None:
        """Store ``answer`` on ``task`` while it is open and its answer is lower (one statement)."""


class HomeworkRepository(abc.ABC):
    """Homework tasks and the days the patient did them."""

    @abc.abstractmethod
    def add_tasks(self, tasks: list[HomeworkTask]) -> None:
        """Store new tasks. Raises ``Conflict`` if the plan already has a task of that component."""

    @abc.abstractmethod
    def get_task(self, clinic_id: str, task_id: str) -> HomeworkTask | None:
        """Return the clinic's task, or None."""

    @abc.abstractmethod
    def tasks_for_plan(self, clinic_id: str, plan_id: str) -> list[HomeworkTask]:
        """Return the plan's tasks by start date, then component."""

    @abc.abstractmethod
    def tasks_for_patient(self, clinic_id: str, patient_id: str) -> list[HomeworkTask]:
        """Return the patient's tasks (every plan) by start date, then component."""

    @abc.abstractmethod
    def ticks(self, clinic_id: str, task_ids: list[str]) -> list[HomeworkTick]:
        """Return the ticks of these tasks, by task then day."""

    @abc.abstractmethod
    def tick(self, tick: HomeworkTick) -> bool:
        """Store the tick unless that task is already ticked that day; return whether it was new."""

    @abc.abstractmethod
    def untick(self, clinic_id: str, task_id: str, done_on: date) -> bool:
        """Remove the task's tick of that day; return whether there was one."""
