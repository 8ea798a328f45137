"""``make network-plot``: the two demo clinics pooled as a network, for README, in docs/network/.

``.venv/bin/python -m scripts.network_forest [--out docs/network] [--today 2026-12-01]``

As ``make run`` does, but on a temporary SQLite file: ``acupath db upgrade`` and ``acupath demo --today``
(Harbour and the second clinic, Riverside; synthetic). Then, as two clinics of a network would: each makes
its key pair (``acupath analytics keygen``) and exports its signed aggregates
(``acupath analytics export-aggregates``); ``acupath analytics pool`` checks both signatures and pools
chronic low back pain, one row per clinic, writing ``forest-clbp.png`` (mean NRS improvement) and
``forest-clbp-responders.png`` (share of responders). It prints the commands' output and Harbour's
responder table by condition (``acupath analytics responders --by condition``) for README. The demo is
built with a fixed ``--today`` and ``--seed``, so the figures change only when the code or knowledge does.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ACUPATH = Path(sys.executable).parent / "acupath"


def _acupath(*args: str) -> str:
    return subprocess.run([str(ACUPATH), *args], check=True, capture_output=True, text=True).stdout


def make(out: Path, today: date) -> list[Path]:
    """Build the demo clinics, export, pool and draw into ``out``; print each step; return the plots written.

    Raises ``subprocess.CalledProcessError`` when a command fails (its stderr says why).
    """
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="acupath-network-") as name:
        folder = Path(name)
        url = f"sqlite:///{folder / 'demo.sqlite3'}"
        _acupath("db", "upgrade", "--db", url)
        demo = json.loads(_acupath("demo", "--db", url, "--today", today.isoformat()).split("\ndemo login")[0])
        clinics = {"harbour": demo["clinic_id"], "riverside": demo["second_clinic"]["clinic_id"]}
        print(_acupath("analytics", "responders", "--by", "condition", "--db", url, "--clinic", clinics["harbour"]))
        files = []
        for clinic, clinic_id in clinics.items():
            _acupath("analytics", "keygen", "--name", clinic, "--out", str(folder / "keys"))
            files.append(str(folder / f"{clinic}.json"))
            print(_acupath("analytics", "export-aggregates", files[-1], "--db", url, "--clinic", clinic_id,
                           "--key", str(folder / "keys" / f"{clinic}.key.pem"), "--today", today.isoformat(),
                           "--note", "synthetic demo data").replace(str(folder) + "/", ""))
        plots = [out / "forest-clbp.png", out / "forest-clbp-responders.png"]
        for plot, measure in zip(plots, ("MN", "PR"), strict=True):
            print(_acupath("analytics", "pool", *files, "--trust", str(folder / "keys"), "--measure", measure,
                           "--condition", "chronic_low_back_pain", "--plot", str(plot)).replace(str(folder) + "/", ""))
    return plots


def main() -> None:
    """Run ``make`` with the command line's options and print each file written."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "network")
    parser.add_argument("--today", type=date.fromisoformat, default=date(2026, 12, 1))
    options = parser.parse_args()
    for path in make(options.out, options.today):
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)


if __name__ == "__main__":
    main()
