"""score_stream(): scoring in pieces gives the bytes of scoring the file whole, wherever the pieces end."""

from __future__ import annotations

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from acupath.assessment.bulk import score_csv, score_stream
from acupath.assessment.csv_table import read_chunks
from acupath.errors import InputError, ValueNotAllowed

GAD7 = b"id,q1,q2,q3,q4,q5,q6,q7\n"


def streamed(instrument: str, data: bytes, chunk_bytes: int, vectorise: bool | None = None) -> tuple[bytes, int]:
    target = io.BytesIO()
    rows = score_stream(instrument, io.BytesIO(data), target, vectorise=vectorise, chunk_bytes=chunk_bytes)
    return target.getvalue(), rows


def gad7_rows(answers: list[list[int | None]], ids: list[str]) -> bytes:
    lines = [",".join([ident, *("" if a is None else str(a) for a in row)]) for ident, row in zip(ids, answers,
                                                                                                strict=True)]
    return GAD7 + ("\n".join(lines) + "\n").encode()


@settings(max_examples=60, deadline=None)
@given(
    answers=st.lists(st.lists(st.one_of(st.none(), st.integers(0, 3)), min_size=7, max_size=7), min_size=1,
                     max_size=40),
    quoted=st.booleans(),
    chunk_bytes=st.integers(1, 200),
)
def test_pieces_of_any_size_give_the_whole_file_result(answers, quoted, chunk_bytes) -> None:
    ids = [f'"p{i},\n""x"""' if quoted and i % 3 == 0 else f"p{i}" for i in range(len(answers))]
    data = gad7_rows(answers, ids)
    whole, rows = score_csv("gad7", data)
    assert streamed("gad7", data, chunk_bytes) == (whole, rows) == (whole, len(answers))
    assert streamed("gad7", data, chunk_bytes, vectorise=False)[0] == whole


def test_crlf_and_trailing_blank_lines_across_pieces() -> None:
    data = b"q1,q2,q3,q4,q5,q6,q7\r\n1,1,1,1,1,1,1\r\n2,2,2,2,2,2,2\r\n\r\n\r\n\n\n"
    for size in (1, 3, 17, 1 << 20):
        out, rows = streamed("gad7", data, size)
        assert rows == 2 and out.decode().splitlines()[1:] == ["7,mild,,true,", "14,moderate,,true,"]


def test_a_blank_line_between_rows_is_a_row_of_blank_cells() -> None:
    data = b"nrs\n3\n\n4\n\n"
    for size in range(1, 12):
        out, rows = streamed("nrs", data, size)
        assert rows == 3, size
        assert out == score_csv("nrs", data)[0]


@pytest.mark.parametrize("vectorise", [None, False])
@pytest.mark.parametrize("size", [16, 64, 1 << 20])
def test_a_bad_row_in_a_later_piece_is_numbered_from_the_header(vectorise, size) -> None:
    data = GAD7 + b"".join(b"p%d,1,1,1,1,1,1,1\n" % i for i in range(30)) + b"bad,1,1,9,1,1,1,1\n"
    with pytest.raises(ValueNotAllowed) as err:
        streamed("gad7", data, size, vectorise)
    assert err.value.field == "row 32, column q3"  # header row 1, 30 good rows 2-31
    short = GAD7 + b"".join(b"p%d,1,1,1,1,1,1,1\n" % i for i in range(30)) + b"short,1,1\n"
    with pytest.raises(InputError, match=r"^row 32: has 3 cells"):
        streamed("gad7", short, size, vectorise)


def test_pieces_end_at_row_ends_outside_quotes() -> None:
    body = b'a,"x\ny"\nb,"""q""\n\n"\nc,z\n'
    for size in range(1, len(body) + 2):
        pieces = list(read_chunks(io.BytesIO(body), size))
        assert b"".join(pieces) == body
        assert all(p.endswith(b"\n") and p.count(b'"') % 2 == 0 for p in pieces)
