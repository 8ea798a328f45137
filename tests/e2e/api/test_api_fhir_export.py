"""FHIR Bulk Data export (``$export``) with the personas, on SQLite and PostgreSQL: kick-off, status,
manifest and NDJSON files per the Bulk Data Access IG; ``_type``, ``_since``, the Group of a clinician's
panel; the same clinic isolation, roles and audit as the rest of the API; bad parameters named."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
import pytest
from api_world import World
from fhir.resources.R4B import get_fhir_model_class

from acupath.api.fhir_export_runner import ExportRunner
from acupath.fhir.bulk_request import BULK_TYPES
from acupath.services import fhir_export
from acupath.services.actor import Actor, Role
from acupath.services.fhir_export_records import ExportLevel

ASYNC = {"Prefer": "respond-async", "Accept": "application/fhir+json"}
BASE = "https://testserver"


@pytest.fixture(scope="module")
def exports(world: World, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """The world, its exports written under a temporary directory by one thread."""
    runner = ExportRunner(tmp_path_factory.mktemp("exports"), 1)
    world.client.app.state.fhir_export = runner
    yield world
    runner.pool.shutdown(wait=True)


def _kick_off(world: World, persona: str, path: str, headers: dict[str, str] | None = None) -> Any:
    world.client.cookies.clear()
    return world.client.get(path, headers={**world.headers(persona), **(ASYNC if headers is None else headers)})


def _finished(world: World, persona: str, status_url: str) -> Any:
    deadline = time.monotonic() + 120
    while True:
        response = world.call(persona, "GET", status_url.removeprefix(BASE))
        if response.status_code != 202 or time.monotonic() > deadline:
            return response
        assert response.headers["Retry-After"] and response.headers["X-Progress"]
        time.sleep(0.05)


def _export(world: World, persona: str, path: str) -> tuple[dict[str, Any], dict[str, list[dict[str, Any]]]]:
    """Kick off, poll, download every file; return the manifest and the resources by type."""
    kicked = _kick_off(world, persona, path)
    assert kicked.status_code == 202, kicked.text
    status_url = kicked.headers["Content-Location"]
    assert status_url.startswith(f"{BASE}/fhir/R4/$export-status/")
    done = _finished(world, persona, status_url)
    assert done.status_code == 200, done.text
    assert done.headers["content-type"].startswith("application/json") and done.headers["Expires"]
    manifest = done.json()
    resources: dict[str, list[dict[str, Any]]] = {}
    for item in manifest["output"]:
        got = world.call(persona, "GET", item["url"].removeprefix(BASE))
        assert got.status_code == 200 and got.headers["content-type"].startswith("application/fhir+ndjson")
        lines = got.content.splitlines()
        assert len(lines) == item["count"] > 0
        resources[item["type"]] = [orjson.loads(line) for line in lines]
        assert {r["resourceType"] for r in resources[item["type"]]} == {item["type"]}
    return manifest, resources


def test_a_clinic_export_gives_a_manifest_and_valid_ndjson_files(exports: World) -> None:
    world = exports
    manifest, resources = _export(world, "dr_lee", "/fhir/R4/$export")
    assert manifest["requiresAccessToken"] is True and manifest["error"] == []
    assert manifest["request"].endswith("/fhir/R4/$export")
    assert datetime.fromisoformat(manifest["transactionTime"].replace("Z", "+00:00")) <= datetime.now(UTC)
    assert [item["type"] for item in manifest["output"]] == [t for t in BULK_TYPES if t in resources]
    for kind, items in resources.items():
        model = get_fhir_model_class(kind)
        for item in items:  # every line validates as its R4B model
            model.model_validate(item)
    ids = {kind: {r["id"] for r in items} for kind, items in resources.items()}
    assert world.ids["patient"] in ids["Patient"] and len(resources["Organization"]) == 1
    assert world.ids["plan"] in ids["CarePlan"] and world.ids["session"] in ids["Procedure"]
    assert world.ids["event"] in ids["AdverseEvent"] and world.ids["intake"] in ids["Condition"]
    assert {"QuestionnaireResponse", "Observation", "DetectedIssue", "Practitioner"} <= set(resources)
    assert "AuditEvent" not in resources
    outsider = world.clinic_ids["hill_clinic"]
    assert all(r.get("managingOrganization", {}).get("reference") != f"Organization/{outsider}"
               for r in resources["Patient"])


def test_the_export_is_audited_for_each_patient_written(exports: World) -> None:
    world = exports
    kicked = _kick_off(world, "dr_lee", "/fhir/R4/Patient/$export?_type=Patient")
    job_id = kicked.headers["Content-Location"].rsplit("/", 1)[1]
    done = _finished(world, "dr_lee", kicked.headers["Content-Location"])
    assert world.call("dr_lee", "GET", done.json()["output"][0]["url"].removeprefix(BASE)).status_code == 200
    with world.uow_factory() as uow:
        entries = uow.audit.list(world.clinic_ids["harbour_clinic"], offset=0, limit=100_000)
    of_job = [e for e in entries if e.record_id == job_id]
    exported = {e.patient_id for e in of_job if e.action == "fhir.export"}
    assert world.ids["patient"] in exported and len(exported) == done.json()["output"][0]["count"]
    assert {e.action for e in of_job} == {"fhir.export.start", "fhir.export", "fhir.export.download"}
    assert all(e.user_id == world.user_ids["dr_lee"] for e in of_job)


def test_type_limits_the_files_to_the_types_asked(exports: World) -> None:
    manifest, resources = _export(exports, "dr_patel", "/fhir/R4/$export?_type=Observation,Patient")
    assert [item["type"] for item in manifest["output"]] == ["Patient", "Observation"]
    assert set(resources) == {"Patient", "Observation"}


def test_since_exports_only_what_changed_after_it(exports: World) -> None:
    world = exports
    cut = datetime.now(UTC).isoformat().replace("+00:00", "Z")
    time.sleep(0.01)
    new = world.call("dr_lee", "POST", "/patients", {"given_name": "Ines", "family_name": "Later",
                                                     "birth_date": "1970-01-01", "sex": "female"})
    assert new.status_code == 201, new.text
    _, resources = _export(world, "dr_lee", f"/fhir/R4/$export?_type=Patient,Procedure&_since={cut}")
    assert [r["id"] for r in resources["Patient"]] == [new.json()["id"]]
    assert "Procedure" not in resources


def test_a_group_is_a_clinicians_panel_and_exports_only_its_patients(exports: World) -> None:
    world = exports
    lee = f"panel-{world.user_ids['dr_lee']}"
    listed = world.call("dr_patel", "GET", "/fhir/R4/Group")
    assert listed.status_code == 200 and lee in {e["resource"]["id"] for e in listed.json()["entry"]}
    group = world.call("dr_patel", "GET", f"/fhir/R4/Group/{lee}")
    assert group.status_code == 200, group.text
    members = {m["entity"]["reference"] for m in group.json()["member"]}
    assert f"Patient/{world.ids['patient']}" in members and group.json()["quantity"] == len(members)
    _, resources = _export(world, "dr_patel", f"/fhir/R4/Group/{lee}/$export?_type=Patient")
    assert {f"Patient/{r['id']}" for r in resources["Patient"]} == members
    patel = world.call("dr_lee", "GET", f"/fhir/R4/Group/panel-{world.user_ids['dr_patel']}")
    assert patel.status_code == 200 and "member" not in patel.json()
    assert world.call("dr_lee", "GET", "/fhir/R4/Group/panel-nobody").status_code == 404
    outsider = world.call("dr_lee", "GET", f"/fhir/R4/Group/panel-{world.user_ids['dr_outsider']}")
    assert outsider.status_code == 404
    assert _kick_off(world, "dr_lee", "/fhir/R4/Group/panel-nobody/$export").status_code == 404


def test_another_clinic_or_user_cannot_see_the_status_or_files(exports: World) -> None:
    world = exports
    kicked = _kick_off(world, "dr_lee", "/fhir/R4/$export?_type=Patient")
    status = kicked.headers["Content-Location"].removeprefix(BASE)
    done = _finished(world, "dr_lee", kicked.headers["Content-Location"])
    file_url = done.json()["output"][0]["url"].removeprefix(BASE)
    for persona in ("dr_outsider", "dr_patel"):
        for method, path in (("GET", status), ("GET", file_url), ("DELETE", status)):
            response = world.call(persona, method, path)
            assert response.status_code == 404, (persona, method, path, response.text)
            assert response.json()["resourceType"] == "OperationOutcome"
    assert world.call("ada_admin", "GET", status).status_code == 200  # the clinic's administrator may
    assert world.call("rita_reception", "GET", status).status_code == 403
    assert world.call(None, "GET", status).status_code == 401


def test_reception_may_not_export(exports: World) -> None:
    response = _kick_off(exports, "rita_reception", "/fhir/R4/$export")
    assert response.status_code == 403 and response.json()["resourceType"] == "OperationOutcome"


def test_delete_cancels_and_removes_the_files(exports: World) -> None:
    world = exports
    kicked = _kick_off(world, "dr_lee", "/fhir/R4/Patient/$export")
    status = kicked.headers["Content-Location"].removeprefix(BASE)
    job_id = status.rsplit("/", 1)[1]
    assert world.call("dr_lee", "DELETE", status).status_code == 202
    world.client.app.state.fhir_export.pool.submit(lambda: None).result(timeout=120)  # the worker has stopped
    assert world.call("dr_lee", "GET", status).status_code == 404
    assert world.call("dr_lee", "DELETE", status).status_code == 404
    assert not world.client.app.state.fhir_export.directory_of(job_id).exists()


def test_a_second_export_while_one_runs_is_refused_with_retry_after(exports: World) -> None:
    world = exports
    lee = Actor(world.user_ids["dr_lee"], world.clinic_ids["harbour_clinic"], Role.CLINICIAN)
    fhir_export.start_export(world.uow_factory(), lee, job_id="f" * 32, level=ExportLevel.SYSTEM,
                             types=["Patient"], since=None, request_url="https://testserver/fhir/R4/$export")
    try:
        refused = _kick_off(world, "dr_patel", "/fhir/R4/$export")
        assert refused.status_code == 429 and refused.headers["Retry-After"]
        assert refused.json()["resourceType"] == "OperationOutcome"
    finally:
        fhir_export.cancel_export(world.uow_factory(), lee, "f" * 32)


@pytest.mark.parametrize(("path", "headers", "field"), [
    ("/fhir/R4/$export?_type=Patient,Unicorn", ASYNC, "_type"),
    ("/fhir/R4/$export?_type=AuditEvent", ASYNC, "_type"),
    ("/fhir/R4/$export?_since=yesterday", ASYNC, "_since"),
    ("/fhir/R4/$export?_since=2026-12-01", ASYNC, "_since"),
    ("/fhir/R4/$export?_outputFormat=text/csv", ASYNC, "_outputFormat"),
    ("/fhir/R4/$export?_elements=id", ASYNC, "_elements"),
    ("/fhir/R4/$export", {"Accept": "application/fhir+json"}, "Prefer"),
    ("/fhir/R4/Patient/$export", {"Prefer": "respond-async", "Accept": "text/html"}, "Accept"),
])
def test_a_bad_parameter_is_400_naming_it(exports: World, path: str, headers: dict[str, str], field: str) -> None:
    response = _kick_off(exports, "dr_lee", path, headers)
    assert response.status_code == 400, response.text
    issue = response.json()["issue"][0]
    assert issue["code"] == "invalid" and issue["expression"] == [field]


def test_lenient_handling_ignores_an_unknown_parameter(exports: World) -> None:
    world = exports
    kicked = _kick_off(world, "dr_lee", "/fhir/R4/$export?_type=Patient&_elements=id",
                       {"Prefer": "respond-async, handling=lenient", "Accept": "application/fhir+json"})
    assert kicked.status_code == 202, kicked.text
    assert _finished(world, "dr_lee", kicked.headers["Content-Location"]).status_code == 200


def test_metadata_states_the_bulk_data_operations(exports: World) -> None:
    body = exports.call(None, "GET", "/fhir/R4/metadata").json()
    rest = body["rest"][0]
    assert "http://hl7.org/fhir/uv/bulkdata/CapabilityStatement/bulk-data" in body["instantiates"]
    assert [op["name"] for op in rest["operation"]] == ["export"]
    by_type = {r["type"]: r for r in rest["resource"]}
    assert "export" in {op["name"] for op in by_type["Patient"]["operation"]}
    assert [op["definition"] for op in by_type["Group"]["operation"]] == [
        "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/group-export"]


def test_an_export_whose_process_ended_is_reported_failed_and_blocks_nothing(exports: World) -> None:
    world = exports
    lee = Actor(world.user_ids["dr_lee"], world.clinic_ids["harbour_clinic"], Role.CLINICIAN)
    uow = world.uow_factory()
    uow.clock = lambda: datetime.now(UTC) - timedelta(hours=2)  # queued two hours ago, never started
    fhir_export.start_export(uow, lee, job_id="e" * 32, level=ExportLevel.SYSTEM, types=["Patient"], since=None,
                             request_url="https://testserver/fhir/R4/$export")
    kicked = _kick_off(world, "dr_lee", "/fhir/R4/$export?_type=Organization")
    assert kicked.status_code == 202, kicked.text
    assert _finished(world, "dr_lee", kicked.headers["Content-Location"]).status_code == 200
    status = world.call("dr_lee", "GET", f"/fhir/R4/$export-status/{'e' * 32}")
    assert status.status_code == 500 and status.json()["issue"][0]["diagnostics"] == fhir_export.STOPPED
