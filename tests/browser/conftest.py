"""Browser tests: the site served by uvicorn on a free port, driven by Playwright in Debian's chromium.

The server runs in this process (a thread), on a fresh SQLite database holding the demo clinic (two
patients per condition, so some plans carry a red flag) and an outsider's clinic. Chromium is the
system's (``apt-get install chromium``, done by ``make test``); Playwright never downloads a browser.
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
import uvicorn
from browser_steps import EMAILS, PASSWORD, Server

from acupath.cli.demo import build_demo
from acupath.knowledge import load_knowledge
from acupath.security.passwords import Argon2idHasher
from acupath.services import patient_records, patients, users
from acupath.services.actor import Actor, Role
from acupath.settings import Settings
from acupath.site import create_site
from acupath.storage import SqlAlchemyUnitOfWork, make_engine, make_session_factory
from acupath.storage.migrate import upgrade

SECRET = "browser-test-secret-key-long-enough-0123456789"
def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Launch Debian's chromium (``executable_path``), never a browser Playwright would download."""
    chromium = shutil.which("chromium")
    if chromium is None:
        raise RuntimeError("chromium is not installed: `apt-get install chromium` (make test does it)")
    return {**browser_type_launch_args, "executable_path": chromium}


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """Serve the site on 127.0.0.1 and a free port for the whole session; stop it at the end."""
    url = f"sqlite:///{tmp_path_factory.mktemp('browser') / 'acupath.sqlite3'}"
    upgrade(url)
    engine = make_engine(url)
    sessions = make_session_factory(engine)

    def uow_factory() -> SqlAlchemyUnitOfWork:
        return SqlAlchemyUnitOfWork(sessions)

    kb = load_knowledge()
    demo = build_demo(uow_factory, kb, seed=7, today=date.today(), per_condition=2)
    hill = users.create_clinic(uow_factory(), "Hill clinic")
    users.create_user(uow_factory(), Actor.system(hill.id), email=EMAILS["outsider"], name="Dr Outsider",
                      role="clinician", password=PASSWORD, hasher=Argon2idHasher())
    reader = Actor(user_id="browser-tests", clinic_id=demo["clinic_id"], role=Role.CLINICIAN)
    listed = [p.id for p in patients.list_patients(uow_factory(), reader, limit=50).items]
    flagged = [pid for pid in listed if any(
        f["kind"] == "red_flag" for plan in patient_records.list_plans(uow_factory(), reader, pid).items
        for f in plan.plan.get("findings") or [])]
    assert flagged, "the demo clinic should hold a patient with a red flag"
    app = create_site(Settings(env="test", database_url=url, secret_key=SECRET), uow_factory=uow_factory, kb=kb)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    yield Server(url=f"http://127.0.0.1:{port}", patient_ids=tuple(listed), red_flag_patient_id=flagged[0])
    server.should_exit = True
    thread.join(timeout=10)
    engine.dispose()
