"""``acupath analytics keygen | export-aggregates | pool``: a network of clinics pools its outcomes as a
meta-analysis without moving patient data.

Each clinic makes a key pair once (``keygen``), exports its aggregates per condition from its outcome
cohort as a signed file (``export-aggregates``: counts, responders, mean and SD; small cells suppressed
as in the rest of analytics) and sends the file; anyone holding the clinics' public keys pools the files
(``pool``: each file's signature checked against the trusted keys, then one row per clinic in the
evidence engine, with τ², I², the prediction interval and a forest plot). The work is in
``acupath.analytics.network_*``, imported only when a command runs.
"""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from acupath.cli.server import DbOption
from acupath.errors import InputError


def keygen(
    name: Annotated[str, typer.Option("--name", help="The key's file name, e.g. the clinic's short name.")],
    out: Annotated[Path, typer.Option("--out", help="Folder for NAME.key.pem and NAME.pub.pem.")] = Path("keys"),
) -> None:
    """Make the clinic's Ed25519 key pair: the private key signs its aggregate files, the public key is
    what the network trusts."""
    from acupath.analytics.network_signing import write_key_pair

    files = write_key_pair(out, name)
    typer.echo(f"key id {files.key_id}")
    typer.echo(f"wrote {files.private} (private: keep it at the clinic, readable by its owner only)")
    typer.echo(f"wrote {files.public} (public: give it to the clinics that pool with you)")


