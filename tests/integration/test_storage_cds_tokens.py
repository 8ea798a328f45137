"""A CDS Hooks JWT is used once on both databases, even when the same token arrives on eight workers at
the same moment: one call is answered, the others are refused as replays, and each leaves its entry."""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from integration_support import Staff, fresh_uow
from sqlalchemy import Engine

from acupath.errors import NotAuthenticated
from acupath.services.cds_hooks import CdsClient, TokenUse, consult
from acupath.services.records import Outcome

THREADS = 8


def test_a_token_replayed_at_once_on_eight_workers_is_used_once(engine: Engine, staff: Staff, kb) -> None:
    client = CdsClient(issuer="https://ehr.example.org", clinic_id=staff.clinic_id)
    token = TokenUse(issuer=client.issuer, jti=str(uuid.uuid4()), expires_at=datetime.now(UTC) + timedelta(minutes=5))
    hook = f"race-{uuid.uuid4().hex[:8]}"
    start = threading.Barrier(THREADS)

    def call(_: int) -> str:
        start.wait()
        try:
            consult(fresh_uow(engine), client, "10.0.0.9", token, "patient-view", hook, None, [], kb,
                    datetime.now(UTC).date())
        except NotAuthenticated:
            return "refused"
        return "answered"

    with ThreadPoolExecutor(THREADS) as pool:
        results = list(pool.map(call, range(THREADS)))
    assert sorted(results) == ["answered"] + ["refused"] * (THREADS - 1)
    with fresh_uow(engine) as uow:
        outcomes = sorted(e.outcome.value for e in uow.audit.list(staff.clinic_id, limit=10_000) if e.record_id == hook)
        assert uow.revoked_tokens.is_revoked(token.key)
    assert outcomes == sorted([Outcome.OK.value] + [Outcome.UNAUTHENTICATED.value] * (THREADS - 1))
