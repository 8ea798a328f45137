"""Helpers of the FHIR import tests: a fresh clinic on the fakes, the demo's transaction Bundles, and the
scores a patient's exported Observations hold (by instrument and scale code)."""

from __future__ import annotations

from typing import Any

from fhir_demo import Demo
from service_fakes import FROZEN_NOW, FakeUnitOfWork

from acupath.fhir import as_json
from acupath.fhir.chart import chart_resources
from acupath.services import fhir_reads
from acupath.services.actor import Actor, Role
from acupath.services.records import Clinic
from fhir_transactions import transaction_of


def fresh_clinic() -> tuple[FakeUnitOfWork, Actor]:
    """A new, empty database with one clinic (``hill``) and the clinician who imports into it."""
    uow = FakeUnitOfWork()
    with uow:
        uow.clinics.add(Clinic(id="hill", name="Hill Clinic", created_at=FROZEN_NOW))
        uow.commit()
    return uow, Actor("dr-hill", "hill", Role.CLINICIAN, "10.9.9.9")


def exported(demo: Demo, uow: FakeUnitOfWork, actor: Actor, patient_id: str) -> list[dict[str, Any]]:
    """Every resource of the patient's record as ``$everything`` gives it (JSON)."""
    return [as_json(r) for r in chart_resources(fhir_reads.patient_chart(uow, actor, patient_id), demo.kb, demo.canon)]


def demo_bundles(demo: Demo) -> list[tuple[str, str, dict[str, Any]]]:
    """(patient id, intake id, transaction Bundle) of every demo patient's first intake."""
    with demo.uow:
        patients = list(demo.uow.working.table("patients").values())
        intakes = {p.id: demo.uow.intakes.list_for_patient(p.clinic_id, p.id) for p in patients}
    out = []
    for n, patient in enumerate(patients):
        if intakes[patient.id]:
            intake_id = intakes[patient.id][0].id
            resources = exported(demo, demo.uow, demo.clinician, patient.id)
            out.append((patient.id, intake_id, transaction_of(resources, intake_id, identifier=f"HILL-{n:04d}")))
    return out


def scores_of(resources: list[dict[str, Any]], intake_id: str) -> dict[tuple[str, str], Any]:
    """{(instrument response id, score code): value or None} of the intake's Observations."""
    out = {}
    for resource in resources:
        if resource["resourceType"] != "Observation":
            continue
        source = resource["derivedFrom"][0]["reference"].removeprefix("QuestionnaireResponse/")
        if not source.startswith(f"{intake_id}-"):
            continue
        code = next(c["code"] for c in resource["code"]["coding"] if c["system"].endswith("/instrument-scores"))
        out[(source.removeprefix(f"{intake_id}-"), code)] = (resource.get("valueQuantity") or {}).get("value")
    return out
