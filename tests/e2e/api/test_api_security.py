"""Secure defaults through the ASGI app: security headers, /docs, the body limit, control characters, proxies.

Each test that needs other settings than the ``world``'s builds its own app on the world's database
(``_app``), so that the limits are exercised on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import re
from collections.abc import Iterator
from typing import Any

import pytest
from api_world import SECRET, World
from fastapi.testclient import TestClient

from acupath.api.app import create_app
from acupath.api.docs import ASSETS
from acupath.api.guards import SECURITY_HEADERS
from acupath.settings import Settings

NEW_PATIENT = {"given_name": "Ana", "family_name": "Quay", "birth_date": "1971-05-06", "sex": "female"}


def _app(world: World, client: tuple[str, int] = ("testclient", 50000), **settings: Any) -> TestClient:
    app = create_app(Settings(env="test", secret_key=SECRET, **settings), uow_factory=world.uow_factory,
                     kb=world.client.app.state.acupath.kb)
    return TestClient(app, base_url="https://testserver", client=client)


def _assert_secured(response: Any) -> None:
    for name, value in SECURITY_HEADERS:
        if name == b"content-security-policy":
            assert "frame-ancestors 'none'" in response.headers[name.decode()]
        else:
            assert response.headers[name.decode()] == value.decode(), name


def _patients(world: World) -> int:
    total = world.call("dr_lee", "GET", "/patients?total=true").json()["total"]
    assert total["relation"] == "eq"
    return int(total["value"])


def test_every_kind_of_answer_carries_the_security_headers(world: World) -> None:
    answers = [
        world.call(None, "GET", "/health"),
        world.call(None, "GET", "/patients"),  # 401
        world.call("dr_lee", "GET", f"/patients/{world.ids['patient']}"),  # patient data
        world.call("dr_outsider", "GET", f"/patients/{world.ids['patient']}"),  # 404
        world.call("dr_lee", "POST", "/patients", {"given_name": ""}),  # 422
        world.call("dr_lee", "GET", "/no/such/route"),
    ]
    assert [a.status_code for a in answers] == [200, 401, 200, 404, 422, 404]
    for answer in answers:
        _assert_secured(answer)
    assert answers[2].headers["cache-control"] == "no-store"


def test_docs_and_the_schema_are_off_unless_enabled(world: World) -> None:
    for path in ("/docs", "/openapi.json", "/docs/assets/swagger-ui-bundle.js"):
        assert world.call(None, "GET", path).status_code == 404, path


def test_enabled_docs_load_swagger_from_the_package_and_allow_only_their_own_script(world: World) -> None:
    with _app(world, docs=True) as client:
        page = client.get("/docs")
        assert page.status_code == 200
        # Nothing from another origin: every script, stylesheet and icon is one of ours.
        sources = re.findall(r'(?:src|href)="([^"]+)"', page.text)
        assert sources and all(s.startswith("/docs/assets/") for s in sources), sources
        for source in sources:
            asset = client.get(source)
            assert asset.status_code == 200 and asset.content == (ASSETS / source.rsplit("/", 1)[1]).read_bytes()
        (inline,) = re.findall(r"<script>(.*?)</script>", page.text, flags=re.DOTALL)
        digest = base64.b64encode(hashlib.sha256(inline.encode()).digest()).decode()
        policy = page.headers["content-security-policy"]
        assert f"'sha256-{digest}'" in policy and "frame-ancestors 'none'" in policy and "http" not in policy
        assert client.get("/openapi.json").json()["info"]["title"] == "acupath"
    assert "Apache License" in (ASSETS / "LICENSE").read_text()


def test_a_body_over_the_limit_is_413_before_anything_is_stored(world: World) -> None:
    before = _patients(world)
    large = {**NEW_PATIENT, "given_name": "A" * 90, "family_name": "B" * 90, "email": "x" * 3000}
    with _app(world, max_body_bytes=2048) as client:
        headers = world.headers("dr_lee")
        announced = client.post("/patients", json=large, headers=headers)
        assert announced.status_code == 413
        assert announced.json()["errors"][0]["field"] == "body" and "2048" in announced.json()["detail"]
        _assert_secured(announced)

        def chunks() -> Iterator[bytes]:  # no Content-Length: the limit counts the bytes as they come
            yield b'{"given_name": "'
            for _ in range(10):
                yield b"A" * 512
            yield b'"}'

        streamed = client.post("/patients", content=chunks(), headers={**headers, "content-type": "application/json"})
        assert streamed.status_code == 413
        within = client.post("/patients", json=NEW_PATIENT, headers=headers)
        assert within.status_code == 201, within.text
    assert _patients(world) == before + 1


def test_control_characters_are_refused_naming_the_field_and_nothing_is_stored(world: World) -> None:
    before = _patients(world)
    for field, value in (("given_name", "Ana\u0000"), ("family_name", "Qu\u001bay"), ("mrn", "M\u0085")):
        answer = world.call("dr_lee", "POST", "/patients", {**NEW_PATIENT, field: value})
        assert answer.status_code == 422, (field, answer.text)
        (error,) = answer.json()["errors"]
        assert error["field"] == field and "U+" in error["problem"]
        _assert_secured(answer)
    for field in ("given_name", "mrn", "phone"):
        answer = world.call("dr_lee", "POST", "/patients", {**NEW_PATIENT, field: "Ana\nQuay"})
        assert answer.status_code == 422 and answer.json()["errors"][0]["field"] == field, answer.text
    lone_surrogate = world.client.post("/patients", content=b'{"given_name": "\\ud800", "family_name": "Q"}',
                                       headers={**world.headers("dr_lee"), "content-type": "application/json"})
    assert lone_surrogate.status_code == 422 and lone_surrogate.json()["errors"][0]["field"] == "given_name"
    search = world.client.get("/patients?search=Ana%00", headers=world.headers("dr_lee"))
    assert search.status_code == 422 and search.json()["errors"][0]["field"] == "search"
    path = world.client.get("/patients/abc%00def", headers=world.headers("dr_lee"))
    assert path.status_code == 422 and path.json()["errors"][0]["field"] == "path"
    assert _patients(world) == before


def test_newlines_and_tabs_in_free_text_are_kept(world: World) -> None:
    from api_world import session_body

    plan = world.call("dr_lee", "GET", f"/plans/{world.ids['plan']}").json()
    notes = "needled prone\n\tleft side first\r\nno bleeding"
    recorded = world.call("dr_lee", "POST", f"/plans/{plan['id']}/sessions", {**session_body(plan), "notes": notes})
    assert recorded.status_code == 201, recorded.text
    assert world.call("dr_lee", "GET", f"/sessions/{recorded.json()['id']}").json()["notes"] == notes


def _addresses_of_reads(world: World, client: TestClient, forwarded_for: str) -> set[str]:
    """Read the patient through ``client`` claiming ``forwarded_for``; return the addresses audited for it."""
    path = f"/audit?patient_id={world.ids['patient']}&action=patient.read&limit=200"
    before = {str(entry) for entry in world.call("ada_admin", "GET", path).json()["items"]}
    answer = client.get(f"/patients/{world.ids['patient']}",
                        headers={**world.headers("dr_lee"), "X-Forwarded-For": forwarded_for})
    assert answer.status_code == 200
    after = world.call("ada_admin", "GET", path).json()["items"]
    return {entry["remote_address"] for entry in after if str(entry) not in before}


def test_forwarded_headers_are_believed_only_from_a_configured_proxy(world: World) -> None:
    # The world's app trusts no proxy: a client cannot choose the audited address.
    assert _addresses_of_reads(world, world.client, "203.0.113.9") == {"testclient"}
    with _app(world, trusted_proxies=("10.0.0.5",), client=("10.0.0.5", 4000)) as proxied:
        assert _addresses_of_reads(world, proxied, "203.0.113.9") == {"203.0.113.9"}
        # What the client wrote before the proxy appended its address is not believed.
        assert _addresses_of_reads(world, proxied, "198.51.100.1, 203.0.113.9") == {"203.0.113.9"}
    with _app(world, trusted_proxies=("10.0.0.5",), client=("10.0.0.6", 4000)) as direct:
        assert _addresses_of_reads(world, direct, "203.0.113.9") == {"10.0.0.6"}


def test_a_malformed_token_is_401_never_500(world: World) -> None:
    genuine = world.tokens["dr_lee"]
    payload, _, signature = genuine.partition(".")
    for token in ("é" * 12, f"{payload}é.{signature}", "no-dot", ".", "a.b.c", "x" * 5000,
                  f"{payload[:-3]}!!!.{signature}", f"{signature}.{payload}"):
        answer = world.client.get("/patients", headers={"Authorization": b"Bearer " + token.encode("utf-8")})
        assert answer.status_code == 401, (token[:40], answer.text)
        assert answer.headers["www-authenticate"] == "Bearer"


class _StoreThatQuotesItsInput:
    """A store whose failure message quotes a value of the request, as psycopg's and SQLAlchemy's do."""

    def __enter__(self) -> _StoreThatQuotesItsInput:
        raise ValueError("invalid input for given_name: 'Mei Harbour' born 1958-04-02")

    def __exit__(self, *args: object) -> None:
        return None


def test_an_unexpected_error_is_logged_without_the_values_of_the_request(
        world: World, caplog: pytest.LogCaptureFixture) -> None:
    app = create_app(Settings(env="test", secret_key=SECRET), uow_factory=_StoreThatQuotesItsInput,
                     kb=world.client.app.state.acupath.kb)
    # raise_server_exceptions: the exception must not reach the server, whose log would print its message.
    with caplog.at_level(logging.DEBUG), TestClient(app, raise_server_exceptions=True) as client:
        answer = client.get("/patients?search=Mei%20Harbour", headers=world.headers("dr_lee"))
    assert answer.status_code == 500 and "Mei" not in answer.text
    _assert_secured(answer)
    # The server's records only: httpx, the test's own client, logs the URL it asked for.
    logged = "\n".join(r.getMessage() for r in caplog.records if not r.name.startswith(("httpx", "httpcore")))
    assert "builtins.ValueError (message withheld)" in logged and "GET /patients" in logged
    assert "Mei" not in logged and "1958" not in logged and "search" not in logged


def test_integers_past_what_the_database_holds_are_422_naming_the_field(world: World) -> None:
    patient = f"/patients/{world.ids['patient']}"
    for method, path, body, field in (
            ("PATCH", patient, {"version": 2**31, "given_name": "Mei"}, "version"),
            ("PATCH", f"/plans/{world.ids['plan']}", {"version": 2**63}, "version"),
            ("POST", f"/sessions/{world.ids['session']}/amendments",
             {"version": 2**64, "changes": {"notes": "x"}, "reason": "a typo in the notes"}, "version"),
            ("GET", "/users?offset=9223372036854775808", None, "offset")):
        answer = world.call("ada_admin", method, path, body)
        assert answer.status_code == 422, (path, answer.text)
        assert [e["field"] for e in answer.json()["errors"]] == [field]
    plan = world.call("dr_lee", "GET", f"/plans/{world.ids['plan']}").json()
    from api_world import session_body

    numbered = world.call("dr_lee", "POST", f"/plans/{plan['id']}/sessions", session_body(plan, number=1001))
    assert numbered.status_code == 422 and numbered.json()["errors"][0]["field"] == "number"
    assert world.call("dr_lee", "GET", patient).json()["given_name"] == "Mei"


def test_audit_times_at_the_ends_of_the_calendar_are_422_naming_the_parameter(world: World) -> None:
    for query, field in (("since=9999-12-31T23:59:59-12:00", "since"), ("until=0001-01-01T00:00:00%2B14:00", "until"),
                         ("since=9999-12-31", "since")):
        for path in ("/audit", "/audit/export"):
            answer = world.call("ada_admin", "GET", f"{path}?{query}")
            assert answer.status_code == 422, (path, query, answer.text)
            (error,) = answer.json()["errors"]
            assert error["field"] == field and error["problem"].startswith("must be a time from 1900-01-01")


def test_nan_and_infinity_are_not_numbers_and_are_refused_naming_the_field(world: World) -> None:
    plan = world.call("dr_lee", "GET", f"/plans/{world.ids['plan']}").json()
    day = plan["plan"]["sessions"][0]["date"]
    for constant in ("NaN", "Infinity", "-Infinity"):
        text = f'{{"assessed_on": "{day}", "answers": {{"peg": {{"q1": {constant}, "q2": 4, "q3": 4}}}}}}'
        answer = world.client.post(f"/patients/{world.ids['patient']}/reassessments", content=text.encode(),
                                   headers={**world.headers("dr_lee"), "content-type": "application/json"})
        assert answer.status_code == 422, answer.text
        assert answer.json()["errors"] == [{"field": "answers.peg.q1", "problem": f"{constant} is not a JSON number",
                                            "allowed": "a finite number"}]
    # The word in free text is text, not a number.
    named = world.call("dr_lee", "POST", "/patients", {**NEW_PATIENT, "given_name": "NaNa Infinity"})
    assert named.status_code == 201, named.text


def test_dates_outside_a_clinics_records_are_422_naming_the_field(world: World) -> None:
    from api_world import example_intake

    born_in_year_one = world.call("dr_lee", "POST", "/patients", {**NEW_PATIENT, "birth_date": "0001-01-01"})
    assert born_in_year_one.status_code == 422
    assert born_in_year_one.json()["errors"][0]["field"] == "birth_date"
    intake = example_intake()
    for field, change in (("schedule.start", {"schedule": {**intake["schedule"], "start": "9999-12-20"}}),
                          ("patient.birth_date", {"patient": {"birth_date": "1066-10-14"}})):
        answer = world.call("dr_lee", "POST", f"/patients/{world.ids['patient']}/intakes", {**intake, **change})
        assert answer.status_code == 422, (field, answer.text)
        (error,) = answer.json()["errors"]
        assert error["field"] == field and error["problem"] == "must be a date from 1900-01-01 to 2199-12-31"
