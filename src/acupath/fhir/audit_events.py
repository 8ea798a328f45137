"""AuditEvent: one per entry of the audit log, in the manner of IHE BALP (Basic Audit Log Patterns).

BALP records a RESTful interaction as ``type`` rest with the interaction as ``subtype`` (read, search,
create, update), the user as a requesting agent with their network address, the server as the source,
and the patient as an entity (type Person, role Patient) besides the record itself (type System Object,
role Domain Resource) (profiles.ihe.net/ITI/BALP: PatientRead, PatientQuery). acupath's entries name
their action as ``<record>.<verb>``; the verb gives the interaction and the action code.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from fhir.resources.R4B.auditevent import AuditEvent

from acupath.fhir.canonical import reference
from acupath.fhir.resource_json import instant, maps_to
from acupath.fhir.terminology import (
    AUDIT_ENTITY_TYPE,
    AUDIT_EVENT_TYPE,
    OBJECT_ROLE,
    RESTFUL_INTERACTION,
    SECURITY_ROLE_TYPE,
)
from acupath.services.patient_actor import PATIENT_USER_PREFIX
from acupath.services.records import AuditEntry

SOURCE_TYPE = "http://terminology.hl7.org/CodeSystem/security-source-type"
NETWORK_TYPE_IP = "2"  # R4 network-type: IP address
#: verb of an action -> (restful interaction, AuditEvent.action); anything else is an operation (E).
VERBS = {"read": ("read", "R"), "history": ("history-instance", "R"), "list": ("search-type", "E"),
         "search": ("search-type", "E"), "everything": ("operation", "E"), "export": ("operation", "E"),
         "create": ("create", "C"), "record": ("create", "C"), "register": ("create", "C"),
         "update": ("update", "U"), "amend": ("update", "U")}
#: audit outcome -> AuditEvent.outcome (0 success, 4 minor failure: refused, 8 serious failure).
OUTCOMES = {"ok": "0", "failed": "8"}
#: acupath record types -> the FHIR resource a record becomes (where it is one resource).
RESOURCES = {"patient": "Patient", "plan": "CarePlan", "session": "Procedure", "adverse_event": "AdverseEvent",
             "intake": "Condition", "user": "Practitioner"}


def _network(address: str) -> dict[str, str] | None:
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return None  # "cli", "demo", "unknown": not a network address
    return {"address": address, "type": NETWORK_TYPE_IP}


@maps_to(AuditEvent)
def audit_event(entry: AuditEntry) -> dict[str, Any]:
    """Return the AuditEvent of a stored audit entry (id: the entry's number in the log)."""
    verb = entry.action.rsplit(".", 1)[-1]
    interaction, action = VERBS.get(verb, ("operation", "E"))
    if entry.user_id.startswith(PATIENT_USER_PREFIX):  # the patient on the portal (``patient:<id>``)
        who = reference("Patient", entry.user_id.removeprefix(PATIENT_USER_PREFIX))
    elif entry.user_id.startswith("portal:"):  # an unknown email or link on the portal's sign-in
        who = {"display": entry.user_id}
    else:
        who = (reference("Practitioner", entry.user_id) if entry.user_id not in ("system", "unknown")
               else {"display": entry.user_id})
    agent: dict[str, Any] = {"type": {"coding": [{"system": SECURITY_ROLE_TYPE, "code": "humanuser"}]},
                             "who": who, "requestor": True}
    network = _network(entry.remote_address)
    if network:
        agent["network"] = network
    entities: list[dict[str, Any]] = []
    if entry.patient_id:
        entities.append({"what": reference("Patient", entry.patient_id),
                         "type": {"system": AUDIT_ENTITY_TYPE, "code": "1", "display": "Person"},
                         "role": {"system": OBJECT_ROLE, "code": "1", "display": "Patient"}})
    if entry.record_id and entry.record_type != "patient":
        resource = RESOURCES.get(entry.record_type)
        what = (reference(resource, entry.record_id) if resource
                else {"display": f"{entry.record_type} {entry.record_id}"})
        entities.append({"what": what, "type": {"system": AUDIT_ENTITY_TYPE, "code": "2", "display": "System Object"},
                         "role": {"system": OBJECT_ROLE, "code": "4", "display": "Domain Resource"},
                         "name": entry.record_type})
    return {
        "resourceType": "AuditEvent", "id": str(entry.id),
        "type": {"system": AUDIT_EVENT_TYPE, "code": "rest", "display": "RESTful Operation"},
        "subtype": [{"system": RESTFUL_INTERACTION, "code": interaction},
                    {"system": "urn:acupath:audit-action", "code": entry.action}],
        "action": action, "recorded": instant(entry.at),
        "outcome": OUTCOMES.get(entry.outcome.value, "4"),
        "outcomeDesc": entry.outcome.value + (f": {entry.detail}" if entry.detail else ""),
        "agent": [agent],
        "source": {"observer": {"display": "acupath"},
                   "type": [{"system": SOURCE_TYPE, "code": "4", "display": "Application Server"}]},
        "entity": entities or None,
    }