def _day(value: str | None, option: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        raise InputError(option, f"{value!r} is not a date", "YYYY-MM-DD") from None


def export_aggregates(
    out: Annotated[Path, typer.Argument(help="The signed aggregate file to write (JSON).")],
    key: Annotated[Path, typer.Option("--key", help="The clinic's private key (NAME.key.pem of keygen).")],
    db: DbOption = None,
    clinic: Annotated[str | None, typer.Option(help="The clinic's id (needed when the database holds several).")] = None,
    start: Annotated[str | None, typer.Option("--from", help="Courses started on or after, YYYY-MM-DD.")] = None,
    end: Annotated[str | None, typer.Option("--to", help="Courses started on or before, YYYY-MM-DD.")] = None,
    at_session: Annotated[int | None, typer.Option(
        "--at-session", min=1, help="Judge each course at this session (default: its last reassessment).")] = None,
    min_cell: Annotated[int, typer.Option("--min-cell", min=1, help="Suppress cells of fewer courses.")] = 10,
    note: Annotated[str | None, typer.Option("--note", help="A line for the readers (e.g. 'synthetic demo').")] = None,
    today: Annotated[str | None, typer.Option(help="The export's date, YYYY-MM-DD (default: today).")] = None,
) -> None:
    """Write the clinic's aggregates per condition (courses, responders, mean and SD of the pain NRS
    improvement; cells under --min-cell suppressed) as a file signed with its key. No patient leaves."""
    from acupath.analytics.cohort import CohortFilter, clinic_ids
    from acupath.analytics.network_aggregates import export_aggregates as aggregates_of
    from acupath.analytics.network_signing import load_private_key, sign
    from acupath.cli.server import settings_for, unit_of_work_factory
    from acupath.knowledge import load_knowledge
    from acupath.services import practice_evidence
    from acupath.services.actor import Actor

    first, last, day = _day(start, "--from"), _day(end, "--to"), _day(today, "--today") or date.today()
    private = load_private_key(key)
    factory = unit_of_work_factory(settings_for(db))
    with factory() as uow:
        known = clinic_ids(uow.session)
    if clinic is None and len(known) == 1:
        clinic = known[0]
    if clinic not in known:
        raise InputError("--clinic", "name the clinic" if clinic is None else f"no clinic {clinic!r}", known)
    kb = load_knowledge()
    # Audited as every analytics question is (the database owner's administrator of that clinic).
    payload = practice_evidence.ask(factory(), Actor.system(clinic), "network.export:condition", lambda uow, clinic_id: (
        aggregates_of(uow.session, kb, CohortFilter(clinic_id=clinic_id, start=first, end=last), exported_on=day,
                      at_session=at_session, min_cell=min_cell, note=note)))
    document = sign(payload, private)
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    partial.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    partial.replace(out)  # a reader never sees half a file
    shown = sum(c["courses"] is not None for c in payload["conditions"])
    typer.echo(f"wrote {out}: {payload['clinic']}, {len(payload['conditions'])} conditions ({shown} shown, "
               f"{len(payload['conditions']) - shown} suppressed under {min_cell} courses), "
               f"signed by key {document['signature']['key_id']}")


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _read(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"), parse_constant=_no_constant)
    except OSError as exc:
        raise InputError(str(path), f"cannot be read ({exc.strerror or exc})") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputError(str(path), f"is not JSON ({exc})", "a file written by acupath analytics export-aggregates") from None


def _plot_path(plot: Path, condition: str, several: bool) -> Path:
    return plot.with_name(f"{plot.stem}-{condition}{plot.suffix}") if several else plot


def _row_text(label: str, n: Any, estimate: float, low: float, high: float, weight: str = "") -> str:
    return f"  {label[:44]:<44} {n!s:>5} {estimate:>9.3f}  [{low:.3f}, {high:.3f}] {weight}".rstrip()


def _condition_text(pool: Any, measure_label: str) -> str:
    from acupath.reports.forest import format_p

    lines = [f"{pool.condition}: {measure_label}, {len(pool.rows)} clinics"]
    lines.append(f"  {'clinic':<44} {'n':>5} {'estimate':>9}  95% CI")
    result = pool.result
    for i, row in enumerate(pool.rows):
        half = 1.959963984540054 * row.vi ** 0.5
        weight = f"weight {result.weights[i]:.1f}%" if result is not None else ""
        lines.append(_row_text(row.clinic, row.n, row.yi, row.yi - half, row.yi + half, weight))
    if result is not None:
        h = result.heterogeneity
        lines.append(_row_text(f"pooled ({result.method})", "", result.estimate, result.ci_lb, result.ci_ub)
                     + f"; 95% PI [{result.pi_lb:.3f}, {result.pi_ub:.3f}]")
        lines.append(f"  between clinics: tau^2 = {h.tau2:.4f}; I^2 = {h.i2:.1f}%; "
                     f"Q(df = {h.q_df}) = {h.q:.3f}, {format_p(h.q_pval)}")
    else:
        lines.append("  not pooled: fewer than two clinics with a usable cell")
    lines += [f"  left out: {label}: {reason}" for label, reason in pool.left_out]
    return "\n".join(lines)


def pool(
    files: Annotated[list[Path], typer.Argument(help="The clinics' signed aggregate files.")],
    trust: Annotated[list[Path], typer.Option("--trust", help="A folder of trusted NAME.pub.pem files, or one file (repeat).")],
    measure: Annotated[str, typer.Option("--measure", help="MN: mean NRS improvement; PR: share of responders (ITT).")] = "MN",
    method: Annotated[str, typer.Option("--method", help="FE, DL, HE, SJ, ML, REML, PM or EB.")] = "REML",
    condition: Annotated[list[str] | None, typer.Option("--condition", help="Only this condition (repeat).")] = None,
    plot: Annotated[Path | None, typer.Option("--plot", help="Forest plot (.png/.svg/.pdf), one row per clinic; "
                                              "several conditions: NAME-CONDITION.png each.")] = None,
    table: Annotated[Path | None, typer.Option("--table", help="Write the pooled rows as CSV (condition, study, "
                                               "yi, vi, n) for acupath meta analyze --measure GEN.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Check every file's signature against the trusted keys, then pool each condition across the clinics
    (one row per clinic) with the evidence engine: estimate, CI, prediction interval, τ², I², Q."""
    from acupath.analytics.network_aggregates import check_poolable, parse_aggregates
    from acupath.analytics.network_pool import MEASURES, SHORT_LABELS, conditions_of, pool_condition
    from acupath.analytics.network_signing import trusted_keys, verify
    from acupath.cli.output import emit_json
    from acupath.evidence.tau2 import TAU2_METHODS
    from acupath.reports.forest import forest_plot, output_path

    measure, method = measure.upper(), method.upper()
    if measure not in MEASURES:
        raise InputError("--measure", f"unknown measure {measure!r}", MEASURES)
    if method not in TAU2_METHODS:
        raise InputError("--method", f"unknown method {method!r}", TAU2_METHODS)
    if plot is not None:
        output_path(plot)
    keys = trusted_keys(trust)
    signed: list[tuple[str, Any]] = []
    signers: dict[str, Path] = {}
    for path in files:
        signer, payload = verify(_read(path), keys, str(path))
        if signer in signers:
            raise InputError(str(path), f"is signed by the same key ({signer}) as {signers[signer]}",
                             "one file per clinic")
        signers[signer] = path
        signed.append((str(path), parse_aggregates(payload, str(path))))
    check_poolable(signed)
    labelled = [(aggregates.clinic, aggregates) for _, aggregates in signed]
    named = conditions_of(labelled)
    for asked in condition or []:
        if asked not in named:
            raise InputError("--condition", f"no file holds {asked!r}", named)
    wanted = condition or named
    pools = [pool_condition(labelled, c, measure, method) for c in wanted]
    pooled = [p for p in pools if p.result is not None]
    payload: dict[str, Any] = {
        "measure": measure, "measure_label": MEASURES[measure], "method": method,
        "files": [{"file": name, "clinic": a.clinic, "key_id": key_id, "note": a.note}
                  for (name, a), key_id in zip(signed, signers, strict=True)],
        "conditions": [{"condition": p.condition,
                        "rows": [{"clinic": r.clinic, "n": r.n, "yi": r.yi, "vi": r.vi} for r in p.rows],
                        "left_out": [{"clinic": c, "reason": why} for c, why in p.left_out],
                        "pooled": p.result.to_dict() if p.result is not None else None} for p in pools]}
    if table is not None:
        with table.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["condition", "study", "yi", "vi", "n"])
            for p in pooled:
                writer.writerows([p.condition, r.clinic, repr(r.yi), repr(r.vi), r.n] for r in p.rows)
        payload["table"] = str(table)
    if plot is not None:
        notes = {a.note for _, a in signed}
        said = f" ({notes.pop()})" if len(notes) == 1 and None not in notes else ""  # e.g. synthetic demo data
        payload["plots"] = [str(forest_plot(p.result, _plot_path(plot, p.condition, len(pooled) > 1),
                                            title=f"{p.condition.replace('_', ' ').capitalize()}, one row per "
                                                  f"clinic: {SHORT_LABELS[measure]}{said}"))
                            for p in pooled if p.result is not None]
    if as_json:
        emit_json(payload)
        return
    typer.echo("\n\n".join(_condition_text(p, MEASURES[measure]) for p in pools))
    for written in ([payload["table"]] if table is not None else []) + payload.get("plots", []):
        typer.echo(f"wrote {written}")


def register_pool(group: typer.Typer) -> None:
    """Add ``keygen``, ``export-aggregates`` and ``pool`` to the ``analytics`` command group."""
    group.command("keygen")(keygen)
    group.command("export-aggregates")(export_aggregates)
    group.command("pool")(pool)
