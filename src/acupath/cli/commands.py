"""Which module holds each ``acupath`` command, and the root group that imports a module only when needed.

``acupath --help`` used to import every command module (numpy, scipy, pydantic, SQLAlchemy, the demo
module...): 0.5-0.9 s before printing a line, 45 times ``python -c pass``. ``LazyCommands`` is Click's
"lazily loading subcommands" pattern (https://click.palletsprojects.com/en/stable/complex/, a group
overriding ``list_commands`` and ``get_command``) on Typer's ``TyperGroup`` (``typer.Typer(cls=...)``):
a command's module is imported when that command runs or shows its own help. The root help lists each
name with the summary written in ``COMMANDS``, so it imports none of them.

To add a command: write a module ``acupath/cli/<topic>.py`` with ``register(app)`` adding the command(s)
or group(s) to ``app`` (as before), and add one line per top-level name to ``COMMANDS``. Keep heavy
imports inside the module (or inside the command function when the module serves a light command too).
"""

from __future__ import annotations

import difflib
import importlib
from typing import Any

import typer
from typer.core import TyperGroup

#: top-level name -> (module whose ``register(app)`` adds it, the summary ``acupath --help`` shows)
COMMANDS: dict[str, tuple[str, str]] = {
    "score": ("acupath.cli.scoring", "Score one questionnaire and print total, subscales, band, flags and validity."),
    "score-file": ("acupath.cli.score_file", "Score every row of a CSV of responses into another CSV."),
    "instruments": ("acupath.cli.instruments", "The questionnaires acupath scores."),
    "intake": ("acupath.cli.intake", "Print the intake's JSON Schema (--schema), or validate an intake file."),
    "screen": ("acupath.cli.screening", "Screen an intake: status and findings."),
    "plan": ("acupath.cli.planning", "Screen an intake and print its plan (or the referral that stops planning)."),
    "progress": ("acupath.cli.planning", "Responder status at each checkpoint, and the alerts."),
    "points": ("acupath.cli.points", "Acupuncture points: names, location, depth and safety flags."),
    "knowledge": ("acupath.cli.knowledge", "Check the cited, versioned knowledge base."),
    "meta": ("acupath.cli.meta", "Meta-analysis of study tables (agrees with R's metafor)."),
    "evidence": ("acupath.cli.evidence", "The evidence library: seed claims, verification status, re-analysis."),
    "serve": ("acupath.cli.server", "Serve the JSON API with uvicorn."),
    "db": ("acupath.cli.server", "Create or upgrade the database schema."),
    "clinics": ("acupath.cli.server", "Clinics."),
    "users": ("acupath.cli.server", "Accounts of a clinic."),
    "report": ("acupath.cli.report", "A patient's document as PDF: plan, progress, ncd, referral, superbill, record."),
    "audit": ("acupath.cli.audit", "The audit log: check its hash chain, export it."),
    "fhir": ("acupath.cli.fhir", "FHIR R4: print an instrument's Questionnaire; export a clinic as NDJSON; import a Bundle."),
    "analytics": ("acupath.cli.analytics", "Practice evidence: responder rates by facet, network pooling."),
    "cds": ("acupath.cli.cds", "CDS Hooks: sign a test JWT as an EHR would (acupath cds token)."),
    "demo": ("acupath.cli.demo", "Load a demo clinic: staff, patients, months of sessions and reassessments."),
}


class LazyCommands(TyperGroup):
    """The root group: commands from ``COMMANDS``, each module imported on first use and kept."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        self._modules: dict[str, TyperGroup] = {}

    def list_commands(self, ctx: typer.Context) -> list[str]:  # type: ignore[override]
        """Return the command names in ``COMMANDS`` order (nothing is imported)."""
        return [*self.commands, *COMMANDS]

    def get_command(self, ctx: typer.Context, cmd_name: str) -> Any:  # type: ignore[override]
        """Return the Click command ``cmd_name``, importing its module the first time; None if unknown."""
        if cmd_name in self.commands or cmd_name not in COMMANDS:
            return super().get_command(ctx, cmd_name)
        module_name = COMMANDS[cmd_name][0]
        group = self._modules.get(module_name)
        if group is None:
            app = typer.Typer(rich_markup_mode=None)
            importlib.import_module(module_name).register(app)
            group = self._modules[module_name] = typer.main.get_group(app)
        return group.get_command(ctx, cmd_name)

    def format_commands(self, ctx: typer.Context, formatter: Any) -> None:  # type: ignore[override]
        """Write the commands section of ``acupath --help`` from ``COMMANDS`` (nothing is imported)."""
        rows = [(name, summary) for name, (_, summary) in COMMANDS.items()]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def resolve_command(self, ctx: typer.Context, args: list[str]) -> Any:  # type: ignore[override]
        """Resolve as ``TyperGroup`` does, suggesting close names from ``COMMANDS`` for an unknown one."""
        try:
            return super().resolve_command(ctx, args)
        except typer.TyperException as exc:
            matches = difflib.get_close_matches(args[0], list(COMMANDS)) if args else []
            if matches and "Did you mean" not in exc.message:
                exc.message = f"{exc.message.rstrip('.')}. Did you mean {', '.join(map(repr, matches))}?"
            raise
