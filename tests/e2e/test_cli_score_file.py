"""``acupath score-file`` streams: a bad row after many good ones still leaves no output and no temporary
file behind; standard output is refused; a file larger than one piece is scored whole."""

from __future__ import annotations

from pathlib import Path

import pytest

from acupath.assessment.csv_table import CHUNK_BYTES
from cli_run import run

HEADER = "id,q1,q2,q3,q4,q5,q6,q7\n"




def many_rows(count: int) -> str:
    return "".join(f"p{i},{i % 4},1,2,3,0,1,2\n" for i in range(count))


def pieces_needed(text: str) -> int:
    return len(text.encode()) // CHUNK_BYTES + 1


def test_a_file_of_several_pieces_is_scored_whole(tmp_path, capsys) -> None:
    rows = many_rows(80_000)
    assert pieces_needed(rows) >= 2
    source, target = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_text(HEADER + rows)
    code, _, err = run(capsys, "score-file", "gad7", str(source), str(target))
    assert code == 0 and "scored 80000 rows" in err
    lines = target.read_text().splitlines()
    assert len(lines) == 80_001 and lines[1] == "p0,9,mild,,true," and lines[-1] == "p79999,12,moderate,,true,"


@pytest.mark.parametrize("existing", [True, False])
def test_a_bad_row_in_the_last_piece_leaves_nothing_behind(tmp_path, capsys, existing) -> None:
    rows = many_rows(80_000)
    source, target = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_text(HEADER + rows + "bad,1,1,1,7,1,1,1\n")
    if existing:
        target.write_text("previous content\n")
    code, _, err = run(capsys, "score-file", "gad7", str(source), str(target))
    assert code == 2 and err.count("\n") == 1
    assert f"{source}: row 80002, column q4: answer '7' is not allowed" in err  # header = row 1
    assert sorted(p.name for p in tmp_path.iterdir()) == (["in.csv", "out.csv"] if existing else ["in.csv"])
    if existing:
        assert target.read_text() == "previous content\n"


def test_standard_output_is_refused(tmp_path, capsys) -> None:
    source = tmp_path / "in.csv"
    source.write_text(HEADER + many_rows(2))
    code, out, err = run(capsys, "score-file", "gad7", str(source), "-")
    assert code == 2 and out == "" and err.startswith("acupath: target: must be a file")


def test_a_target_in_a_missing_folder_is_refused(tmp_path, capsys) -> None:
    source = tmp_path / "in.csv"
    source.write_text(HEADER + many_rows(2))
    code, _, err = run(capsys, "score-file", "gad7", str(source), str(tmp_path / "nope" / "out.csv"))
    assert code == 2 and "its folder does not exist" in err
    assert not Path(tmp_path / "nope").exists()


def test_an_unknown_instrument_names_the_known_ones(tmp_path, capsys) -> None:
    source = tmp_path / "in.csv"
    source.write_text(HEADER + many_rows(2))
    code, _, err = run(capsys, "score-file", "gad8", str(source), str(tmp_path / "out.csv"))
    assert code == 2 and "unknown instrument 'gad8'" in err and "gad7" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv"]
