"""Who is acting on the patient portal: a patient, signed in, who may see and change only their own record.

A ``PatientActor`` is deliberately not an ``Actor``: no staff service accepts it (their role rules
assume a member of staff), so a portal page cannot reach a clinic-wide listing by mistake. It carries
the same three fields ``services.audit`` writes (``clinic_id``, ``user_id``, ``remote_address``), so
every portal read and write is audited like a clinician's; ``user_id`` is ``"patient:<patient id>"``
so the patient's own access log and the clinic's audit log tell patients and staff apart.
"""

from __future__ import annotations

from dataclasses import dataclass

PATIENT_USER_PREFIX = "patient:"


@dataclass(frozen=True)
class PatientActor:
    """The patient on whose behalf a portal service runs (built only from a portal sign-in)."""

    patient_id: str
    clinic_id: str
    remote_address: str = "unknown"

    @property
    def user_id(self) -> str:
        """Return the audit log's name for this patient: ``"patient:<patient id>"``."""
        return PATIENT_USER_PREFIX + self.patient_id
