"""Scoring a whole CSV of responses (``acupath score-file``): streamed in pieces, vectorised per piece.

``score_stream`` reads the file in pieces of whole rows (``csv_table.read_chunks``, about 1 MiB each),
scores each piece and writes its lines before reading the next, so memory stays flat in the number of
rows. The vectorised path reads the same compiled ``Scorer`` as ``score`` (item lookups, scales,
bands, flags), so each rule still lives in the instrument file; rows that cannot be fully scored, pieces
with quoted cells, and instruments whose rules are not plain arithmetic (PSQI clock times and cuts,
HIT-6 label answers) go through ``Scorer.score`` row by row. A bad cell stops the run with its row (as a
spreadsheet numbers it: header = 1) and column; the caller decides what becomes of what was written.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any, BinaryIO

import numpy as np

from acupath.assessment.csv_table import (
    CHUNK_BYTES,
    Header,
    parse_fast,
    parse_rows,
    quote,
    read_chunks,
    read_header,
    read_header_line,
)
from acupath.assessment.items import ItemRule
from acupath.assessment.scoring import Score, Scorer, display_number, scorer_for
from acupath.errors import ValueNotAllowed
from acupath.knowledge import KnowledgeBase
from acupath.knowledge.schema.instruments import SAFETY_ITEM_FLAG, Threshold

_VECTOR_METHODS = {"sum", "mean", "percent_of_answered_max", "mean_rescaled", "sum_of_scales"}


def output_columns(scorer: Scorer, with_id: bool) -> list[str]:
    """Return the header of the scored file: [id,] total, subscales, band, flags, valid, reason."""
    total = ["total"] if scorer.doc.total else []
    return (["id"] if with_id else []) + total + list(scorer.subscale_ids) + ["band", "flags", "valid", "reason"]


def score_cells(scorer: Scorer, result: Score) -> list[str]:
    """Return the output cells of one score (without the id), formatted as ``Score.to_dict`` rounds."""
    numbers = ([result.total] if scorer.doc.total else []) + list(result.subscales.values())
    cells = ["" if v is None else str(display_number(v)) for v in numbers]
    cells.append(result.band["id"] if result.band else "")
    cells.append(";".join(result.flags))
    cells.append("true" if result.valid else "false")
    cells.append(quote(result.reason or ""))
    return cells


def can_vectorise(scorer: Scorer) -> bool:
    """Return whether every item answer is a whole number and every scale is plain arithmetic."""
    for rule in scorer.items.values():
        if rule.kind == "clock" or rule.cuts:
            return False
        if rule.lookup is not None and not all(type(a) is int for a in rule.lookup):
            return False
        if rule.kind == "number" and not rule.integer:
            return False
    return all(r.scale.method in _VECTOR_METHODS and not r.scale.cuts for r in scorer.scales)


def _cell_value(rule: ItemRule, text: str) -> Any:
    text = text.strip()
    if text == "":
        return None
    if rule.kind == "clock" or (rule.lookup is not None and not all(type(a) is int for a in rule.lookup)):
        return text
    try:
        return int(text)
    except ValueError:
        try:
            return float(text) if rule.kind == "number" else text
        except ValueError:
            return text


def _score_row(scorer: Scorer, header: Header, number: int, cells: Sequence[str]) -> Score:
    answers: dict[str, Any] = {}
    for name, text in zip(header.columns, cells, strict=True):
        if name != "id":
            answers[name] = _cell_value(scorer.items[name], text)
    try:
        return scorer.score(answers)
    except ValueNotAllowed as exc:
        key = exc.field.rsplit(".", 1)[-1]
        text = cells[header.columns.index(key)]
        raise ValueNotAllowed(f"row {number}, column {key}", f"answer {text!r} is not allowed",
                              exc.allowed) from None


def score_rows(scorer: Scorer, header: Header, body: bytes, first_row: int = 2) -> list[str]:
    """Return the output lines of every row of a piece, scored one by one with ``Scorer.score``.

    ``first_row`` numbers the piece's first row (header = row 1). Raises ``InputError`` subclasses
    naming the row and column of the first bad cell.
    """
    lines = []
    for number, cells in enumerate(parse_rows(body, header, first_row), start=first_row):
        result = _score_row(scorer, header, number, cells)
        id_cell = [quote(cells[header.id_index])] if header.id_index is not None else []
        lines.append(",".join(id_cell + score_cells(scorer, result)))
    return lines


def _item_points(scorer: Scorer, header: Header, values: np.ndarray, table_cell,
                 first_row: int) -> dict[str, np.ndarray]:
    """Return each item's points per row (NaN when unanswered); raises on the first bad cell."""
    nrows = values.shape[0]
    points: dict[str, np.ndarray] = {}
    bad_any = np.zeros(values.shape, dtype=bool)
    for column, key in enumerate(header.items):
        rule = scorer.items[key]
        if rule.lookup is not None:
            answers = {a: p for a, p in rule.lookup.items() if a >= 0}
        else:  # whole-number item scored as given
            answers = {a: float(a) for a in range(int(np.ceil(rule.low)), int(rule.high) + 1)}
        top = max(answers)
        # table position: NOT_A_NUMBER (-2) -> 0, MISSING (-1) -> 1, answer a -> a + 2, above top -> bad
        table = np.full(top + 4, -np.inf)
        table[1] = np.nan
        for answer, score in answers.items():
            table[answer + 2] = score
        col_points = table[np.minimum(values[:, column], top + 1) + 2]
        bad_any[:, column] = np.isneginf(col_points)
        points[key] = col_points
    if bad_any.any():
        row, column = divmod(int(np.argmax(bad_any.ravel())), bad_any.shape[1])
        key = header.items[column]
        text = table_cell(row, header.columns.index(key))
        raise ValueNotAllowed(f"row {first_row + row}, column {key}", f"answer {text!r} is not allowed",
                              scorer.items[key].allowed)
    for key, rule in scorer.items.items():
        if key not in points:
            points[key] = np.full(nrows, np.nan)
        if rule.missing_as is not None:
            points[key] = np.where(np.isnan(points[key]), rule.missing_as, points[key])
    return points


