"""How long ``acupath`` takes to start: ``--help``, ``score`` and ``plan`` against ``python -c pass``.

Run: ``.venv/bin/python -m benchmarks.cli_startup [--runs 15]``. Each command runs ``--runs`` times as a
fresh process, the commands taking turns so that a burst of load on the shared machine falls on all of
them alike; the median wall time of each is printed and its ratio to the median of ``python -c pass``
(the same interpreter) measured in the same run. Issue 11 asks for ``acupath --help`` under 0.15 s and
``acupath score`` under 0.3 s on this machine. The children run as an installed acupath does, with
bytecode caches: ``PYTHONDONTWRITEBYTECODE`` is removed from their environment (the first, uncounted
run writes the caches), else every start would compile acupath's modules from source.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGETS = {"acupath --help": 0.15, "acupath score": 0.3}
#: the environment of every timed child: this one, with bytecode caches allowed
CHILD_ENV = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}


def acupath_command() -> str:
    """Return the ``acupath`` script beside this interpreter (the venv's), or the one on PATH."""
    exe = Path(sys.executable).with_name("acupath")
    return str(exe) if exe.exists() else "acupath"


def wall_seconds(command: list[str]) -> float:
    """Return the wall seconds of one run of ``command``; raises ``RuntimeError`` when it fails."""
    start = time.perf_counter()
    done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False, env=CHILD_ENV)
    seconds = time.perf_counter() - start
    if done.returncode:
        raise RuntimeError(f"{command} exited {done.returncode}: {done.stderr.decode().strip()}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    acupath = acupath_command()
    with tempfile.TemporaryDirectory(prefix="acupath-bench-") as folder:
        answers = Path(folder) / "phq9.json"
        answers.write_text(json.dumps({f"q{i}": i % 4 for i in range(1, 10)}))
        commands = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "acupath --help": [acupath, "--help"],
            "acupath score": [acupath, "score", "phq9", "--answers", str(answers)],
            "acupath plan": [acupath, "plan", str(ROOT / "examples/intakes/chronic_low_back_pain.yaml")],
        }
        for command in commands.values():  # warm the file cache once; not counted
            wall_seconds(command)
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(args.runs):
            for name, command in commands.items():
                times[name].append(wall_seconds(command))
    print(f"command: {sys.executable} -m benchmarks.cli_startup --runs {args.runs}")
    baseline = statistics.median(times["python -c pass"])
    for name, runs in times.items():
        median = statistics.median(runs)
        target = TARGETS.get(name)
        verdict = f"  [{'ok' if median < target else 'OVER'} {target} s]" if target else ""
        print(f"{name:<16} median {median * 1000:7.1f} ms  (min {min(runs) * 1000:6.1f}, max {max(runs) * 1000:6.1f})"
              f"  x{median / baseline:5.1f} python -c pass{verdict}")


if __name__ == "__main__":
    main()
