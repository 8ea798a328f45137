"""Write ``examples/fhir/neck_pain_transaction.json``: the transaction Bundle README's import ``curl`` sends.

It is what another system would send for ``examples/intakes/neck_pain.yaml`` (with a PHQ-9): a Patient
with its MRN, the Condition (ICD-10-CM M54.2), the intake's own QuestionnaireResponse and the NDI's
and PHQ-9's, each made by the mappers the export uses. Run: ``.venv/bin/python scripts/fhir_example_bundle.py``.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from acupath.assessment.intake import parse_intake
from acupath.cli.files import read_data
from acupath.fhir import Canon, as_json
from acupath.fhir.conditions import intake_conditions
from acupath.fhir.intake_form import intake_response
from acupath.fhir.questionnaires import questionnaire_response
from acupath.knowledge import load_knowledge
from acupath.services.records import IntakeRecord

ROOT = Path(__file__).resolve().parents[1]
PHQ9 = {"q1": 1, "q2": 2, "q3": 2, "q4": 1, "q5": 0, "q6": 1, "q7": 1, "q8": 0, "q9": 0}


def main() -> None:
    """Write the example Bundle."""
    kb, canon = load_knowledge(), Canon()
    document = read_data(ROOT / "examples" / "intakes" / "neck_pain.yaml")
    document["questionnaires"]["phq9"] = PHQ9
    answers = parse_intake(document).model_dump(mode="json", by_alias=True)
    record = IntakeRecord(id="neck", clinic_id="gp", patient_id="p1", answers=answers, scores={},
                          knowledge_version=kb.version, recorded_at=datetime(2026, 12, 1, 9, tzinfo=UTC),
                          recorded_by="gp")
    patient = {"resourceType": "Patient", "identifier": [{"type": {"coding": [{
        "system": "http://terminology.hl7.org/CodeSystem/v2-0203", "code": "MR"}]},
        "system": "urn:example:riverside-gp/mrn", "value": "RGP-20931"}],
        "name": [{"use": "official", "family": "Okafor", "given": ["Grace"]}], "gender": "female",
        "birthDate": "1975-09-30", "telecom": [{"system": "phone", "value": "+44 20 7946 0321"}]}
    resources = [as_json(r) for r in intake_conditions(record, kb, canon)]
    resources.append(as_json(intake_response(record, canon)))
    resources += [as_json(questionnaire_response(
        record_id="neck", patient_id="p1", instrument_id=name, answers=given, knowledge_version=kb.version,
        authored=record.recorded_at, author="gp", amended=False, kb=kb, canon=canon))
        for name, given in answers["questionnaires"].items()]
    entries = [{"fullUrl": "urn:uuid:6f1c1a52-3d0e-4d7e-9d55-0c1b8f9a2e01", "resource": patient,
                "request": {"method": "POST", "url": "Patient",
                            "ifNoneExist": "identifier=urn:example:riverside-gp/mrn|RGP-20931"}}]
    for n, resource in enumerate(resources):
        for key in ("id", "evidence", "recorder", "author", "source"):
            resource.pop(key, None)
        resource["subject"] = {"reference": entries[0]["fullUrl"]}
        if "questionnaire" in resource:  # a form filler may leave the version out: it is not needed
            resource["questionnaire"] = resource["questionnaire"].split("|")[0]
        entries.append({"fullUrl": f"urn:uuid:6f1c1a52-3d0e-4d7e-9d55-0c1b8f9a2e{n + 2:02d}", "resource": resource,
                        "request": {"method": "POST", "url": resource["resourceType"]}})
    bundle = {"resourceType": "Bundle", "type": "transaction",
              "identifier": {"system": "urn:example:riverside-gp/referrals", "value": "REF-2026-1187"},
              "entry": entries}
    target = ROOT / "examples" / "fhir" / "neck_pain_transaction.json"
    target.parent.mkdir(exist_ok=True)
    target.write_text(json.dumps(bundle, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
