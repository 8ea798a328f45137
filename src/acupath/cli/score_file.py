"""``acupath score-file``: score a CSV of responses into another CSV, streamed in flat memory.

Rows are read, scored and written in pieces (``acupath.assessment.bulk.score_stream``) into a temporary
file beside the output, which is renamed over the output (``os.replace``) only after the last row: a
bad row stops the run with its row and column and leaves no output and no temporary file behind.
The output must be a file, not standard output (``-``): rows already streamed to a pipe cannot be
taken back when a later row is bad, and validating the whole file first would read it twice (and a
piped input cannot be read twice).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Annotated

import typer

from acupath.errors import InputError

STDOUT = "-"


def _open_source(source: Path):
    try:
        return source.open("rb")
    except FileNotFoundError:
        raise InputError(str(source), "no such file") from None
    except OSError as exc:
        raise InputError(str(source), f"cannot be read ({exc.__class__.__name__})") from None


def score_file_command(
    instrument: Annotated[str, typer.Argument(help="Instrument id, e.g. phq9.")],
    source: Annotated[Path, typer.Argument(help="CSV: one row per response, item keys as columns, optional id.")],
    target: Annotated[Path, typer.Argument(help="CSV to write: id, total, subscales, band, flags, valid, reason.")],
) -> None:
    """Score every row of a CSV; a bad row stops the run (row and column named) and writes nothing."""
    from acupath.assessment.bulk import score_stream
    from acupath.cli.instrument_knowledge import instrument_knowledge

    if str(target) == STDOUT:
        raise InputError("target", "must be a file: rows streamed to standard output cannot be taken back "
                         "when a later row is bad", "a path such as scored.csv")
    folder = target.resolve().parent
    if not folder.is_dir():
        raise InputError(str(target), "its folder does not exist")
    kb = instrument_knowledge(instrument)
    with _open_source(source) as stream:
        handle, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
        try:
            with os.fdopen(handle, "wb") as out:
                rows = score_stream(instrument, stream, out, kb)
            os.replace(temp, target)
        except InputError as exc:
            raise type(exc)(f"{source}: {exc.field}", exc.problem, exc.allowed) from None
        except OSError as exc:
            raise InputError(f"{source} -> {target}", f"reading or writing failed ({exc.strerror or exc})") from None
        finally:
            Path(temp).unlink(missing_ok=True)
    typer.echo(f"scored {rows} rows of {instrument} into {target}", err=True)


def register(app: typer.Typer) -> None:
    """Add ``score-file`` to ``app``."""
    app.command("score-file")(score_file_command)
