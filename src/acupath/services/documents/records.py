"""What each document holds, gathered by ``services.documents`` and drawn by ``reports.documents``.

Plain dataclasses of records and domain values: a renderer needs nothing else (no unit of work, no
query). ``DocumentData.body`` is one of the ``*Body`` classes, by ``kind``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from acupath import outcomes, planning
from acupath.knowledge.schema.conditions import DiagnosisCode
from acupath.knowledge.schema.coverage import CptCode
from acupath.planning.plain_language import PlainPlan
from acupath.services.progress_trends import ProgressTrends
from acupath.services.records import (
    AdverseEvent,
    Amendment,
    Clinic,
    IntakeRecord,
    Patient,
    PlanRecord,
    Reassessment,
    ScreeningRecord,
    SessionRecord,
)


@dataclass(frozen=True)
class Header:
    """Who the document is from and about: the clinic (and its locale), the patient, when and by whom.

    ``clinician`` is the signed-in member of staff's name (None from the command line or the portal:
    a letter then leaves its signature line blank).
    """

    clinic: Clinic
    patient: Patient
    prepared_on: date
    prepared_by: str
    clinician: str | None = None


@dataclass(frozen=True)
class PlanBody:
    """The patient's plan: the record (status, version, overrides), its document, the findings of the
    screening it was built on (stored form: the regions they exclude are hatched on the body chart), how
    many sessions were given, and ``plain``: the plan in plain language, as the patient portal shows it
    (``planning.plain_language.explain_plan``)."""

    record: PlanRecord
    plan: planning.Plan
    plain: PlainPlan
    screening_findings: tuple[dict[str, Any], ...]
    sessions_given: int


@dataclass(frozen=True)
class ProgressBody:
    """A progress report: the plan's trends and progress, the sessions given, the adverse events, and the
    intake's score of each instrument of the baseline (instrument id, score)."""

    record: PlanRecord
    trends: ProgressTrends
    sessions: tuple[SessionRecord, ...]
    adverse_events: tuple[AdverseEvent, ...]
    baseline: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True)
class NcdBody:
    """Medicare NCD 30.3.3 improvement documentation before sessions 13-20.

    ``met`` is whether improvement is documented as progress judges it (``medicare_extension_eligible``);
    ``reasons`` say why not when it is not. ``in_initial_window`` counts the sessions given within
    ``rule.initial_window_days`` of the first, ``in_year`` those within ``rule.annual_window_days``.
    """

    record: PlanRecord
    plan: planning.Plan
    progress: outcomes.Progress
    rule: Any
    first_session: date | None
    initial_window_ends: date | None
    in_initial_window: int
    in_year: int
    met: bool
    reasons: tuple[str, ...]
    improved: tuple[outcomes.InstrumentChange, ...]


@dataclass(frozen=True)
class ReferralBody:
    """A referral letter: the screening, its referral findings in force, the ones overridden, what was given.

    ``findings`` and ``overridden`` are stored findings (``finding_to_dict`` form), urgent first;
    ``sources`` maps each cited key to its citation text.
    """

    screening: ScreeningRecord
    intake: IntakeRecord | None
    findings: tuple[dict[str, Any], ...]
    overridden: tuple[dict[str, Any], ...]
    plans: tuple[PlanRecord, ...]
    sessions: tuple[SessionRecord, ...]
    sources: dict[str, str]


@dataclass(frozen=True)
class BillLine:
    """One CPT line of a session: ``units`` of ``code``."""

    code: CptCode
    units: int


@dataclass(frozen=True)
class BilledSession:
    """A session given, its diagnosis (None: the knowledge holds no code for the condition), its CPT lines and
    ``note``: why add-on units are not listed ("" when the face-to-face time was recorded)."""

    session: SessionRecord
    condition: str
    electrical: bool
    diagnosis: DiagnosisCode | None
    lines: tuple[BillLine, ...]
    note: str


@dataclass(frozen=True)
class SuperbillBody:
    """A superbill: each session given with its codes, the payer, and the rules and sources they follow."""

    sessions: tuple[BilledSession, ...]
    payer: str
    cpt_rule: Any
    sources: dict[str, str]


#: How the record names a user id that is not one of the clinic's users (never by the id itself).
UNKNOWN_STAFF = "clinic staff"


@dataclass(frozen=True)
class RecordBody:
    """The patient's whole record, oldest first in each part; ``amendments`` by when they were made."""

    intakes: tuple[IntakeRecord, ...]
    screenings: tuple[ScreeningRecord, ...]
    plans: tuple[PlanRecord, ...]
    sessions: tuple[SessionRecord, ...]
    adverse_events: tuple[AdverseEvent, ...]
    reassessments: tuple[Reassessment, ...]
    amendments: tuple[Amendment, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class DocumentData:
    """Everything one document shows: its ``kind``, the header, the kind's body, and ``staff``: "name
    (role)" by user id of everyone the body names as author (``record.staff_names``), for ``who``."""

    kind: str
    header: Header
    body: Any
    staff: dict[str, str] = field(default_factory=dict)

    def who(self, user_id: str | None) -> str:
        """Return how the document names the user ``user_id``: their name and role, never the id."""
        return self.staff.get(user_id or "", UNKNOWN_STAFF)
