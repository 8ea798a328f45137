"""PostgreSQL's backends terminated under load (as a restart does): never a 500, and service resumes.

Clients read progress and record sessions from several threads while every backend of the test
database is terminated again and again (``pg_terminate_backend``: the shared server itself keeps
running). A request whose statement was running at that moment gets 503 with ``Retry-After``; every
other request, and every request after, gets its answer: pooled connections are tested as they leave
the pool (``pool_pre_ping``).
"""

from __future__ import annotations

import threading
import time
from collections import Counter

import pytest
import sqlalchemy
from api_world import World, session_body

CLIENTS = 4


def _terminate_backends(url: str) -> int:
    engine = sqlalchemy.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1),
                                      poolclass=sqlalchemy.NullPool)
    try:
        with engine.connect() as connection:
            return int(connection.execute(sqlalchemy.text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()")).scalar_one())
    finally:
        engine.dispose()


# Terminating backends is PostgreSQL's: the module's world runs on PostgreSQL only (no SQLite case to skip).
@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_terminated_backends_under_load_give_no_500_and_requests_after_succeed(world: World,
                                                                              database_url: str) -> None:
    assert database_url.startswith("postgresql")
    plan = world.call("dr_lee", "GET", f"/plans/{world.ids['plan']}").json()
    statuses: Counter[int] = Counter()
    stop = threading.Event()

    def client(i: int) -> None:
        while not stop.is_set():
            if i % 2:
                status = world.call("dr_lee", "GET", f"/plans/{plan['id']}/progress").status_code
            else:
                status = world.call("dr_lee", "POST", f"/plans/{plan['id']}/sessions",
                                    session_body(plan)).status_code
            statuses[status] += 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    terminated = 0
    try:
        for _ in range(8):
            time.sleep(0.25)
            terminated += _terminate_backends(database_url)
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    assert terminated >= 8  # the load held connections each time
    assert set(statuses) <= {200, 201, 503}, statuses
    assert statuses[200] > 0 and statuses[201] > 0
    # After the terminations every request is answered, on connections the pool replaced.
    _terminate_backends(database_url)
    for _ in range(2 * CLIENTS):
        assert world.call("dr_lee", "GET", f"/plans/{plan['id']}/progress").status_code == 200
        assert world.call("dr_lee", "POST", f"/plans/{plan['id']}/sessions", session_body(plan)).status_code == 201
