"""The audit log's hash chain: how an entry's hash is made, and how a chain is checked.

Each audit row holds ``prev_hash`` (the hash of the row before it, ``GENESIS`` for the first) and
``hash``: SHA-256 over the canonical serialisation of the row's fields and ``prev_hash``. Changing,
removing, inserting or reordering a row breaks the chain at that row or the one after it; removing the
newest rows is caught by the chain head (``audit_chain_head``: how many entries, the last hash), which
every append updates in the same transaction. An attacker who rewrites every hash from the tampered row
on, and the head too, is caught only against a copy of the last hash kept elsewhere: ``acupath audit
verify`` prints it for that purpose.

The serialisation is a storage format: entries already written were hashed with it, so it never
changes without a migration that re-chains the log. Migration 0006 chained the rows that existed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

#: The ``prev_hash`` of the first entry.
GENESIS = "0" * 64

#: The fields of an entry that its hash covers, in the order they are serialised. The row id is not
#: among them: the database gives it at the insert, after the hash is made; the chain fixes the order.
CHAINED_FIELDS = ("at", "clinic_id", "actor_clinic_id", "user_id", "action", "record_type", "record_id",
                  "patient_id", "remote_address", "outcome", "detail")


def _canonical_time(value: datetime) -> str:
    # SQLite gives back a naive time, which the log wrote in UTC; PostgreSQL an aware one.
    moment = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def entry_hash(fields: Mapping[str, Any], prev_hash: str) -> str:
    """Return the hex SHA-256 of the entry ``fields`` (every name of ``CHAINED_FIELDS``) after ``prev_hash``.

    The serialisation is a JSON array (UTF-8, no spaces): ``prev_hash`` then the fields in the order of
    ``CHAINED_FIELDS``, the time as ``YYYY-MM-DDTHH:MM:SS.ffffffZ`` in UTC, a missing value as null.
    Raises ``KeyError`` if a field is missing.
    """
    return hashlib.sha256(hashed_text(prev_hash, entry_tail(fields)).encode("utf-8")).hexdigest()


def entry_tail(fields: Mapping[str, Any]) -> str:
    """Return the serialisation of the entry ``fields`` that follows ``prev_hash`` in what is hashed.

    ``'["' + prev_hash + '",' + entry_tail(fields)`` is the whole serialisation (``hashed_text``):
    a hex hash needs no escaping in JSON, so the database can put the previous hash in front of the
    tail itself (``repositories.audit``, PostgreSQL). Raises ``KeyError`` if a field is missing.
    """
    values = [_canonical_time(value) if isinstance(value, datetime) else value
              for value in (fields[name] for name in CHAINED_FIELDS)]
    return json.dumps(values, ensure_ascii=False, separators=(",", ":"))[1:]


def hashed_text(prev_hash: str, tail: str) -> str:
    """Return the text an entry's hash is taken of: ``prev_hash`` (hex) and the entry's ``entry_tail``.

    The same as ``json.dumps([prev_hash, *fields])`` with the separators above: a JSON array whose
    first element is the hex string ``prev_hash``.
    """
    return '["' + prev_hash + '",' + tail


@dataclass(frozen=True)
class ChainHead:
    """What the chain head says: how many entries were appended, and the hash of the last one."""

    entries: int
    last_hash: str


@dataclass(frozen=True)
class ChainReport:
    """The result of checking a chain.

    ``checked`` entries were read in order; ``broken_at`` is the id of the first entry that breaks the
    chain (None when intact, or when only the head disagrees), ``problem`` says how (None when intact),
    ``last_hash`` is the hash of the last entry read.
    """

    checked: int
    last_hash: str
    problem: str | None = None
    broken_at: int | None = None

    @property
    def intact(self) -> bool:
        """True when every entry and the head agree."""
        return self.problem is None


def check_chain(rows: Iterable[Mapping[str, Any]], head: ChainHead | None) -> ChainReport:
    """Return the report of the chain ``rows`` (oldest first; each with ``id``, ``prev_hash``, ``hash``
    and every ``CHAINED_FIELDS``) against its ``head`` (None: the head row is missing).

    Stops at the first broken entry. Raises nothing: a broken chain is a report, not an error.
    """
    checked, previous, previous_id = 0, GENESIS, None
    for row in rows:
        if row["prev_hash"] != previous:
            after = f"entry {previous_id}" if previous_id is not None else "the start of the log"
            return ChainReport(checked, previous, f"entry {row['id']} does not follow {after}: an entry between "
                               "them was removed or inserted, or this one moved", row["id"])
        if row["hash"] != entry_hash(row, row["prev_hash"]):
            return ChainReport(checked, previous, f"entry {row['id']} was changed after it was written: "
                               "its hash does not match its fields", row["id"])
        checked, previous, previous_id = checked + 1, row["hash"], row["id"]
    if head is None:
        return ChainReport(checked, previous, "the chain head is missing")
    if (head.entries, head.last_hash) != (checked, previous):
        return ChainReport(checked, previous, f"the chain head counts {head.entries} entries ending in "
                           f"{head.last_hash[:12]}…, the log has {checked} ending in {previous[:12]}…: "
                           "the newest entries were removed or rewritten, or the head was changed")
    return ChainReport(checked, previous)
