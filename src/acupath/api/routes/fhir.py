"""The FHIR R4 read API at ``/fhir/R4``: ``metadata``, read and search of every type, ``$everything``.

Reads go through the services (``services.fhir_reads``, ``services.patients``), so clinic isolation,
roles and the audit log are those of the rest of the API: another clinic's id or an unknown one is 404,
reception gets 403 on clinical resources, every read of patient data is audited with the patient's id.
``acupath.fhir`` turns the records into resources. Answers are ``application/fhir+json``; errors are
OperationOutcomes (``api.fhir_responses``). A search takes ``patient`` (patient data; required) or
``_id`` (Patient, staff and definitions), ``_count`` (1-200, default 50) and ``_offset``; any other
parameter is refused with 400 naming it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from acupath import __version__
from acupath.api.deps import SignedIn, SignedInDep
from acupath.api.fhir_responses import FHIR_PREFIX, fhir_response, outcome_response
from acupath.errors import InputError, NotFound
from acupath.fhir import Canon
from acupath.fhir.audit_events import audit_event
from acupath.fhir.bundles import paged, searchset
from acupath.fhir.capability import capability_statement, search_parameters
from acupath.fhir.chart import CLINICAL_TYPES, chart_resources, record_kinds
from acupath.fhir.people import organization, patient, practitioner, practitioner_role
from acupath.fhir.published import DEFINITION_TYPES, definition, definitions
from acupath.services import fhir_reads, patients
from acupath.services.paging import MAX_PAGE

router = APIRouter(prefix=FHIR_PREFIX, tags=["FHIR R4"])

#: Every resource type the API reads.
TYPES = ("Patient", "Organization", "Practitioner", "PractitionerRole", *CLINICAL_TYPES, *DEFINITION_TYPES)
_STAFF_TYPES = ("Organization", "Practitioner", "PractitionerRole")
# The types are listed in the OpenAPI schema (so the API fuzz run asks for real ones) but not enforced by
# FastAPI: an unknown type is FHIR's 404 OperationOutcome, not a 422.
ResourceType = Annotated[str, Path(description="A resource type of the CapabilityStatement (`GET metadata`).",
                                   max_length=40, json_schema_extra={"enum": list(TYPES)})]
ResourceId = Annotated[str, Path(description="The resource's id.", max_length=200)]
Count = Annotated[int, Query(alias="_count", ge=1, le=MAX_PAGE, description="Page size.")]
Offset = Annotated[int, Query(alias="_offset", ge=0, le=10_000_000, description="Results to skip.")]


def _canon(request: Request) -> Canon:
    return request.app.state.fhir_canon  # type: ignore[no-any-return]


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/") + FHIR_PREFIX


def _unknown_type(resource_type: str) -> Response:
    return outcome_response(404, f"unknown resource type {resource_type[:40]!r}; see GET {FHIR_PREFIX}/metadata")


def _staff(signed: SignedIn, canon: Canon, resource_type: str) -> list[Any]:
    clinic, users = fhir_reads.clinic_staff(signed.uow, signed.actor)
    if resource_type == "Organization":
        return [organization(clinic)]
    if resource_type == "Practitioner":
        return [practitioner(user, canon) for user in users]
    return [practitioner_role(user) for user in users]


def _of_type(resources: Iterable[Any], resource_type: str) -> list[Any]:
    return [r for r in resources if r.get_resource_type() == resource_type]


@router.get("/metadata", summary="The server's CapabilityStatement", response_class=Response)
def metadata(request: Request) -> Response:
    """Return the CapabilityStatement: the types, interactions and search parameters supported."""
    state = request.app.state.acupath
    return fhir_response(capability_statement(__version__, _base(request), state.clock()))


@router.get("/Patient/{patient_id}/$everything", summary="A patient's whole record", response_class=Response)
def everything(request: Request, signed: SignedInDep, patient_id: ResourceId, count: Count = 50,
               offset: Offset = 0) -> Response:
    """Return the patient's record as a searchset Bundle, paged (``next`` link); 403 for reception."""
    chart = fhir_reads.patient_chart(signed.uow, signed.actor, patient_id, action="fhir.everything")
    resources = list(chart_resources(chart, signed.kb, _canon(request)))
    url = f"{_base(request)}/Patient/{patient_id}/$everything"
    return fhir_response(paged(resources, base=_base(request), url=url, params={}, offset=offset, count=count))


