"""The referral letter's contents: the referral findings in force in the patient's latest screening.

A letter is made only for what screening found: a finding whose action is a referral (urgent or not)
and that no clinician overrode. Overridden referral findings are listed too, with who overrode them
and why, so that the letter never drops one silently.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from acupath.errors import Conflict
from acupath.knowledge import KnowledgeBase
from acupath.safety.findings import Action, Severity
from acupath.services.documents.records import ReferralBody
from acupath.services.records import Patient, ScreeningRecord
from acupath.services.unit_of_work import AbstractUnitOfWork

_REFERRALS = (Action.URGENT_REFERRAL.value, Action.REFERRAL.value)
_SEVERITY = {s.value: rank for rank, s in enumerate(Severity)}


def _urgent_first(finding: dict[str, Any]) -> tuple[int, int]:
    return (0 if finding.get("action") == Action.URGENT_REFERRAL.value else 1,
            _SEVERITY.get(finding.get("severity", ""), 9))


def referral_findings(uow: AbstractUnitOfWork, clinic_id: str, patient: Patient) -> tuple[
        ScreeningRecord, list[dict[str, Any]], list[dict[str, Any]]]:
    """Return the patient's latest screening, its referral findings in force and those overridden (urgent first).

    Raises ``Conflict`` when the patient was never screened or no referral finding is in force.
    """
    screenings = uow.screenings.list_for_patient(clinic_id, patient.id)
    if not screenings:
        raise Conflict("this patient has not been screened: there is no red flag to refer for")
    screening = screenings[-1]
    referrals = [f for f in screening.findings if f.get("action") in _REFERRALS]
    in_force = sorted((f for f in referrals if f.get("override") is None), key=_urgent_first)
    if not in_force:
        overridden = f" ({len(referrals)} overridden by a clinician)" if referrals else ""
        raise Conflict("the patient's latest screening has no red flag or referral finding in force"
                       f"{overridden}: no referral letter is needed")
    return screening, in_force, sorted((f for f in referrals if f.get("override") is not None), key=_urgent_first)


def referral_body(uow: AbstractUnitOfWork, clinic_id: str, patient: Patient, kb: KnowledgeBase,
                  today: date) -> ReferralBody:
    """Return the referral letter's contents from the patient's latest screening.

    Raises ``Conflict`` when the patient was never screened or the latest screening has no referral
    finding in force (a letter without a red flag would be a false alarm).
    """
    screening, in_force, overridden_findings = referral_findings(uow, clinic_id, patient)
    cited = {key for f in in_force + overridden_findings for key in f.get("citations", ())}
    sources = {c.key: c.text for c in kb.citations.sources if c.key in cited}
    return ReferralBody(
        screening=screening, intake=uow.intakes.get(clinic_id, screening.intake_id),
        findings=tuple(in_force), overridden=tuple(overridden_findings),
        plans=tuple(uow.plans.list_for_patient(clinic_id, patient.id)),
        sessions=tuple(uow.sessions.list_for_patient(clinic_id, patient.id)), sources=sources)
