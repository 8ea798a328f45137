"""Who may call which endpoint: every route × every persona × the expected status, on both databases.

Rules under test: reception sees demographics and the schedule, never clinical records (403); a user
of another clinic gets 404 for every id of this clinic (its existence does not leak); only an
administrator lists and creates accounts and searches the audit log; nobody gets anything without a token (401).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from api_world import PASSWORD, PERSONAS, World, example_intake, session_body

from fhir_transactions import transaction_of

ALL = tuple(PERSONAS)
CLINIC = ("dr_lee", "dr_patel", "ada_admin")  # may read and write clinical records of harbour_clinic

Body = Callable[[World], Any] | None


@dataclass(frozen=True)
class Endpoint:
    """One route, how to call it, and the status each persona gets (``ok`` for those in ``allowed``)."""

    method: str
    path: str  # {patient}, {intake}, {plan} are dr_lee's records
    ok: int
    allowed: tuple[str, ...]
    body: Body = None
    reception: int = 403  # for rita_reception when not allowed
    outsider: int = 404  # for dr_outsider when not allowed
    public: bool = False
    route: str | None = None  # the route's template when ``path`` fills in more than record ids (FHIR types)
    colleague: int = 403  # for another persona of harbour_clinic when not allowed
    headers: tuple[tuple[str, str], ...] = ()

    def expected(self, persona: str) -> int:
        """Return the status ``persona`` should get."""
        if persona in self.allowed:
            return self.ok
        if persona == "rita_reception":
            return self.reception
        if persona == "dr_outsider":
            return self.outsider
        return self.colleague

    def url(self, world: World) -> str:
        """Return the path with dr_lee's record ids filled in ({export}: a finished export of dr_lee's,
        {new_export}: a new one for each call, which the call may delete)."""
        exports = {k: _finished_export(world, again=k == "new_export") for k in ("export", "new_export")
                   if "{" + k + "}" in self.path}
        return self.path.format(**world.ids, **exports, patel=world.user_ids["dr_patel"], lee=world.user_ids["dr_lee"])

    def send(self, world: World, persona: str | None, body: Any) -> Any:
        """Call the endpoint as ``persona``; a Bulk Data kick-off it accepted is waited for (one at a time per clinic)."""
        world.client.cookies.clear()
        response = world.client.request(self.method, self.url(world), json=body,
                                        headers={**world.headers(persona), **dict(self.headers)})
        if response.status_code == 202 and "content-location" in response.headers and persona is not None:
            _wait_for(world, persona, response.headers["content-location"])
        return response


def _patient_patch(world: World) -> dict[str, Any]:
    return {"version": world.version_of(f"/patients/{world.ids['patient']}"), "phone": "0400 000 000"}


def _plan_patch(world: World) -> dict[str, Any]:
    return {"version": world.version_of(f"/plans/{world.ids['plan']}"), "note": "access test"}


def _session(world: World) -> dict[str, Any]:
    plan = world.call("dr_lee", "GET", f"/plans/{world.ids['plan']}").json()
    return session_body(plan)


_counter = iter(range(10_000))


def _new_user(world: World) -> dict[str, Any]:
    return {"email": f"new{next(_counter)}@harbour.example", "name": "New Clinician", "role": "clinician",
            "password": "a long enough password"}


def _transaction(world: World) -> dict[str, Any]:
    # dr_lee's patient and intake as another system would send them, under an MRN of their own each time.
    everything = world.call("dr_lee", "GET", f"/fhir/R4/Patient/{world.ids['patient']}/$everything?_count=200")
    resources = [entry["resource"] for entry in everything.json()["entry"]]
    return transaction_of(resources, world.ids["intake"], identifier=f"ACCESS-{next(_counter)}")


ASYNC = (("Prefer", "respond-async"), ("Accept", "application/fhir+json"))
_EXPORTS: dict[str, str] = {}  # by the world's harbour_clinic id (each database's world seeds its own)


def _wait_for(world: World, persona: str, status_url: str) -> Any:
    deadline = time.monotonic() + 120
    while True:
        response = world.call(persona, "GET", status_url.removeprefix("https://testserver"))
        if response.status_code != 202 or time.monotonic() > deadline:
            return response
        time.sleep(0.05)


def _finished_export(world: World, *, again: bool = False) -> str:
    """Return the id of a finished Patient export of dr_lee's (made once per world unless ``again``)."""
    key = world.clinic_ids["harbour_clinic"]
    if again or key not in _EXPORTS:
        world.client.cookies.clear()
        kicked = world.client.get("/fhir/R4/Patient/$export?_type=Patient", headers={**world.headers("dr_lee"), **dict(ASYNC)})
        assert kicked.status_code == 202, kicked.text
        assert _wait_for(world, "dr_lee", kicked.headers["content-location"]).status_code == 200
        _EXPORTS[key] = kicked.headers["content-location"].rsplit("/", 1)[1]
    return _EXPORTS[key]


def _amendment(world: World, path: str, changes: dict[str, Any]) -> dict[str, Any]:
    # The version read just before, so each persona's amendment is current (a stale one is a 409 test).
    return {"version": world.version_of("/" + path.format(**world.ids)), "changes": changes,
            "reason": "typed into the wrong field at the time"}


