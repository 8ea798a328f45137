"""The acupath command line (Typer): a composition root. Which module holds each command is in
``acupath.cli.commands``; a module is imported only when its command runs.

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
    """Return the Typer application: every command of ``commands.COMMANDS``, each module imported only
    when its command runs. Help is plain Click text (``rich_markup_mode=None``): Typer's rich help
    imports rich and markdown-it, 0.1 s more than the whole plain ``acupath --help``."""
    from acupath.cli.commands import LazyCommands

    app = typer.Typer(
        name="acupath",
        cls=LazyCommands,
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        add_completion=False,
        rich_markup_mode=None,
    )
    app.callback(help="Acupuncture-centred, multimodal care of chronic pain.")(_root)
    return app


def _root() -> None:
    # A callback makes Typer build a group (cls=LazyCommands) although no command is registered on it.
    return None


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
