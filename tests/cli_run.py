"""Run the acupath command line in-process, as the CLI tests do (``run(capsys, *argv)``)."""

from __future__ import annotations

import pytest

from acupath.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run ``acupath *argv``; return its exit code (the CLI always ends by ``SystemExit``), stdout and stderr."""
    with pytest.raises(SystemExit) as exit_:
        main(list(argv))
    out, err = capsys.readouterr()
    return int(exit_.value.code or 0), out, err
