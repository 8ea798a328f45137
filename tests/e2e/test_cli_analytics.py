"""``acupath analytics responders`` on the demo clinic (SQLite): the issue's JSON, the table, exit 2 for bad input."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import create_engine
from test_cli_server import run

from acupath.analytics import CohortFilter, cohort
from acupath.analytics.statistics import wilson
from acupath.knowledge import load_knowledge


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    """The demo's database (two clinics) and the Harbour clinic's id."""
    from acupath.cli import main

    db = f"sqlite:///{tmp_path_factory.mktemp('analytics') / 'demo.sqlite3'}"
    for args in (["db", "upgrade", "--db", db],
                 ["demo", "--db", db, "--today", "2026-12-01", "--past", "0", "--second-clinic", "20"]):
        with pytest.raises(SystemExit) as done:
            main(args)
        assert done.value.code in (0, None)
    engine = create_engine(db)
    with engine.connect() as connection:
        clinic = connection.exec_driver_sql("SELECT id FROM clinics WHERE name LIKE 'Harbour%'").scalar()
    engine.dispose()
    return db, clinic


@pytest.fixture
def demo_db(demo: tuple[str, str]) -> list[str]:
    """The options naming the demo's database and its Harbour clinic."""
    return [demo[0], "--clinic", demo[1]]


def test_json_is_the_issues_shape_and_agrees_with_the_cohort(capsys, demo_db: list[str]) -> None:
    code, out, err = run(capsys, "analytics", "responders", "--by", "condition", "--db", *demo_db, "--json",
                         "--min-cell", "3")
    assert code == 0, err
    rows = json.loads(out)["rows"]
    engine = create_engine(demo_db[0])
    with engine.connect() as connection:
        courses = cohort(connection, load_knowledge(), CohortFilter(clinic_id=demo_db[2]))
    engine.dispose()
    for row in rows:
        mine = [c for c in courses if c.condition == row["group"]["condition"]]
        responders = sum(1 for c in mine if c.responder)
        low, high = wilson(responders, len(mine))
        assert (row["n"], row["responders"]) == (len(mine), responders)
        assert (row["rate"], row["ci_low"], row["ci_high"]) == (round(responders / len(mine), 3), round(low, 3),
                                                                round(high, 3))
    assert sum(r["n"] for r in rows) == len(courses)


def test_the_default_threshold_suppresses_the_demos_small_groups(capsys, demo_db: list[str]) -> None:
    code, out, _ = run(capsys, "analytics", "responders", "--by", "ea,payer", "--db", *demo_db, "--json")
    assert code == 0
    rows = json.loads(out)["rows"]
    assert rows and all(r["n"] is None or r["n"] >= 10 for r in rows)
    assert all((r["n"] is None) == (r["responders"] is None) for r in rows)


def test_the_table_names_each_group_and_its_interval(capsys, demo_db: list[str]) -> None:
    code, out, _ = run(capsys, "analytics", "responders", "--by", "ea", "--db", *demo_db, "--min-cell", "5")
    assert code == 0
    assert out.splitlines()[0].split()[:4] == ["ea", "n", "resp.", "rate"]
    assert " to " in out and "groups under 5 courses suppressed" in out


@pytest.mark.parametrize(("args", "named"), [
    (["--by", "colour"], "--by: unknown facet 'colour' (allowed: component, condition, ea,"),
    (["--by", "ea", "--analysis", "all"], "--analysis: unknown analysis 'all'"),
    (["--by", "ea", "--start", "2026-13-01"], "--start: expected a date"),
])
def test_bad_input_exits_2_with_one_line_naming_the_option(capsys, demo_db: list[str], args: list[str],
                                                           named: str) -> None:
    code, out, err = run(capsys, "analytics", "responders", "--db", *demo_db, *args)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and named in err


@pytest.mark.parametrize(("args", "named"), [
    ([], "--clinic: name the clinic (allowed: "),
    (["--clinic", "nowhere"], "--clinic: no clinic 'nowhere' (allowed: "),
])
def test_a_database_of_two_clinics_needs_the_clinic_named(capsys, demo: tuple[str, str], args: list[str],
                                                          named: str) -> None:
    code, out, err = run(capsys, "analytics", "responders", "--by", "ea", "--db", demo[0], *args)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and named in err and "Harbour" in err


def test_the_demo_leaves_every_stored_outcome_fresh_and_refresh_brings_back_a_changed_one(
        capsys, demo: tuple[str, str]) -> None:
    code, out, err = run(capsys, "analytics", "refresh", "--db", demo[0])
    assert code == 0, err
    assert [line.split(":")[1].split()[0] for line in out.splitlines()] == ["0", "0"]  # both clinics fresh
    engine = create_engine(demo[0])
    with engine.begin() as connection:  # a session's pain corrected by hand: the trigger counts it
        connection.exec_driver_sql("UPDATE session_records SET pain_before = 0 WHERE id = "
                                   "(SELECT MIN(id) FROM session_records WHERE clinic_id = ?)", (demo[1],))
    engine.dispose()
    code, out, err = run(capsys, "analytics", "refresh", "--db", demo[0], "--clinic", demo[1])
    assert code == 0, err
    assert out.startswith("Harbour") and " 1 course outcomes refreshed" in out


@pytest.mark.parametrize(("args", "named"), [(["--clinic", "nope"], "--clinic"), ([], "--db")])
def test_refresh_exits_2_with_one_line_for_an_unknown_clinic_or_an_unmigrated_database(
        capsys, demo: tuple[str, str], tmp_path, args: list[str], named: str) -> None:
    db = demo[0] if args else f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    code, out, err = run(capsys, "analytics", "refresh", "--db", db, *args)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and named in err
