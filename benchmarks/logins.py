"""A login flood: 24 concurrent wrong logins, a patient read meanwhile, and the server's peak memory.

``.venv/bin/python -m benchmarks.logins [--logins 24] [--reads 40] [--at-once 2]``

A SQLite clinic (one clinician, one patient, made through the services) is served by uvicorn with one
worker, as ``acupath serve`` runs it, twice in the same run: with the password hashes bounded to
``--at-once`` at a time (``ACUPATH_PASSWORD_HASHES``, the server's default 2) and, as the baseline,
bounded to 32 (no bound for 24 logins: what the server did before issue 12). Each time: the median of
``--reads`` sequential ``GET /patients/{id}`` on a quiet server; then ``--logins`` wrong logins sent at
once (each of a different unknown email, so every one verifies the dummy argon2id hash) while one
client keeps reading the patient; the wall time of the flood, the reads' median and worst latency
during it, and the server's peak resident memory (``VmHWM`` of /proc, Linux) before and after. The
throttle's limits are raised for the run (``ACUPATH_LOGIN_*_FAILURES``): the flood measures hashing,
not lockout (with the default limits an address is refused with 429 after its 30th failure).
"""

from __future__ import annotations

import argparse
import secrets
import statistics
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx

from benchmarks.load import uvicorn_server

EMAIL = "lee@harbour.bench"
PASSWORD = "correct horse battery staple"


def seed(url: str) -> None:
    """Migrate the SQLite file at ``url`` and add a clinic, its clinician and one patient."""
    from acupath.security.passwords import Argon2idHasher
    from acupath.services import Actor, create_clinic, create_user, register_patient
    from acupath.storage import SqlAlchemyUnitOfWork, make_engine, make_session_factory
    from acupath.storage.migrate import upgrade

    upgrade(url)
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    clinic = create_clinic(SqlAlchemyUnitOfWork(sessions), "Harbour")
    user = create_user(SqlAlchemyUnitOfWork(sessions), Actor.system(clinic.id), email=EMAIL, name="Lee",
                       role="clinician", password=PASSWORD, hasher=Argon2idHasher(at_once=1))
    register_patient(SqlAlchemyUnitOfWork(sessions), Actor(user.id, clinic.id, "clinician", "bench"), {
        "given_name": "Mei", "family_name": "Harbour", "birth_date": "1958-04-02", "sex": "female"})
    engine.dispose()


def peak_rss_mib(pid: int) -> float:
    """Return the process's peak resident memory so far (VmHWM) in MiB, 0 where /proc is missing."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


@dataclass
class Flood:
    """What one server did under the flood."""

    at_once: int
    quiet_read_ms: float
    flood_s: float
    statuses: dict[int, int]
    read_p50_ms: float
    read_max_ms: float
    reads: int
    rss_before_mib: float
    rss_peak_mib: float


def _timed_get(client: httpx.Client, path: str) -> float:
    started = time.perf_counter()
    response = client.get(path)
    response.raise_for_status()
    return (time.perf_counter() - started) * 1000


def flood(url: str, at_once: int, logins: int, reads: int) -> Flood:
    """Serve ``url`` with ``at_once`` concurrent hashes and measure one flood of ``logins`` wrong logins."""
    env = {"ACUPATH_DATABASE_URL": url, "ACUPATH_ENV": "test", "ACUPATH_SECRET_KEY": secrets.token_urlsafe(48),
           "ACUPATH_PASSWORD_HASHES": str(at_once), "ACUPATH_LOGIN_ACCOUNT_FAILURES": "1000",
           "ACUPATH_LOGIN_ADDRESS_FAILURES": "100000"}
    with uvicorn_server("acupath.api.app:app_from_environment", factory=True, env=env) as server, \
            httpx.Client(base_url=server.base, timeout=120) as reader:
        token = reader.post("/auth/login", json={"email": EMAIL, "password": PASSWORD}).json()["access_token"]
        reader.headers["Authorization"] = f"Bearer {token}"
        patient = reader.get("/patients?limit=1").json()["items"][0]["id"]
        path = f"/patients/{patient}"
        quiet = statistics.median(_timed_get(reader, path) for _ in range(reads))
        before = peak_rss_mib(server.pid)
        during: list[float] = []
        done = threading.Event()

        def keep_reading() -> None:
            while not done.is_set():
                during.append(_timed_get(reader, path))

        def wrong_login(number: int) -> int:
            with httpx.Client(base_url=server.base, timeout=120) as client:
                return client.post("/auth/login", json={"email": f"guess{number}@harbour.bench",
                                                        "password": "not the password"}).status_code

        reading = threading.Thread(target=keep_reading)
        started = time.perf_counter()
        reading.start()
        with ThreadPoolExecutor(max_workers=logins) as pool:
            statuses = list(pool.map(wrong_login, range(logins)))
        elapsed = time.perf_counter() - started
        done.set()
        reading.join()
        return Flood(at_once=at_once, quiet_read_ms=quiet, flood_s=elapsed,
                     statuses={code: statuses.count(code) for code in sorted(set(statuses))},
                     read_p50_ms=statistics.median(during), read_max_ms=max(during), reads=len(during),
                     rss_before_mib=before, rss_peak_mib=peak_rss_mib(server.pid))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--logins", type=int, default=24)
    parser.add_argument("--reads", type=int, default=40)
    parser.add_argument("--at-once", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="acupath-logins-") as folder:
        url = f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        seed(url)
        rows = [flood(url, at_once, args.logins, args.reads) for at_once in (args.at_once, 32)]
    print(f"{args.logins} concurrent wrong logins (unknown emails: each verifies the dummy argon2id hash), "
          "SQLite, 1 uvicorn worker")
    print(f"{'hashes at once':>14} {'flood s':>8} {'answers':>10} {'quiet read ms':>13} "
          f"{'read p50 ms':>11} {'read max ms':>11} {'reads':>5} {'peak RSS MiB before -> after':>29}")
    for row in rows:
        answers = ",".join(f"{n}x{code}" for code, n in row.statuses.items())
        print(f"{row.at_once:>14} {row.flood_s:>8.2f} {answers:>10} {row.quiet_read_ms:>13.1f} "
              f"{row.read_p50_ms:>11.1f} {row.read_max_ms:>11.1f} {row.reads:>5} "
              f"{row.rss_before_mib:>14.0f} -> {row.rss_peak_mib:<8.0f}")
    bounded, unbounded = rows
    print(f"peak memory added by the flood: {bounded.rss_peak_mib - bounded.rss_before_mib:.0f} MiB bounded "
          f"vs {unbounded.rss_peak_mib - unbounded.rss_before_mib:.0f} MiB at 32 at once")


if __name__ == "__main__":
    main()
