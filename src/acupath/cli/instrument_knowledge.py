"""The knowledge ``score`` and ``score-file`` need: one instrument file, versioned as the whole base.

Measured reason (issue 11, this machine, 2 shared cores): ``acupath score phq9`` took 0.65-0.71 s, of
which reading and validating all 31 knowledge files took 0.33 s (YAML construction, and importing and
building the pydantic models of points, safety, evidence...), to use one 6 KB instrument file. Reading
that one file takes 2-6 ms (up to 15 ms under load). The knowledge version printed with every score
must still be the whole base's, which ``KnowledgeBase`` computes from every file's id and version:
``knowledge.lock.json`` records them with each file's sha256, so when every file's bytes hash to its
lock entry (hashing all of them takes about 1 ms) the lock's ids and versions are the files' own.
Nothing is cached on disk: the lock is the key.

Anything else (a file changed, added or removed since the lock was written, an instrument the lock
does not name, a missing or unreadable lock) takes the full ``load_knowledge()``, which validates
everything and raises what it finds.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from acupath.knowledge import KnowledgeBase, load_knowledge
from acupath.knowledge.loader import DATA_DIR, parse_document
from acupath.knowledge.lock import LOCK_NAME
from acupath.knowledge.schema.document import Document


def _locked_entries(data_dir: Path) -> dict[str, dict[str, str]] | None:
    """Return the lock's entries when every knowledge file matches its sha256 exactly, else None."""
    try:
        locked: dict[str, dict[str, str]] = json.loads((data_dir / LOCK_NAME).read_text(encoding="utf-8"))
        on_disk = {p.relative_to(data_dir).as_posix(): p for p in data_dir.rglob("*.yaml")}
        if set(on_disk) != set(locked):
            return None
        for rel, path in on_disk.items():
            if hashlib.sha256(path.read_bytes()).hexdigest() != locked[rel]["sha256"]:
                return None
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return locked


def instrument_knowledge(instrument_id: str, data_dir: Path | None = None) -> KnowledgeBase:
    """Return a ``KnowledgeBase`` whose ``instruments`` holds only ``instrument_id``, validated from its
    file, and whose ``version`` is the whole base's (the other documents are id-and-version headers).

    ``data_dir`` None is the package's knowledge. Falls back to ``load_knowledge`` (cached per process)
    as the module docstring says. Raises ``KnowledgeError`` for a malformed file (the instrument's, or
    any file on the fallback).
    """
    from acupath.knowledge.schema.instruments import InstrumentFile

    locked = _locked_entries(data_dir or DATA_DIR)
    relative = f"instruments/{instrument_id}.yaml"
    if locked is None or locked.get(relative, {}).get("id") != instrument_id:
        return load_knowledge() if data_dir is None else load_knowledge(data_dir)
    data_dir = data_dir or DATA_DIR
    documents: dict[str, Document] = {
        rel: Document.model_construct(id=entry["id"], version=entry["version"])  # the header the lock holds
        for rel, entry in locked.items()
    }
    doc = parse_document(data_dir / relative, InstrumentFile, relative)
    documents[relative] = doc
    return KnowledgeBase(data_dir, documents, {"instruments": {instrument_id: doc}})
