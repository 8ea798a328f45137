"""``acupath meta analyze``: reproduces metafor on dat.bcg for every method; JSON keys; plots; errors."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from cli_run import run

ROOT = Path(__file__).resolve().parents[2]
BCG = ROOT / "examples" / "meta" / "dat_bcg.csv"
NORMAND = ROOT / "examples" / "meta" / "dat_normand1999.csv"
PINS = json.loads((ROOT / "tests" / "reference" / "evidence" / "r" / "metafor_pins.json").read_text())["pins"]
# closed-form methods agree to 1e-10; iterative ones (ML/REML/PM/EB) were pinned at threshold 1e-10
TOL = {"FE": 1e-10, "DL": 1e-10, "HE": 1e-10, "SJ": 1e-10, "ML": 1e-6, "REML": 1e-6, "PM": 1e-6, "EB": 1e-6}
KEYS = {"k", "estimate", "se", "pval", "ci_lb", "ci_ub", "pi_lb", "pi_ub", "tau2", "tau2_ci_lb", "tau2_ci_ub",
        "i2", "h2", "q", "q_df", "q_pval"}




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
    assert code == 2 and err.strip() == (
        "acupath: neg.csv: row 2, column sd1i: has a negative standard deviation (allowed: SD >= 0)")


def test_events_above_arm_totals_name_row_and_column(capsys, tmp_path):
    bad = tmp_path / "events.csv"
    bad.write_text("study,ai,n1i,ci,n2i\nA,4,123,11,139\nB,12,10,2,12\n")
    code, out, err = run(capsys, "meta", "analyze", str(bad), "--measure", "RR", "--method", "DL")
    assert code == 2 and out == ""
    assert err.strip() == "acupath: events.csv: row 3, column ai: has more events than participants (allowed: events <= totals)"


def test_events_with_arm_totals_pool_like_the_2x2_cells(capsys, tmp_path):
    totals = tmp_path / "totals.csv"
    totals.write_text("study,ai,n1i,ci,n2i\n" + "".join(
        f"{r['study']},{r['ai']},{int(r['ai']) + int(r['bi'])},{r['ci']},{int(r['ci']) + int(r['di'])}\n"
        for r in csv.DictReader(BCG.open())))
    code, out, _ = run(capsys, "meta", "analyze", str(totals), "--measure", "RR", "--method", "DL", "--json")
    assert code == 0 and json.loads(out)["estimate"] == pytest.approx(PINS["bcg_RR_DL_z"]["values"]["beta"], rel=1e-10)


def test_one_study_is_refused_where_the_method_needs_two(capsys, tmp_path):
    one = tmp_path / "one.csv"
    one.write_text("study,ai,bi,ci,di\nA,4,119,11,128\n")
    code, _, err = run(capsys, "meta", "analyze", str(one), "--measure", "OR", "--method", "REML")
    assert code == 2 and err.strip() == "acupath: k: the REML estimator needs at least 2 studies (allowed: k >= 2)"


def test_knha_meta_regression_json_still_names_qm(capsys):
    code, out, _ = run(capsys, "meta", "analyze", str(BCG), "--measure", "RR", "--method", "REML", "--knha",
                       "--mods", "ablat", "--json")
    data, exp = json.loads(out), PINS["bcg_metareg_ablat_REML_knha"]["values"]
    assert code == 0 and data["qm_test"] == "F" and data["QM"] == pytest.approx(exp["QM"], rel=1e-6)


def test_mantel_haenszel_subgroups_as_in_the_readme(capsys):
    code, out, _ = run(capsys, "meta", "analyze", str(BCG), "--measure", "RR", "--method", "MH", "--by", "alloc",
                       "--json")
    data, exp = json.loads(out), PINS["bcg_subgroups_alloc_MH_RR"]["values"]
    assert code == 0 and [data["subgroups"][g]["estimate"] for g in exp["groups"]] == pytest.approx(exp["estimate"])
    assert data["test_for_subgroup_differences"]["q"] == pytest.approx(exp["Q_between"], rel=1e-10)
    code, out, _ = run(capsys, "meta", "analyze", str(BCG), "--measure", "RR", "--method", "MH", "--by", "alloc")
    assert code == 0 and "Test for subgroup differences: Q(df = 2) = 14.7798, p < 0.001" in out


def test_double_zero_table_is_not_estimable_in_the_mh_forest_plot(capsys, tmp_path):
    zero = tmp_path / "zero.csv"
    zero.write_text("study,ai,bi,ci,di\nA,0,20,3,17\nB,2,18,5,15\nC,0,25,0,25\nD,4,16,0,20\nE,7,13,9,11\n"
                    "F,1,30,6,25\n")
    forest = tmp_path / "forest.svg"
    code, out, _ = run(capsys, "meta", "analyze", str(zero), "--measure", "RR", "--method", "MH", "--json",
                       "--forest", str(forest))
    data, exp = json.loads(out), PINS["zero_MH_RR"]["values"]
    assert code == 0 and [data["estimate"], data["q"]] == pytest.approx([exp["beta"], exp["QE"]], rel=1e-10)
    assert len(data["weights"]) == 6 and "not estimable" in forest.read_text()


def test_diagnostics_reproduce_metafor(capsys):
    code, out, _ = run(capsys, "meta", "analyze", str(BCG), "--measure", "RR", "--method", "REML", "--json",
                       "--leave1out", "--cumulative", "--order", "year", "--influence", "--bias")
    data = json.loads(out)
    assert code == 0
    l1 = PINS["bcg_leave1out_REML"]["values"]
    assert [r["estimate"] for r in data["leave1out"]] == pytest.approx(l1["estimate"], rel=1e-6)
    assert [r["q"] for r in data["leave1out"]] == pytest.approx(l1["Q"], rel=1e-10)
    assert data["leave1out"][0]["study"] == "Aronson 1948"
    cu = PINS["bcg_cumul_REML_year"]["values"]
    assert [r["estimate"] for r in data["cumulative"]] == pytest.approx(cu["estimate"], rel=1e-6)
    assert [r["i2"] for r in data["cumulative"]] == pytest.approx(cu["I2"], rel=1e-6, abs=1e-12)
    inf = PINS["bcg_influence_REML"]["values"]
    assert [r["cook_d"] for r in data["influence"]] == pytest.approx(inf["cook_d"], rel=1e-6)
    assert [r["dfbetas"]["intrcpt"] for r in data["influence"]] == pytest.approx(inf["dfbetas"], rel=1e-6)
    eg, rk, tf = (PINS[k]["values"] for k in ("bcg_regtest", "bcg_ranktest", "bcg_trimfill_REML"))
    bias = data["bias"]
    assert bias["egger"]["stat"] == pytest.approx(eg["rma_zval"], rel=1e-6)
    assert bias["rank_correlation"]["pval"] == pytest.approx(rk["pval"], rel=1e-10)
    assert bias["trimfill"]["k0"] == tf["k0"] and bias["trimfill"]["side"] == tf["side"]
    assert bias["trimfill"]["estimate"] == pytest.approx(tf["beta"], rel=1e-6)


def test_diagnostics_print_tables(capsys, tmp_path):
    funnel = tmp_path / "funnel.png"
    code, out, _ = run(capsys, "meta", "analyze", str(BCG), "--measure", "RR", "--method", "DL", "--knha",
                       "--leave1out", "--cumulative", "--influence", "--bias", "--funnel", str(funnel))
    assert code == 0 and funnel.read_bytes()[:4] == b"\x89PNG"
    for heading in ("Leave-one-out (row = study omitted):", "Cumulative meta-analysis (studies added in order of "
                    "the file):", "Influence diagnostics:", "Egger's regression test", "Rank correlation test",
                    "Trim-and-fill:"):
        assert heading in out


@pytest.mark.parametrize("argv,needle", [
    (["--method", "MH", "--leave1out"], "--leave1out: diagnostics refit inverse-variance models, not MH"),
    (["--order", "year"], "--order: orders the cumulative meta-analysis; add --cumulative"),
    (["--cumulative", "--order", "alloc"], "row 2, column alloc: 'random' is not a number"),
])
def test_diagnostics_refuse_what_does_not_apply(capsys, argv, needle):
    code, _, err = run(capsys, "meta", "analyze", str(BCG), "--measure", "RR", *argv)
    assert code == 2 and needle in err and err.count("\n") == 1
