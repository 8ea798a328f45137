"""What the clinic's auditor sees: refused tokens, other clinics' probes, patients named, exports.

Personas of ``api_world``: ``ada_admin`` reads harbour's log; ``dr_outsider`` (hill) probes harbour's ids.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from typing import Any

from api_world import SECRET, World

from acupath.api.tokens import TokenSigner
from acupath.services.records import AuditQuery


def harbour_log(world: World, **filters: str) -> list[dict[str, Any]]:
    query = "&".join(f"{k}={v}" for k, v in filters.items())
    response = world.call("ada_admin", "GET", f"/audit?limit=200&{query}")
    assert response.status_code == 200, response.text
    return response.json()["items"]


def entries_of_no_clinic(world: World) -> list[Any]:
    with world.uow_factory() as uow:
        return uow.audit.export_batch(None, AuditQuery(), 0, 2**62, 10_000)  # type: ignore[arg-type]


def test_a_forged_or_missing_token_is_audited_with_route_address_and_reason_but_no_token(world: World) -> None:
    forged = TokenSigner("another-secret-key-of-sufficient-length-000", timedelta(hours=1)).issue(
        world.user_ids["ada_admin"], world.clinic_ids["harbour_clinic"], "admin", datetime.now(UTC))[0]
    before = len(entries_of_no_clinic(world))
    assert world.client.get(f"/patients/{world.ids['patient']}", headers={
        "Authorization": f"Bearer {forged}"}).status_code == 401
    world.client.cookies.clear()
    assert world.client.get("/audit").status_code == 401
    forged_entry, missing_entry = entries_of_no_clinic(world)[before:]
    assert (forged_entry.action, forged_entry.record_id, forged_entry.outcome.value, forged_entry.user_id) == (
        "request.refused", "GET /patients/{patient_id}", "unauthenticated", "unknown")
    assert forged_entry.detail == "the token is not genuine" and forged_entry.remote_address == "testclient"
    assert missing_entry.record_id == "GET /audit" and "no bearer token" in missing_entry.detail
    # Neither the token nor the patient id of the path is written.
    for entry in (forged_entry, missing_entry):
        assert forged not in repr(entry) and world.ids["patient"] not in repr(entry)


def test_an_expired_token_is_audited_in_its_users_clinic(world: World) -> None:
    token, _ = TokenSigner(SECRET, timedelta(minutes=5)).issue(
        world.user_ids["dr_lee"], world.clinic_ids["harbour_clinic"], "clinician",
        datetime.now(UTC) - timedelta(minutes=6))
    world.client.cookies.clear()
    assert world.client.get(f"/plans/{world.ids['plan']}/progress", headers={
        "Authorization": f"Bearer {token}"}).status_code == 401
    entry = harbour_log(world, action="request.refused")[0]
    assert (entry["user_id"], entry["record_id"], entry["outcome"], entry["actor_clinic_id"]) == (
        world.user_ids["dr_lee"], "GET /plans/{plan_id}/progress", "unauthenticated",
        world.clinic_ids["harbour_clinic"])
    assert "expired" in entry["detail"] and token not in json.dumps(entry)


def test_a_token_revoked_at_logout_is_audited_when_used_again(world: World) -> None:
    world.client.cookies.clear()
    login = world.client.post("/auth/login", json={"email": "dr_patel@harbour_clinic.example",
                                                   "password": "correct horse battery staple"})
    headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
    assert world.client.post("/auth/logout", headers=headers).status_code == 204
    world.client.cookies.clear()
    assert world.client.get("/patients", headers=headers).status_code == 401
    entry = harbour_log(world, action="request.refused", user_id=world.user_ids["dr_patel"])[0]
    assert (entry["record_id"], entry["outcome"]) == ("GET /patients", "unauthenticated")
    assert "revoked" in entry["detail"]


def test_another_clinics_probe_of_an_intake_is_in_the_owners_log_with_the_patient(world: World) -> None:
    intake = world.ids["intake"]
    assert world.call("dr_outsider", "GET", f"/intakes/{intake}").status_code == 404
    [probe] = [e for e in harbour_log(world, action="intake.read", user_id=world.user_ids["dr_outsider"])]
    assert (probe["record_id"], probe["patient_id"], probe["outcome"], probe["actor_clinic_id"]) == (
        intake, world.ids["patient"], "denied", world.clinic_ids["hill_clinic"])


def test_a_refused_read_of_an_intake_names_its_patient(world: World) -> None:
    assert world.call("rita_reception", "GET", f"/intakes/{world.ids['intake']}").status_code == 403
    entry = harbour_log(world, action="intake.read", user_id=world.user_ids["rita_reception"])[0]
    assert (entry["outcome"], entry["patient_id"]) == ("denied", world.ids["patient"])


def test_x_forwarded_for_does_not_set_the_logged_address_by_default(world: World) -> None:
    world.client.cookies.clear()
    response = world.client.get(f"/patients/{world.ids['patient']}", headers={
        **world.headers("dr_lee"), "X-Forwarded-For": "203.0.113.9"})
    assert response.status_code == 200
    entry = harbour_log(world, action="patient.read", user_id=world.user_ids["dr_lee"])[0]
    assert entry["remote_address"] == "testclient"


def test_the_administrator_exports_the_clinics_log_as_csv_and_ndjson_and_the_export_is_audited(
    world: World
) -> None:
    assert world.call("dr_outsider", "GET", f"/patients/{world.ids['patient']}").status_code == 404
    as_csv = world.call("ada_admin", "GET", "/audit/export?format=csv")
    assert as_csv.status_code == 200 and as_csv.headers["content-type"].startswith("text/csv")
    assert "attachment" in as_csv.headers["content-disposition"] and as_csv.headers["cache-control"] == "no-store"
    rows = list(csv.DictReader(io.StringIO(as_csv.text)))
    assert {r["clinic_id"] for r in rows} == {world.clinic_ids["harbour_clinic"]}
    assert rows[-1]["action"] == "audit.export" and rows[-1]["user_id"] == world.user_ids["ada_admin"]
    assert [int(r["id"]) for r in rows] == sorted(int(r["id"]) for r in rows)
    assert any(r["user_id"] == world.user_ids["dr_outsider"] for r in rows)  # the probe, in harbour's log
    as_ndjson = world.call("ada_admin", "GET", "/audit/export?format=ndjson")
    objects = [json.loads(line) for line in as_ndjson.text.splitlines()]
    assert as_ndjson.headers["content-type"] == "application/x-ndjson"
    # Everything of the CSV export, then that export's own entry, then this one's.
    assert [o["id"] for o in objects][:len(rows)] == [int(r["id"]) for r in rows]
    assert [o["action"] for o in objects[len(rows):]] == ["audit.export"]


def test_the_hill_administrator_exports_nothing_of_harbour(world: World) -> None:
    # The outsider is a clinician: refused, and the refusal is in hill's log.
    assert world.call("dr_outsider", "GET", "/audit/export").status_code == 403
    bad = world.call("ada_admin", "GET", "/audit/export?format=xml")
    assert bad.status_code == 422 and "format" in bad.text
