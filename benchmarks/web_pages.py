"""Every web page's latency on the demo clinic: p50 and p95 per page, against a static file in the same run.

``.venv/bin/python -m benchmarks.web_pages [--requests N] [--rounds R] [--warmup W]``

A fresh SQLite database is migrated and loaded with the demo clinic's patients in care (``acupath
demo``'s builder, seed 7, 3 patients per condition, no past courses, ``ANALYZE``), and ``acupath serve``'s application
(``acupath.site:app_from_environment``, development mode) runs under uvicorn in its own process on
127.0.0.1. One client (keep-alive connection) signs in through the sign-in form as the demo clinician
and another as the demo administrator, then requests every page one at a time: R rounds, each asking
every page N / R times in turn, so that a machine whose speed drifts (it is shared) slows every page
alike. Each answer must be 200 with HTML.

The pages are discovered from the web's routers (``acupath.web.routes.ROUTERS``, and the patient portal's
``PORTAL_ROUTERS``, opened by the demo patient signed in to the portal): every GET page whose
path parameters can be filled from the demo clinic is timed (the plan with the most sessions, its
patient, intake, latest session, a user); a page the issue names that has no route yet, or a route
whose parameters are unknown here, is skipped with a printed note. The baseline is
``/static/css/acupath.css`` (the same server, no login, no database) and ``/health`` (one query):
each page's p50 and p95 are printed as ratios of the static file's. Target: every page p95 under 150 ms
(issue 13 item 3).
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx

from benchmarks.api import DEMO_LOGIN, load_demo, sqlite_database
from benchmarks.load import settle, uvicorn_server

P95_TARGET_MS = 150.0
ADMIN_LOGIN = {"email": "admin@harbour.demo", "password": DEMO_LOGIN["password"]}
STATIC = "/static/css/acupath.css"
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
PARAMETER = re.compile(r"\{([a-z_]+)(?::[a-z]+)?\}")

#: The pages issue 13 names, by the route each has (or will have): missing ones are reported.
NAMED_PAGES = (
    ("sign-in page", "/sign-in"),
    ("today", "/clinic/today"),
    ("patient search", "/clinic/patients"),
    ("patient chart", "/clinic/patients/{patient_id}"),
    ("intake form", "/clinic/patients/{patient_id}/intakes/new"),
    ("screening page", "/clinic/intakes/{intake_id}"),
    ("plan page", "/clinic/plans/{plan_id}"),
    ("session charting", "/clinic/plans/{plan_id}/sessions/new"),
    ("progress", "/clinic/plans/{plan_id}/progress"),
    ("admin: users", "/clinic/admin/users"),
    ("admin: audit log", "/clinic/admin/audit"),
)
#: Routes that are not pages to time: the redirect of ``/``, the 404 of unknown addresses, downloads.
NOT_PAGES = {"/": "redirects to the sign-in page or today's list",
             "/clinic/{rest}": "the 404 page of unknown addresses",
             "/clinic/admin/audit/export": "a CSV download of the whole audit log, not a page",
             "/clinic/patients/{patient_id}/documents/{kind}.pdf": "a PDF download, not a page",
             "/portal/{rest}": "the portal's 404 page of unknown addresses",
             "/portal/record.json": "the patient's whole record, a download",
             "/portal/record.pdf": "the patient's whole record as PDF, a download",
             "/portal/link": "opened only with a one-time link's token",
             "/portal/email-link": "served only when the server sends email (ACUPATH_SMTP_HOST)"}
#: Query strings a page needs to show what a clinician sees (a search typed, a condition chosen).
QUERIES = {"/clinic/patients/{patient_id}/intakes/new": "condition={condition}"}
#: Pages only the administrator may open.
ADMIN_ONLY = ("/clinic/admin/",)
#: The patient portal's pages, opened by the demo patient signed in to the portal.
PORTAL = "/portal"
UNSIGNED = ("/sign-in", "/portal/sign-in")


@dataclass
class Page:
    """One address to time, who asks for it, and the milliseconds of each answer."""

    name: str
    path: str
    admin: bool = False
    signed_in: bool = True
    patient: bool = False
    times: list[float] = field(default_factory=list)

    def percentile(self, fraction: float) -> float:
        """Return the nearest-rank percentile of the times, in milliseconds."""
        ordered = sorted(self.times)
        return ordered[max(0, min(len(ordered) - 1, round(fraction * len(ordered) + 0.5) - 1))]


class Visitor:
    """A browser-like client: keeps the cookies itself, as the server sets them ``Secure`` and the
    benchmark talks plain HTTP to 127.0.0.1 (httpx's cookie jar would not send them back)."""

    def __init__(self, base: str) -> None:
        self.client = httpx.Client(base_url=base, timeout=30, follow_redirects=False)
        self.cookies: dict[str, str] = {}

    def get(self, path: str) -> httpx.Response:
        """GET ``path`` with the cookies kept; keep the ones the answer sets."""
        response = self.client.get(path, headers=self._cookie_header())
        self._keep(response)
        return response

    def sign_in(self, login: dict[str, str], path: str = "/sign-in") -> None:
        """Sign in through the sign-in form at ``path`` (its CSRF token and cookie). Raises RuntimeError if
        refused."""
        page = self.get(path)
        token = TOKEN.search(page.text)
        if token is None:
            raise RuntimeError("the sign-in page has no CSRF token")
        answer = self.client.post(path, data={"csrf_token": token.group(1), **login},
                                  headers=self._cookie_header())
        self._keep(answer)
        if answer.status_code != 303:
            raise RuntimeError(f"signing in as {login['email']} answered {answer.status_code}")

    def _cookie_header(self) -> dict[str, str]:
        return {"cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}

    def _keep(self, response: httpx.Response) -> None:
        for header in response.headers.get_list("set-cookie"):
            name, _, rest = header.partition("=")
            value = rest.split(";", 1)[0]
            if value and "max-age=0" not in header.lower():
                self.cookies[name.strip()] = value
            else:
                self.cookies.pop(name.strip(), None)


def demo_ids(url: str) -> dict[str, str]:
    """Return the ids the pages' paths need, read through the services as the demo clinician.

    The plan with the most sessions (the heaviest chart, plan and progress pages), its patient, intake,
    condition and latest session, and the demo administrator's own user id.
    """
    from acupath.services import patient_records, patients, sessions, users
    from acupath.services.actor import Actor, Role
    from acupath.storage import SqlAlchemyUnitOfWork, make_engine, make_session_factory

    engine = make_engine(url)
    factory = make_session_factory(engine)

    def uow() -> SqlAlchemyUnitOfWork:
        return SqlAlchemyUnitOfWork(factory)

    try:
        admin = users.user_by_email(uow(), ADMIN_LOGIN["email"])
        reader = Actor(user_id="benchmark", clinic_id=admin.clinic_id, role=Role.CLINICIAN)
        best: tuple[int, Any, Any] | None = None
        for patient in patients.list_patients(uow(), reader, limit=200).items:
            for plan in patient_records.list_plans(uow(), reader, patient.id).items:
                given = sessions.list_sessions(uow(), reader, plan.id, limit=200).items
                if best is None or len(given) > best[0]:
                    best = (len(given), plan, given)
        if best is None or not best[2]:
            raise RuntimeError("the demo clinic has no plan with a session")
        _, plan, given = best
        return {"patient_id": plan.patient_id, "plan_id": plan.id, "intake_id": plan.intake_id,
                "condition": plan.plan["condition"], "kind": "session", "record_id": given[-1].id,
                "user_id": admin.id, "family_name": patients.get_patient(uow(), reader, plan.patient_id).family_name}
    finally:
        engine.dispose()


def web_routes() -> list[str]:
    """Return the path of every GET route of the web's and the portal's routers, in their order."""
    from acupath.web.portal.routes import PORTAL_ROUTERS
    from acupath.web.routes import ROUTERS

    found: list[str] = []
    for router in [*ROUTERS, *PORTAL_ROUTERS]:
        for route in router.routes:
            if "GET" in getattr(route, "methods", ()) and route.path not in found:
                found.append(route.path)
    return found


def pages_to_time(routes: list[str], ids: dict[str, str]) -> tuple[list[Page], list[str]]:
    """Return the pages to time (named pages first, then any other route) and the notes of those skipped."""
    names = dict((path, name) for name, path in NAMED_PAGES)
    notes = [f"skipped {name}: no route {path} yet" for name, path in NAMED_PAGES if path not in routes]
    pages: list[Page] = []
    for path in [p for _, p in NAMED_PAGES if p in routes] + [p for p in routes if p not in names]:
        plain = PARAMETER.sub(lambda m: "{" + m.group(1) + "}", path)
        if plain in NOT_PAGES:
            notes.append(f"skipped {plain}: {NOT_PAGES[plain]}")
            continue
        wanted = PARAMETER.findall(path)
        if any(name not in ids for name in wanted):
            notes.append(f"skipped {path}: no demo id for {', '.join(n for n in wanted if n not in ids)}")
            continue
        address = path.format(**ids)
        if path in QUERIES:
            address += "?" + QUERIES[path].format(**ids)
        pages.append(Page(names.get(path, path.removeprefix("/clinic")), address, admin=path.startswith(ADMIN_ONLY),
                          signed_in=path not in UNSIGNED, patient=path.startswith(PORTAL)))
        if path == "/clinic/patients":
            pages.append(Page("patient search (name typed)", f"{address}?q={ids['family_name'][:4]}"))
    return pages, notes


def _timed(visitor: Visitor, page: Page) -> float:
    started = time.perf_counter()
    response = visitor.get(page.path)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise RuntimeError(f"{page.path} answered {response.status_code}")
    return elapsed


def rounds(total: int, count: int) -> Iterator[int]:
    """Yield how many requests each of ``count`` rounds makes so that they add up to ``total``."""
    for index in range(count):
        yield total // count + (1 if index < total % count else 0)


def run(requests: int, round_count: int, warmup: int) -> int:
    """Build the demo clinic, serve it, time every page; print the table. Returns 0, or 1 if a page misses."""
    load = os.getloadavg()
    print(f"web pages on the demo clinic (SQLite), one client at a time; load average {load[0]:.2f} "
          f"{load[1]:.2f} {load[2]:.2f}")
    with sqlite_database() as url:
        started = time.perf_counter()
        portal_login = load_demo(url)["portal"]
        ids = demo_ids(url)
        print(f"demo clinic built in {time.perf_counter() - started:.0f} s")
        pages, notes = pages_to_time(web_routes(), ids)
        baselines = [Page("baseline: static file", STATIC, signed_in=False),
                     Page("baseline: /health", "/health", signed_in=False)]
        env = {"ACUPATH_ENV": "development", "ACUPATH_DATABASE_URL": url}
        with uvicorn_server("acupath.site:app_from_environment", factory=True, env=env) as served:
            clinician, admin, anonymous = Visitor(served.base), Visitor(served.base), Visitor(served.base)
            patient = Visitor(served.base)
            clinician.sign_in(DEMO_LOGIN)
            admin.sign_in(ADMIN_LOGIN)
            patient.sign_in({"email": portal_login["email"], "password": portal_login["password"]}, "/portal/sign-in")
            everything = baselines + pages

            def who(page: Page) -> Visitor:
                if not page.signed_in:
                    return anonymous
                return admin if page.admin else patient if page.patient else clinician

            for page in everything:
                for _ in range(warmup):
                    _timed(who(page), page)
            settle()
            for share in rounds(requests, round_count):
                for page in everything:
                    page.times.extend(_timed(who(page), page) for _ in range(share))
    for note in notes:
        print(note)
    reference, reference_p50 = baselines[0].percentile(0.95), statistics.median(baselines[0].times)
    print(f"{requests} requests a page in {round_count} rounds (after {warmup} warm-up requests); milliseconds")
    print(f"  {'page':<44} {'p50':>7} {'p95':>7} {'p50/static':>11} {'p95/static':>11}  "
          f"target p95 < {P95_TARGET_MS:.0f} ms")
    missed = 0
    for page in everything:
        p50, p95 = statistics.median(page.times), page.percentile(0.95)
        verdict = "baseline" if page in baselines else "met" if p95 < P95_TARGET_MS else "NOT MET"
        missed += verdict == "NOT MET"
        print(f"  {page.name:<44} {p50:7.2f} {p95:7.2f} {p50 / reference_p50:10.1f}x {p95 / reference:10.1f}x  "
              f"{verdict}")
    load = os.getloadavg()
    print(f"load average at the end {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    return 1 if missed else 0


def main() -> None:
    """Parse the arguments and run the benchmark (exit code 1 when a page misses its target)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200, help="requests per page (default 200)")
    parser.add_argument("--rounds", type=int, default=5, help="rounds the requests are spread over (default 5)")
    parser.add_argument("--warmup", type=int, default=5, help="untimed requests per page first (default 5)")
    arguments = parser.parse_args()
    if arguments.requests < arguments.rounds or arguments.rounds < 1 or arguments.warmup < 0:
        parser.error("--requests must be at least --rounds, --rounds at least 1, --warmup at least 0")
    raise SystemExit(run(arguments.requests, arguments.rounds, arguments.warmup))


if __name__ == "__main__":
    main()
