"""The files of a bulk export: one NDJSON file per resource type, and the manifest that lists them.

``NdjsonFiles`` opens a type's file when its first resource comes and appends one line per resource
(``resource_json.ndjson_line``, through a buffered file: memory holds the buffer, not the file).
``manifest`` is the status's answer when the export is complete (Bulk Data Access IG 2.0, "Response -
Complete Status"); the command line writes it beside the files as ``manifest.json``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from acupath.fhir.resource_json import instant, ndjson_line

#: The media type of the files (Bulk Data Access IG: ``application/fhir+ndjson``).
NDJSON = "application/fhir+ndjson"


def file_name(resource_type: str) -> str:
    """Return the name of the file of ``resource_type`` (``Patient.ndjson``)."""
    return f"{resource_type}.ndjson"


class NdjsonFiles:
    """The NDJSON files of one export in ``directory`` (created if missing), one per type of ``types``."""

    def __init__(self, directory: Path, types: Sequence[str]) -> None:
        self.directory = directory
        self.types = list(types)
        self._made_directory = not directory.exists()
        directory.mkdir(parents=True, exist_ok=True)
        self._files: dict[str, IO[bytes]] = {}
        self.counts: dict[str, int] = {}

    def write(self, body: dict[str, Any]) -> None:
        """Append the resource ``body`` to its type's file, as one line."""
        kind = body["resourceType"]
        file = self._files.get(kind)
        if file is None:
            file = self._files[kind] = (self.directory / file_name(kind)).open("wb")
            self.counts[kind] = 0
        file.write(ndjson_line(body))
        self.counts[kind] += 1

    def flush(self) -> None:
        """Send what the files buffer to the operating system (after each page)."""
        for file in self._files.values():
            file.flush()

    def close(self) -> list[dict[str, Any]]:
        """Close the files and return them in ``types`` order: ``{"type", "file", "count"}`` (types with no
        resource have no file)."""
        for file in self._files.values():
            file.close()
        return [{"type": kind, "file": file_name(kind), "count": self.counts[kind]}
                for kind in self.types if kind in self.counts]

    def remove(self) -> None:
        """Close and delete the files written (and the directory, if this export made it and it is empty)."""
        for kind, file in self._files.items():
            file.close()
            (self.directory / file_name(kind)).unlink(missing_ok=True)
        self._files.clear()
        if self._made_directory:
            with contextlib.suppress(OSError):
                self.directory.rmdir()


def remove_export(directory: Path) -> None:
    """Delete an export's directory of NDJSON files and the directory itself (nothing else is in it)."""
    if not directory.is_dir():
        return
    for path in directory.glob("*.ndjson"):
        path.unlink(missing_ok=True)
    with contextlib.suppress(OSError):
        directory.rmdir()


def manifest(*, transaction_time: datetime, request_url: str, output: list[dict[str, Any]],
             url_of: Any, requires_token: bool = True) -> dict[str, Any]:
    """Return the complete export's manifest: ``transactionTime``, ``request``, ``requiresAccessToken``
    (the API's files are downloaded with the same bearer token; the command line's are local files),
    ``output`` (each type's file with its ``url`` from ``url_of(file name)`` and its line ``count``) and
    ``error`` (none: a failed export fails as a whole)."""
    return {"transactionTime": instant(transaction_time), "request": request_url,
            "requiresAccessToken": requires_token,
            "output": [{"type": f["type"], "url": url_of(f["file"]), "count": f["count"]} for f in output],
            "error": []}
