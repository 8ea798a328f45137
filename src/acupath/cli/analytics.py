"""``acupath analytics responders``: the clinic's responder rates by a facet or a pair of facets;
``acupath analytics refresh``: every course's stored outcome brought up to date (after a bulk load).

The command line acts as the database owner's administrator (``Actor.system``), audited like the
page and the API; ``--clinic`` may be left out when the database holds one clinic. Small cells are
suppressed as everywhere (``--min-cell``, default 10). Exit 2 with one line for a bad facet or filter.
``refresh`` shows no patient data (it rewrites derived rows, ``analytics.outcome_table``), so it is not
audited; exit 2 with one line for a database that cannot be opened or is not migrated, or an unknown clinic.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import typer

from acupath.cli.output import emit_json
from acupath.cli.server import DbOption, settings_for, unit_of_work_factory
from acupath.errors import InputError

analytics_group = typer.Typer(no_args_is_help=True, help="Practice evidence: which plans work in this clinic.")


def _clinic(uow: Any, clinic: str | None) -> str:
    from acupath.analytics.cohort import clinic_ids

    with uow:
        known = clinic_ids(uow.session)
    if clinic is None and len(known) == 1:
        return next(iter(known))
    if clinic not in known:
        raise InputError("--clinic", "name the clinic" if clinic is None else f"no clinic {clinic!r}",
                         [f"{clinic_id} ({name})" for clinic_id, name in known.items()])
    return clinic


@analytics_group.command("responders")
def responders(
    by: Annotated[str, typer.Option("--by", help="FACET or FACET,FACET: condition, pattern, protocol_version, ea, "
                                                 "ea_frequency, point_set, component, start_back, practitioner, payer.")],
    db: DbOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON: {\"rows\": [...]}.")] = False,
    clinic: Annotated[str | None, typer.Option(help="The clinic's id (needed when the database holds several).")] = None,
    analysis: Annotated[str, typer.Option(help="itt (every course) or completers (followed up).")] = "itt",
    at_session: Annotated[int | None, typer.Option(help="Judge the response at this session (default: latest).")] = None,
    start: Annotated[str | None, typer.Option(help="Courses started on or after YYYY-MM-DD.")] = None,
    end: Annotated[str | None, typer.Option(help="Courses started on or before YYYY-MM-DD.")] = None,
    condition: Annotated[str | None, typer.Option(help="Courses of this condition only.")] = None,
    practitioner: Annotated[str | None, typer.Option(help="Courses planned by this user id only.")] = None,
    min_cell: Annotated[int, typer.Option(min=1, help="Suppress groups of fewer courses than this.")] = 10,
) -> None:
    """Responder rate (MCID reached) with its 95 % Wilson interval, by a facet or a pair."""
    from acupath.analytics import responder_table
    from acupath.analytics.asking import Question
    from acupath.analytics.facets import parse_analysis
    from acupath.knowledge import load_knowledge
    from acupath.services import practice_evidence
    from acupath.services.actor import Actor

    parse_analysis(analysis, "--analysis")
    try:
        question = Question.parse(by, start=start, end=end, condition=condition, practitioner=practitioner,
                                  at_session=at_session)
    except InputError as error:  # name the option as typed
        raise InputError(f"--{error.field.replace('_', '-')}", error.problem, error.allowed) from None
    kb = load_knowledge()
    factory = unit_of_work_factory(settings_for(db))
    clinic_id = _clinic(factory(), clinic)
    table = practice_evidence.ask(factory(), Actor.system(clinic_id), question.name, lambda uow, clinic_id: (
        responder_table(uow.session, kb, question.where(clinic_id), question.by, at_session=question.at_session,
                        min_cell=min_cell)))
    rows = table.itt if analysis == "itt" else table.completers
    if as_json:
        emit_json({"rows": [row.to_dict() for row in rows]})
        return
    _print_table(question.by, [row.to_dict() for row in rows], analysis, min_cell, date.today())


@analytics_group.command("refresh")
def refresh_command(
    db: DbOption = None,
    clinic: Annotated[str | None, typer.Option(help="Only this clinic's courses (default: every clinic's).")] = None,
) -> None:
    """Bring every course's stored outcome up to date: after a bulk load (the questions refresh what a day
    of work changed themselves, but the first after a million sessions would pay for all of them)."""
    from acupath.knowledge import load_knowledge

    settings = settings_for(db)
    for name, courses, seconds in refresh_outcomes(settings.database_url, load_knowledge(),
                                                    unit_of_work_factory(settings), clinic):
        typer.echo(f"{name}: {courses} course outcomes refreshed in {seconds:.1f} s")


def refresh_outcomes(url: str, kb: Any, factory: Any, clinic: str | None = None) -> list[tuple[str, int, float]]:
    """Refresh the stale stored outcomes of ``clinic`` (None: every clinic), one transaction each; return
    (clinic name, courses refreshed, seconds) per clinic. Raises ``InputError`` naming ``--db`` (cannot be
    opened, or not at the newest schema) or ``--clinic`` (unknown)."""
    import time

    from sqlalchemy.exc import OperationalError

    from acupath.analytics.cohort import clinic_ids
    from acupath.analytics.course_sql import CohortFilter
    from acupath.analytics.outcome_table import refresh
    from acupath.storage.migrate import current, head

    try:
        revision = current(url)
    except OperationalError as error:
        raise InputError("--db", f"cannot open the database: {error.orig}") from None
    if revision != head():
        raise InputError("--db", f"the database is at revision {revision}, not {head()}",
                         "a database after `acupath db upgrade`")
    with (uow := factory()):
        known = clinic_ids(uow.session)
    if clinic is not None and clinic not in known:
        raise InputError("--clinic", f"no clinic {clinic!r}", [f"{c} ({name})" for c, name in known.items()])
    done = []
    for clinic_id, name in known.items():
        if clinic is not None and clinic_id != clinic:
            continue
        started = time.perf_counter()
        with (uow := factory()):
            courses = refresh(uow.session, kb, CohortFilter(clinic_id=clinic_id))
            uow.commit()
        done.append((name, courses, time.perf_counter() - started))
    return done


def _print_table(by: tuple[str, ...], rows: list[dict[str, Any]], analysis: str, min_cell: int, today: date) -> None:
    widths = [max([len(f)] + [len(r["group"][f]) for r in rows]) for f in by]
    header = "  ".join(f.ljust(w) for f, w in zip(by, widths, strict=True))
    typer.echo(f"{header}  {'n':>6}  {'resp.':>6}  {'rate':>6}  95 % CI (Wilson)")
    for row in rows:
        group = "  ".join(row["group"][f].ljust(w) for f, w in zip(by, widths, strict=True))
        if row["n"] is None:
            typer.echo(f"{group}  {'<' + str(min_cell):>6}  {'-':>6}  {'-':>6}  suppressed")
        else:
            typer.echo(f"{group}  {row['n']:>6}  {row['responders']:>6}  {row['rate']:>6.3f}  "
                       f"{row['ci_low']:.3f} to {row['ci_high']:.3f}")
    typer.echo(f"{len(rows)} groups; {analysis}; groups under {min_cell} courses suppressed")


def register(app: typer.Typer) -> None:
    """Add the ``analytics`` group (and ``analytics pool`` when its module is installed) to ``app``."""
    try:
        from acupath.cli.analytics_network import register_pool
    except ImportError:
        pass
    else:
        register_pool(analytics_group)
    app.add_typer(analytics_group, name="analytics")
