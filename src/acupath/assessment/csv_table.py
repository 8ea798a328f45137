"""A CSV of responses as arrays: one row per response, item keys as columns, an optional ``id`` column.

``read_header_line`` and ``read_chunks`` read a file in pieces of whole rows, so that a file of any
length is scored in flat memory; ``parse_fast`` turns one piece of a plain CSV (no quotes) into a matrix
of answers with numpy array operations; ``parse_rows`` reads any piece with the ``csv`` module for the
per-row path. ``quote`` writes a cell back. Files are opened and closed by the caller.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

import numpy as np

from acupath.errors import InputError, UnknownItem

ID_COLUMN = "id"
_MAX_DIGITS = 9  # longer numbers are far outside every item's range; refusing them keeps float64 exact
# About 58,000 PHQ-9 rows a piece: large enough that numpy's per-call overhead is small against the
# arithmetic, small enough that the parse's index arrays (about 40 bytes a byte) stay near 40 MiB.
CHUNK_BYTES = 1 << 20


@dataclass
class Header:
    """The columns of the file: where the id is and which item each other column holds."""

    columns: list[str]
    id_index: int | None
    items: list[str]


def read_header(line: str, item_keys: list[str], required: list[str], instrument: str) -> Header:
    """Return the ``Header`` of ``line``.

    Raises ``UnknownItem`` for a column that is neither ``id`` nor an item of the instrument and
    ``InputError`` when a scored item has no column or a column appears twice.
    """
    columns = [name.strip() for name in next(csv.reader([line]))]
    known = set(item_keys)
    for name in columns:
        if name != ID_COLUMN and name not in known:
            raise UnknownItem(f"header column {name!r}", f"not an item of {instrument}",
                              [ID_COLUMN, *item_keys])
    if len(set(columns)) != len(columns):
        raise InputError("header", "a column appears twice", [ID_COLUMN, *item_keys])
    absent = [key for key in required if key not in columns]
    if absent:
        raise InputError("header", f"no column for item(s) {', '.join(absent)}", [ID_COLUMN, *item_keys])
    id_index = columns.index(ID_COLUMN) if ID_COLUMN in columns else None
    return Header(columns, id_index, [c for c in columns if c != ID_COLUMN])


def read_header_line(stream: BinaryIO) -> str:
    """Return the first line of ``stream`` (decoded, without its line end or a spreadsheet's BOM).

    Raises ``InputError`` for an empty file or a header that is not UTF-8.
    """
    line = stream.readline()
    if line.startswith(b"\xef\xbb\xbf"):  # a BOM written by spreadsheet programs
        line = line[3:]
    line = line.rstrip(b"\n").removesuffix(b"\r")
    if not line.strip():
        raise InputError("header", "the file is empty or has no header row", "item keys as columns")
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError("header", "not UTF-8 text") from None


def _row_end(data: bytes, cut: int) -> int:
    """Return the largest ``end <= cut`` just after a line end that is outside quotes (0 if none).

    ``data[:cut]`` starts outside quotes and ends just after a line end. An escaped quote is two quote
    characters, so the line end at ``cut - 1`` is inside a quoted cell exactly when the quotes before
    it are odd in number; then look at the line end before it.
    """
    quotes = data.count(b'"', 0, cut)
    while quotes % 2 and cut > 0:
        earlier = data.rfind(b"\n", 0, cut - 1) + 1
        quotes -= data.count(b'"', earlier, cut)
        cut = earlier
    return cut


def read_chunks(stream: BinaryIO, size: int = CHUNK_BYTES) -> Iterator[bytes]:
    """Yield the rest of ``stream`` (the rows after the header) in pieces of whole rows.

    Every piece ends with a line end, never splits a quoted cell and has CRLF line ends made LF. Blank
    lines are held back until a row follows them, so that blank lines at the end of the file are not
    rows (a blank line between rows is one: a blank cell in a one-item file). Pieces are about ``size``
    bytes; a row longer than that is read whole.
    """
    pending = b""
    blank = 0  # blank lines held back
    while True:
        block = stream.read(size)
        data = pending + block
        cut = len(data) if not block else _row_end(data, data.rfind(b"\n") + 1)
        if not block and data and not data.endswith(b"\n"):
            data += b"\n"  # the last row may have no line end
            cut += 1
        piece, pending = data[:cut], data[cut:]
        if b"\r" in piece:
            piece = piece.replace(b"\r\n", b"\n")
        rows = piece.rstrip(b"\n")
        if rows:
            yield b"\n" * blank + rows + b"\n"
            blank = len(piece) - len(rows) - 1
        else:
            blank += len(piece)
        if not block:
            return


MISSING = -1  # a blank cell in ``FastTable.values``
NOT_A_NUMBER = -2  # a cell that is not a whole number of at most _MAX_DIGITS digits


@dataclass
class FastTable:
    """Parsed body: ``values[r, c]`` is the whole number in row r, item column c (``MISSING`` if blank,
    ``NOT_A_NUMBER`` otherwise); ``ids`` the id cells or None; ``cell`` gives a cell's raw text."""

    values: np.ndarray
    ids: list[bytes] | None
    starts: np.ndarray | None  # None: every cell is one byte followed by its separator
    ends: np.ndarray | None
    body: bytes
    ncols: int

    def cell(self, row: int, column: int) -> str:
        """Return the raw text of a cell (row and column 0-based over all columns of the file)."""
        index = row * self.ncols + column
        if self.starts is None or self.ends is None:
            start, end = 2 * index, 2 * index + 1
        else:
            start, end = int(self.starts[index]), int(self.ends[index])
        return self.body[start:end].decode("utf-8", "replace")


def _first_bad_row(buf: np.ndarray, sep_at: np.ndarray, header: Header, first_row: int) -> InputError:
    ncols = len(header.columns)
    line_ends = np.flatnonzero(buf == 10)
    cells_per_row = np.diff(np.searchsorted(sep_at, line_ends), prepend=-1)
    bad = int(np.argmax(cells_per_row != ncols))
    return InputError(f"row {first_row + bad}", f"has {int(cells_per_row[bad])} cells, the header has {ncols}",
                      ", ".join(header.columns))


def _single_byte_cells(body: bytes, buf: np.ndarray, ncols: int, header: Header) -> FastTable | None:
    """Parse the common layout where every cell is one character (Likert answers 0-9, no id, no blanks).

    Returns None when the body is not laid out so. Working on strided views of the bytes avoids the
    large index arrays of the general path (allocating them costs more than the arithmetic).
    """
    if header.id_index is not None or buf.size == 0 or buf.size % (2 * ncols):
        return None
    grid = buf.reshape(-1, 2 * ncols)
    seps = grid[:, 1::2]
    if not ((seps[:, -1] == 10).all() and (seps[:, :-1] == 44).all()):
        return None
    digits = grid[:, 0::2] - np.uint8(48)  # a byte below "0" wraps above 9
    values = digits.astype(np.int32)
    values[digits > 9] = NOT_A_NUMBER
    return FastTable(values, None, None, None, body, ncols)


def parse_fast(body: bytes, header: Header, first_row: int = 2) -> FastTable:
    """Parse quote-free rows (a piece from ``read_chunks``) into a ``FastTable`` with array operations.

    ``first_row`` is the number of the piece's first row as a spreadsheet shows it (header = 1).
    Raises ``InputError`` naming the first row whose number of cells differs from the header.
    """
    ncols = len(header.columns)
    buf = np.frombuffer(body, dtype=np.uint8)
    single = _single_byte_cells(body, buf, ncols, header)
    if single is not None:
        return single
    sep_at = np.flatnonzero((buf == 44) | (buf == 10))
    if sep_at.size % ncols:
        raise _first_bad_row(buf, sep_at, header, first_row)
    kinds = buf[sep_at].reshape(-1, ncols)
    if not ((kinds[:, -1] == 10).all() and (kinds[:, :-1] == 44).all()):
        raise _first_bad_row(buf, sep_at, header, first_row)
    nrows = kinds.shape[0]
    starts = np.empty(sep_at.size, dtype=np.int64)
    starts[:1] = 0
    starts[1:] = sep_at[:-1] + 1
    item_columns = [c for c in range(ncols) if c != header.id_index]
    grid_starts = starts.reshape(nrows, ncols)
    grid_ends = sep_at.reshape(nrows, ncols)
    if header.id_index is None:
        cell_start, cell_end = starts, sep_at
    else:
        cell_start = grid_starts[:, item_columns].ravel()
        cell_end = grid_ends[:, item_columns].ravel()
    lengths = cell_end - cell_start
    values = np.zeros(cell_start.size, dtype=np.int32)
    bad = lengths > _MAX_DIGITS
    # digit j of every cell at once: a few passes over the cells instead of one per byte
    for j in range(int(min(lengths.max(initial=0), _MAX_DIGITS))):
        inside = lengths > j
        byte = buf[np.minimum(cell_start + j, cell_end)].astype(np.int32) - 48
        bad |= inside & ((byte < 0) | (byte > 9))
        values = np.where(inside, values * 10 + byte, values)
    values[lengths == 0] = MISSING
    values[bad] = NOT_A_NUMBER
    ids = None
    if header.id_index is not None:
        id_starts = grid_starts[:, header.id_index].tolist()
        id_ends = grid_ends[:, header.id_index].tolist()
        ids = [body[s:e] for s, e in zip(id_starts, id_ends, strict=True)]
    return FastTable(values.reshape(nrows, len(item_columns)), ids, starts, sep_at, body, ncols)


def parse_rows(body: bytes, header: Header, first_row: int = 2) -> list[list[str]]:
    """Return every row of a piece from ``read_chunks`` as a list of cells (any CSV, quotes allowed).

    ``first_row`` is the number of the piece's first row as a spreadsheet shows it (header = 1).
    Raises ``InputError`` naming the first row whose number of cells differs from the header, or a
    row that is not UTF-8.
    """
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        row = body[: exc.start].count(b"\n") + first_row
        raise InputError(f"row {row}", "not UTF-8 text") from None
    rows = [row or [""] for row in csv.reader(io.StringIO(text))]  # a blank line: one blank cell
    for number, row in enumerate(rows, start=first_row):
        if len(row) != len(header.columns):
            raise InputError(f"row {number}", f"has {len(row)} cells, the header has {len(header.columns)}",
                             ", ".join(header.columns))
    return rows


def quote(text: str) -> str:
    """Return ``text`` as one CSV cell (quoted when it holds a comma, quote or line break)."""
    if any(ch in text for ch in ',"\n\r'):
        return '"' + text.replace('"', '""') + '"'
    return text
