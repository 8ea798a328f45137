"""Patient, Practitioner, PractitionerRole and Organization: who the record is about, who wrote it, where.

What acupath stores of its staff is a name, an e-mail, a role and whether the account is active: it
stores **no licence, registration number nor qualification**, so Practitioner has no ``qualification``
and no ``identifier`` but acupath's own user id. PractitionerRole gives the clinic role (clinician,
reception, admin) in acupath's words, coded with HL7's practitioner-role codes where one fits.
"""

from __future__ import annotations

from typing import Any

from fhir.resources.R4B.organization import Organization
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.practitioner import Practitioner
from fhir.resources.R4B.practitionerrole import PractitionerRole

from acupath.fhir.canonical import Canon, reference
from acupath.fhir.resource_json import instant, maps_to
from acupath.fhir.terminology import V2_IDENTIFIER_TYPE
from acupath.services.records import Clinic, User
from acupath.services.records import Patient as PatientRecord

#: acupath's sex values -> FHIR administrative gender (both sets are the same four words).
GENDERS = {"female": "female", "male": "male", "other": "other", "unknown": "unknown"}
#: acupath's roles as PractitionerRole.code text: HL7's practitioner-role codes (doctor, nurse, pharmacist,
#: researcher, teacher, ict) name none of an acupuncturist, the front desk or a clinic's administrator.
ROLE_TEXT = {"clinician": "Clinician (acupuncture)", "reception": "Reception", "admin": "Clinic administrator"}


@maps_to(Patient)
def patient(record: PatientRecord, canon: Canon) -> dict[str, Any]:
    """Return the Patient of ``record``: the MRN as identifier, names, gender, birth date, contact."""
    telecom = []
    if record.phone:
        telecom.append({"system": "phone", "value": record.phone})
    if record.email:
        telecom.append({"system": "email", "value": record.email})
    identifier = [{"use": "usual", "type": {"coding": [{"system": V2_IDENTIFIER_TYPE, "code": "MR",
                                                         "display": "Medical record number"}]},
                   "system": canon.identifier_system(f"mrn/{record.clinic_id}"), "value": record.mrn}
                  ] if record.mrn else None
    return {
        "resourceType": "Patient", "id": record.id,
        "meta": {"versionId": str(record.version), "lastUpdated": instant(record.updated_at)},
        "identifier": identifier, "active": True,
        "name": [{"use": "official", "family": record.family_name, "given": [record.given_name]}],
        "telecom": telecom or None, "gender": GENDERS[record.sex], "birthDate": record.birth_date.isoformat(),
        "managingOrganization": reference("Organization", record.clinic_id),
    }


@maps_to(Practitioner)
def practitioner(user: User, canon: Canon) -> dict[str, Any]:
    """Return the Practitioner of a staff account: name and work e-mail (no licence: acupath stores none)."""
    return {
        "resourceType": "Practitioner", "id": user.id,
        "identifier": [{"system": canon.identifier_system("user"), "value": user.id}],
        "active": user.active, "name": [{"text": user.name}],
        "telecom": [{"system": "email", "value": user.email, "use": "work"}],
    }


@maps_to(PractitionerRole)
def practitioner_role(user: User) -> dict[str, Any]:
    """Return the PractitionerRole of a staff account: its role at its clinic."""
    return {
        "resourceType": "PractitionerRole", "id": user.id, "active": user.active,
        "practitioner": reference("Practitioner", user.id, user.name),
        "organization": reference("Organization", user.clinic_id),
        "code": [{"text": ROLE_TEXT.get(user.role, user.role)}],
    }


@maps_to(Organization)
def organization(clinic: Clinic) -> dict[str, Any]:
    """Return the Organization of a clinic."""
    return {"resourceType": "Organization", "id": clinic.id, "active": True, "name": clinic.name}
