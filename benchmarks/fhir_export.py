"""FHIR Bulk Data export of the demo clinic scaled to 100,000 patients: time, resources/s and peak RSS.

The demo clinic (``acupath demo``'s builder, 3 patients per condition, through the services) is the
template; the clinic grows to each size of ``--sizes`` by copying the template patients' rows (patient,
intakes, screenings, plans with their overrides and revisions, sessions with their points, adverse
events, reassessments, amendments) with new ids, through SQLAlchemy Core executemany in batches of
``--batch`` patients per transaction, and ``ANALYZE`` after each growth. At each size the export runs
as ``acupath fhir export`` in a fresh process (so its peak RSS is its own: ``ru_maxrss``), writing the
NDJSON files to a temporary directory that is removed after. The export audits one entry per patient
written, as the API's does; that is part of its time.

Baseline in the same run, on each database: the in-process cost of one resource of the demo clinic through the
validated path (``fhir.resources`` model, as the read API) against the bulk path (the same mapping's
JSON written as it is), so the speed of the fast path is read against what it replaced. Memory is flat
when the peak RSS at 100x the patients stays near the smallest size's.

    .venv/bin/python -m benchmarks.fhir_export [--sizes 1000,10000,100000] [--only sqlite|postgresql]
                                               [--batch 1000]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, insert, select

from acupath.storage import make_engine
from acupath.storage.migrate import analyze
from acupath.storage.tables import (
    AdverseEventRow,
    AmendmentRow,
    IntakeRow,
    PatientRow,
    PlanOverrideRow,
    PlanRevisionRow,
    PlanRow,
    ReassessmentRow,
    ScreeningRow,
    SessionPointRow,
    SessionRow,
)
from benchmarks.api import load_demo, postgres_database, sqlite_database

#: The tables a patient's record is in, in the order their references allow inserting them.
TABLES = [row.__table__ for row in (PatientRow, IntakeRow, ScreeningRow, PlanRow, PlanOverrideRow, PlanRevisionRow,
                                    SessionRow, SessionPointRow, AdverseEventRow, ReassessmentRow, AmendmentRow)]
#: Columns holding a record id that a copy renames (its own id, and references to its patient's records).
ID_COLUMNS = ("id", "patient_id", "intake_id", "screening_id", "plan_id", "session_id", "record_id")


def _template(engine: Engine) -> dict[str, list[tuple[str, list[dict[str, Any]]]]]:
    """Return each template patient's rows: patient id -> [(table name, rows)], integer ids left out."""
    with engine.connect() as connection:
        rows = {table.name: [dict(r._mapping) for r in connection.execute(select(table))] for table in TABLES}
    owner: dict[str, str] = {r["id"]: r["patient_id"] for name in ("intakes", "screenings", "plans", "session_records",
                                                                     "adverse_events", "reassessments")
                             for r in rows[name]}
    out: dict[str, list[tuple[str, list[dict[str, Any]]]]] = {p["id"]: [] for p in rows["patients"]}
    for table in TABLES:
        by_patient: dict[str, list[dict[str, Any]]] = {}
        for row in rows[table.name]:
            key = (row["id"] if table.name == "patients" else row.get("patient_id") or owner.get(
                row.get("plan_id") or row.get("session_id") or row.get("record_id") or ""))
            if isinstance(row.get("id"), int):
                row.pop("id")  # autoincrement: the copy gets its own
            by_patient.setdefault(key, []).append(row)
        for patient_id, patient_rows in by_patient.items():
            out[patient_id].append((table.name, patient_rows))
    return out


def _copy(rows: list[dict[str, Any]], number: int) -> list[dict[str, Any]]:
    prefix = f"{number:08x}"
    copies = []
    for row in rows:
        copy = dict(row)
        for column in ID_COLUMNS:
            value = copy.get(column)
            if isinstance(value, str) and len(value) == 32:
                copy[column] = prefix + value[8:]
        if copy.get("mrn"):
            copy["mrn"] = f"{copy['mrn']}-{number}"
        copies.append(copy)
    return copies


def grow(engine: Engine, template: dict[str, list[tuple[str, list[dict[str, Any]]]]], start: int, count: int,
         batch: int) -> None:
    """Add ``count`` copies of the template's patients (copy numbers from ``start``), ``batch`` a transaction."""
    patients = list(template.values())
    tables = {table.name: table for table in TABLES}
    for first in range(0, count, batch):
        pending: dict[str, list[dict[str, Any]]] = {table.name: [] for table in TABLES}
        for n in range(first, min(count, first + batch)):
            number = start + n
            for name, rows in patients[number % len(patients)]:
                pending[name] += _copy(rows, number)
        with engine.begin() as connection:
            for name, rows in pending.items():
                if rows:
                    connection.execute(insert(tables[name]), rows)


def _patients(engine: Engine) -> int:
    with engine.connect() as connection:
        return len(connection.execute(select(PatientRow.id)).all())


