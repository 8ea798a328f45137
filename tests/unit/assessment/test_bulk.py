"""score_csv(): the vectorised path equals row-by-row ``score`` on random data; bad rows are named."""

from __future__ import annotations

import numpy as np
import pytest

from acupath.assessment import score, scorer_for
from acupath.assessment.bulk import can_vectorise, score_csv
from acupath.errors import InputError, UnknownItem, ValueNotAllowed

VECTORISED = ["nrs", "vas", "bpi_sf", "peg", "pcs", "isi", "odi", "ndi", "rmdq", "phq9", "gad7", "start_back",
              "womac", "koos", "midas", "fiqr", "tsk17", "tsk11"]


def random_csv(instrument: str, rows: int, seed: int, with_id: bool = True, blanks: float = 0.12) -> bytes:
    """Random answers from each item's allowed values, a fraction ``blanks`` of cells left blank."""
    rng = np.random.default_rng(seed)
    scorer = scorer_for(instrument)
    keys = list(scorer.items)
    columns = []
    for key in keys:
        rule = scorer.items[key]
        allowed = list(rule.lookup) if rule.lookup is not None else list(range(int(rule.low), int(rule.high) + 1))
        cells = [str(allowed[i]) for i in rng.integers(0, len(allowed), rows)]
        blank = rng.random(rows) < blanks
        columns.append(["" if b else c for b, c in zip(blank, cells, strict=True)])
    header = (["id"] if with_id else []) + keys
    lines = [",".join(header)]
    for r in range(rows):
        lines.append(",".join(([f"p{r}"] if with_id else []) + [col[r] for col in columns]))
    return ("\n".join(lines) + "\n").encode()


def test_which_instruments_are_vectorised(kb) -> None:
    assert sorted(i for i in kb.instruments if can_vectorise(scorer_for(i, kb))) == sorted(VECTORISED)


@pytest.mark.parametrize("instrument", VECTORISED)
@pytest.mark.parametrize("with_id", [True, False])
def test_vectorised_equals_row_by_row(instrument, with_id) -> None:
    data = random_csv(instrument, 400, seed=len(instrument), with_id=with_id)
    fast, rows = score_csv(instrument, data)
    slow, _ = score_csv(instrument, data, vectorise=False)
    assert rows == 400
    assert fast.decode().splitlines() == slow.decode().splitlines()


@pytest.mark.parametrize("instrument", ["phq9", "odi", "gad7", "start_back", "tsk17"])
def test_one_character_cells_take_the_strided_path_and_agree(instrument) -> None:
    data = random_csv(instrument, 300, seed=7, with_id=False, blanks=0.0)
    fast, _ = score_csv(instrument, data)
    slow, _ = score_csv(instrument, data, vectorise=False)
    assert fast == slow


def test_one_character_layout_reports_bad_cells() -> None:
    with pytest.raises(ValueNotAllowed, match=r"row 3, column q3: answer 'x'"):
        score_csv("gad7", b"q1,q2,q3,q4,q5,q6,q7\n1,1,1,1,1,1,1\n1,1,x,1,1,1,1\n")
    with pytest.raises(ValueNotAllowed, match=r"row 2, column q1: answer '9'"):
        score_csv("gad7", b"q1,q2,q3,q4,q5,q6,q7\n9,1,1,1,1,1,1\n")


def test_row_by_row_matches_score() -> None:
    data = b"id,q1,q2,q3,q4,q5,q6,q7,q8,q9\nx,1,2,3,0,1,2,3,0,1\n"
    out, _ = score_csv("phq9", data, vectorise=False)
    expected = score("phq9", {f"q{i}": v for i, v in enumerate([1, 2, 3, 0, 1, 2, 3, 0, 1], 1)})
    assert out.decode().splitlines()[1] == f"x,{int(expected.total)},moderate,self_harm_risk,true,"