@router.get("/{resource_type}/{resource_id}", summary="Read one resource", response_class=Response)
def read(request: Request, signed: SignedInDep, resource_type: ResourceType, resource_id: ResourceId) -> Response:
    """Return the resource; 404 for an unknown or another clinic's id, 403 for reception on clinical types."""
    canon = _canon(request)
    if resource_type not in TYPES:
        return _unknown_type(resource_type)
    found: Any = None
    if resource_type in DEFINITION_TYPES:
        found = definition(signed.kb, canon, resource_type, resource_id)
    elif resource_type == "Patient":
        found = patient(patients.get_patient(signed.uow, signed.actor, resource_id), canon)
    elif resource_type in _STAFF_TYPES:
        found = next((r for r in _staff(signed, canon, resource_type) if r.id == resource_id), None)
    elif resource_type == "AuditEvent":
        found = audit_event(fhir_reads.audit_entry(signed.uow, signed.actor, resource_id))
    else:
        named = record_kinds(resource_type, resource_id)
        if named is not None:
            kinds, record_id = named
            chart = fhir_reads.chart_of_record(signed.uow, signed.actor, kinds, record_id)
            found = next((r for r in chart_resources(chart, signed.kb, canon)
                          if r.get_resource_type() == resource_type and r.id == resource_id), None)
    if found is None:
        raise NotFound(f"no {resource_type} {resource_id[:80]!r} in this clinic")
    return fhir_response(found)


@router.get("/{resource_type}", summary="Search one resource type", response_class=Response)
def search(request: Request, signed: SignedInDep, resource_type: ResourceType,
           patient_id: Annotated[str | None, Query(alias="patient", max_length=200,
                                                   description="The patient (required for patient data).")] = None,
           resource_id: Annotated[str | None, Query(alias="_id", max_length=200,
                                                    description="One resource by id (Patient, staff, definitions).")] = None,
           count: Count = 50, offset: Offset = 0) -> Response:
    """Return a searchset Bundle; 400 naming a parameter the type does not take or lacks."""
    if resource_type not in TYPES:
        return _unknown_type(resource_type)
    allowed = search_parameters(resource_type)
    for name in request.query_params:
        if name not in allowed:
            raise InputError(name, f"is not a search parameter of {resource_type}", ", ".join(allowed))
    canon = _canon(request)
    params = {key: value for key, value in (("patient", patient_id), ("_id", resource_id)) if value is not None}
    base, url = _base(request), f"{_base(request)}/{resource_type}"
    if resource_type in CLINICAL_TYPES:
        if patient_id is None:
            raise InputError("patient", f"a search of {resource_type} needs the patient", "patient=<Patient id>")
        patient_id = patient_id.removeprefix("Patient/")
        if resource_type == "AuditEvent":
            # One page of the log read as the log pages itself; its total is not counted (it can be long).
            entries = fhir_reads.patient_audit(signed.uow, signed.actor, patient_id, offset=offset,
                                               limit=count + 1)
            page = [audit_event(entry) for entry in entries[:count]]
            return fhir_response(searchset(page, base=base, url=url, params=params, offset=offset, count=count,
                                           total=None, more=len(entries) > count))
        chart = fhir_reads.patient_chart(signed.uow, signed.actor, patient_id, action="fhir.search")
        resources = _of_type(chart_resources(chart, signed.kb, canon), resource_type)
    elif resource_type == "Patient":
        if resource_id is None:
            raise InputError("_id", "a search of Patient needs _id (list patients with GET /patients)",
                             "_id=<Patient id>")
        try:
            resources = [patient(patients.get_patient(signed.uow, signed.actor, resource_id), canon)]
        except NotFound:
            resources = []
    elif resource_type in _STAFF_TYPES:
        resources = _staff(signed, canon, resource_type)
    else:
        resources = definitions(signed.kb, canon, resource_type)
    if resource_id is not None and resource_type not in CLINICAL_TYPES:
        resources = [r for r in resources if r.id == resource_id]
    return fhir_response(paged(resources, base=base, url=url, params=params, offset=offset, count=count))