def _scales(scorer: Scorer, points: dict[str, np.ndarray], nrows: int) -> dict[str, np.ndarray]:
    """Return each scale per row (NaN where it cannot be computed), in the order of ``Scale.evaluate``."""
    results: dict[str, np.ndarray] = {}
    for rule in scorer.scales:
        scale = rule.scale
        if scale.method == "sum_of_scales":
            value = sum((results[ref] for ref in scale.scales), np.zeros(nrows)) / scale.divide_by
            results[scale.id] = value
            continue
        total = np.zeros(nrows)
        answered = np.zeros(nrows)
        possible = np.zeros(nrows)
        for key in scale.items:
            column = points[key]
            given = ~np.isnan(column)
            total += np.where(given, column, 0.0)
            answered += given
            if scale.method == "percent_of_answered_max":
                possible += given * rule.max_points[key]
        n = len(scale.items)
        with np.errstate(divide="ignore", invalid="ignore"):
            if scale.method == "sum":
                value = np.where(answered < n, total * n / answered, total) / scale.divide_by
            elif scale.method == "mean":
                value = total / answered / scale.divide_by
            elif scale.method == "percent_of_answered_max":
                value = total * 100.0 / possible
            else:  # mean_rescaled
                assert scale.rescale is not None
                (a, b), (c, d) = scale.rescale.source, scale.rescale.target
                value = c + (total / answered - a) * (d - c) / (b - a)
        results[scale.id] = np.where(answered >= rule.need, value, np.nan)
    return results


Coded = tuple[np.ndarray, list[str]]


def _within(threshold: Threshold, values: np.ndarray) -> np.ndarray:
    """Return ``Threshold.matches`` for every value (False for NaN)."""
    hit = np.ones(values.shape, dtype=bool)
    with np.errstate(invalid="ignore"):
        if threshold.upto is not None:
            hit &= values <= threshold.upto
        if threshold.at_least is not None:
            hit &= values >= threshold.at_least
    return hit


def _band_and_flags(scorer: Scorer, results: dict[str, np.ndarray], points: dict[str, np.ndarray],
                    nrows: int) -> tuple[Coded, Coded]:
    """Return the band and the flags of every row as codes into their texts (band -1: none)."""
    band_index = np.full(nrows, -1)
    decided = np.zeros(nrows, dtype=bool)
    for i, (band, scale) in enumerate(scorer.bands):
        value = results[scale]
        decided |= np.isnan(value)  # Scorer.band_for stops at a scale that is missing
        hit = ~decided & _within(band, value)
        band_index[hit] = i
        decided |= hit
    band_names = [b.id for b, _ in scorer.bands] + [""]
    code = np.zeros(nrows, dtype=np.int64)
    for bit, (flag, key) in enumerate(scorer.flags):
        value = points[key]
        hit = ~np.isnan(value) & _within(flag, value)
        code |= hit.astype(np.int64) << bit
    # the last bit: an unanswered safety item, listed after the item flags as Scorer.flags_for does
    names = [f.id for f, _ in scorer.flags] + ([SAFETY_ITEM_FLAG] if scorer.safety_items else [])
    if scorer.safety_items:
        unanswered = np.zeros(nrows, dtype=bool)
        for key in scorer.safety_items:
            unanswered |= np.isnan(points[key])
        code |= unanswered.astype(np.int64) << len(scorer.flags)
    flag_names = [";".join(name for bit, name in enumerate(names) if combo >> bit & 1)
                  for combo in range(1 << len(names))]
    return (band_index % len(band_names), band_names), (code, flag_names)


