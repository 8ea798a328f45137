"""A CSV of responses as arrays: one row per response, item keys as columns, an optional ``id`` column.

``parse_fast`` turns the bytes of a plain CSV (no quotes) into a float matrix of answers in one pass
of numpy array operations; ``parse_rows`` reads any CSV with the ``csv`` module for the per-row path.
``quote`` and ``format_numbers`` write cells back. Files are read and written by the caller.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import numpy as np

from acupath.errors import InputError, UnknownItem

ID_COLUMN = "id"
_MAX_DIGITS = 9  # longer numbers are far outside every item's range; refusing them keeps float64 exact


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


def split_header(data: bytes) -> tuple[str, bytes]:
    """Return the header line (decoded) and the body bytes, with CR of CRLF line ends removed.

    Raises ``InputError`` for an empty file or a header that is not UTF-8.
    """
    data = data.replace(b"\r\n", b"\n")
    if data.startswith(b"\xef\xbb\xbf"):  # a BOM written by spreadsheet programs
        data = data[3:]
    head, _, body = data.partition(b"\n")
    if not head.strip():
        raise InputError("header", "the file is empty or has no header row", "item keys as columns")
    try:
        return head.decode("utf-8"), body
    except UnicodeDecodeError:
        raise InputError("header", "not UTF-8 text") from None


@dataclass
class FastTable:
    """Parsed body: ``values[r, c]`` is the integer in row r, item column c (NaN if blank, -1 if not a
    whole number); ``ids`` the id cells (bytes) or None; ``text`` the raw cell for error messages."""

    values: np.ndarray
    ids: list[bytes] | None
    starts: np.ndarray
    ends: np.ndarray
    body: bytes
    ncols: int

    def cell(self, row: int, column: int) -> str:
        """Return the raw text of a cell (row and column 0-based over all columns of the file)."""
        index = row * self.ncols + column
        return self.body[self.starts[index]:self.ends[index]].decode("utf-8", "replace")


def parse_fast(body: bytes, header: Header) -> FastTable:
    """Parse a quote-free CSV body into a ``FastTable`` with array operations only.

    Raises ``InputError`` naming the first row whose number of cells differs from the header.
    """
    body = body.rstrip(b"\n") + b"\n" if body.strip() else b""
    ncols = len(header.columns)
    buf = np.frombuffer(body, dtype=np.uint8)
    newline = buf == 10
    sep = newline | (buf == 44)
    sep_at = np.flatnonzero(sep)
    nrows = int(np.count_nonzero(newline))
    line_ends = np.flatnonzero(newline)
    cells_per_row = np.diff(np.searchsorted(sep_at, line_ends), prepend=-1)
    if nrows and not np.all(cells_per_row == ncols):
        bad = int(np.argmax(cells_per_row != ncols))
        raise InputError(f"row {bad + 1}", f"has {int(cells_per_row[bad])} cells, the header has {ncols}",
                         ", ".join(header.columns))
    starts = np.empty(sep_at.size, dtype=np.int64)
    starts[0:1] = 0
    starts[1:] = sep_at[:-1] + 1
    ends = sep_at
    lengths = ends - starts
    # each byte's cell number: count of separators before it
    cell_of = np.cumsum(sep) - sep
    digit = (buf >= 48) & (buf <= 57)
    other = ~digit & ~sep
    bad_chars = np.bincount(cell_of[other], minlength=sep_at.size) if other.any() else None
    power = ends[cell_of[digit]] - np.flatnonzero(digit) - 1
    weights = (buf[digit].astype(np.int64) - 48) * (10 ** np.minimum(power, _MAX_DIGITS))
    numbers = np.bincount(cell_of[digit], weights=weights, minlength=sep_at.size)
    numbers[lengths == 0] = np.nan
    numbers[lengths > _MAX_DIGITS] = -1.0
    if bad_chars is not None:
        numbers[bad_chars > 0] = -1.0
    grid = numbers.reshape(nrows, ncols)
    ids = None
    if header.id_index is not None:
        id_starts = starts.reshape(nrows, ncols)[:, header.id_index]
        id_ends = ends.reshape(nrows, ncols)[:, header.id_index]
        ids = [body[s:e] for s, e in zip(id_starts.tolist(), id_ends.tolist(), strict=True)]
        grid = np.delete(grid, header.id_index, axis=1)
    return FastTable(grid, ids, starts, ends, body, ncols)


def parse_rows(body: bytes, header: Header) -> list[list[str]]:
    """Return every data row as a list of cells (any CSV, quotes allowed).

    Raises ``InputError`` naming the first row whose number of cells differs from the header, or a
    row that is not UTF-8.
    """
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        row = body[: exc.start].count(b"\n") + 1
        raise InputError(f"row {row}", "not UTF-8 text") from None
    rows = [row for row in csv.reader(io.StringIO(text)) if row]
    for number, row in enumerate(rows, start=1):
        if len(row) != len(header.columns):
            raise InputError(f"row {number}", f"has {len(row)} cells, the header has {len(header.columns)}",
                             ", ".join(header.columns))
    return rows


def quote(text: str) -> str:
    """Return ``text`` as one CSV cell (quoted when it holds a comma, quote or line break)."""
    if any(ch in text for ch in ',"\n\r'):
        return '"' + text.replace('"', '""') + '"'
    return text
