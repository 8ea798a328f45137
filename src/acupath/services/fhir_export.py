"""Use cases of a FHIR Bulk Data export: kick-off, status, cancel, a file's download, and the pages it reads.

The rules are the rest of the API's: a clinic's records only (another clinic's export id is
``NotFound``, 404), clinical data for administrators and clinicians (reception: ``PermissionDenied``,
403), and the audit log. An export is audited at kick-off (``fhir.export.start``), at cancel and at
each file's download (``fhir.export.download``); and every patient whose records were written gets
one ``fhir.export`` entry with their id, so that the patient's own access log shows the export. Those
entries are written a page at a time (one short transaction per page of patients, as the page is
written), never 100,000 at once: the append takes the audit chain's head lock
(``storage.audit_chain``) and one transaction of 100,000 appends would hold every other writer of the
clinic for its whole length.

Who may see an export: the user who asked for it, and the clinic's administrators; anyone else of the
clinic gets 404 as for another clinic's. Only one export per clinic runs at a time (``ExportInProgress``).
``acupath.fhir.bulk`` maps and writes; the roots run it off the event loop.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace
from datetime import datetime, timedelta

from acupath.errors import Conflict, InputError
from acupath.services.access import MissingRecord, found, require_clinical
from acupath.services.actor import Actor, Role
from acupath.services.audit import audited
from acupath.services.fhir_export_records import ExportJob, ExportLevel, ExportState, PageRecords
from acupath.services.records import AuditEntry, Clinic, Outcome, Patient, User
from acupath.services.unit_of_work import AbstractUnitOfWork

#: How long the files of a finished export are kept (the status's ``Expires``).
KEEP = timedelta(hours=24)
#: A running export that wrote no page for this long stopped (its process ended): reported as failed.
STALE = timedelta(minutes=15)
#: A queued export that no worker started in this long was lost (its process ended): reported as failed.
#: Longer than ``STALE``: a queued export waits for other clinics' exports (``Settings.fhir_export_workers``).
STALE_QUEUED = timedelta(hours=1)
#: The Group of a clinician's panel: ``panel-<user id>``.
PANEL_PREFIX = "panel-"
#: The message of an export that stopped without finishing (no detail: the log has the cause).
STOPPED = "the export stopped before it finished (the server restarted or failed); start a new one"


class ExportInProgress(Conflict):
    """The clinic already has an export queued or running (HTTP 429 with ``Retry-After`` on the FHIR API)."""


def panel_owner(group_id: str) -> str | None:
    """Return the user id of the panel ``group_id`` names (``panel-<user id>``), or None."""
    return group_id.removeprefix(PANEL_PREFIX) if group_id.startswith(PANEL_PREFIX) else None


def clinic_panels(uow: AbstractUnitOfWork, actor: Actor) -> tuple[Clinic, list[User]]:
    """Return the clinic and the clinicians whose panels are Groups (clinicians and administrators).

    Audited as ``fhir.group``. Raises ``PermissionDenied`` (reception).
    """
    with uow, audited(uow, actor, "fhir.group", "clinic", actor.clinic_id):
        require_clinical(actor)
        clinic = found(uow.clinics.get(actor.clinic_id), "clinic", actor.clinic_id)
        return clinic, [u for u in uow.users.list(actor.clinic_id) if u.role != Role.RECEPTION.value]


def _panel_user(uow: AbstractUnitOfWork, actor: Actor, group_id: str) -> User:
    user_id = panel_owner(group_id)
    user = uow.users.get(user_id) if user_id else None
    if user is None or user.clinic_id != actor.clinic_id or user.role == Role.RECEPTION.value:
        raise MissingRecord(f"no Group {group_id[:80]!r} in this clinic", "group", group_id)
    return user


def panel_members(uow: AbstractUnitOfWork, actor: Actor, group_id: str, *, limit: int = 100_000) -> tuple[User, list[str]]:
    """Return the clinician of the Group ``group_id`` and the ids of up to ``limit`` patients of their panel.

    Audited as ``fhir.group``. Raises ``PermissionDenied`` (reception), ``NotFound`` (not a panel of the clinic).
    """
    with uow, audited(uow, actor, "fhir.group", "group", group_id):
        require_clinical(actor)
        user = _panel_user(uow, actor, group_id)
        members: list[str] = []
        while len(members) < limit:
            page = uow.bulk_records.patients_after(actor.clinic_id, members[-1] if members else None,
                                                   min(1000, limit - len(members)), panel_of=user.id)
            members += [p.id for p in page]
            if not page:
                break
        return user, members


def start_export(uow: AbstractUnitOfWork, actor: Actor, *, job_id: str, level: ExportLevel, types: list[str],
                 since: datetime | None, request_url: str, group_id: str | None = None) -> ExportJob:
    """Store a new queued export of the clinic and return it; audited as ``fhir.export.start``.

    Raises ``PermissionDenied`` (reception), ``NotFound`` (an unknown Group), ``ExportInProgress``
    (the clinic's last export has not finished), ``InputError`` (no type).
    """
    with uow, audited(uow, actor, "fhir.export.start", "export", job_id) as note:
        require_clinical(actor)
        if not types:
            raise InputError("_type", "names no resource type")
        if level is ExportLevel.GROUP:
            _panel_user(uow, actor, group_id or "")
        now = uow.clock()
        busy = []
        for active in uow.export_jobs.active(actor.clinic_id):
            if _stale(active, now):  # its process ended: failed, and its files purged when they expire
                uow.export_jobs.update(_failed(active, now))
            else:
                busy.append(active)
        if busy:
            raise ExportInProgress("an export of this clinic is already running: wait for it, or cancel it "
                                   "(DELETE its status URL)")
        job = ExportJob(id=job_id, clinic_id=actor.clinic_id, requested_by=actor.user_id, level=level,
                        group_id=group_id, types=list(types), since=since, request_url=request_url,
                        transaction_time=now, updated_at=now)
        uow.export_jobs.add(job)
        note.detail = f"level={level.value} group={group_id} types={','.join(types)} since={since}"
        return job


def _stale(job: ExportJob, now: datetime) -> bool:
    limit = {ExportState.RUNNING: STALE, ExportState.QUEUED: STALE_QUEUED}.get(job.state)
    return limit is not None and now - job.updated_at > limit


def _failed(job: ExportJob, now: datetime) -> ExportJob:
    return replace(job, state=ExportState.FAILED, error=STOPPED, updated_at=now, expires_at=now + KEEP)


def _visible(uow: AbstractUnitOfWork, actor: Actor, job_id: str) -> ExportJob:
    job = uow.export_jobs.get(actor.clinic_id, job_id)
    if job is None or job.state in (ExportState.CANCELLED, ExportState.EXPIRED) or not (
            job.requested_by == actor.user_id or actor.role is Role.ADMIN):
        raise MissingRecord(f"no export {job_id[:80]!r} in this clinic", "export", job_id)
    return job


def export_status(uow: AbstractUnitOfWork, actor: Actor, job_id: str) -> ExportJob:
    """Return the clinic's export as it is now (a running one that stopped writing is marked failed).

    Not audited (a status holds no patient data). Raises ``PermissionDenied`` (reception), ``NotFound``
    (another clinic's or user's, cancelled, expired).
    """
    with uow:
        require_clinical(actor)
        job = _visible(uow, actor, job_id)
        now = uow.clock()
        if _stale(job, now):
            job = _failed(job, now)
            uow.export_jobs.update(job)
            uow.commit()
        return job


def cancel_export(uow: AbstractUnitOfWork, actor: Actor, job_id: str) -> ExportJob:
    """Cancel the export (its worker stops at its next page; the roots remove its files) and return it.

    Audited as ``fhir.export.cancel``. Raises ``PermissionDenied`` (reception), ``NotFound``.
    """
    with uow, audited(uow, actor, "fhir.export.cancel", "export", job_id):
        require_clinical(actor)
        job = replace(_visible(uow, actor, job_id), state=ExportState.CANCELLED, updated_at=uow.clock())
        uow.export_jobs.update(job)
        return job


def export_file(uow: AbstractUnitOfWork, actor: Actor, job_id: str, file_name: str) -> ExportJob:
    """Return the completed export that holds ``file_name``, for its download; audited as
    ``fhir.export.download`` naming the file.

    Raises ``PermissionDenied`` (reception), ``NotFound`` (no such export or file, or not completed).
    """
    with uow, audited(uow, actor, "fhir.export.download", "export", job_id) as note:
        require_clinical(actor)
        job = _visible(uow, actor, job_id)
        if job.state is not ExportState.COMPLETED or file_name not in {f["file"] for f in job.output}:
            raise MissingRecord(f"no file {file_name[:80]!r} in export {job_id[:80]!r}", "export", job_id)
        note.detail = f"file={file_name}"
        return job


def export_staff(uow: AbstractUnitOfWork, actor: Actor) -> tuple[Clinic, list[User]]:
    """Return the clinic and its users for an export (Organization, Practitioner, PractitionerRole).

    Raises ``PermissionDenied`` (reception).
    """
    with uow:
        require_clinical(actor)
        return found(uow.clinics.get(actor.clinic_id), "clinic", actor.clinic_id), uow.users.list(actor.clinic_id)


def export_page(uow: AbstractUnitOfWork, actor: Actor, *, after: str | None, limit: int, kinds: Collection[str],
                panel_of: str | None = None) -> tuple[list[Patient], PageRecords]:
    """Return the next ``limit`` patients after ``after`` (by id) and their records of ``kinds``, in one
    short transaction. Not audited here: ``page_written`` audits each patient whose records were written.

    Raises ``PermissionDenied`` (reception).
    """
    with uow:
        require_clinical(actor)
        patients = uow.bulk_records.patients_after(actor.clinic_id, after, limit, panel_of=panel_of)
        return patients, uow.bulk_records.records_of(actor.clinic_id, [p.id for p in patients], kinds)


def page_written(uow: AbstractUnitOfWork, actor: Actor, job_id: str, written: list[str], patients_done: int, *,
                 tracked: bool = True) -> bool:
    """Audit one ``fhir.export`` entry per patient in ``written`` and note the export's progress, in one
    transaction; return False when the export was cancelled meanwhile (its worker stops).

    ``tracked=False`` (the command line's export, which keeps no job) only audits.
    """
    with uow:
        now = uow.clock()
        for patient_id in written:
            uow.audit.add(AuditEntry(at=now, clinic_id=actor.clinic_id, actor_clinic_id=actor.clinic_id,
                                     user_id=actor.user_id, action="fhir.export", record_type="export",
                                     record_id=job_id, patient_id=patient_id, remote_address=actor.remote_address,
                                     outcome=Outcome.OK, detail=""))
        going = True
        if tracked:
            job = uow.export_jobs.get(actor.clinic_id, job_id)
            going = job is not None and job.state in (ExportState.QUEUED, ExportState.RUNNING)
            if going and job is not None:
                uow.export_jobs.update(replace(job, state=ExportState.RUNNING, patients_done=patients_done,
                                               updated_at=now))
        uow.commit()
        return going


def finish_export(uow: AbstractUnitOfWork, actor: Actor, job_id: str, *, output: list[dict] | None,
                  failed: bool = False) -> ExportJob | None:
    """Mark the export completed with its files (``output``) or failed, kept ``KEEP``; return it, or None
    when it was cancelled meanwhile (its files are to be removed)."""
    with uow:
        job = uow.export_jobs.get(actor.clinic_id, job_id)
        if job is None or job.state not in (ExportState.QUEUED, ExportState.RUNNING):
            return None
        now = uow.clock()
        job = replace(job, state=ExportState.FAILED if failed else ExportState.COMPLETED, updated_at=now,
                      expires_at=now + KEEP, output=output or [], error=STOPPED if failed else None)
        uow.export_jobs.update(job)
        uow.commit()
        return job


def expire_exports(uow: AbstractUnitOfWork) -> list[str]:
    """Mark every clinic's finished exports whose files expired as expired; return their ids (the roots
    remove their files)."""
    with uow:
        now = uow.clock()
        jobs = uow.export_jobs.expired(now)
        for job in jobs:
            uow.export_jobs.update(replace(job, state=ExportState.EXPIRED, updated_at=now))
        uow.commit()
        return [job.id for job in jobs]


__all__ = ["KEEP", "PANEL_PREFIX", "ExportInProgress", "cancel_export", "clinic_panels", "expire_exports",
           "export_file", "export_page", "export_staff", "export_status", "finish_export", "page_written",
           "panel_members", "panel_owner", "start_export"]
