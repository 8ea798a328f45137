"""No input makes a 5xx: schemathesis fuzzes every operation of the OpenAPI schema, signed in, on both databases.

schemathesis generates requests from the schema the app publishes (each operation's hypothesis strategy,
``APIOperation.as_strategy``: valid requests and invalid ones) and sends them through the ASGI app;
every answer must be below 500. (Its pytest plugin's ``from_fixture``, which a fixture parametrised by
database needs, does not run under pytest 9: it reads ``node._nodeid``, which pytest 9 removed.) The requests are signed in as the clinic's administrator (who may call every route), and a
path id is the id of a real record of ``dr_lee``'s when the generated one has an odd length, so that
fuzzed bodies reach the services and the database, not only 404. ``POST /auth/logout`` is left out: it
would revoke the token every other request uses.

Budget: ``MAX_EXAMPLES`` per operation, derandomised so that ``make test`` is repeatable (about a minute
for both databases on 2 cores: 38 s at 12 examples on a busy machine). A wider search: ``ACUPATH_FUZZ_EXAMPLES=500 pytest tests/e2e/api/test_api_fuzz.py``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from api_world import SECRET, World
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from acupath.api.app import create_app
from acupath.settings import Settings

MAX_EXAMPLES = int(os.environ.get("ACUPATH_FUZZ_EXAMPLES", "15"))
#: Path parameters and the ``world`` record each stands for.
REAL_IDS = {"patient_id": "patient", "intake_id": "intake", "plan_id": "plan", "session_id": "session",
            "event_id": "event", "reassessment_id": "reassessment", "resource_id": "patient"}


@pytest.fixture(scope="module")
def fuzzed(world: World) -> Iterator[tuple[World, Any]]:
    """The world's data served by an app that publishes its schema; yields the world and the schema."""
    app = create_app(Settings(env="test", secret_key=SECRET, docs=True,
                              fhir_export_dir=str(world.client.app.state.fhir_export.directory)),
                     uow_factory=world.uow_factory, kb=world.client.app.state.acupath.kb)
    with TestClient(app):  # start-up as in production
        schema = schemathesis.openapi.from_asgi("/openapi.json", app)
        yield world, schema.exclude(path="/auth/logout")


def _operations(schema: Any) -> list[Any]:
    return [result.ok() for result in schema.get_all_operations()]


def _fuzz(world: World, operation: Any, mode: GenerationMode) -> str | None:
    """Return the first request of ``operation`` (in ``mode``) that got a 5xx, described; None if none did."""
    failures: list[str] = []

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])
    def send(case: Any) -> None:
        if case.path_parameters:
            case.path_parameters = {
                name: world.ids[REAL_IDS[name]] if name in REAL_IDS and len(str(value)) % 2 else value
                for name, value in case.path_parameters.items()}
        request = f"{case.method} {case.formatted_path} query={case.query!r} body={str(case.body)[:300]}"
        try:
            response = case.call(headers={"Authorization": f"Bearer {world.tokens['ada_admin']}"})
        except Exception as exc:  # what the server would have answered with 500
            failures.append(f"{request}: {type(exc).__name__}: {str(exc)[:300]}")
            return
        if response.status_code >= 500:
            failures.append(f"{request}: {response.status_code} {response.text[:200]}")

    try:
        send()
    except Unsatisfiable:  # no invalid request exists for an operation without parameters or body
        assert mode is GenerationMode.NEGATIVE
    return failures[-1] if failures else None


def test_no_request_gets_a_server_error(fuzzed: tuple[World, Any]) -> None:
    world, schema = fuzzed
    failures = [failure for operation in _operations(schema)
                for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
                if (failure := _fuzz(world, operation, mode))]
    assert not failures, "\n".join(failures)