ENDPOINTS = (
    Endpoint("GET", "/health", 200, ALL, public=True),
    Endpoint("GET", "/auth/me", 200, ALL),
    Endpoint("POST", "/users", 201, ("ada_admin",), _new_user, outsider=403),
    Endpoint("GET", "/users", 200, ("ada_admin",), outsider=403),
    Endpoint("PATCH", "/users/{patel}", 200, ("ada_admin",), lambda w: {"role": "clinician"}, outsider=403),
    Endpoint("GET", "/audit", 200, ("ada_admin",), outsider=403),
    Endpoint("GET", "/audit/export?format=ndjson", 200, ("ada_admin",), outsider=403),
    Endpoint("GET", "/patients", 200, ALL),
    Endpoint("POST", "/patients", 201, ALL, lambda w: {
        "given_name": "Tom", "family_name": "Access", "birth_date": "1970-01-01", "sex": "male"}),
    Endpoint("GET", "/patients/{patient}", 200, ALL[:4]),
    Endpoint("PATCH", "/patients/{patient}", 200, ALL[:4], _patient_patch),
    Endpoint("GET", "/patients/{patient}/schedule", 200, ALL[:4]),
    Endpoint("POST", "/patients/{patient}/intakes", 201, CLINIC, lambda w: example_intake()),
    Endpoint("GET", "/intakes/{intake}", 200, CLINIC),
    Endpoint("POST", "/intakes/{intake}/screenings", 201, CLINIC),
    Endpoint("POST", "/intakes/{intake}/plans", 201, CLINIC, lambda w: {}),
    Endpoint("GET", "/plans/{plan}", 200, CLINIC),
    Endpoint("PATCH", "/plans/{plan}", 200, CLINIC, _plan_patch),
    Endpoint("GET", "/plans/{plan}/revisions", 200, CLINIC),
    Endpoint("POST", "/plans/{plan}/sessions", 201, CLINIC, _session),
    Endpoint("GET", "/plans/{plan}/sessions", 200, CLINIC),
    Endpoint("GET", "/plans/{plan}/progress", 200, CLINIC),
    Endpoint("POST", "/patients/{patient}/adverse-events", 201, CLINIC, lambda w: {
        "occurred_on": "2026-12-02", "type": "bruising", "severity": "mild", "outcome": "resolved"}),
    Endpoint("GET", "/patients/{patient}/adverse-events", 200, CLINIC),
    Endpoint("POST", "/patients/{patient}/reassessments", 201, CLINIC, lambda w: {
        "assessed_on": "2026-12-04", "answers": {"peg": {"q1": 4, "q2": 3, "q3": 3}}}),
    Endpoint("GET", "/patients/{patient}/reassessments", 200, CLINIC),
    Endpoint("GET", "/patients/{patient}/intakes", 200, CLINIC),
    Endpoint("GET", "/patients/{patient}/plans", 200, CLINIC),
    Endpoint("GET", "/patients/{patient}/reports/record.pdf", 200, CLINIC),
    Endpoint("GET", "/sessions/{session}", 200, CLINIC),
    Endpoint("POST", "/sessions/{session}/amendments", 201, CLINIC, lambda w: _amendment(w, "sessions/{session}", {
        "notes": f"corrected note {next(_counter)}"})),
    Endpoint("GET", "/sessions/{session}/history", 200, CLINIC),
    Endpoint("GET", "/adverse-events/{event}", 200, CLINIC),
    Endpoint("POST", "/adverse-events/{event}/amendments", 201, CLINIC, lambda w: _amendment(
        w, "adverse-events/{event}", {"description": f"corrected {next(_counter)}"})),
    Endpoint("GET", "/adverse-events/{event}/history", 200, CLINIC),
    Endpoint("GET", "/reassessments/{reassessment}", 200, CLINIC),
    Endpoint("POST", "/reassessments/{reassessment}/amendments", 201, CLINIC, lambda w: _amendment(
        w, "reassessments/{reassessment}", {"answers": {"peg": {"q1": 4, "q2": 3, "q3": next(_counter) % 10}}})),
    Endpoint("GET", "/reassessments/{reassessment}/history", 200, CLINIC),
    Endpoint("GET", "/fhir/R4/metadata", 200, ALL, public=True),
    # CDS Hooks: discovery is public; a call takes the EHR's own JWT, never a staff login (test_api_cds_hooks).
    Endpoint("GET", "/cds-services", 200, ALL, public=True),
    Endpoint("POST", "/cds-services/order-sign", 401, ALL, route="/cds-services/{service_id}",
             body=lambda w: {"hook": "order-sign", "hookInstance": "x", "context": {"patientId": "p"}}),
    Endpoint("POST", "/cds-services/patient-view/feedback", 401, ALL, route="/cds-services/{service_id}/feedback",
             body=lambda w: {"feedback": []}),
    Endpoint("GET", "/fhir/R4/Patient/{patient}/$everything", 200, CLINIC),
    Endpoint("GET", "/fhir/R4/CarePlan/{plan}", 200, CLINIC, route="/fhir/R4/{resource_type}/{resource_id}"),
    Endpoint("GET", "/fhir/R4/Observation?patient={patient}", 200, CLINIC, route="/fhir/R4/{resource_type}"),
    # An import creates a patient in the caller's own clinic: dr_outsider's goes to hill_clinic (200, not 404).
    Endpoint("POST", "/fhir/R4", 200, (*CLINIC, "dr_outsider"), _transaction),
    # Bulk Data export: clinicians and administrators, each of their own clinic (dr_outsider exports hill_clinic);
    # an export's status and files are its requester's and the clinic administrators' (dr_patel: 404).
    Endpoint("GET", "/fhir/R4/$export?_type=Patient", 202, (*CLINIC, "dr_outsider"), headers=ASYNC),
    Endpoint("GET", "/fhir/R4/Patient/$export?_type=Patient", 202, (*CLINIC, "dr_outsider"), headers=ASYNC),
    Endpoint("GET", "/fhir/R4/Group/panel-{lee}/$export?_type=Patient", 202, CLINIC, headers=ASYNC,
             route="/fhir/R4/Group/{group_id}/$export"),
    Endpoint("GET", "/fhir/R4/$export-status/{export}", 200, ("dr_lee", "ada_admin"), colleague=404,
             route="/fhir/R4/$export-status/{export_id}"),
    Endpoint("DELETE", "/fhir/R4/$export-status/{new_export}", 202, ("dr_lee", "ada_admin"), colleague=404,
             route="/fhir/R4/$export-status/{export_id}"),
    Endpoint("GET", "/fhir/R4/$export-file/{export}/Patient.ndjson", 200, ("dr_lee", "ada_admin"), colleague=404,
             route="/fhir/R4/$export-file/{export_id}/{file_name}"),
    Endpoint("GET", "/fhir/R4/Group", 200, (*CLINIC, "dr_outsider")),
    Endpoint("GET", "/fhir/R4/Group/panel-{lee}", 200, CLINIC, route="/fhir/R4/Group/{group_id}"),
    # Practice evidence: each clinic's own courses (dr_outsider gets hill_clinic's), reception 403.
    Endpoint("GET", "/analytics/responders?by=condition", 200, (*CLINIC, "dr_outsider")),
    Endpoint("GET", "/analytics/mean-change?by=condition", 200, (*CLINIC, "dr_outsider")),
    Endpoint("GET", "/analytics/time-to-response?by=condition", 200, (*CLINIC, "dr_outsider")),
    Endpoint("POST", "/auth/logout", 204, ALL, public=False),
)

