"""The fixture of the FHIR mapping tests: the demo clinic built through the services on the in-memory fakes.

Not a conftest.py: the service tests import their own conftest by name (``from conftest import
Personas``), which a second conftest.py collected after theirs would shadow. Test modules import ``demo``.

``demo_chart``: the demo clinic (``acupath demo``'s builder, one patient per condition) plus a patient
whose malignancy red flag a clinician overrode, and an adverse event amended once, so that every kind of
record (override, amendment, electroacupuncture session) is there to map.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "services"))

from fhir_checks import OVERRIDE_REASON
from service_fakes import FakeUnitOfWork

from acupath.cli.demo import build_demo
from acupath.fhir import Canon
from acupath.fhir.chart import chart_resources
from acupath.knowledge import KnowledgeBase
from acupath.services import fhir_reads, intakes, patients, plans, sessions
from acupath.services.actor import Actor, Role
from acupath.services.amendments import amend_adverse_event

TODAY = date(2026, 12, 1)


@dataclass
class Demo:
    """The clinic on the fakes, its actors, the records added, and every resource of every patient."""

    uow: FakeUnitOfWork
    kb: KnowledgeBase
    canon: Canon
    clinician: Actor
    admin: Actor
    overridden_plan_id: str
    amended_event_id: str
    resources: list[Any]


@pytest.fixture(scope="session")
def demo(kb: KnowledgeBase) -> Demo:
    """The demo clinic with an override and an amendment; every patient's resources as the admin sees them."""
    uow = FakeUnitOfWork()
    summary = build_demo(lambda: uow, kb, seed=7, today=TODAY, per_condition=1)
    clinic_id = summary["clinic_id"]
    with uow:
        users = {u.role: u for u in uow.users.list(clinic_id)}
    clinician = Actor(users["clinician"].id, clinic_id, Role.CLINICIAN, "10.0.0.1")
    admin = Actor(users["admin"].id, clinic_id, Role.ADMIN, "10.0.0.4")
    root = Path(__file__).resolve().parents[3]
    document = yaml.safe_load((root / "examples" / "intakes" / "safety_malignancy.yaml").read_text())
    document.pop("patient", None)
    document.pop("overrides", None)
    person = patients.register_patient(uow, clinician, {"given_name": "Ana", "family_name": "Override",
                                                         "birth_date": "1955-02-03", "sex": "female"})
    intake = intakes.record_intake(uow, clinician, person.id, document, kb)
    plan = plans.create_plan(uow, clinician, intake.id, kb, today=TODAY,
                             overrides=[{"finding": "systemic_malignancy", "reason": OVERRIDE_REASON}])
    event = sessions.record_adverse_event(uow, clinician, person.id, {
        "occurred_on": TODAY.isoformat(), "type": "bruising", "severity": "mild", "outcome": "resolved"}, today=TODAY)
    amend_adverse_event(uow, clinician, event.id, {"version": 1, "changes": {"outcome": "ongoing"},
                                                   "reason": "the bruise had not gone at the call"}, today=TODAY)
    canon = Canon("https://clinic.example/fhir")
    with uow:
        everyone = list(uow.working.table("patients").values())
    resources = [r for p in everyone for r in chart_resources(fhir_reads.patient_chart(uow, admin, p.id), kb, canon)]
    return Demo(uow=uow, kb=kb, canon=canon, clinician=clinician, admin=admin, overridden_plan_id=plan.id,
                amended_event_id=event.id, resources=resources)
