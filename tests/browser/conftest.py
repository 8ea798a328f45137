"""Browser tests: the site served by uvicorn on a free port, driven by Playwright in Debian's chromium.

The server runs in this process (a thread), on a fresh SQLite database holding ``web_clinic``'s demo
clinic (two patients per condition, so some plans carry a red flag) and an outsider's clinic. Chromium is the
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
from browser_steps import Server

from acupath.services import patient_records, patients
from acupath.services.actor import Actor, Role
from acupath.settings import Settings
from acupath.site import create_site
from web_clinic import SECRET, demo_clinics


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
    clinics = demo_clinics(tmp_path_factory.mktemp("browser"), date.today(), per_condition=2)
    reader = Actor(user_id="browser-tests", clinic_id=clinics.demo["clinic_id"], role=Role.CLINICIAN)
    listed = [p.id for p in patients.list_patients(clinics.uow_factory(), reader, limit=50).items]
    flagged = [pid for pid in listed if any(
        f["kind"] == "red_flag" for plan in patient_records.list_plans(clinics.uow_factory(), reader, pid).items
        for f in plan.plan.get("findings") or [])]
    assert flagged, "the demo clinic should hold a patient with a red flag"
    # docs=True: the API's /docs is served too, as ACUPATH_DOCS does (test_browser_docs.py).
    app = create_site(Settings(env="test", database_url=clinics.url, secret_key=SECRET, docs=True),
                      uow_factory=clinics.uow_factory, kb=clinics.kb)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    yield Server(url=f"http://127.0.0.1:{port}", patient_ids=tuple(listed), red_flag_patient_id=flagged[0],
                 uow_factory=clinics.uow_factory, kb=clinics.kb, clinic_id=clinics.demo["clinic_id"])
    server.should_exit = True
    thread.join(timeout=10)
    clinics.dispose()
