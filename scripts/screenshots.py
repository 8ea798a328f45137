"""``make screenshots``: PNGs of the main pages of the demo clinic, for README, in docs/screenshots/.

``.venv/bin/python -m scripts.screenshots [--out docs/screenshots] [--max-height 2400]``

As ``make run`` does, but on a temporary SQLite file and a free port: ``acupath db upgrade``,
``acupath demo``, then ``acupath serve``'s app under uvicorn in development mode. Then Debian's
chromium (``apt-get install chromium``; Playwright never downloads a browser here) signs in as the
demo clinician (and the administrator for the admin pages) and captures each page at 1280 px wide
(the plan page also at 768 px, a tablet held upright), from the top down to ``--max-height`` pixels.
A page the web has no route for yet is skipped with a printed note; an answer other than 200 stops
the run.
The ids come from the demo clinic as the page benchmark picks them (``benchmarks.web_pages.demo_ids``:
the plan with the most sessions, its patient and intake).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from benchmarks.api import DEMO_LOGIN
from benchmarks.load import uvicorn_server
from benchmarks.web_pages import ADMIN_LOGIN, NAMED_PAGES, demo_ids, web_routes

if TYPE_CHECKING:
    from playwright.sync_api import Page

ROOT = Path(__file__).resolve().parent.parent
ACUPATH = Path(sys.executable).parent / "acupath"
#: File name, route (as in ``benchmarks.web_pages.NAMED_PAGES``), query, width, who signs in.
SHOTS = (
    ("sign-in", "/sign-in", "", 1280, None),
    ("today", "/clinic/today", "", 1280, "clinician"),
    ("patients", "/clinic/patients", "", 1280, "clinician"),
    ("patient-chart", "/clinic/patients/{patient_id}", "", 1280, "clinician"),
    ("intake-form", "/clinic/patients/{patient_id}/intakes/new", "condition={condition}", 1280, "clinician"),
    ("screening", "/clinic/intakes/{intake_id}", "", 1280, "clinician"),
    ("plan", "/clinic/plans/{plan_id}", "", 1280, "clinician"),
    ("plan-768", "/clinic/plans/{plan_id}", "", 768, "clinician"),
    ("session-charting", "/clinic/plans/{plan_id}/sessions/new", "", 1280, "clinician"),
    ("progress", "/clinic/plans/{plan_id}/progress", "", 1280, "clinician"),
    ("admin-users", "/clinic/admin/users", "", 1280, "admin"),
    ("admin-audit", "/clinic/admin/audit", "", 1280, "admin"),
)
LOGINS = {"clinician": DEMO_LOGIN, "admin": ADMIN_LOGIN}


def _acupath(*args: str, env: dict[str, str]) -> None:
    subprocess.run([str(ACUPATH), *args], check=True, env=env, stdout=subprocess.DEVNULL)


@contextmanager
def demo_server(folder: Path) -> Iterator[tuple[str, str]]:
    """Load the demo clinic into a SQLite file in ``folder`` and serve it; yield (base URL, database URL).

    The app is ``acupath serve``'s (``acupath.site:app_from_environment``) under uvicorn in its own
    process (``benchmarks.load.uvicorn_server``: RuntimeError when it does not start; stopped on exit).
    """
    url = f"sqlite:///{folder / 'demo.sqlite3'}"
    env = {"ACUPATH_ENV": "development", "ACUPATH_DATABASE_URL": url}
    _acupath("db", "upgrade", "--db", url, env={**os.environ, **env})
    _acupath("demo", "--db", url, env={**os.environ, **env})
    with uvicorn_server("acupath.site:app_from_environment", factory=True, env=env) as served:
        yield served.base, url


def capture(out: Path, max_height: int) -> list[str]:
    """Serve the demo clinic and write one PNG per page of ``SHOTS`` to ``out``; return the notes of skips.

    Raises RuntimeError when chromium is missing or a page answers other than 200.
    """
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium")
    if chromium is None:
        raise RuntimeError("chromium is not installed: `apt-get install chromium` (make chromium does it)")
    routes = set(web_routes())
    named = {path: name for name, path in NAMED_PAGES}
    notes: list[str] = []
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="acupath-shots-") as folder, demo_server(Path(folder)) as (base, url):
        ids = demo_ids(url)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium)
            contexts = {}
            for file_name, route, query, width, persona in SHOTS:
                if route not in routes:
                    notes.append(f"skipped {file_name}: no route {route} ({named.get(route, '')}) yet")
                    continue
                if (persona, width) not in contexts:
                    context = browser.new_context(viewport={"width": width, "height": 900}, device_scale_factor=1)
                    if persona is not None:
                        _sign_in(context.new_page(), base, LOGINS[persona])
                    contexts[persona, width] = context
                page = contexts[persona, width].new_page()
                address = base + route.format(**ids) + ("?" + query.format(**ids) if query else "")
                answer = page.goto(address, wait_until="networkidle")
                if answer is None or answer.status != 200:
                    raise RuntimeError(f"{route} answered {answer.status if answer else 'nothing'}")
                height = min(max_height, int(page.evaluate("document.documentElement.scrollHeight")))
                page.screenshot(path=str(out / f"{file_name}.png"), full_page=True,
                                clip={"x": 0, "y": 0, "width": width, "height": height})
                page.close()
                print(f"{out / file_name}.png  {width}x{height}  {route}")
            browser.close()
    return notes


def _sign_in(page: Page, base: str, login: dict[str, str]) -> None:
    """Sign in through the form (the context keeps the session cookie), then close the page."""
    page.goto(f"{base}/sign-in")
    page.get_by_label("Email").fill(login["email"])
    page.get_by_label("Password").fill(login["password"])
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/clinic/**")
    page.close()


def main() -> None:
    """Parse the arguments and write the screenshots."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots", help="folder of the PNGs")
    parser.add_argument("--max-height", type=int, default=2400, help="tallest screenshot in pixels (default 2400)")
    arguments = parser.parse_args()
    for note in capture(arguments.out, arguments.max_height):
        print(note)


if __name__ == "__main__":
    main()
