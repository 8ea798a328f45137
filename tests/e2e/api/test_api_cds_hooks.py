"""CDS Hooks 2.0 over HTTP, on SQLite and PostgreSQL: the specification's example requests answered,
an EHR's pacemaker and EA order refused with a critical card, acupath's own record of a patient used
when the EHR's Patient carries acupath's MRN, feedback kept, and every bad JWT refused with 401 and
audited."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jwt
import pytest
from api_world import World, example_intake
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from acupath.api.cds_auth import CdsConfig, load_clients
from acupath.fhir import Canon
from cds_records import condition, device, hook_request, medication, order, patient, prefetch

BASE = "https://testserver/cds-services"
EHR = "https://ehr.example.org"
RSA_EHR = "https://rsa-ehr.example.org"
HILL_EHR = "https://hill-ehr.example.org"


class Keys:
    """The test EHRs' private keys: an EC P-384 key (PEM-configured), an RSA key (a JWK set) and a stranger."""

    ec_key = ec.generate_private_key(ec.SECP384R1())
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    stranger = ec.generate_private_key(ec.SECP384R1())


def token(service: str = "order-sign", *, iss: str = EHR, key: Any = None, alg: str = "ES384", kid: str = "ehr-1",
          lifetime: int = 300, iat: int | None = None, drop: str | None = None, aud: str | None = None,
          jti: str | None = None, tenant: str = "2ddd6c3a-8e9a-44c6-a305-52111ad302a2") -> str:
    now = int(time.time()) if iat is None else iat
    claims: dict[str, Any] = {"iss": iss, "aud": aud or f"{BASE}/{service}", "iat": now, "exp": now + lifetime,
                              "jti": jti or str(uuid.uuid4()), "tenant": tenant}
    if drop:
        claims.pop(drop)
    return jwt.encode(claims, key if key is not None else Keys.ec_key, algorithm=alg, headers={"kid": kid})


@pytest.fixture(scope="module")
def cds(world: World, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """``world`` with three EHR clients configured: harbour's (EC PEM file, RSA JWK set) and hill's."""
    folder: Path = tmp_path_factory.mktemp("cds")
    public = Keys.ec_key.public_key().public_bytes(serialization.Encoding.PEM,
                                                   serialization.PublicFormat.SubjectPublicKeyInfo)
    (folder / "ehr.pem").write_bytes(public)
    rsa_jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(Keys.rsa_key.public_key()))
    harbour, hill = world.clinic_ids["harbour_clinic"], world.clinic_ids["hill_clinic"]
    (folder / "clients.json").write_text(json.dumps({"clients": [
        {"iss": EHR, "clinic": harbour, "public_key_file": "ehr.pem", "jku": "https://ehr.example.org/jwks"},
        {"iss": RSA_EHR, "clinic": harbour, "jwks": {"keys": [{**rsa_jwk, "kid": "rsa-1", "alg": "RS384"}]}},
        {"iss": HILL_EHR, "clinic": hill, "public_key_pem": public.decode(), "tenant": "hill-tenant"},
    ]}))
    app = world.client.app
    saved = app.state.cds
    app.state.cds = CdsConfig(load_clients(str(folder / "clients.json")), None)
    yield world
    app.state.cds = saved


def call(world: World, service: str, body: Any, jwt_token: str | None) -> Any:
    world.client.cookies.clear()
    headers = {"Authorization": f"Bearer {jwt_token}"} if jwt_token else {}
    return world.client.post(f"/cds-services/{service}", json=body, headers=headers)


def by_code(response: Any, code: str) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    return next(c for c in response.json()["cards"] if c["source"].get("topic", {}).get("code") == code)


def audit_entries(world: World, clinic: str, action: str) -> list[Any]:
    with world.uow_factory() as uow:
        return [e for e in uow.audit.list(world.clinic_ids[clinic], limit=100_000) if e.action == action]


# --- the specification's examples ---------------------------------------------------------------------