# Logout revokes the persona's token, so the table calls it with a fresh login of its own.
_LOGOUT = ("POST", "/auth/logout")


def _case_id(endpoint: Endpoint, persona: str) -> str:
    return f"{endpoint.method} {endpoint.path} as {persona}"


CASES = [pytest.param(e, p, id=_case_id(e, p)) for e in ENDPOINTS for p in ALL]


@pytest.mark.parametrize(("endpoint", "persona"), CASES)
def test_each_persona_gets_the_expected_status_from_each_endpoint(world: World, endpoint: Endpoint,
                                                                   persona: str) -> None:
    body = endpoint.body(world) if endpoint.body else None
    if (endpoint.method, endpoint.path) == _LOGOUT:
        login = world.client.post("/auth/login", json={"email": PERSONAS[persona].email, "password": PASSWORD})
        world.client.cookies.clear()
        headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
        response = world.client.request(endpoint.method, endpoint.url(world), headers=headers)
    else:
        response = endpoint.send(world, persona, body)
    assert response.status_code == endpoint.expected(persona), response.text


@pytest.mark.parametrize("endpoint", [pytest.param(e, id=f"{e.method} {e.path}") for e in ENDPOINTS])
def test_nobody_gets_past_an_endpoint_without_a_token(world: World, endpoint: Endpoint) -> None:
    body = endpoint.body(world) if endpoint.body else None
    response = endpoint.send(world, None, body)
    if endpoint.public:
        assert response.status_code == 200
    else:
        assert response.status_code == 401, response.text
        assert response.headers["www-authenticate"] == "Bearer"


def test_the_access_table_covers_every_route_of_the_app(world: World) -> None:
    documented = {(method.upper(), path) for path, item in world.client.app.openapi()["paths"].items()
                  for method in item}
    tabled = {(e.method, e.route or e.path.partition("?")[0].replace("{patient}", "{patient_id}").replace("{intake}", "{intake_id}")
               .replace("{plan}", "{plan_id}").replace("{session}", "{session_id}")
               .replace("{event}", "{event_id}").replace("{reassessment}", "{reassessment_id}")
               .replace("{patel}", "{user_id}").replace("/record.pdf", "/{kind}.pdf")) for e in ENDPOINTS}
    # Logging in and changing one's password need no token: test_api_auth and test_api_accounts test them.
    assert documented - {("POST", "/auth/login"), ("POST", "/auth/password")} == tabled