def _codes(values: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """Return each value's index into its distinct display texts, and those texts ("" for NaN)."""
    distinct, inverse = np.unique(values, return_inverse=True, equal_nan=True)
    texts = ["" if np.isnan(v) else str(display_number(float(v))) for v in distinct.tolist()]
    return inverse.ravel(), texts


def render_lines(columns: list[tuple[np.ndarray, list[str]]], nrows: int) -> list[str]:
    """Return the output line of every row from per-column codes into per-column texts.

    Rows share few distinct lines (a PHQ-9 file has at most a few hundred), so each distinct line is
    joined once and rows pick theirs by index.
    """
    combined = np.zeros(nrows, dtype=np.int64)
    radix = 1
    for codes, texts in columns:
        combined += codes.astype(np.int64) * radix
        radix *= max(len(texts), 1)
    if radix >= 2**62:  # pragma: no cover - too many distinct combinations: join row by row
        return list(map(",".join, zip(*[np.array(t, dtype=object)[c] for c, t in columns], strict=True)))
    distinct, inverse = np.unique(combined, return_inverse=True)
    lines = []
    for code in distinct.tolist():
        cells = []
        for _, texts in columns:
            code, index = divmod(code, max(len(texts), 1))
            cells.append(texts[index])
        lines.append(",".join(cells))
    return np.array(lines, dtype=object)[inverse.ravel()].tolist()


def score_vectorised(scorer: Scorer, header: Header, body: bytes, first_row: int = 2) -> list[str]:
    """Return the output lines of every row of a quote-free piece, computed with array operations.

    Rows with a scale that cannot be computed are re-scored with ``Scorer.score`` so that their
    reason is the same text. ``first_row`` numbers the piece's first row (header = row 1). Raises
    ``InputError`` subclasses naming the row and column of a bad cell.
    """
    table = parse_fast(body, header, first_row)
    nrows = table.values.shape[0]
    points = _item_points(scorer, header, table.values, table.cell, first_row)
    results = _scales(scorer, points, nrows)
    reported = ([scorer.doc.total] if scorer.doc.total else []) + list(scorer.subscale_ids)
    bands, flags = _band_and_flags(scorer, results, points, nrows)
    valid = np.ones(nrows, dtype=bool)
    for key in reported:
        valid &= ~np.isnan(results[key])
    columns = [_codes(results[key]) for key in reported]
    columns += [bands, flags, (np.zeros(nrows, dtype=np.int64), ["true,"])]  # valid rows: no reason
    lines = render_lines(columns, nrows)
    if table.ids is not None:
        lines = [cell.decode("utf-8", "replace") + "," + line for cell, line in zip(table.ids, lines, strict=True)]
    for row in np.flatnonzero(~valid).tolist():  # rare: re-score for the exact reason text
        cells = [table.cell(row, c) for c in range(len(header.columns))]
        result = _score_row(scorer, header, first_row + row, cells)
        id_cell = [cells[header.id_index]] if header.id_index is not None else []
        lines[row] = ",".join(id_cell + score_cells(scorer, result))
    return lines


def score_stream(instrument_id: str, source: BinaryIO, target: BinaryIO, kb: KnowledgeBase | None = None,
                 vectorise: bool | None = None, chunk_bytes: int = CHUNK_BYTES) -> int:
    """Score every row of the CSV ``source`` into ``target``, piece by piece; return the number of rows.

    Writes the header line, then each piece's lines as soon as they are scored: on an error, ``target``
    holds the lines of the pieces before it, and the caller discards it (``acupath score-file`` writes
    to a temporary file and renames it only after the last row). ``vectorise`` None takes the array path
    for every quote-free piece when the instrument allows it; False forces row-by-row scoring (the
    reference the array path is tested against). Raises ``UnknownInstrument``, ``UnknownItem`` (a
    column) or ``InputError``/``ValueNotAllowed`` naming the row and column of the first bad cell.
    """
    scorer = scorer_for(instrument_id, kb)
    required = [k for k, r in scorer.items.items() if r.scored and r.missing_as is None]
    header = read_header(read_header_line(source), list(scorer.items), required, instrument_id)
    arrays = vectorise is not False and can_vectorise(scorer)
    target.write((",".join(output_columns(scorer, header.id_index is not None)) + "\n").encode())
    next_row = 2  # the header is row 1, as a spreadsheet shows it
    for piece in read_chunks(source, chunk_bytes):
        if arrays and b'"' not in piece:
            lines = score_vectorised(scorer, header, piece, next_row)
        else:
            lines = score_rows(scorer, header, piece, next_row)
        target.write(("\n".join(lines) + "\n").encode())
        next_row += len(lines)
    return next_row - 2


def score_csv(instrument_id: str, data: bytes, kb: KnowledgeBase | None = None,
              vectorise: bool | None = None) -> tuple[bytes, int]:
    """Score every row of a CSV of responses held in memory; return the scored CSV and the number of rows.

    ``score_stream`` on bytes, for callers that hold a small file; raises what it raises.
    """
    target = io.BytesIO()
    rows = score_stream(instrument_id, io.BytesIO(data), target, kb, vectorise)
    return target.getvalue(), rows