def test_discovery_lists_the_services_without_a_token(cds: World) -> None:
    response = cds.client.get("/cds-services")
    assert response.status_code == 200
    assert [s["id"] for s in response.json()["services"]] == ["patient-view", "order-sign"]


def test_the_specifications_patient_view_example_is_answered(cds: World) -> None:
    # CDS Hooks 2.0, "Calling a CDS Service": the example request, as published.
    example = {
        "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea",
        "fhirServer": "http://hooks.smarthealthit.org:9080",
        "hook": "patient-view",
        "fhirAuthorization": {"access_token": "some-opaque-fhir-access-token", "token_type": "Bearer",
                              "expires_in": 300, "scope": "patient/Patient.read patient/Observation.read",
                              "subject": "cds-service4"},
        "context": {"userId": "Practitioner/example", "patientId": "1288992", "encounterId": "89284"},
        "prefetch": {"patientToGreet": {"resourceType": "Patient", "gender": "male", "birthDate": "1925-12-23",
                                        "id": "1288992", "active": True}},
    }
    response = call(cds, "patient-view", example, token("patient-view"))
    assert response.status_code == 200, response.text
    (card,) = response.json()["cards"]  # nothing to screen: it says what it did not get, never silently
    assert card["indicator"] == "info" and "Devices (not sent)" in card["detail"]


def test_the_specifications_order_sign_example_has_no_acupuncture_order_and_no_card(cds: World) -> None:
    # hooks/order-sign "Example (R4)": a pureed diet and an amoxicillin prescription.
    draft = {"resourceType": "Bundle", "entry": [
        {"resource": {"resourceType": "NutritionOrder", "id": "pureeddiet-simple", "status": "draft",
                      "patient": {"reference": "Patient/1288992"}, "dateTime": "2014-09-17",
                      "oralDiet": {"type": [{"coding": [{"system": "http://snomed.info/sct", "code": "226211001",
                                                         "display": "Pureed diet"}], "text": "Pureed diet"}]}}},
        {"resource": {"resourceType": "MedicationRequest", "id": "smart-MedicationRequest-103", "status": "draft",
                      "intent": "order", "subject": {"reference": "Patient/1288992"},
                      "medicationCodeableConcept": {"coding": [{
                          "system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "617993",
                          "display": "Amoxicillin 120 MG/ML / clavulanate potassium 8.58 MG/ML Oral Suspension"}]}}},
    ]}
    body = {"hook": "order-sign", "hookInstance": str(uuid.uuid4()),
            "context": {"userId": "PractitionerRole/123", "patientId": "1288992", "encounterId": "89284",
                        "draftOrders": draft}}
    response = call(cds, "order-sign", body, token())
    assert response.status_code == 200 and response.json() == {"cards": []}


# --- screening the EHR's record -----------------------------------------------------------------------

def test_pacemaker_and_ea_order_with_no_acupath_record_is_critical_with_a_remove_ea_suggestion(cds: World) -> None:
    body = hook_request("order-sign", instance=str(uuid.uuid4()), orders=(order("97813", rid="ea-1"),),
                        prefetch=prefetch(devices=(device("Cardiac pacemaker"),)))
    response = call(cds, "order-sign", body, token())
    card = by_code(response, "ea_implanted_device")
    assert card["indicator"] == "critical" and response.json()["cards"][0] == card
    assert "https://aim.bmj.com/content/29/2/83" in [link["url"] for link in card["links"]]
    assert card["suggestions"][0]["actions"][0] == {"type": "delete", "description": "Remove the electroacupuncture order",
                                                    "resourceId": "ServiceRequest/ea-1"}
    (entry,) = [e for e in audit_entries(cds, "harbour_clinic", "cds.order-sign") if e.record_id == body["hookInstance"]]
    assert entry.patient_id is None and entry.user_id == f"cds:{EHR}" and "ea_implanted_device" in entry.detail
    assert "pacemaker" not in entry.detail.lower()  # what the EHR sent is not written anywhere


