"""The lock of content hashes: content that changes without a version bump is an error.

``knowledge.lock.json`` maps each file to its id, version and the sha256 of its bytes. ``check_lock``
reports every file whose bytes changed while its version stayed the same; ``write_lock`` records the
current state (run it after bumping the version: ``acupath knowledge lock``).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from acupath.knowledge.loader import KnowledgeBase

LOCK_NAME = "knowledge.lock.json"


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def current_entries(kb: KnowledgeBase) -> dict[str, dict[str, str]]:
    """Return the lock entries (id, version, sha256) that describe ``kb`` as it is on disk."""
    return {
        rel: {"id": doc.id, "version": doc.version, "sha256": _sha256(kb.data_dir / rel)}
        for rel, doc in sorted(kb.documents.items())
    }


def check_lock(kb: KnowledgeBase) -> list[str]:
    """Compare the knowledge files with the lock.

    Returns a list of problems, empty when the lock matches: content changed without a version bump,
    a file missing from the lock, or a locked file that no longer exists.
    """
    lock_path = kb.data_dir / LOCK_NAME
    if not lock_path.exists():
        return [f"{LOCK_NAME} is missing: run `acupath knowledge lock`"]
    locked: dict[str, dict[str, str]] = json.loads(lock_path.read_text(encoding="utf-8"))
    problems: list[str] = []
    for rel, entry in current_entries(kb).items():
        old = locked.get(rel)
        if old is None:
            problems.append(f"{rel}: not in {LOCK_NAME}: run `acupath knowledge lock`")
        elif old["sha256"] != entry["sha256"] and old["version"] == entry["version"]:
            problems.append(
                f"{rel}: content changed but version is still {entry['version']}: bump the version, "
                "then run `acupath knowledge lock`"
            )
        elif old["sha256"] != entry["sha256"] or old["version"] != entry["version"]:
            problems.append(f"{rel}: version bumped to {entry['version']}: run `acupath knowledge lock`")
    for rel in sorted(set(locked) - set(kb.documents)):
        problems.append(f"{rel}: in {LOCK_NAME} but no longer in the knowledge base")
    return problems


def write_lock(kb: KnowledgeBase) -> Path:
    """Write the lock for ``kb`` as it is on disk and return its path.

    Raises ``KnowledgeError`` (via ``check_lock`` callers) never; refusing to lock a changed file whose
    version was not bumped is the caller's job (``acupath knowledge lock`` checks first).
    """
    lock_path = kb.data_dir / LOCK_NAME
    lock_path.write_text(json.dumps(current_entries(kb), indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return lock_path
