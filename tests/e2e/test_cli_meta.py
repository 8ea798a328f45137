"""``acupath meta analyze``: reproduces metafor on dat.bcg for every method; JSON keys; plots; errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from acupath.cli import main

ROOT = Path(__file__).resolve().parents[2]
BCG = ROOT / "examples" / "meta" / "dat_bcg.csv"
NORMAND = ROOT / "examples" / "meta" / "dat_normand1999.csv"
PINS = json.loads((ROOT / "tests" / "reference" / "evidence" / "r" / "metafor_pins.json").read_text())["pins"]
# closed-form methods agree to 1e-10; iterative ones (ML/REML/PM/EB) were pinned at threshold 1e-10
TOL = {"FE": 1e-10, "DL": 1e-10, "HE": 1e-10, "SJ": 1e-10, "ML": 1e-6, "REML": 1e-6, "PM": 1e-6, "EB": 1e-6}
KEYS = {"k", "estimate", "se", "pval", "ci_lb", "ci_ub", "pi_lb", "pi_ub", "tau2", "tau2_ci_lb", "tau2_ci_ub",
        "i2", "h2", "q", "q_df", "q_pval"}


def run(capsys, *argv: str) -> tuple[int, str, str]:
    """Run the CLI in-process; return exit code, stdout and stderr."""
    with pytest.raises(SystemExit) as exit_:
        main(list(argv))
    out, err = capsys.readouterr()
    return exit_.value.code, out, err


@pytest.mark.parametrize("knha", [False, True])
@pytest.mark.parametrize("method", list(TOL))
def test_dat_bcg_reproduces_metafor_for_every_method(capsys, method, knha):
    argv = ["meta", "analyze", str(BCG), "--measure", "RR", "--method", method, "--json"] + (["--knha"] if knha else [])
    code, out, _ = run(capsys, *argv)
    assert code == 0
    data = json.loads(out)
    assert set(data) >= KEYS and ("tval" if knha else "zval") in data
    exp = PINS[f"bcg_RR_{method}_{'knha' if knha else 'z'}"]["values"]
    got = [data["estimate"], data["se"], data["pval"], data["ci_lb"], data["ci_ub"], data["tau2"], data["i2"], data["q"]]
    want = [exp["beta"], exp["se"], exp["pval"], exp["ci_lb"], exp["ci_ub"], exp["tau2"], exp["I2"], exp["QE"]]
    assert got == pytest.approx(want, rel=TOL[method], abs=1e-300)
    if method != "FE":
        assert [data["tau2_ci_lb"], data["tau2_ci_ub"]] == pytest.approx(exp["tau2_ci"][1:], rel=1e-10)
        assert [data["pi_lb"], data["pi_ub"]] == pytest.approx([exp["pi_lb"], exp["pi_ub"]], rel=TOL[method])


@pytest.mark.parametrize("measure", ["OR", "RR", "RD"])
def test_dat_bcg_mantel_haenszel_and_peto(capsys, measure):
    code, out, _ = run(capsys, "meta", "analyze", str(BCG), "--measure", measure, "--method", "MH", "--json")
    exp = PINS[f"bcg_MH_{measure}"]["values"]
    data = json.loads(out)
    assert code == 0 and [data["estimate"], data["se"], data["q"]] == pytest.approx(
        [exp["beta"], exp["se"], exp["QE"]], rel=1e-10)
    if measure == "OR":
        code, out, _ = run(capsys, "meta", "analyze", str(BCG), "--measure", "OR", "--method", "PETO", "--json")
        data, exp = json.loads(out), PINS["bcg_PETO"]["values"]
        assert [data["estimate"], data["se"]] == pytest.approx([exp["beta"], exp["se"]], rel=1e-10)


def test_meta_regression_json_has_coefficients_and_qm(capsys):
    code, out, _ = run(capsys, "meta", "analyze", str(BCG), "--measure", "RR", "--method", "REML",
                       "--mods", "ablat", "--json")
    data = json.loads(out)
    exp = PINS["bcg_metareg_ablat_REML_z"]["values"]
    assert code == 0 and [c["name"] for c in data["coefficients"]] == ["intrcpt", "ablat"]
    assert [c["estimate"] for c in data["coefficients"]] == pytest.approx(exp["beta"], rel=1e-6)
    assert data["QM"] == pytest.approx(exp["QM"], rel=1e-6) and data["r2"] == pytest.approx(exp["R2"], rel=1e-6)


def test_subgroups_report_the_test_for_differences(capsys):
    code, out, _ = run(capsys, "meta", "analyze", str(BCG), "--measure", "RR", "--method", "REML", "--by", "alloc",
                       "--json")
    data = json.loads(out)
    exp = PINS["bcg_subgroups_alloc_REML"]["values"]
    assert code == 0 and set(data["subgroups"]) == set(exp["groups"])
    assert data["test_for_subgroup_differences"]["q"] == pytest.approx(exp["Q_between"], rel=1e-6)


def test_normand_smd_table_and_plots(capsys, tmp_path):
    forest, funnel = tmp_path / "forest.svg", tmp_path / "funnel.png"
    code, out, _ = run(capsys, "meta", "analyze", str(NORMAND), "--measure", "SMD", "--method", "REML",
                       "--forest", str(forest), "--funnel", str(funnel))
    assert code == 0 and "Random-effects model" in out and "tau^2" in out
    assert forest.read_text().startswith("<?xml") and funnel.read_bytes()[:4] == b"\x89PNG"


def test_bad_cell_names_row_and_column(capsys, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("study,ai,bi,ci,di\nA,1,2,3,4\nB,x,2,3,4\n")
    code, out, err = run(capsys, "meta", "analyze", str(bad), "--measure", "OR", "--method", "DL")
    assert code == 2 and out == ""
    assert err.strip() == "acupath: bad.csv: row 3, column ai: 'x' is not a number (allowed: a number)"


@pytest.mark.parametrize("argv,needle", [
    (["--measure", "MD"], "column m1i: missing"),
    (["--measure", "XX"], "--measure: unknown measure"),
    (["--measure", "RR", "--method", "PETO"], "PETO pooling does not apply to RR"),
    (["--measure", "RR", "--forest", "out.gif"], "cannot write a plot"),
])
def test_impossible_requests_exit_2_with_one_line(capsys, argv, needle):
    code, _, err = run(capsys, "meta", "analyze", str(BCG), *argv)
    assert code == 2 and needle in err and err.count("\n") == 1


def test_negative_sd_is_rejected(capsys, tmp_path):
    bad = tmp_path / "neg.csv"
    bad.write_text("m1i,sd1i,n1i,m2i,sd2i,n2i\n1,-1,10,2,1,10\n2,1,10,2,1,10\n")
    code, _, err = run(capsys, "meta", "analyze", str(bad), "--measure", "MD")
    assert code == 2 and "sd1i: study 1 has a negative standard deviation" in err
