"""Patient, Practitioner, PractitionerRole and Organization: who the record is about, who wrote it, where.

What acupath stores of its staff is a name, an e-mail, a role, whether the account is active, and,
when an administrator recorded them, the practising licence (number, issuing authority, expiry) and
the qualifications (text as on the certificate, issuer, year). Practitioner carries acupath's user id
as an identifier, the licence number as another (type ``LN``, the authority as its ``assigner``: no
URI names a board's register), and ``qualification`` the licence (its ``period.end`` the expiry, as
R4's Practitioner.qualification describes "a license to practice") then each qualification (its award
year as ``period.start``). Nothing is filled in that was not recorded. PractitionerRole gives the
clinic role (clinician, reception, admin) in acupath's words.
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
#: Practitioner.qualification.code text of the licence itself (R4: "a license to practice"); the
#: qualifications keep the text recorded for them.
LICENCE_TEXT = "Licence to practise"
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


def _licence(user: User) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """Return the licence as (identifier or None without a number, qualification), or (None, None) if none."""
    if not user.has_licence:
        return None, None
    assigner = {"display": user.licence_authority} if user.licence_authority else None
    period = {"end": user.licence_expires.isoformat()} if user.licence_expires else None
    identifier = {"use": "official", "type": {"coding": [{"system": V2_IDENTIFIER_TYPE, "code": "LN",
                                                           "display": "License number"}]},
                  "value": user.licence_number, "period": period, "assigner": assigner
                  } if user.licence_number else None
    qualification = {"identifier": [identifier] if identifier else None, "code": {"text": LICENCE_TEXT},
                     "period": period, "issuer": assigner}
    return identifier, qualification


@maps_to(Practitioner)
def practitioner(user: User, canon: Canon) -> dict[str, Any]:
    """Return the Practitioner of a staff account: name, work e-mail, licence and qualifications if recorded."""
    licence_number, licence = _licence(user)
    qualifications = [licence] if licence else []
    qualifications += [{"code": {"text": item.text},
                        "period": {"start": str(item.year)} if item.year is not None else None,
                        "issuer": {"display": item.issuer} if item.issuer else None} for item in user.qualifications]
    return {
        "resourceType": "Practitioner", "id": user.id,
        "identifier": [{"system": canon.identifier_system("user"), "value": user.id}]
        + ([licence_number] if licence_number else []),
        "active": user.active, "name": [{"text": user.name}],
        "telecom": [{"system": "email", "value": user.email, "use": "work"}],
        "qualification": qualifications or None,
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