def test_pregnancy_and_anticoagulant_warn_signed_with_rs384(cds: World) -> None:
    body = hook_request("order-sign", instance=str(uuid.uuid4()), orders=(order("97810"),), prefetch=prefetch(
        conditions=(condition("Pregnancy"),), medications=(medication("Warfarin sodium 5 MG Oral Tablet"),)))
    response = call(cds, "order-sign", body, token(iss=RSA_EHR, key=Keys.rsa_key, alg="RS384", kid="rsa-1"))
    assert by_code(response, "pregnancy_points_and_regions")["indicator"] == "warning"
    assert by_code(response, "bleeding_risk_caution")["indicator"] == "warning"


# --- acupath's own record -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def known_patient(cds: World) -> dict[str, str]:
    """A harbour patient with MRN, an intake recording a pacemaker, and a plan."""
    made = cds.call("dr_lee", "POST", "/patients", {"given_name": "Ivo", "family_name": "Pace", "mrn": "CDS-0001",
                                                    "birth_date": "1952-03-01", "sex": "male"})
    assert made.status_code == 201, made.text
    intake = example_intake()
    intake["safety"] = {**intake.get("safety", {}), "implanted_electronic_device": True}
    stored = cds.call("dr_lee", "POST", f"/patients/{made.json()['id']}/intakes", intake)
    assert stored.status_code == 201, stored.text
    plan = cds.call("dr_lee", "POST", f"/intakes/{stored.json()['id']}/plans", {})
    assert plan.status_code == 201, plan.text
    return {"id": made.json()["id"], "mrn": "CDS-0001"}


def _with_mrn(clinic_id: str, mrn: str) -> dict[str, Any]:
    system = Canon().identifier_system(f"mrn/{clinic_id}")
    return prefetch(person=patient(identifier=[{"system": system, "value": mrn}]))


def test_a_patient_known_to_acupath_brings_acupaths_screening(cds: World, known_patient: dict[str, str]) -> None:
    # The EHR's record says nothing of the device; acupath's intake does.
    harbour = cds.clinic_ids["harbour_clinic"]
    body = hook_request("order-sign", instance=str(uuid.uuid4()), orders=(order("97813"),),
                        prefetch=_with_mrn(harbour, known_patient["mrn"]))
    card = by_code(call(cds, "order-sign", body, token()), "ea_implanted_device")
    assert card["indicator"] == "critical" and "acupath's screening of" in card["detail"]
    (entry,) = [e for e in audit_entries(cds, "harbour_clinic", "cds.order-sign") if e.record_id == body["hookInstance"]]
    assert entry.patient_id == known_patient["id"] and "acupath patient" in entry.detail
    view = hook_request("patient-view", instance=str(uuid.uuid4()), prefetch=_with_mrn(harbour, known_patient["mrn"]))
    assert by_code(call(cds, "patient-view", view, token("patient-view")), "ea_implanted_device")["indicator"] == "warning"


def test_another_clinics_ehr_never_reaches_the_patient(cds: World, known_patient: dict[str, str]) -> None:
    harbour = cds.clinic_ids["harbour_clinic"]
    body = hook_request("order-sign", instance=str(uuid.uuid4()), orders=(order("97813"),),
                        prefetch=_with_mrn(harbour, known_patient["mrn"]))
    response = call(cds, "order-sign", body, token(iss=HILL_EHR, tenant="hill-tenant"))
    assert response.status_code == 200
    assert not [c for c in response.json()["cards"] if c["indicator"] == "critical"]
    (entry,) = [e for e in audit_entries(cds, "hill_clinic", "cds.order-sign") if e.record_id == body["hookInstance"]]
    assert entry.patient_id is None


