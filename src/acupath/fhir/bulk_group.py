"""Group: a clinician's panel, the population a group-level ``$export`` exports.

acupath keeps no Group of its own; the meaningful population of an acupuncture clinic is a clinician's
panel: every patient with a plan the clinician created or a session they gave. Each clinician (and
administrator) of the clinic has one, ``Group/panel-<user id>``: an actual group of persons, managed
by the clinician, its members listed (a panel is hundreds of patients, not a whole clinic).
"""

from __future__ import annotations

from typing import Any

from fhir.resources.R4B.group import Group

from acupath.fhir.canonical import reference
from acupath.fhir.resource_json import maps_to
from acupath.services.fhir_export import PANEL_PREFIX
from acupath.services.records import User


def panel_id(user: User) -> str:
    """Return the id of the Group of ``user``'s panel."""
    return f"{PANEL_PREFIX}{user.id}"


@maps_to(Group)
def panel_group(user: User, members: list[str] | None) -> dict[str, Any]:
    """Return the Group of ``user``'s panel; ``members`` its patients' ids (None: not listed, no quantity)."""
    return {
        "resourceType": "Group", "id": panel_id(user), "active": user.active, "type": "person", "actual": True,
        "name": f"Panel of {user.name}",
        "code": {"text": "patients with a plan created or a session given by this clinician"},
        "managingEntity": reference("Practitioner", user.id, user.name),
        "quantity": len(members) if members is not None else None,
        "member": [{"entity": reference("Patient", m)} for m in members] if members else None,
    }
