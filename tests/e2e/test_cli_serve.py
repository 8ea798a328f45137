"""``acupath serve`` as a process: it refuses to start without a key of its own unless told it is development.

The refusals exit 2 with one line before uvicorn starts; in development mode the server says so, serves,
and is stopped by the test. The environment of each run is the test's own (no ACUPATH_* inherited).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from acupath.settings import DEVELOPMENT_SECRET

SERVE = [sys.executable, "-c", "from acupath.cli import main; main()", "serve"]


def _environment(**variables: str) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("ACUPATH_")}
    return {**clean, **variables}


@pytest.mark.parametrize(("variables", "said"), [
    ({}, "ACUPATH_ENV=development"),
    ({"ACUPATH_ENV": "production"}, "must be set"),
    ({"ACUPATH_ENV": "production", "ACUPATH_SECRET_KEY": DEVELOPMENT_SECRET}, "public development key"),
    ({"ACUPATH_ENV": "production", "ACUPATH_SECRET_KEY": "x" * 31}, "at least 32 bytes"),
    ({"ACUPATH_ENV": "test"}, "must be set"),
])
def test_without_a_key_of_its_own_the_server_refuses_to_start(tmp_path: Path, variables: dict[str, str],
                                                              said: str) -> None:
    done = subprocess.run([*SERVE, "--db", f"sqlite:///{tmp_path / 'a.sqlite3'}", "--port", "1"],
                          env=_environment(**variables), capture_output=True, text=True, timeout=60)
    assert done.returncode == 2, done.stderr
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("acupath: ACUPATH_SECRET_KEY")
    assert said in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "a.sqlite3").exists()  # nothing was started, nothing created


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_development_mode_must_be_asked_for_and_the_server_says_so(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'dev.sqlite3'}"
    subprocess.run([sys.executable, "-c", "from acupath.cli import main; main()", "db", "upgrade", "--db", db],
                   env=_environment(), check=True, capture_output=True, timeout=120)
    port = _free_port()
    server = subprocess.Popen([*SERVE, "--db", db, "--port", str(port)], env=_environment(ACUPATH_ENV="development"),
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        first_line = server.stdout.readline() if server.stdout else ""
        assert "DEVELOPMENT MODE" in first_line and "public development key" in first_line
        for _ in range(300):  # until uvicorn listens (start-up loads the knowledge base)
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/docs", timeout=2) as page:
                    assert page.status == 200 and b"/docs/assets/swagger-ui-bundle.js" in page.read()
                    assert page.headers["X-Content-Type-Options"] == "nosniff"
                break
            except OSError:
                assert server.poll() is None, "the server stopped"
                time.sleep(0.1)
        else:
            pytest.fail("the server did not answer")
    finally:
        server.terminate()
        server.wait(timeout=30)
