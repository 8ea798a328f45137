"""The fake database's store and the base of every fake repository (``service_fakes``)."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from acupath.errors import Conflict
from acupath.services.records import (
    Amendment,
    AuditEntry,
    PlanRevision,
)
from acupath.services.records.listings import Total

FROZEN_NOW = datetime(2026, 12, 31, 9, 30, tzinfo=UTC)

if TYPE_CHECKING:
    from service_fakes import FakeUnitOfWork


@dataclass
class Store:
    """Everything the fake database holds."""

    rows: dict[str, dict[str, Any]] = field(default_factory=dict)
    revisions: list[PlanRevision] = field(default_factory=list)
    audit: list[AuditEntry] = field(default_factory=list)
    amendments: list[Amendment] = field(default_factory=list)
    login_failures: list[tuple[str, datetime]] = field(default_factory=list)

    def table(self, name: str) -> dict[str, Any]:
        return self.rows.setdefault(name, {})


def _page(records: list[Any], offset: int, limit: int) -> tuple[list[Any], int]:
    return copy.deepcopy(records[offset:offset + limit]), len(records)


def _capped(count: int, cap: int) -> Total:
    # As SQLite answers: exact up to the cap, then "more than" it.
    return Total(value=count, relation="eq") if count <= cap else Total(value=cap, relation="gt")


class _Repo:
    table = ""

    def __init__(self, uow: FakeUnitOfWork) -> None:
        self.uow = uow

    @property
    def rows(self) -> dict[str, Any]:
        return self.uow.working.table(self.table)

    def _put(self, record: Any) -> None:
        if record.id in self.rows:
            raise Conflict(f"{self.table} {record.id} exists")
        self.rows[record.id] = copy.deepcopy(record)

    def _get(self, clinic_id: str, record_id: str) -> Any:
        record = self.rows.get(record_id)
        if record is None or record.clinic_id != clinic_id:
            return None
        return copy.deepcopy(record)

    def _of_patient(self, clinic_id: str, patient_id: str) -> list[Any]:
        return [copy.deepcopy(r) for r in self.rows.values()
                if r.clinic_id == clinic_id and r.patient_id == patient_id]

    def _compare_and_set(self, record: Any, expected_version: int) -> None:
        # As the database: a stale version matches nothing and changes nothing.
        stored = self.rows.get(record.id)
        if stored is None or stored.clinic_id != record.clinic_id or stored.version != expected_version:
            raise Conflict(f"{self.table} {record.id} was amended since version {expected_version}")
        saved = copy.deepcopy(record)
        saved.version = expected_version + 1
        self.rows[record.id] = saved

    def page_for_patient(self, clinic_id: str, patient_id: str, offset: int, limit: int) -> tuple[list[Any], int]:
        return _page(self.list_for_patient(clinic_id, patient_id), offset, limit)  # type: ignore[attr-defined]
