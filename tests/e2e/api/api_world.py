"""Personas, the seeded world and request helpers of the API tests (fixtures are in conftest.py).

``harbour_clinic``: ``dr_lee`` and ``dr_patel`` (clinicians), ``rita_reception`` (reception),
``ada_admin`` (administrator). ``hill_clinic``: ``dr_outsider`` (clinician). ``dr_lee`` owns the
records the access table uses: one patient with an intake, a screening, a plan and a session.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from fastapi.testclient import TestClient

from acupath.security.passwords import Argon2idHasher
from acupath.services import users
from acupath.services.actor import Actor

ROOT = Path(__file__).resolve().parents[3]
POSTGRES_ADMIN_URL = os.environ.get("ACUPATH_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
PASSWORD = "correct horse battery staple"
SECRET = "test-secret-key-that-is-long-enough-0123456789"


@dataclass(frozen=True)
class Persona:
    """A named user of the access tests."""

    name: str
    clinic: str
    role: str

    @property
    def email(self) -> str:
        """Return the persona's login email."""
        return f"{self.name}@{self.clinic}.example"


PERSONAS = {
    p.name: p
    for p in (
        Persona("dr_lee", "harbour_clinic", "clinician"),
        Persona("dr_patel", "harbour_clinic", "clinician"),
        Persona("rita_reception", "harbour_clinic", "reception"),
        Persona("ada_admin", "harbour_clinic", "admin"),
        Persona("dr_outsider", "hill_clinic", "clinician"),
    )
}


def example_intake(name: str = "chronic_low_back_pain") -> dict[str, Any]:
    """Return an example intake as JSON values, without its patient block (the API fills it in)."""
    document = yaml.safe_load((ROOT / "examples" / "intakes" / f"{name}.yaml").read_text())
    document.pop("patient", None)
    return json.loads(json.dumps(document, default=str))


@dataclass
class World:
    """The app, its client, the personas' tokens and the records ``dr_lee`` made."""

    client: TestClient
    uow_factory: Any
    clinic_ids: dict[str, str]
    user_ids: dict[str, str]
    tokens: dict[str, str] = field(default_factory=dict)
    ids: dict[str, str] = field(default_factory=dict)

    def headers(self, persona: str | None) -> dict[str, str]:
        """Return the Authorization header of ``persona`` (none for None)."""
        return {} if persona is None else {"Authorization": f"Bearer {self.tokens[persona]}"}

    def call(self, persona: str | None, method: str, path: str, body: Any = None) -> Any:
        """Send one request as ``persona`` (by bearer token alone, no cookie); returns the response."""
        self.client.cookies.clear()
        return self.client.request(method, path, json=body, headers=self.headers(persona))

    def version_of(self, path: str) -> int:
        """Return the current ``version`` of the record at ``path`` as ``dr_lee`` reads it."""
        return int(self.call("dr_lee", "GET", path).json()["version"])


def seed_people(uow_factory: Any) -> tuple[dict[str, str], dict[str, str]]:
    hasher = Argon2idHasher()
    clinic_ids = {name: users.create_clinic(uow_factory(), name.replace("_", " ")).id
                  for name in sorted({p.clinic for p in PERSONAS.values()})}
    user_ids = {}
    for persona in PERSONAS.values():
        user = users.create_user(uow_factory(), Actor.system(clinic_ids[persona.clinic]), email=persona.email,
                                 name=persona.name, role=persona.role, password=PASSWORD, hasher=hasher)
        user_ids[persona.name] = user.id
    return clinic_ids, user_ids


def seed_records(world: World) -> None:
    patient = world.call("dr_lee", "POST", "/patients", {
        "given_name": "Mei", "family_name": "Harbour", "birth_date": "1958-04-02", "sex": "female"})
    assert patient.status_code == 201, patient.text
    world.ids["patient"] = patient.json()["id"]
    intake = world.call("dr_lee", "POST", f"/patients/{world.ids['patient']}/intakes", example_intake())
    assert intake.status_code == 201, intake.text
    world.ids["intake"] = intake.json()["id"]
    plan = world.call("dr_lee", "POST", f"/intakes/{world.ids['intake']}/plans", {})
    assert plan.status_code == 201, plan.text
    world.ids["plan"] = plan.json()["id"]
    session = world.call("dr_lee", "POST", f"/plans/{world.ids['plan']}/sessions", session_body(plan.json()))
    assert session.status_code == 201, session.text
    world.ids["session"] = session.json()["id"]
    event = world.call("dr_lee", "POST", f"/patients/{world.ids['patient']}/adverse-events", {
        "occurred_on": session.json()["session_date"], "type": "bruising", "severity": "mild", "outcome": "resolved",
        "session_id": world.ids["session"]})
    assert event.status_code == 201, event.text
    world.ids["event"] = event.json()["id"]
    reassessment = world.call("dr_lee", "POST", f"/patients/{world.ids['patient']}/reassessments", {
        "assessed_on": session.json()["session_date"], "plan_id": world.ids["plan"],
        "answers": {"peg": {"q1": 5, "q2": 4, "q3": 4}}})
    assert reassessment.status_code == 201, reassessment.text
    world.ids["reassessment"] = reassessment.json()["id"]


def session_body(plan_record: dict[str, Any], number: int | None = None) -> dict[str, Any]:
    """Return a STRICTA session record that follows the plan's first points, manual stimulation."""
    plan = plan_record["plan"]
    points = [{"code": p["code"], "side": p["side"], "depth": 1.0, "unit": "cun", "response_sought": "de_qi"}
              for p in plan["points"][:4]]
    first = plan["sessions"][0]["date"] if plan.get("sessions") else "2026-12-01"
    body: dict[str, Any] = {
        "session_date": first, "style": "tcm", "rationale": "protocol points of the plan",
        "points": points, "stimulation": {"kind": "manual"}, "retention_minutes": 20,
        "needle": {"diameter_mm": 0.25, "length_mm": 40, "material": "stainless steel"},
        "pain_before": 6, "pain_after": 4,
    }
    if number is not None:
        body["number"] = number
    return body


