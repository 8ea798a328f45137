"""``acupath points show`` and ``list``: aliases accepted, bad codes exit 2 with one line."""

from __future__ import annotations

import json

from cli_run import run


def test_show_accepts_a_hyphenated_legacy_code(capsys) -> None:
    code, out, _ = run(capsys, "points", "show", "UB-23")
    assert code == 0
    assert out.startswith("BL23  Shenshu")
    assert "lower_back" in out and "pregnancy_caution" in out


def test_show_json_carries_the_knowledge_version(capsys) -> None:
    code, out, _ = run(capsys, "points", "show", "Shenmen_ear", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["point"]["code"] == "TF4"
    assert data["point"]["region"] == "ear"
    assert data["knowledge_version"].startswith("kb-")


def test_show_unknown_code_exits_2_with_one_line_and_suggestions(capsys) -> None:
    code, out, err = run(capsys, "points", "show", "BL99")
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    assert "BL99" in err and "did you mean" in err


def test_show_prohibited_point_says_so(capsys) -> None:
    code, out, _ = run(capsys, "points", "show", "CV8")
    assert code == 0
    assert "NEEDLING PROHIBITED" in out


def test_list_by_meridian(capsys) -> None:
    code, out, _ = run(capsys, "points", "list", "--meridian", "LU")
    assert code == 0
    assert len(out.strip().splitlines()) == 11


def test_list_by_flag(capsys) -> None:
    code, out, _ = run(capsys, "points", "list", "--flag", "pneumothorax_risk")
    assert code == 0
    assert len(out.strip().splitlines()) == 55


def test_list_unknown_flag_exits_2_naming_allowed_values(capsys) -> None:
    code, _, err = run(capsys, "points", "list", "--flag", "lungs")
    assert code == 2
    assert len(err.strip().splitlines()) == 1
    assert "pneumothorax_risk" in err
