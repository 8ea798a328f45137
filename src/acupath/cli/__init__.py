"""The acupath command line (Typer): a composition root.

Every user-facing error is mapped to an exit code here, in one place: an ``AcupathError`` prints one
line ``acupath: <what is wrong>`` on stderr and exits with its ``exit_code`` (2 for bad input); a usage
error from Typer/Click prints one line and exits 2. Nothing prints a traceback.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

import typer

from acupath.errors import AcupathError


def build_app() -> typer.Typer:
    """Return the Typer application with every command group registered."""
    from acupath.cli import (
        demo,
        evidence,
        instruments,
        intake,
        knowledge,
        meta,
        planning,
        points,
        scoring,
        screening,
        server,
    )

    app = typer.Typer(
        name="acupath",
        help="Acupuncture-centred, multimodal care of chronic pain.",
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        add_completion=False,
    )
    for module in (knowledge, intake, screening, points, server, planning, instruments, scoring, demo, meta, evidence):
        module.register(app)
    return app


def main(argv: Sequence[str] | None = None) -> None:
    """Run the CLI and exit with its status: 0 success, 1 a failed check, 2 bad input."""
    app = build_app()
    try:
        code = app(args=list(argv) if argv is not None else None, standalone_mode=False)
    except AcupathError as exc:
        print(f"acupath: {exc}", file=sys.stderr)
        sys.exit(exc.exit_code)
    except typer.Abort:
        print("acupath: aborted", file=sys.stderr)
        sys.exit(1)
    except typer.TyperException as exc:  # usage errors, bad options, missing files
        ctx = getattr(exc, "ctx", None)
        if type(exc).__name__ == "NoArgsIsHelpError" and ctx is not None:
            print(ctx.get_help(), file=sys.stderr)
        else:
            message = exc.format_message() if hasattr(exc, "format_message") else str(exc)
            print(f"acupath: {message}", file=sys.stderr)
        sys.exit(2)
    sys.exit(code if isinstance(code, int) else 0)
