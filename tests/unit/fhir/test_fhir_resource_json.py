"""The bulk export's fast path writes exactly the JSON the validated path writes, for every resource of
the demo clinic (every type of the patient record), so the two cannot drift apart."""

# ruff: noqa: F811  (each test takes the imported ``demo`` fixture as its argument)
from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta, timezone

import orjson
from fhir_demo import demo  # noqa: F401  (the fixture)

from acupath.fhir import as_json
from acupath.fhir.chart import PATIENT_TYPES, chart_documents
from acupath.fhir.people import patient
from acupath.fhir.resource_json import compact, instant, ndjson_line, validated
from acupath.services import fhir_reads


def _bodies(demo) -> list[dict]:
    with demo.uow:
        everyone = list(demo.uow.working.table("patients").values())
    return [body for p in everyone
            for body in chart_documents(fhir_reads.patient_chart(demo.uow, demo.admin, p.id), demo.kb, demo.canon)]


def test_every_fast_line_is_the_json_of_the_validated_model(demo) -> None:
    bodies = _bodies(demo)
    assert set(PATIENT_TYPES) <= {body["resourceType"] for body in bodies}
    for body in bodies:
        line = ndjson_line(body)
        assert line.endswith(b"\n") and line.count(b"\n") == 1
        assert orjson.loads(line) == as_json(validated(body)), body["resourceType"]


def test_a_type_left_out_is_not_mapped(demo) -> None:
    with demo.uow:
        someone = next(iter(demo.uow.working.table("patients").values()))
    chart = fhir_reads.patient_chart(demo.uow, demo.clinician, someone.id)
    only = Counter(b["resourceType"] for b in chart_documents(chart, demo.kb, demo.canon,
                                                              types={"Observation", "Patient"}, staff=False))
    assert set(only) == {"Observation", "Patient"} and only["Patient"] == 1


def test_the_mapper_validates_what_its_body_builds(demo) -> None:
    with demo.uow:
        someone = next(iter(demo.uow.working.table("patients").values()))
    body = patient.body(someone, demo.canon)
    assert isinstance(body, dict) and as_json(patient(someone, demo.canon)) == compact(body)


def test_instants_are_written_in_utc_with_z_as_the_models_write_them() -> None:
    assert instant(datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)) == "2026-01-02T03:04:05Z"
    assert instant(datetime(2026, 1, 2, 4, 4, 5, 120, tzinfo=timezone(timedelta(hours=1)))) == \
        "2026-01-02T03:04:05.000120Z"
    assert instant(date(2026, 1, 2)) == "2026-01-02"
