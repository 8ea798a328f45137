"""Bulk and single questionnaire scoring: ``acupath score-file`` on 1,000,000 rows, and ``score`` per call.

Run: ``.venv/bin/python -m benchmarks.scoring [--rows N]``. Generates PHQ-9 and ODI files in a temporary
folder, times ``acupath score-file`` end to end in a fresh process (start-up, knowledge base, read,
validate, score, write) both in this process and in a fresh one, times single ``score`` calls, and measures a baseline in the same run: the
standard ``csv`` module reading the same file, summing each row and writing the sums. Issue 2 asks for
1,000,000 rows under 3 s and a single call under 50 us. Peak memory at 400,000 and 4,000,000 rows is
``benchmarks/score_file.py``; start-up alone is ``benchmarks/cli_startup.py``.
"""

from __future__ import annotations

import argparse
import csv
import shutil
import subprocess
import sys
import tempfile
import time
import timeit
from pathlib import Path

import numpy as np

from acupath.assessment import score
from acupath.cli import main as cli_main
from acupath.knowledge import load_knowledge

INSTRUMENTS = {"phq9": (9, 3), "odi": (10, 5)}  # items, highest answer


def write_rows(path: Path, items: int, highest: int, rows: int, seed: int) -> None:
    """Write ``rows`` random complete responses (single-digit answers) with a header."""
    rng = np.random.default_rng(seed)
    body = np.empty((rows, 2 * items), dtype=np.uint8)
    body[:, 0::2] = rng.integers(0, highest + 1, size=(rows, items), dtype=np.uint8) + ord("0")
    body[:, 1::2] = ord(",")
    body[:, -1] = ord("\n")
    header = ",".join(f"q{i}" for i in range(1, items + 1)) + "\n"
    path.write_bytes(header.encode() + body.tobytes())


def csv_baseline(source: Path, target: Path) -> float:
    """Return the seconds the ``csv`` module takes to read ``source``, sum each row and write the sums."""
    start = time.perf_counter()
    with source.open(newline="") as inp, target.open("w", newline="") as out:
        reader = csv.reader(inp)
        writer = csv.writer(out)
        writer.writerow(["total", *next(reader)[:0]])
        for row in reader:
            writer.writerow([sum(map(int, row))])
    return time.perf_counter() - start


def time_in_process(instrument: str, source: Path, target: Path) -> float:
    """Return the seconds of ``acupath score-file`` run through ``acupath.cli.main`` in this process,
    with the knowledge base read afresh (read, validate, score, write; no interpreter start-up)."""
    load_knowledge.cache_clear()
    start = time.perf_counter()
    try:
        cli_main(["score-file", instrument, str(source), str(target)])
    except SystemExit as exit_:
        if exit_.code:
            raise
    return time.perf_counter() - start


def time_fresh_process(instrument: str, source: Path, target: Path) -> tuple[float, list[str]]:
    """Return the wall seconds of ``acupath score-file`` in a fresh process, and the command."""
    exe = Path(sys.executable).with_name("acupath")
    command = [str(exe) if exe.exists() else "acupath", "score-file", instrument, str(source), str(target)]
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - start, command


def time_startup() -> float:
    """Return the wall seconds of ``acupath --help`` in a fresh process (interpreter and CLI imports)."""
    exe = Path(sys.executable).with_name("acupath")
    start = time.perf_counter()
    subprocess.run([str(exe) if exe.exists() else "acupath", "--help"], check=True, capture_output=True)
    return time.perf_counter() - start


def time_single(instrument: str, answers: dict, calls: int = 100_000) -> float:
    """Return microseconds per ``score`` call (best of 5 runs)."""
    score(instrument, answers)  # compile and cache the scorer first
    return min(timeit.repeat(lambda: score(instrument, answers), number=calls, repeat=5)) / calls * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="acupath-bench-"))
    try:
        print(f"command: {sys.executable} -m benchmarks.scoring --rows {args.rows}")
        for seed, (instrument, (items, highest)) in enumerate(INSTRUMENTS.items()):
            source = folder / f"{instrument}.csv"
            write_rows(source, items, highest, args.rows, seed)
            target = folder / f"{instrument}.scored.csv"
            seconds = time_in_process(instrument, source, target)
            fresh, command = time_fresh_process(instrument, source, target)
            baseline = csv_baseline(source, folder / f"{instrument}.baseline.csv")
            size = source.stat().st_size / 1e6
            verdict = "ok" if seconds < 3.0 or args.rows != 1_000_000 else "OVER 3 s"
            print(f"{instrument}: score-file {args.rows:,} rows ({size:.0f} MB) read, validated, scored, written: "
                  f"{seconds:.2f} s [{verdict}]; csv-module read+sum+write baseline {baseline:.2f} s "
                  f"(score-file / baseline = {seconds / baseline:.2f})")
            print(f"  fresh process `{command[0]} score-file {instrument} IN OUT`: {fresh:.2f} s wall")
        print(f"CLI start-up alone (`acupath --help`): {time_startup():.2f} s wall")
        single = {
            "phq9": {f"q{i}": i % 4 for i in range(1, 10)},
            "odi": {f"q{i}": i % 6 for i in range(1, 11)},
        }
        for instrument, answers in single.items():
            micro = time_single(instrument, answers)
            verdict = "ok" if micro < 50 else "OVER 50 us"
            print(f"{instrument}: score() {micro:.1f} us/call [{verdict}]")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
