"""``acupath meta analyze FILE.csv``: a meta-analysis from a table of studies (composition root).

CSV columns by measure: GEN ``yi``, ``vi``; RR/OR/RD ``ai``, ``bi``, ``ci``, ``di`` (or events ``ai``,
``ci`` with arm totals ``n1i``, ``n2i``); MD/SMD/ROM ``m1i``, ``sd1i``, ``n1i``, ``m2i``, ``sd2i``,
``n2i``; optional ``study`` (labels), moderator columns (``--mods``) and a grouping column (``--by``);
``--leave1out``, ``--cumulative [--order COL]``, ``--influence`` and ``--bias`` add metafor's
diagnostics. Bad input exits 2 with one line naming row and column.
The work is in ``acupath.cli.meta_analysis``, imported only when the command runs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

group = typer.Typer(help="Meta-analysis of study tables (agrees with R's metafor).", no_args_is_help=True)


@group.command("analyze")
def analyze(
    file: Annotated[Path, typer.Argument(help="CSV file, one row per study.")],
    measure: Annotated[str, typer.Option("--measure", help="MD, SMD, ROM, RR, OR, RD or GEN.")],
    method: Annotated[str, typer.Option("--method", help="FE, DL, HE, SJ, ML, REML, PM, EB, MH or PETO.")] = "REML",
    knha: Annotated[bool, typer.Option("--knha", help="Knapp-Hartung adjustment (t tests and CIs).")] = False,
    mods: Annotated[list[str] | None, typer.Option("--mods", help="Moderator column(s): repeat or comma-separate.")] = None,
    by: Annotated[str | None, typer.Option("--by", help="Column that defines subgroups.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    forest: Annotated[Path | None, typer.Option("--forest", help="Write a forest plot (.png/.svg/.pdf).")] = None,
    funnel: Annotated[Path | None, typer.Option("--funnel", help="Write a funnel plot (.png/.svg/.pdf).")] = None,
    leave1out: Annotated[bool, typer.Option("--leave1out", help="Leave-one-out: refit without each study.")] = False,
    cumulative: Annotated[bool, typer.Option("--cumulative", help="Cumulative meta-analysis (file order).")] = False,
    order: Annotated[str | None, typer.Option("--order", help="Numeric column that orders --cumulative.")] = None,
    influence: Annotated[bool, typer.Option("--influence", help="Influence diagnostics of each study.")] = False,
    bias: Annotated[bool, typer.Option("--bias", help="Egger's test, rank correlation test, trim-and-fill.")] = False,
) -> None:
    """Pool the studies in FILE and print the model (a table, or JSON with --json)."""
    from acupath.cli.meta_analysis import run_analysis

    run_analysis(file, measure, method, knha, mods, by, as_json, forest, funnel, leave1out=leave1out,
                 cumulative=cumulative, order=order, influence=influence, bias=bias)


def register(app: typer.Typer) -> None:
    """Add the ``meta`` group to ``app``."""
    app.add_typer(group, name="meta")
