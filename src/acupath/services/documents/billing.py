"""The superbill's contents: each session given, coded by CPT and ICD-10-CM from the knowledge data.

CPT (``coverage.yaml`` ``billing.cpt``, reference clinical.md §4.5): one initial code per session,
97813 with electrical stimulation and 97810 without; then, for each additional whole 15 minutes of
personal one-on-one contact with re-insertion of needles, one add-on unit (97814 with electrical
stimulation, 97811 without). Sessions record their electrical stimulation (STRICTA 2e) and, since
migration 0013, the practitioner's face-to-face minutes; a session without them (recorded before, or
left blank) gets the initial code only, and the superbill says why. ICD-10-CM: the first code of
the plan's condition in its condition file (``codes``, clinical.md §4.3, with ``verified``); a variant
without codes of its own (upper back pain) has none, and the superbill says so.
"""

from __future__ import annotations

from datetime import date

from acupath import planning
from acupath.errors import Conflict
from acupath.knowledge import KnowledgeBase
from acupath.knowledge.schema.conditions import DiagnosisCode
from acupath.knowledge.schema.coverage import CptRule
from acupath.services.documents.records import BilledSession, BillLine, SuperbillBody
from acupath.services.records import Patient, SessionRecord
from acupath.services.unit_of_work import AbstractUnitOfWork

#: Why a session's add-on units are not listed.
NO_TIME = ("no face-to-face time recorded: the initial code only; add-on units (each additional 15 minutes "
           "of one-on-one contact with re-insertion) need that time")


def cpt_lines(rule: CptRule, electrical: bool, face_to_face_minutes: int | None = None) -> tuple[BillLine, ...]:
    """Return the CPT lines of one session: the initial code, and add-on units when the time is known.

    ``face_to_face_minutes`` is the practitioner's personal one-on-one time with the patient (None: not
    recorded, so no add-on unit). The initial code covers the first ``rule.unit_minutes``; each further
    whole ``unit_minutes`` is one add-on unit (the source gives no rule for part of a unit, so a part is
    not counted). Raises nothing.
    """
    lines = [BillLine(code=rule.code_for(electrical, "initial"), units=1)]
    if face_to_face_minutes is not None:
        additional = max(face_to_face_minutes - rule.unit_minutes, 0) // rule.unit_minutes
        if additional:
            lines.append(BillLine(code=rule.code_for(electrical, "additional"), units=additional))
    return tuple(lines)


def diagnosis_of(kb: KnowledgeBase, condition: str) -> DiagnosisCode | None:
    """Return the first ICD-10-CM code the knowledge gives ``condition`` (a condition file or a variant), or None."""
    for doc in kb.conditions.values():
        codes = doc.codes if doc.id == condition else next(
            (v.codes for v in doc.variants if v.condition == condition), None)
        if codes is not None:
            return next((c for c in codes if c.system == "icd10cm"), None)
    return None


def billed_sessions(uow: AbstractUnitOfWork, clinic_id: str, patient: Patient) -> list[SessionRecord]:
    """Return every session the patient was given, by date. Raises ``Conflict`` when none was (nothing to bill)."""
    sessions = uow.sessions.list_for_patient(clinic_id, patient.id)
    if not sessions:
        raise Conflict("no session has been given to this patient yet: there is nothing to bill")
    return sessions


def superbill_body(uow: AbstractUnitOfWork, clinic_id: str, patient: Patient, kb: KnowledgeBase,
                   today: date) -> SuperbillBody:
    """Return the superbill of every session the patient was given, by date.

    Raises ``Conflict`` when no session was given (nothing to bill).
    """
    sessions = billed_sessions(uow, clinic_id, patient)
    billing = kb.coverage.billing
    plans = {p.id: planning.Plan.from_dict(p.plan) for p in uow.plans.list_for_patient(clinic_id, patient.id)}
    billed = []
    for session in sessions:
        plan = plans.get(session.plan_id)
        condition = plan.condition if plan is not None else "unknown"
        electrical = session.stimulation.kind == "electro"
        billed.append(BilledSession(session=session, condition=condition, electrical=electrical,
                                    diagnosis=diagnosis_of(kb, condition),
                                    lines=cpt_lines(billing.cpt, electrical, session.face_to_face_minutes),
                                    note=NO_TIME if session.face_to_face_minutes is None else ""))
    payers = [p.payer for p in plans.values()]
    cited = set(billing.cpt.citations) | {b.diagnosis.source for b in billed if b.diagnosis}
    return SuperbillBody(sessions=tuple(billed), payer=payers[-1] if payers else "unknown",
                         cpt_rule=billing.cpt,
                         sources={c.key: c.text for c in kb.citations.sources if c.key in cited})
