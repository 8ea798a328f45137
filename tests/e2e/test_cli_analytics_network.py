"""``acupath analytics keygen | export-aggregates | pool``: two demo clinics pooled without moving a patient.

The pooled estimate is the one ``acupath meta analyze --measure GEN`` gives on the same aggregates; a
changed file or one signed by an unknown key is refused with exit 2 and one line; suppressed cells stay
suppressed from the database to the pooled table.
"""

from __future__ import annotations

import csv
import json
from datetime import date

import pytest

from acupath.cli import main
from acupath.cli.demo import build_demo, create_staff
from acupath.cli.demo_history import build_second_clinic
from acupath.storage import SqlAlchemyUnitOfWork, make_engine, make_session_factory
from acupath.storage.migrate import upgrade
from cli_run import run

TODAY = date(2026, 12, 1)




@pytest.fixture(scope="module")
def network(tmp_path_factory, kb):
    """Two demo clinics in one SQLite file, their key pairs, and each clinic's signed aggregate file (cells
    under 5 courses suppressed: the test clinics are small)."""
    folder = tmp_path_factory.mktemp("network")
    url = f"sqlite:///{folder / 'demo.sqlite3'}"
    upgrade(url)
    engine = make_engine(url)
    sessions = make_session_factory(engine)

    def factory() -> SqlAlchemyUnitOfWork:
        return SqlAlchemyUnitOfWork(sessions)

    harbour = build_demo(factory, kb, seed=7, today=TODAY, per_condition=1, past_courses=60)
    riverside = build_second_clinic(factory, kb, lambda clinic_id, staff: create_staff(factory, clinic_id, staff),
                                    seed=7, today=TODAY, courses=40)
    engine.dispose()
    files = {}
    for name, clinic in (("harbour", harbour["clinic_id"]), ("riverside", riverside["clinic_id"])):
        for argv in (["analytics", "keygen", "--name", name, "--out", str(folder / "keys")],
                     ["analytics", "export-aggregates", str(folder / f"{name}.json"), "--db", url, "--clinic", clinic,
                      "--key", str(folder / "keys" / f"{name}.key.pem"), "--today", TODAY.isoformat(),
                      "--min-cell", "5", "--note", "synthetic demo data"]):
            with pytest.raises(SystemExit) as exit_:
                main(argv)
            assert exit_.value.code in (0, None)
        files[name] = folder / f"{name}.json"
    return {"folder": folder, "url": url, "files": files, "keys": folder / "keys", "clinics": (harbour, riverside)}


def _pool(capsys, network, *extra: str) -> tuple[int, str, str]:
    files = [str(network["files"]["harbour"]), str(network["files"]["riverside"])]
    return run(capsys, "analytics", "pool", *files, "--trust", str(network["keys"]), *extra)


def test_the_files_hold_counts_and_summaries_never_a_patient(network) -> None:
    document = json.loads(network["files"]["harbour"].read_text())
    text = json.dumps(document)
    assert document["payload"]["note"] == "synthetic demo data"
    assert "olivia" not in text.lower() and "HB-" not in text and "patient" not in text.lower()
    cells = document["payload"]["conditions"]
    assert {c["condition"] for c in cells} <= {"chronic_low_back_pain", "upper_back_pain", "neck_pain", "migraine",
                                               "fibromyalgia", "knee_osteoarthritis"}
    assert document["payload"]["min_cell"] == 5
    for c in cells:  # every cell shown is at least min_cell courses; a smaller one is all null
        assert c["courses"] is None or c["courses"] >= 5
        assert c["followed_up"] is None or c["followed_up"] >= 5


