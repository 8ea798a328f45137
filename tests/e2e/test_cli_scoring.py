"""``acupath score``, ``score-file`` and ``instruments``: output, exit codes, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from acupath.knowledge import load_knowledge
from cli_run import run


def write_json(tmp_path: Path, data, name: str = "answers.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data))
    return path


@pytest.mark.parametrize("instrument", sorted(load_knowledge().instruments))
def test_score_json_for_every_instrument(instrument, tmp_path, capsys) -> None:
    example = load_knowledge().instruments[instrument].examples[0]
    code, out, _ = run(capsys, "score", instrument, "--answers", str(write_json(tmp_path, example["answers"])),
                       "--json")
    assert code == 0
    data = json.loads(out)
    assert {"instrument", "version", "total", "subscales", "band", "flags", "valid", "reason"} <= set(data)
    assert data["instrument"] == instrument and data["total"] == example["total"]
    assert (data["band"] or {}).get("id") == example["band"]


def test_score_human_readable(tmp_path, capsys) -> None:
    answers = {f"q{i}": 1 for i in range(1, 10)}
    code, out, _ = run(capsys, "score", "phq9", "--answers", str(write_json(tmp_path, answers)))
    assert code == 0
    assert "total 9 (mild)" in out and "self_harm_risk" in out and "valid" in out


@pytest.mark.parametrize(("answers", "needle"), [
    ({"q1": 7}, "phq9.q1: answer 7 is not allowed (allowed: 0 (not at all)"),
    ({"q11": 1}, "phq9.q11: no such item (allowed: q1, q2"),
    ([1, 2], "must hold one JSON object"),
])
def test_bad_answers_exit_2_with_one_line(answers, needle, tmp_path, capsys) -> None:
    code, out, err = run(capsys, "score", "phq9", "--answers", str(write_json(tmp_path, answers)))
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and needle in err


def test_unknown_instrument_exit_2(tmp_path, capsys) -> None:
    code, _, err = run(capsys, "score", "phq10", "--answers", str(write_json(tmp_path, {})))
    assert code == 2 and "unknown instrument 'phq10'" in err and err.count("\n") == 1


def test_missing_and_invalid_json_files_are_named(tmp_path, capsys) -> None:
    missing = tmp_path / "nope.json"
    code, _, err = run(capsys, "score", "phq9", "--answers", str(missing))
    assert code == 2 and str(missing) in err and "no such file" in err
    broken = tmp_path / "broken.json"
    broken.write_text("{q1: 1")
    code, _, err = run(capsys, "score", "phq9", "--answers", str(broken))
    assert code == 2 and str(broken) in err and "not valid JSON" in err and err.count("\n") == 1


def test_instruments_list_and_show(capsys) -> None:
    code, out, _ = run(capsys, "instruments", "list")
    assert code == 0 and len(out.splitlines()) == 20 and out.startswith("bpi_sf")
    code, out, _ = run(capsys, "instruments", "show", "tsk17")
    assert code == 0 and "[reversed]" in out and "q4:" in out and "low <= 37" in out
    code, out, _ = run(capsys, "instruments", "show", "phq9", "--json")
    assert code == 0 and json.loads(out)["id"] == "phq9"
    code, _, err = run(capsys, "instruments", "show", "nope")
    assert code == 2 and "unknown instrument" in err


def test_score_file_writes_scored_rows(tmp_path, capsys) -> None:
    source = tmp_path / "in.csv"
    source.write_text("id,q1,q2,q3,q4,q5,q6,q7,q8,q9\np1,0,0,0,0,0,0,0,0,0\np2,3,3,3,3,3,3,3,3,3\n")
    target = tmp_path / "out.csv"
    code, _, err = run(capsys, "score-file", "phq9", str(source), str(target))
    assert code == 0 and "scored 2 rows" in err
    assert target.read_text().splitlines() == [
        "id,total,band,flags,valid,reason",
        "p1,0,minimal,,true,",
        "p2,27,severe,self_harm_risk,true,",
    ]


def test_score_file_bad_row_writes_nothing(tmp_path, capsys) -> None:
    source = tmp_path / "in.csv"
    source.write_text("q1,q2,q3,q4,q5,q6,q7\n1,1,1,1,1,1,1\n1,1,1,5,1,1,1\n")
    target = tmp_path / "out.csv"
    target.write_text("previous content\n")
    code, _, err = run(capsys, "score-file", "gad7", str(source), str(target))
    assert code == 2 and err.count("\n") == 1
    assert f"{source}: row 3, column q4: answer '5' is not allowed" in err
    assert target.read_text() == "previous content\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv", "out.csv"]  # no temporary file left


def test_score_file_missing_input(tmp_path, capsys) -> None:
    code, _, err = run(capsys, "score-file", "gad7", str(tmp_path / "none.csv"), str(tmp_path / "o.csv"))
    assert code == 2 and "none.csv: no such file" in err


def test_cli_as_a_subprocess(tmp_path) -> None:
    answers = write_json(tmp_path, {"nrs": 7})
    done = subprocess.run([sys.executable, "-c", "from acupath.cli import main; main()", "score", "nrs",
                           "--answers", str(answers), "--json"], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["band"]["id"] == "severe"
    bad = write_json(tmp_path, {"nrs": 11}, "bad.json")
    done = subprocess.run([sys.executable, "-c", "from acupath.cli import main; main()", "score", "nrs",
                           "--answers", str(bad)], capture_output=True, text=True, check=False)
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "nrs.nrs" in done.stderr
