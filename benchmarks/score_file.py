"""``acupath score-file`` at 400,000 and 4,000,000 rows: rows/s and peak memory, beside the csv module.

Run: ``.venv/bin/python -m benchmarks.score_file [--rows 400000 4000000] [--repeat 1]``. Writes PHQ-9
files (answers only, and with an ``id`` column) into a temporary folder, then runs each command as a
child of GNU ``/usr/bin/time`` and reads that child's peak resident set size (``%M``, the kernel's
``ru_maxrss``). Not ``os.wait4`` on our own child: forked from this process, which holds numpy and the
file it wrote, the child's peak would count our pages. The baseline, in the same run: a child process
that reads the same file with Python's ``csv`` module and writes one total per row with it. Children
run with bytecode caches allowed (``cli_startup.CHILD_ENV``), as an installed acupath does.
Issue 11 asks for a peak under 150 MiB at 4,000,000 rows and speed no worse than before streaming.
"""

from __future__ import annotations

import argparse
import csv
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.cli_startup import CHILD_ENV, acupath_command

ITEMS, HIGHEST = 9, 3  # PHQ-9
LIMIT_MIB = 150
TIME = "/usr/bin/time"  # GNU time (Debian package ``time``)


def write_rows(path: Path, rows: int, with_id: bool, seed: int) -> None:
    """Write ``rows`` random complete PHQ-9 responses with a header, in blocks (flat memory here too)."""
    import numpy as np  # here, so that the csv-module child does not carry numpy

    rng = np.random.default_rng(seed)
    header = (["id"] if with_id else []) + [f"q{i}" for i in range(1, ITEMS + 1)]
    with path.open("wb") as out:
        out.write((",".join(header) + "\n").encode())
        for start in range(0, rows, 200_000):
            n = min(200_000, rows - start)
            body = np.empty((n, 2 * ITEMS), dtype=np.uint8)
            body[:, 0::2] = rng.integers(0, HIGHEST + 1, size=(n, ITEMS), dtype=np.uint8) + ord("0")
            body[:, 1::2] = ord(",")
            body[:, -1] = ord("\n")
            if not with_id:
                out.write(body.tobytes())
                continue
            lines = body.tobytes().split(b"\n")[:-1]
            out.write(b"".join(b"p%d,%s\n" % (start + i, line) for i, line in enumerate(lines)))


def csv_baseline(source: str, target: str) -> None:
    """Read ``source`` with the csv module and write each row's total to ``target`` with it."""
    with open(source, newline="") as inp, open(target, "w", newline="") as out:
        reader = csv.reader(inp)
        writer = csv.writer(out)
        header = next(reader)
        skip = 1 if header[0] == "id" else 0
        writer.writerow(["total"])
        for row in reader:
            writer.writerow([sum(map(int, row[skip:]))])


def run_child(command: list[str]) -> tuple[float, float]:
    """Run ``command``; return its wall seconds and its peak resident set size in MiB.

    Raises ``RuntimeError`` with the child's stderr when it fails.
    """
    with tempfile.NamedTemporaryFile(suffix=".time") as report:
        start = time.perf_counter()
        done = subprocess.run([TIME, "-f", "%M", "-o", report.name, *command], stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, check=False, env=CHILD_ENV)
        seconds = time.perf_counter() - start
        if done.returncode:
            raise RuntimeError(f"{command} exited {done.returncode}: {done.stderr.decode().strip()}")
        return seconds, int(Path(report.name).read_text().split()[-1]) / 1024  # GNU time reports KiB


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[400_000, 4_000_000])
    parser.add_argument("--repeat", type=int, default=1, help="runs of each command (the best is shown)")
    parser.add_argument("--baseline", nargs=2, metavar=("IN", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.baseline:  # the child side of the csv-module baseline
        csv_baseline(*args.baseline)
        return
    if not Path(TIME).exists():
        sys.exit(f"benchmarks.score_file: needs GNU time at {TIME} (Debian: apt-get install time)")
    folder = Path(tempfile.mkdtemp(prefix="acupath-bench-"))
    rows_flag = " ".join(map(str, args.rows))
    print(f"command: {sys.executable} -m benchmarks.score_file --rows {rows_flag} --repeat {args.repeat}")
    print(f"{'file':<22}{'command':<12}{'seconds':>9}{'rows/s':>12}{'peak MiB':>10}  vs csv module")
    try:
        for rows in args.rows:
            for with_id in (False, True):
                source = folder / f"phq9_{rows}{'_id' if with_id else ''}.csv"
                write_rows(source, rows, with_id, seed=rows)
                target = folder / "scored.csv"
                runs = {
                    "score-file": [acupath_command(), "score-file", "phq9", str(source), str(target)],
                    "csv module": [sys.executable, "-m", "benchmarks.score_file", "--baseline", str(source),
                                   str(target)],
                }
                best = {name: min(run_child(command) for _ in range(args.repeat)) for name, command in runs.items()}
                label = f"{rows:,} rows{' + id' if with_id else ''}"
                base_seconds, _ = best["csv module"]
                for name, (seconds, peak) in best.items():
                    ratio = f"time x{seconds / base_seconds:.2f}" if name == "score-file" else ""
                    verdict = f" [{'ok' if peak < LIMIT_MIB else 'OVER'} {LIMIT_MIB} MiB]" if name == "score-file" else ""
                    print(f"{label:<22}{name:<12}{seconds:>9.2f}{rows / seconds:>12,.0f}{peak:>10.1f}  {ratio}{verdict}")
                source.unlink()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
