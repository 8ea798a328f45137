"""Where the API's bulk exports run: a small pool of threads beside the request thread pool, and their files.

A kick-off answers 202 at once; the export runs in one of ``Settings.fhir_export_workers`` threads
(``ThreadPoolExecutor``), never in the event loop nor in the request thread pool (an export of a large
clinic takes minutes). Its state is in the database (``services.fhir_export``), so any worker process
answers its status; its files are under ``Settings.fhir_export_dir``, one directory per export. Before
each export starts, the files of exports expired in every clinic are removed. A failure is logged
without values (``api.errors.frames_without_values``) and the export is marked failed.
"""

from __future__ import annotations

import contextlib
import logging
import tempfile
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from acupath.api.errors import frames_without_values
from acupath.fhir.bulk import ExportRequest, write_export
from acupath.fhir.bulk_files import remove_export
from acupath.fhir.canonical import Canon
from acupath.knowledge import KnowledgeBase
from acupath.services import fhir_export
from acupath.services.actor import Actor
from acupath.services.unit_of_work import AbstractUnitOfWork
from acupath.settings import Settings

log = logging.getLogger("acupath.api")


class ExportRunner:
    """Runs bulk exports off the event loop and knows where their files are."""

    def __init__(self, directory: Path, workers: int) -> None:
        self.directory = directory
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="fhir-export")

    @classmethod
    def for_settings(cls, settings: Settings) -> ExportRunner:
        """Return the runner of ``settings`` (its directory: ``fhir_export_dir``, else the temp dir's)."""
        directory = Path(settings.fhir_export_dir or Path(tempfile.gettempdir()) / "acupath-fhir-export")
        return cls(directory, settings.fhir_export_workers)

    def directory_of(self, export_id: str) -> Path:
        """Return the directory of the export's files."""
        return self.directory / export_id

    def remove(self, export_id: str) -> None:
        """Delete the export's files."""
        remove_export(self.directory_of(export_id))

    def submit(self, uow_factory: Callable[[], AbstractUnitOfWork], actor: Actor, export_id: str,
               request: ExportRequest, kb: KnowledgeBase, canon: Canon) -> Future[None]:
        """Queue the export to run in the pool; return its future (tests wait on it)."""
        return self.pool.submit(self._run, uow_factory, actor, export_id, request, kb, canon)

    def _run(self, uow_factory: Callable[[], AbstractUnitOfWork], actor: Actor, export_id: str,
             request: ExportRequest, kb: KnowledgeBase, canon: Canon) -> None:
        try:
            for expired in fhir_export.expire_exports(uow_factory()):
                self.remove(expired)
            output = write_export(uow_factory, actor, export_id, request, self.directory_of(export_id), kb, canon)
            if output is not None and fhir_export.finish_export(uow_factory(), actor, export_id, output=output) is None:
                self.remove(export_id)  # cancelled as it finished
        except Exception as exc:
            log.error("bulk export failed: %s", frames_without_values(exc))
            self.remove(export_id)
            with contextlib.suppress(Exception):
                fhir_export.finish_export(uow_factory(), actor, export_id, output=None, failed=True)