@pytest.mark.parametrize("instrument", ["psqi", "hit6"])
def test_per_row_instruments(instrument) -> None:
    example = scorer_for(instrument).doc.examples[0]
    keys = list(example["answers"])
    data = (",".join(keys) + "\n" + ",".join(str(example["answers"][k]) for k in keys) + "\n").encode()
    out, rows = score_csv(instrument, data)
    header, line = out.decode().splitlines()
    cells = dict(zip(header.split(","), line.split(","), strict=True))
    assert rows == 1 and cells["total"] == str(example["total"]) and cells["band"] == example["band"]


def test_quoted_cells_and_crlf_are_read() -> None:
    data = b'id,q1,q2,q3,q4,q5,q6,q7\r\n"a, b",1,1,1,1,1,1,1\r\n'
    out, _ = score_csv("gad7", data)
    assert out.decode().splitlines()[1] == '"a, b",7,mild,,true,'


def test_invalid_rows_carry_the_reason() -> None:
    out, _ = score_csv("gad7", b"q1,q2,q3,q4,q5,q6,q7\n1,1,,,,1,1\n")
    assert out.decode().splitlines()[1] == ',,,false,"total: 4 of 7 items answered, at least 5 needed"'


class TestBadInput:
    @pytest.mark.parametrize("vectorise", [None, False])
    def test_bad_value_names_row_and_column(self, vectorise) -> None:
        data = b"id,q1,q2,q3,q4,q5,q6,q7\na,1,1,1,1,1,1,1\nb,1,1,1,1,x,1,1\nc,9,1,1,1,1,1,1\n"
        with pytest.raises(ValueNotAllowed) as err:
            score_csv("gad7", data, vectorise=vectorise)
        assert err.value.field == "row 3, column q5"
        assert "'x'" in err.value.problem and "3 (nearly every day)" in err.value.allowed

    @pytest.mark.parametrize("cell", ["4", "-1", "1.0", "99999999999", " 1"])
    def test_not_allowed_cells(self, cell) -> None:
        data = f"q1,q2,q3,q4,q5,q6,q7\n1,1,1,1,1,1,{cell}\n".encode()
        with pytest.raises(ValueNotAllowed, match=r"row 2, column q7"):
            score_csv("gad7", data)

    def test_wrong_number_of_cells(self) -> None:
        with pytest.raises(InputError, match=r"row 3: has 6 cells, the header has 7"):
            score_csv("gad7", b"q1,q2,q3,q4,q5,q6,q7\n1,1,1,1,1,1,1\n1,1,1,1,1,1\n")

    @pytest.mark.parametrize("vectorise", [None, False])
    def test_rows_are_numbered_as_a_spreadsheet_shows_them(self, vectorise) -> None:
        """Header = row 1, so the first data row is row 2 (as `meta analyze` numbers it)."""
        with pytest.raises(InputError, match=r"^row 2(,|:)"):
            score_csv("gad7", b"q1,q2,q3,q4,q5,q6,q7\n1,1,1,1,\xff,1,1\n", vectorise=vectorise)
        with pytest.raises(InputError, match=r"^row 2: has 6 cells"):
            score_csv("gad7", b"q1,q2,q3,q4,q5,q6,q7\n1,1,1,1,1,1\n", vectorise=vectorise)

    def test_unknown_column(self) -> None:
        with pytest.raises(UnknownItem, match="q8"):
            score_csv("gad7", b"q1,q2,q3,q4,q5,q6,q7,q8\n")

    def test_missing_item_column(self) -> None:
        with pytest.raises(InputError, match="no column for item"):
            score_csv("gad7", b"q1,q2\n1,1\n")

    def test_empty_file(self) -> None:
        with pytest.raises(InputError, match="empty"):
            score_csv("gad7", b"")


def test_header_only_gives_no_rows() -> None:
    out, rows = score_csv("phq9", b"q1,q2,q3,q4,q5,q6,q7,q8,q9\n")
    assert rows == 0 and out == b"total,band,flags,valid,reason\n"
