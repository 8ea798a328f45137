"""CDS Hooks calls from an EHR: the token used once, the acupath patient it names, and the audit.

The EHR (a CDS Client) authenticates with a signed JWT (checked by the API, ``api.cds_auth``); here
each call is one audited transaction that

1. uses the token's id (``jti``) up: it is recorded in the table of revoked tokens until the token
   expires, keyed by a hash of issuer and id, so a replayed token is refused on every worker
   (``NotAuthenticated``, audited);
2. finds the acupath patient the EHR's Patient names by acupath's MRN (when it carries that
   identifier): their latest screening, the alerts of their active plans' progress and an overdue
   reassessment;
3. writes one audit entry (``cds.patient-view``, ``cds.order-sign``) in the client's clinic, with the
   hook instance and the finding codes answered: no patient data from the EHR.

Feedback on cards (accepted, overridden and why) is kept in the audit log as ``cds.feedback`` entries.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from acupath import outcomes
from acupath.errors import NotAuthenticated
from acupath.knowledge import KnowledgeBase
from acupath.safety.findings import Finding
from acupath.services.actor import Actor, Role
from acupath.services.audit import audited
from acupath.services.clinic_day import where_in_plan
from acupath.services.progress import course_progress
from acupath.services.records import RevokedToken
from acupath.services.records.clinical import PlanStatus, finding_from_dict
from acupath.services.records.listings import NameSearch
from acupath.services.unit_of_work import AbstractUnitOfWork


@dataclass(frozen=True)
class CdsClient:
    """An EHR allowed to call the CDS services: its issuer (``iss``) and the acupath clinic it serves."""

    issuer: str
    clinic_id: str

    def actor(self, remote_address: str) -> Actor:
        """Return the actor the client's calls are audited as (``cds:<issuer>``, reading as a clinician)."""
        return Actor(user_id=f"cds:{self.issuer}"[:254], clinic_id=self.clinic_id, role=Role.CLINICIAN,
                     remote_address=remote_address)


@dataclass(frozen=True)
class TokenUse:
    """A verified JWT's id and expiry, to be used up by the call."""

    issuer: str
    jti: str
    expires_at: datetime

    @property
    def key(self) -> str:
        """Return the 64-hex key it is kept under (a hash: issuers choose their ids' length and form)."""
        return hashlib.sha256(f"cds\0{self.issuer}\0{self.jti}".encode()).hexdigest()


@dataclass(frozen=True)
class AcupathPatient:
    """What acupath knows of the EHR's patient: the latest screening's findings, progress alerts of
    active plans, and the plans whose reassessment is overdue."""

    patient_id: str
    findings: tuple[Finding, ...]
    screened_on: date | None
    alerts: tuple[outcomes.Alert, ...]
    overdue_plans: tuple[str, ...]


def use_token(uow: AbstractUnitOfWork, token: TokenUse, now: datetime) -> None:
    """Record ``token`` as used until it expires, inside the caller's transaction.

    Raises ``NotAuthenticated`` when it was used before (a replay).
    """
    used = RevokedToken(token_id=token.key, user_id=f"cds:{token.issuer}"[:64], expires_at=token.expires_at,
                        revoked_at=now)
    if not uow.revoked_tokens.use_once(used):
        raise NotAuthenticated("the token was used before (replay)")


def _acupath_patient(uow: AbstractUnitOfWork, clinic_id: str, patient_id: str, kb: KnowledgeBase,
                     today: date) -> AcupathPatient:
    screenings = uow.screenings.list_for_patient(clinic_id, patient_id)
    latest = screenings[-1] if screenings else None
    alerts: list[outcomes.Alert] = []
    overdue: list[str] = []
    for plan in uow.plans.list_for_patient(clinic_id, patient_id):
        if plan.status != PlanStatus.ACTIVE.value:
            continue
        course = uow.plan_course(clinic_id, plan.id)
        if course is None:
            continue
        alerts.extend(course_progress(uow, clinic_id, course, kb)[1].alerts)
        if "overdue_reassessment" in where_in_plan(plan, course.sessions, course.reassessments, today).flags:
            overdue.append(plan.id)
    return AcupathPatient(
        patient_id=patient_id,
        findings=tuple(finding_from_dict(f) for f in latest.findings) if latest else (),
        screened_on=latest.screened_at.date() if latest else None,
        alerts=tuple(alerts), overdue_plans=tuple(overdue))


def consult(uow: AbstractUnitOfWork, client: CdsClient, remote_address: str, token: TokenUse, hook: str,
            hook_instance: str, mrn: str | None, answered: Iterable[str], kb: KnowledgeBase, today: date
            ) -> AcupathPatient | None:
    """Use ``token`` up and return what acupath knows of the patient with acupath MRN ``mrn``.

    ``answered`` are the finding codes screened from the EHR's record (written to the audit entry).
    Returns None when ``mrn`` is None or names no patient of the client's clinic. Raises
    ``NotAuthenticated`` for a replayed token (audited, nothing else written).
    """
    actor = client.actor(remote_address)
    with uow, audited(uow, actor, f"cds.{hook}", "cds_hook", hook_instance[:64]) as note:
        use_token(uow, token, uow.clock())
        found = None
        if mrn:
            hits = uow.patients.search(actor.clinic_id, NameSearch.of(mrn), None, 2)
            patient = next((p for p in hits if p.mrn == mrn), None)
            if patient is not None:
                note.patient_id = patient.id
                found = _acupath_patient(uow, actor.clinic_id, patient.id, kb, today)
        codes = ", ".join(dict.fromkeys(answered)) or "none"
        note.detail = (f"{hook} {hook_instance[:64]}: EHR findings {codes}; "
                       f"{'acupath patient' if found else 'no acupath record'}")
        return found


def record_feedback(uow: AbstractUnitOfWork, client: CdsClient, remote_address: str, token: TokenUse,
                    service_id: str, outcomes: Sequence[tuple[str, str, str]]) -> None:
    """Use ``token`` up and keep each card's outcome in the audit log: one ``cds.feedback`` entry per
    ``(card uuid, outcome, detail)``, the card's uuid as its record.

    Raises ``NotAuthenticated`` for a replayed token (nothing kept).
    """
    actor = client.actor(remote_address)
    with uow:
        for index, (card, outcome, detail) in enumerate(outcomes):
            with audited(uow, actor, "cds.feedback", "cds_card", card[:64]) as note:
                if index == 0:
                    use_token(uow, token, uow.clock())
                note.detail = f"{service_id}: {outcome}; {detail}"