@pytest.mark.parametrize("measure", ["MN", "PR"])
def test_the_pooled_estimate_is_what_meta_analyze_gives_on_the_same_aggregates(capsys, network, tmp_path,
                                                                               measure) -> None:
    code, out, err = _pool(capsys, network, "--measure", measure, "--json", "--table", str(tmp_path / "rows.csv"))
    assert code in (0, None), err
    pooled = json.loads(out)
    done = [c for c in pooled["conditions"] if c["pooled"] is not None]
    assert done, "the demo clinics share at least one unsuppressed condition"
    cells = {name: {c["condition"]: c for c in json.loads(path.read_text())["payload"]["conditions"]}
             for name, path in network["files"].items()}
    for condition in done:
        # The study table written by hand from the two files, as a reviewer would: metafor's MN and PR.
        table = tmp_path / f"{condition['condition']}.csv"
        with table.open("w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["study", "yi", "vi"])
            for name in ("harbour", "riverside"):
                c = cells[name][condition["condition"]]
                if measure == "MN":
                    writer.writerow([name, repr(c["mean_improvement"]), repr(c["sd_improvement"] ** 2 / c["followed_up"])])
                else:
                    p = c["responders"] / c["courses"]
                    writer.writerow([name, repr(p), repr(p * (1 - p) / c["courses"])])
        code, out, _ = run(capsys, "meta", "analyze", str(table), "--measure", "GEN", "--method", "REML", "--json")
        assert code in (0, None)
        expected = json.loads(out)
        for key in ("estimate", "se", "ci_lb", "ci_ub", "pi_lb", "pi_ub", "tau2", "i2", "q"):
            assert condition["pooled"][key] == pytest.approx(expected[key], rel=1e-9, abs=1e-12), key
        # The rows --table wrote are the same study table: meta analyze on them gives the same model too.
        with (tmp_path / "rows.csv").open() as handle:
            rows = [r for r in csv.DictReader(handle) if r["condition"] == condition["condition"]]
        own = tmp_path / f"{condition['condition']}-table.csv"
        with own.open("w", newline="") as handle:
            csv.writer(handle).writerows([["study", "yi", "vi"], *([r["study"], r["yi"], r["vi"]] for r in rows)])
        code, out, _ = run(capsys, "meta", "analyze", str(own), "--measure", "GEN", "--method", "REML", "--json")
        assert json.loads(out)["estimate"] == pytest.approx(expected["estimate"], rel=1e-12)


def test_a_changed_number_is_refused_with_exit_2_and_one_line(capsys, network, tmp_path) -> None:
    document = json.loads(network["files"]["harbour"].read_text())
    shown = next(c for c in document["payload"]["conditions"] if c["responders"] is not None)
    shown["responders"] += 1
    changed = tmp_path / "harbour.json"
    changed.write_text(json.dumps(document, indent=2))
    code, out, err = run(capsys, "analytics", "pool", str(changed), str(network["files"]["riverside"]),
                         "--trust", str(network["keys"]))
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith(f"acupath: {changed}: the signature of key ")


def test_a_file_of_an_unknown_clinic_is_refused_with_exit_2(capsys, network, tmp_path) -> None:
    only_harbour = tmp_path / "trusted"
    only_harbour.mkdir()
    (only_harbour / "harbour.pub.pem").write_bytes((network["keys"] / "harbour.pub.pem").read_bytes())
    code, _, err = run(capsys, "analytics", "pool", str(network["files"]["harbour"]), str(network["files"]["riverside"]),
                       "--trust", str(only_harbour))
    assert code == 2 and err.count("\n") == 1
    assert f"{network['files']['riverside']}: is signed by key" in err and "not among the trusted public keys" in err


def test_the_same_clinic_twice_is_refused(capsys, network) -> None:
    code, _, err = run(capsys, "analytics", "pool", str(network["files"]["harbour"]), str(network["files"]["harbour"]),
                       "--trust", str(network["keys"]))
    assert code == 2 and "one file per clinic" in err


def test_cells_suppressed_at_the_clinic_stay_out_of_the_pool(capsys, network, tmp_path) -> None:
    strict = tmp_path / "riverside-strict.json"
    code, _, err = run(capsys, "analytics", "export-aggregates", str(strict), "--db", network["url"],
                       "--clinic", network["clinics"][1]["clinic_id"], "--key",
                       str(network["keys"] / "riverside.key.pem"), "--min-cell", "1000")
    assert code in (0, None), err
    cells = json.loads(strict.read_text())["payload"]["conditions"]
    assert cells and all(c["courses"] is None and c["mean_improvement"] is None for c in cells)
    code, out, _ = run(capsys, "analytics", "pool", str(network["files"]["harbour"]), str(strict),
                       "--trust", str(network["keys"]), "--json")
    assert code in (0, None)
    for condition in json.loads(out)["conditions"]:
        assert condition["pooled"] is None
        assert [r["clinic"] for r in condition["rows"]] in ([], [network["clinics"][0]["clinic"]])
        assert any(why.startswith("suppressed") for why in (c["reason"] for c in condition["left_out"]))


def test_the_forest_plot_has_one_row_per_clinic(capsys, network, tmp_path) -> None:
    code, out, err = _pool(capsys, network, "--condition", "chronic_low_back_pain", "--plot", str(tmp_path / "f.svg"))
    assert code in (0, None), err
    svg = (tmp_path / "f.svg").read_text()
    assert "Harbour Integrative Pain Clinic" in svg and "Riverside Pain Clinic" in svg
    assert "Prediction interval" in svg or "tau" in out


@pytest.mark.parametrize(("argv", "message"), [
    (["--measure", "SMD"], "acupath: --measure: unknown measure 'SMD'"),
    (["--method", "MH"], "acupath: --method: unknown method 'MH'"),
    (["--plot", "forest.gif"], "acupath: output: cannot write a plot to 'forest.gif'"),
    (["--condition", "gout"], "acupath: --condition: no file holds 'gout' (allowed: chronic_low_back_pain"),
])
def test_bad_options_exit_2_with_one_line(capsys, network, argv, message) -> None:
    code, _, err = _pool(capsys, network, *argv)
    assert code == 2 and err.startswith(message) and err.count("\n") == 1


def test_export_refuses_an_unknown_clinic_and_a_key_that_is_not_a_private_key(capsys, network, tmp_path) -> None:
    code, _, err = run(capsys, "analytics", "export-aggregates", str(tmp_path / "x.json"), "--db", network["url"],
                       "--clinic", "nope", "--key", str(network["keys"] / "harbour.key.pem"))
    assert code == 2 and err.startswith("acupath: --clinic: no clinic 'nope'")
    code, _, err = run(capsys, "analytics", "export-aggregates", str(tmp_path / "x.json"), "--db", network["url"],
                       "--clinic", network["clinics"][0]["clinic_id"], "--key", str(network["keys"] / "harbour.pub.pem"))
    assert code == 2 and "--key:" in err and not (tmp_path / "x.json").exists()


def test_the_demo_clinics_have_what_the_analytics_break_down(network, kb) -> None:
    from datetime import timedelta

    from sqlalchemy import create_engine

    from acupath.analytics import CohortFilter, cohort

    engine = create_engine(network["url"])
    with engine.connect() as connection:
        harbour = cohort(connection, kb, CohortFilter(clinic_id=network["clinics"][0]["clinic_id"]))
        riverside = cohort(connection, kb, CohortFilter(clinic_id=network["clinics"][1]["clinic_id"]))
        notes = connection.exec_driver_sql("SELECT DISTINCT notes FROM session_records").scalars().all()
    engine.dispose()
    assert len(harbour) == 6 + 60 and len(riverside) == 40
    courses = harbour + riverside
    assert all(TODAY - timedelta(days=730) <= c.started_on <= TODAY for c in courses)  # two years
    assert any(not c.followed_up and c.sessions_given == 0 for c in courses)  # never came back: still a row
    assert {c.status for c in courses} >= {"active", "completed", "discontinued"}
    assert {c.ea for c in courses} == {"yes", "no"}
    back = [c for c in courses if c.condition == "chronic_low_back_pain"]
    assert {c.start_back for c in back} - {"not screened"}, "back pain intakes carry STarT Back answers"
    assert len({c.practitioner for c in harbour}) == 2 and len({c.payer for c in courses}) >= 2
    assert "synthetic demo record" in notes
