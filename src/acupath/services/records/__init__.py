"""The records that services keep and repositories store: plain dataclasses, no database types.

Storage maps each to and from its table (``to_domain``/``from_domain``); fakes keep them in dicts.
"""

from acupath.services.records.amendments import AmendedType, Amendment
from acupath.services.records.audit import AuditEntry, AuditQuery, Outcome, RecordOwner
from acupath.services.records.clinical import (
    IntakeRecord,
    PlanOverride,
    PlanRecord,
    PlanRevision,
    PlanStatus,
    Reassessment,
    ScreeningRecord,
)
from acupath.services.records.people import Clinic, Page, Patient, Qualification, RevokedToken, User
from acupath.services.records.sessions import (
    AdverseEvent,
    Electrode,
    NeedlePoint,
    NeedleType,
    SessionRecord,
    Stimulation,
)

__all__ = [
    "AdverseEvent",
    "AmendedType",
    "Amendment",
    "AuditEntry",
    "AuditQuery",
    "Clinic",
    "Electrode",
    "IntakeRecord",
    "NeedlePoint",
    "NeedleType",
    "Outcome",
    "Page",
    "Patient",
    "PlanOverride",
    "PlanRecord",
    "PlanRevision",
    "PlanStatus",
    "Qualification",
    "Reassessment",
    "RecordOwner",
    "RevokedToken",
    "ScreeningRecord",
    "SessionRecord",
    "Stimulation",
    "User",
]