def test_feedback_is_kept_in_the_audit_log(cds: World) -> None:
    world = cds
    body = {"feedback": [
        {"card": "9368d37b-283f-44a0-93ea-547cebab93ed", "outcome": "overridden", "outcomeTimestamp": "2026-12-06T04:00:00Z",
         "overrideReason": {"reason": {"system": "x", "code": "specialist-cleared"}, "userComment": "cleared"}},
        {"card": "4e0a3a1e-3283-4575-ab82-028d55fe2719", "outcome": "accepted", "outcomeTimestamp": "2026-12-06T04:00:00Z",
         "acceptedSuggestions": [{"id": "e56e1945-20b3-4393-8503-a1a20fd73152"}]}]}
    world.client.cookies.clear()
    response = world.client.post("/cds-services/order-sign/feedback", json=body,
                                 headers={"Authorization": f"Bearer {token(aud=f'{BASE}/order-sign/feedback')}"})
    assert response.status_code == 200 and response.json() == {}
    kept = {e.record_id: e.detail for e in audit_entries(world, "harbour_clinic", "cds.feedback")}
    assert "overridden; reason specialist-cleared" in kept["9368d37b-283f-44a0-93ea-547cebab93ed"]
    assert "accepted; suggestions e56e1945" in kept["4e0a3a1e-3283-4575-ab82-028d55fe2719"]


def test_a_malformed_body_is_422_naming_the_field(cds: World) -> None:
    response = call(cds, "order-sign", {"hook": "order-sign", "hookInstance": "x", "context": {"patientId": "p"}},
                    token())
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "context.draftOrders"


def test_a_service_not_in_discovery_is_404(cds: World) -> None:
    response = call(cds, "encounter-start", {"hook": "encounter-start", "hookInstance": "x", "context": {}},
                    token("encounter-start"))
    assert response.status_code == 404 and "order-sign" in response.json()["detail"]
    assert call(cds, "nope", [], token("nope")).status_code == 404


# --- authentication -----------------------------------------------------------------------------------

def _none_alg() -> str:
    return jwt.encode({"iss": EHR, "aud": f"{BASE}/order-sign", "iat": int(time.time()), "exp": int(time.time()) + 60,
                       "jti": "x"}, None, algorithm="none", headers={"kid": "ehr-1"})


@pytest.mark.parametrize(("make", "reason"), [
    (lambda: None, "missing bearer token"),
    (lambda: "not-a-jwt", "malformed token"),
    (_none_alg, "algorithm not allowed"),
    (lambda: jwt.encode({"iss": EHR, "aud": f"{BASE}/order-sign", "exp": int(time.time()) + 60, "iat": int(time.time()),
                         "jti": "h"}, "a shared secret long enough for HS384, 48 bytes or more", algorithm="HS384", headers={"kid": "ehr-1"}),
     "algorithm not allowed"),
    (lambda: token(iss="https://unknown.example"), "unknown issuer"),
    (lambda: token(key=Keys.stranger), "bad signature"),
    (lambda: token(aud=f"{BASE}/patient-view"), "wrong audience"),
    (lambda: token(iat=int(time.time()) - 3600), "expired"),
    (lambda: token(iat=int(time.time()) + 3600), "issued in the future"),
    (lambda: token(lifetime=3600), "lives longer than 10 minutes"),
    (lambda: token(drop="jti"), "missing claim jti"),
    (lambda: token(iss=RSA_EHR, key=Keys.rsa_key, alg="RS384", kid="rsa-9"), "unknown key id"),
    (lambda: token(key=Keys.rsa_key, alg="RS384"), "algorithm does not fit the client's key"),
    (lambda: token(iss=RSA_EHR, kid="rsa-1"), "algorithm does not fit the client's key"),
], ids=["missing", "malformed", "alg-none", "hmac", "unknown-iss", "other-key", "wrong-aud", "expired", "future",
        "long-life", "no-jti", "unknown-kid", "rs384-for-an-ec-key", "es384-for-an-rsa-key"])