def export_once(url: str) -> dict[str, Any]:
    """Run ``acupath fhir export`` on ``url`` in a fresh process; return its seconds, resources and peak RSS."""
    with tempfile.TemporaryDirectory(prefix="acupath-bench-export-") as folder:
        out = Path(folder) / "out"
        result = subprocess.run([sys.executable, "-m", "benchmarks.fhir_export", "--export-only", url, str(out)],
                                check=True, capture_output=True, text=True)
        return json.loads(result.stdout.splitlines()[-1])


def _export_only(url: str, directory: str) -> None:
    from acupath.cli import main

    started = time.perf_counter()
    with contextlib.suppress(SystemExit):
        main(["fhir", "export", "--db", url, directory])
    seconds = time.perf_counter() - started
    document = json.loads((Path(directory) / "manifest.json").read_text())
    size = sum(path.stat().st_size for path in Path(directory).glob("*.ndjson"))
    print(json.dumps({"seconds": seconds, "resources": sum(o["count"] for o in document["output"]),
                      "bytes": size, "peak_rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))


def per_resource_baseline(url: str) -> tuple[float, float, int]:
    """Return the in-process microseconds per resource of the demo clinic at ``url`` (validated path, bulk
    path; best of three rounds each) and how many resources were timed. The records are read once."""
    from acupath.fhir import Canon, as_json
    from acupath.fhir.chart import chart_documents
    from acupath.fhir.resource_json import ndjson_line, validated
    from acupath.knowledge import load_knowledge
    from acupath.services import fhir_reads
    from acupath.services.actor import Actor
    from acupath.storage import SqlAlchemyUnitOfWork

    kb, engine = load_knowledge(), make_engine(url)
    with engine.connect() as connection:
        clinic_id = connection.execute(select(PatientRow.clinic_id)).scalars().first()
        ids = list(connection.execute(select(PatientRow.id)).scalars())
    actor = Actor.system(clinic_id or "")
    charts = [fhir_reads.patient_chart(SqlAlchemyUnitOfWork.from_engine(engine), actor, i) for i in ids]
    engine.dispose()
    canon = Canon()
    count = sum(1 for chart in charts for _ in chart_documents(chart, kb, canon))
    best = {"validated": float("inf"), "bulk": float("inf")}
    for _ in range(3):
        for name, write in (("validated", lambda b: as_json(validated(b))), ("bulk", ndjson_line)):
            started = time.perf_counter()
            for chart in charts:
                for body in chart_documents(chart, kb, canon):
                    write(body)
            best[name] = min(best[name], time.perf_counter() - started)
    return 1e6 * best["validated"] / count, 1e6 * best["bulk"] / count, count


def run(label: str, url: str, sizes: list[int], batch: int) -> list[str]:
    """Load the demo into ``url``, grow it to each size, export at each; return the report's lines."""
    started = time.perf_counter()
    load_demo(url)
    engine = make_engine(url)
    template = _template(engine)
    lines = [f"{label}: template {len(template)} demo patients loaded in {time.perf_counter() - started:.0f} s"]
    validated_us, bulk_us, count = per_resource_baseline(url)
    lines.append(f"  baseline, the demo's {count} resources in process: validated path {validated_us:.0f} us a "
                 f"resource, bulk path {bulk_us:.0f} us ({validated_us / bulk_us:.0f}x faster)")
    print("\n".join(lines), flush=True)
    have = _patients(engine)
    for size in sizes:
        started = time.perf_counter()
        grow(engine, template, have, size - have, batch)
        have = size
        analyze(url)
        built = time.perf_counter() - started
        got = export_once(url)
        rate = got["resources"] / got["seconds"]
        lines.append(f"  {size:>7,} patients (grown in {built:5.0f} s): export {got['seconds']:7.1f} s, "
                     f"{got['resources']:>10,} resources, {rate:7,.0f} resources/s, "
                     f"{got['bytes'] / 2**20:8,.0f} MiB of NDJSON, peak RSS {got['peak_rss_kib'] / 1024:6.0f} MiB")
        print(lines[-1], flush=True)
    engine.dispose()
    return lines


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark and print the report."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="patients at each export, ascending")
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    parser.add_argument("--batch", type=int, default=1000, help="patients copied per transaction")
    parser.add_argument("--export-only", nargs=2, metavar=("URL", "DIR"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.export_only:
        _export_only(*args.export_only)
        return
    sizes = sorted(int(size) for size in args.sizes.split(","))
    print(f"started {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, load average {os.getloadavg()}", flush=True)
    report = []
    for label, database in (("sqlite", sqlite_database), ("postgresql", postgres_database)):
        if args.only in (None, label):
            with database() as url:
                report += run(label, url, sizes, args.batch)
    print(f"finished {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, load average {os.getloadavg()}")
    print("\n".join(report))


if __name__ == "__main__":
    main()
