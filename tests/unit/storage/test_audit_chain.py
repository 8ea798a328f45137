"""The audit log's hash chain: what the hash covers, and that each kind of tampering is named."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from acupath.storage.audit_chain import CHAINED_FIELDS, GENESIS, ChainHead, check_chain, entry_hash

AT = datetime(2026, 12, 5, 9, 30, 1, 250000, tzinfo=UTC)


def fields(n: int) -> dict[str, Any]:
    return {"at": AT + timedelta(seconds=n), "clinic_id": "harbour", "actor_clinic_id": "harbour",
            "user_id": f"user{n}", "action": "patient.read", "record_type": "patient", "record_id": f"p{n}",
            "patient_id": f"p{n}", "remote_address": "10.0.0.1", "outcome": "ok", "detail": f"détail {n}"}


def chain(count: int) -> list[dict[str, Any]]:
    rows, previous = [], GENESIS
    for n in range(1, count + 1):
        row = {"id": n, **fields(n), "prev_hash": previous}
        row["hash"] = previous = entry_hash(row, previous)
        rows.append(row)
    return rows


def head_of(rows: list[dict[str, Any]]) -> ChainHead:
    return ChainHead(entries=len(rows), last_hash=rows[-1]["hash"] if rows else GENESIS)


def test_the_hash_is_sha256_of_the_documented_serialisation() -> None:
    # Spelled out independently of the code, as an auditor's own script would compute it.
    expected = hashlib.sha256(json.dumps(
        [GENESIS, "2026-12-05T09:30:02.250000Z", "harbour", "harbour", "user1", "patient.read", "patient", "p1",
         "p1", "10.0.0.1", "ok", "détail 1"], ensure_ascii=False, separators=(",", ":")).encode()).hexdigest()
    assert entry_hash(fields(1), GENESIS) == expected


def test_the_time_counts_as_the_same_instant_in_any_zone_or_naive_utc() -> None:
    east = fields(1) | {"at": fields(1)["at"].astimezone(timezone(timedelta(hours=10)))}
    naive = fields(1) | {"at": fields(1)["at"].replace(tzinfo=None)}
    assert entry_hash(east, GENESIS) == entry_hash(naive, GENESIS) == entry_hash(fields(1), GENESIS)


@pytest.mark.parametrize("name", CHAINED_FIELDS)
def test_every_field_and_the_previous_hash_change_the_hash(name: str) -> None:
    changed = fields(1) | {name: fields(1)[name] + timedelta(microseconds=1) if name == "at" else "other"}
    assert entry_hash(changed, GENESIS) != entry_hash(fields(1), GENESIS)
    assert entry_hash(fields(1), "f" * 64) != entry_hash(fields(1), GENESIS)


def test_an_intact_chain_is_reported_with_its_count_and_last_hash() -> None:
    rows = chain(5)
    report = check_chain(rows, head_of(rows))
    assert (report.intact, report.checked, report.last_hash, report.broken_at) == (True, 5, rows[-1]["hash"], None)


def test_an_empty_log_with_its_empty_head_is_intact() -> None:
    assert check_chain([], ChainHead(0, GENESIS)).intact


def test_a_changed_field_is_named_at_its_entry() -> None:
    rows = chain(5)
    rows[2]["detail"] = "rewritten"
    report = check_chain(rows, head_of(rows))
    assert (report.intact, report.broken_at, report.checked) == (False, 3, 2)
    assert "entry 3 was changed" in report.problem


def test_a_removed_entry_is_named_at_the_entry_after_it() -> None:
    rows = chain(5)
    del rows[1]
    report = check_chain(rows, head_of(chain(5)))
    assert (report.broken_at, report.checked) == (3, 1)
    assert "entry 3 does not follow entry 1" in report.problem


def test_swapped_entries_break_the_chain_at_the_first_moved() -> None:
    rows = chain(4)
    rows[1], rows[2] = rows[2], rows[1]
    assert check_chain(rows, head_of(chain(4))).broken_at == 3


def test_rewritten_hashes_from_the_tampered_entry_on_still_disagree_with_the_head() -> None:
    rows = chain(4)
    rows[3]["detail"] = "rewritten"
    rows[3]["hash"] = entry_hash(rows[3], rows[3]["prev_hash"])
    report = check_chain(rows, head_of(chain(4)))
    assert (report.intact, report.broken_at, report.checked) == (False, None, 4)
    assert "chain head" in report.problem


def test_removing_the_newest_entries_is_caught_by_the_head() -> None:
    report = check_chain(chain(5)[:3], head_of(chain(5)))
    assert not report.intact and report.checked == 3 and "5 entries" in report.problem


def test_a_missing_head_is_reported() -> None:
    assert check_chain(chain(2), None).problem == "the chain head is missing"