def test_a_bad_jwt_is_401_and_audited(cds: World, make: Any, reason: str) -> None:
    body = hook_request("order-sign", instance=str(uuid.uuid4()), orders=(order("97813"),),
                        prefetch=prefetch(devices=(device("Cardiac pacemaker"),)))
    response = call(cds, "order-sign", body, make())
    assert response.status_code == 401 and response.headers["www-authenticate"] == "Bearer"
    assert reason in response.json()["detail"]
    with cds.uow_factory() as uow:
        # A known issuer's refusal is in its clinic's log; an unknown one's belongs to no clinic.
        entries = [*uow.audit.list(None, limit=100_000), *uow.audit.list(cds.clinic_ids["harbour_clinic"], limit=100_000)]
        refused = [e for e in entries if e.action == "request.refused" and e.detail.startswith("CDS Hooks JWT: " + reason)]
    assert refused and refused[-1].record_id == "POST /cds-services/{service_id}"


def test_a_jku_other_than_the_clients_is_refused(cds: World) -> None:
    now = int(time.time())
    forged = jwt.encode({"iss": EHR, "aud": f"{BASE}/order-sign", "iat": now, "exp": now + 60, "jti": str(uuid.uuid4())},
                        Keys.ec_key, algorithm="ES384", headers={"kid": "ehr-1", "jku": "https://evil.example/jwks"})
    response = call(cds, "order-sign", hook_request("order-sign", orders=(order("97813"),)), forged)
    assert response.status_code == 401 and "jku not allowed" in response.json()["detail"]


def test_a_tenant_other_than_the_clients_is_refused(cds: World) -> None:
    # token() sends the specification's example tenant; hill's entry allows only "hill-tenant".
    response = call(cds, "order-sign", hook_request("order-sign", orders=(order("97813"),)), token(iss=HILL_EHR))
    assert response.status_code == 401 and "tenant not allowed" in response.json()["detail"]


def test_a_replayed_token_is_refused_and_audited(cds: World) -> None:
    used = token()
    body = hook_request("order-sign", instance=str(uuid.uuid4()), orders=(order("97813"),), prefetch=prefetch())
    assert call(cds, "order-sign", body, used).status_code == 200
    again = call(cds, "order-sign", body, used)
    assert again.status_code == 401 and "replay" in again.json()["detail"]
    outcomes = [e.outcome.value for e in audit_entries(cds, "harbour_clinic", "cds.order-sign")
                if e.record_id == body["hookInstance"]]
    assert outcomes == ["ok", "unauthenticated"]


# --- configuration ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("content", "problem"), [
    ("not json", "cannot read clients.json"),
    ('{"clients": {}}', "has no clients list"),
    ('{"clients": [{"iss": "x"}]}', "needs iss and clinic"),
    ('{"clients": [{"iss": "x", "clinic": "c"}]}', "has no public key"),
    ('{"clients": [{"iss": "x", "clinic": "c", "public_key_pem": "-----BEGIN PUBLIC KEY-----\\nAAAA\\n-----END PUBLIC KEY-----"}]}',
     "has an unreadable key"),
    ('{"clients": [{"iss": "x", "clinic": "c", "jwks": {"keys": [{"kty": "EC", "crv": "P-384"}]}}]}', "has an unreadable key"),
])
def test_a_bad_clients_file_is_refused_naming_the_variable(tmp_path: Path, content: str, problem: str) -> None:
    from acupath.errors import InputError

    path = tmp_path / "clients.json"
    path.write_text(content)
    with pytest.raises(InputError) as refused:
        load_clients(str(path))
    assert refused.value.field.startswith("ACUPATH_CDS_CLIENTS") and problem in str(refused.value)


def test_the_public_base_url_is_the_audience_when_set() -> None:
    from acupath.settings import Settings

    settings = Settings.from_env({"ACUPATH_CDS_URL": "https://acupath.clinic.example/", "ACUPATH_CDS_CLIENTS": "c.json"})
    assert (settings.cds_url, settings.cds_clients) == ("https://acupath.clinic.example", "c.json")
    assert Settings.from_env({}).cds_url is None
