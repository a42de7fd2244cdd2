"""CSV files as tables: whether a header names the columns, the label column, the rows encoded
by a :class:`~vaeaug.data.tabular.TableEncoder`, and new rows written back in the file's own
form. The file itself (its text, the lines before the table, the separator) is
:mod:`vaeaug.data.textfiles`'s."""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ..errors import warn_caller
from .dataset import DataFormatError, Dataset
from .tabular import (
    LABEL_NAMES,
    TableEncoder,
    _is_missing,
    _line,
    _to_float,
    missing_mark,
)
from .textfiles import separator_for, table_lines, table_name, write_table_text
from .times import iso_ns

#: Decimal-comma numbers ("1,5"), as files separated by ';' or tabs write them in many locales.
DECIMAL_COMMA = re.compile(r"\s*[+-]?\d*,\d+(?:[eE][+-]?\d+)?\s*")
#: A code written with leading zeros ("01", "-007"): text that a number would lose.
LEADING_ZERO = re.compile(r"[+-]?0\d")
#: Numbers grouped in thousands, as spreadsheets format them: "1,234.5" (quoted in a comma-separated
#: file) and, with a decimal comma, "1.234,5" (the comma makes the point a grouping, not a decimal).
GROUPED_POINT = re.compile(r"\s*[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?\s*")
GROUPED_COMMA = re.compile(r"\s*[+-]?\d{1,3}(?:\.\d{3})+,\d+\s*")


def _is_positional(cells: list[str]) -> bool:
    """Cells ``0, 1, 2, ...`` (or from 1): the column names pandas writes for an unnamed frame."""
    nums = [_to_float(c) for c in cells if c.strip()]
    if len(nums) < 2 or any(v is None or not v.is_integer() for v in nums):
        return False
    return [int(v) for v in nums] in (list(range(len(nums))), list(range(1, len(nums) + 1)))


def first_row_is_data(first: list[str], rows: list[list[str]], label: str | None = None) -> bool:
    """Whether a CSV's first row is a sample rather than a header (UCI's files have none): each of
    its cells is a number, a missing mark, a date or a value its column holds below, as no column's
    name is; a row naming the label (unless all numbers: ``--label 0`` beside a first cell 0), a
    label name (class, label, ...) or positional names is a header."""
    cells = [c.strip() for c in first]
    numbers = all(_to_float(c) is not None for c in cells)  # a row of numbers names the label "0" by chance
    if (label is not None and label in cells and not numbers) or any(c.lower() in LABEL_NAMES for c in cells) \
            or _is_positional(cells):
        return False
    for j, c in enumerate(cells):
        if _to_float(c) is None and not _is_missing(c) and iso_ns(c) is None and all(r[j].strip() != c for r in rows):
            below = [r[j].strip() for r in rows]  # a column of names, each row's its own: a new one is no header's
            if len(below) < 2 or len(set(below)) < len(below) or any(_to_float(v) is not None for v in below):
                return False
    return True


#: Rows a table needs before a text column that names its rows is taken for an identifier.
MIN_ROWS_FOR_IDENTIFIER = 20


def identifier_columns(names: list[str], rows: list[list[str]], keep: Sequence[str] = ()) -> list[str]:
    """Feature columns that name their rows rather than measure them: text with letters (neither
    numbers, nor dates, nor amounts such as "12 %") where more than half of the rows, at least
    :data:`MIN_ROWS_FOR_IDENTIFIER`, hold a value no other row holds (yeast.data's protein
    names). One-hot encoded, each would add a column a row, and offspring would carry names
    drawn at random. ``keep``: columns named categorical."""
    from collections import Counter

    from .times import time_format

    if len(rows) < MIN_ROWS_FOR_IDENTIFIER:
        return []
    out = []
    for k, name in enumerate(names):
        present = [r[k].strip() for r in rows if not _is_missing(r[k])]
        text = [c for c in present if _to_float(c) is None]
        if name in keep or len(text) <= 0.05 * len(present) or time_format(present) is not None:
            continue  # as TableEncoder reads them: numbers, or times
        named = sum(any(ch.isalpha() for ch in c) for c in present) > len(present) / 2  # names, not "12 %" or "$5"
        if named and sum(n == 1 for n in Counter(present).values()) > len(rows) / 2:
            out.append(name)
    return out


def is_index_column(header: list[str], rows: list[list[str]]) -> bool:
    """Whether a CSV's first column is a frame's row index (``df.to_csv(path)``): no name, and
    distinct non-negative whole numbers, which as a feature would only number the rows."""
    if len(header) < 2 or header[0] != "":
        return False
    values = [_to_float(r[0]) for r in rows]
    if any(v is None or v < 0 or not v.is_integer() for v in values):
        return False
    return len(set(values)) == len(values)


def _read_rows(path: Path, header: bool | None = None,
               label: str | None = None) -> tuple[list[str], list[list[str]], bool, list[int]]:
    """The column names, the rows (blank lines skipped), whether the file had a header, and the
    line each row starts on (for errors that name it); ``header=None`` decides by
    :func:`first_row_is_data`; without one, columns are named by position, ``"0"``, ``"1"``, ...
    as pandas names them."""
    lines, skip, sep = table_lines(path)  # rows are counted from the file's first line all the same
    reader = csv.reader(lines, delimiter=sep)
    try:
        first = [h.strip() for h in next(reader)]
    except StopIteration:
        raise DataFormatError("the file is empty", str(path)) from None
    except csv.Error as e:
        raise DataFormatError(f"unreadable CSV header ({e})", str(path), skip + 1) from None
    rows, lines, end = [], [], reader.line_num + skip  # end: the last line read; a row starts on the next
    try:
        for r in reader:
            start, end = end + 1, reader.line_num + skip
            if not r or all(not c.strip() for c in r):
                continue
            if len(r) != len(first):
                raise DataFormatError(
                    f"row has {len(r)} cells but the first row has {len(first)}", str(path), start)
            rows.append(_numbers(r, sep))
            lines.append(start)
    except csv.Error as e:
        raise DataFormatError(f"unreadable CSV ({e})", str(path), reader.line_num + skip) from None
    k = len(first)  # every line ending in a separator, as spreadsheets write past formatted cells: an
    while k > 1 and not first[k - 1].strip() and all(not r[k - 1].strip() for r in rows):  # empty, unnamed column
        k -= 1
    if k < len(first):
        warn_caller(f"{path}: its last {len(first) - k} column(s) have no name and no values (each line ends in "
                    "a separator, as spreadsheets write): left out", UserWarning)
        first, rows = first[:k], [r[:k] for r in rows]
    as_data = _numbers(first, sep)  # the first row, should it be a sample
    if header is None:
        header = not first_row_is_data(as_data, rows, label)
    if not header:
        return [str(j) for j in range(len(first))], [as_data, *rows], False, [skip + 1, *lines]
    if not rows:
        raise DataFormatError("the file has a header but no rows", str(path))
    repeated = sorted({h for h in first if first.count(h) > 1})
    if repeated:  # columns are found by name: the second would be read as the first
        raise DataFormatError(f"column name(s) {repeated[:5]} repeat in the header: give each column a name of "
                              "its own", str(path), 1)
    return first, rows, True, lines


def _numbers(cells: list[str], sep: str) -> list[str]:
    """Cells of numbers as Python reads them: a decimal comma is a decimal point where the comma
    does not separate, and thousands groupings are dropped (``"1,234.5"``, ``"1.234,5"``)."""
    if sep == ",":  # a comma inside a cell: quoted, and a number only if grouped
        return [c.replace(",", "") if "," in c and GROUPED_POINT.fullmatch(c) else c for c in cells]
    return [c.replace(".", "").replace(",", ".") if GROUPED_COMMA.fullmatch(c) else
            c.replace(",", ".") if DECIMAL_COMMA.fullmatch(c) else c for c in cells]


def _label_column(header: list[str], label: str | None, path: str) -> int:
    if label is not None:
        if label not in header:
            raise ValueError(f"{path} has no column {label!r}; its columns are {header}")
        return header.index(label)
    lowered = [h.lower() for h in header]
    for name in LABEL_NAMES:
        if name in lowered:
            return lowered.index(name)
    return len(header) - 1


def frame_columns_encoder(path: str | Path, columns: list[str], encoder: TableEncoder | None, label: str | None,
                          header: bool | None = None) -> tuple[TableEncoder, str]:
    """For a model fitted in Python on a DataFrame: the encoder that reads its ``columns`` from a
    CSV, and the label column. ``encoder``: the model's (a frame with categories), else one fitted
    on the file's own cells of those columns, which must be numbers (as the frame's were). The
    label: ``label``, else the file's one column the model does not know."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no such file: {path}")
    names, rows, _, lines = _read_rows(path, header, label)
    missing = [c for c in columns if c not in names]
    if missing:
        raise DataFormatError(f"column(s) {missing} of the frame the model was fitted on are missing "
                              f"(its columns: {names})", str(path))
    if label is None:
        others = [c for c in names if c not in columns]
        if len(others) != 1:
            raise ValueError(f"{path}: give the label column with --label (the model was fitted on the frame's "
                             f"columns {columns[:8]}{' …' if len(columns) > 8 else ''}; the file also has {others[:8]})")
        label = others[0]
    if encoder is None:
        order = [names.index(c) for c in columns]
        encoder = TableEncoder().fit(columns, [[r[k] for k in order] for r in rows], str(path), first_line=lines)
        words = [c for c, k in zip(encoder.columns_, encoder.kinds_) if k != "numeric"]
        if words:
            raise DataFormatError(f"column(s) {words[:5]} hold words, and the model was fitted on a frame of "
                                  "numbers only", str(path))
    return encoder, label


def load_csv(path: str | Path, label: str | None = None, missing: str = "impute",
             categorical: list[str] | None = None, header: bool | None = None) -> Dataset:
    """Read a CSV into a vector :class:`Dataset`; cells separated by commas, semicolons, tabs or
    bars (found from the first lines), with decimal commas where the comma does not separate.

    ``label``: the label column (default: one named class/label/target/y, any case, else the
    last column). ``header``: whether the first row names the columns (default: decided by
    :func:`first_row_is_data`; without one, columns are named ``"0"``, ``"1"``, ... and
    ``meta["header"]`` is False). Features are encoded by a :class:`TableEncoder`, kept as
    ``dataset.encoder``.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no such file: {path}")
    header, rows, named, lines = _read_rows(path, header, label)
    if named and is_index_column(header, rows):
        warn_caller(f"{path}: the first column has no name and holds distinct whole numbers, the row index "
                    "pandas' to_csv writes by default; it is left out (name it to keep it, or write with "
                    "index=False)", UserWarning)
        header, rows = header[1:], [r[1:] for r in rows]
    if not named and label is not None and label not in header:
        raise ValueError(f"{path} has no column {label!r}: its first row was read as data, so its columns are "
                         f"named by place, 0 to {len(header) - 1} (header=True, or --header, reads them as names)")
    j = _label_column(header, label, str(path))
    y = _labels(rows, j, header[j], path, first_line=lines)
    if label is None and not any(h.lower() in LABEL_NAMES for h in header):  # the last column, by default
        _check_default_label(y, header, rows, j, path)
    feats = [r[:j] + r[j + 1 :] for r in rows]
    names = header[:j] + header[j + 1 :]
    ids = identifier_columns(names, feats, categorical or ())
    if ids:
        warn_caller(f"{path}: column(s) {ids[:5]} name their rows (most rows hold a value no other row holds), as "
                    "identifiers do: left out of the features (load_csv(..., categorical=[name]) keeps one as a "
                    "category)",
                    UserWarning)
        kept = [k for k, h in enumerate(names) if h not in ids]
        names, feats = [names[k] for k in kept], [[r[k] for k in kept] for r in feats]
    if not names:
        raise DataFormatError("the file has a label column but no feature columns", str(path))
    enc = TableEncoder(missing=missing, categorical=categorical).fit(names, feats, str(path), first_line=lines)
    X = enc.transform(feats, str(path), first_line=lines)
    meta = {"source": str(path), "label": header[j], "features": names, "imputed": enc.report_, "header": named}
    return Dataset(name=table_name(path), X=X, y=y, kind="vector", meta=meta, encoder=enc)


def _check_default_label(y: np.ndarray, header: list[str], rows: list[list[str]], j: int, path: Path) -> None:
    """Refuse a label taken as the last column by default that holds mostly one row per value: a
    measurement (UCI's wine.data puts its class first and a count last), not classes to augment."""
    values, counts = np.unique(y, return_counts=True)
    if len(values) < 10 or (counts == 1).sum() <= len(values) / 2:
        return
    few = sorted((len({r[k].strip() for r in rows}), k) for k in range(len(header)) if k != j)
    likely = ", ".join(f"column {header[k]!r} holds {n} values" for n, k in few[:3] if 2 <= n <= 20)
    raise DataFormatError(
        f"the label was taken as the last column, {header[j]!r}, by default, and it holds {len(values)} values in "
        f"{len(y)} rows, {int((counts == 1).sum())} of them once: a measurement, not a label. Name the label "
        f"column (--label COLUMN, or label=)" + (f"; {likely}" if likely else ""), str(path))


def _labels(rows: list[list[str]], j: int, name: str, path: Path, first_line: int | Sequence[int] = 2) -> np.ndarray:
    """Column ``j`` as labels, none missing: integers where every one is a whole number, floats
    where every one is a number, else the strings; codes with leading zeros ("01", "007") stay
    text, so that they are written back as they were and "01" is not merged with "1";
    ``first_line`` as :meth:`TableEncoder.fit`'s."""
    labels = [r[j].strip() for r in rows]
    for i, lab in enumerate(labels):
        if _is_missing(lab):
            raise DataFormatError(f"missing label in column {name!r}", str(path), _line(first_line, i))
    numbers = [_to_float(v) for v in labels]
    if any(v is None for v in numbers) or any(LEADING_ZERO.match(lab) for lab in labels):
        return np.array(labels)
    if all(v.is_integer() for v in numbers):
        return np.array([int(v) for v in numbers])
    return np.array(numbers)  # a quantity (151.5, ...): floats, which fit refuses, as pandas' y would be


def read_csv_with(path: str | Path, encoder: TableEncoder, label: str | None,
                  header: bool | None = None, classes=None,
                  say_left_out: bool = False, missing_cells: bool = False) -> tuple:
    """(X, y) of a CSV encoded by an encoder fitted elsewhere (the model's, ``vaeaug augment``):
    its columns are found by name, in any order, and must include every one the encoder knows;
    ``label=None``: no labels (y ``None``), a label column there or not (unlabeled data);
    ``header``: as :func:`load_csv`'s (``False`` names the columns by position); ``classes``:
    the labels the model knows, another refused with its line; ``say_left_out``: warn of the
    columns the model does not know, which nothing written from (X, y) can hold; ``missing_cells``:
    also return the rows' missing cells and the file's mark for them, as ``(mask, mark)``
    (:meth:`TableEncoder.missing_cells`, :func:`missing_mark`), which :func:`write_csv` takes."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no such file: {path}")
    header, rows, _, lines = _read_rows(path, header, label)
    missing = [c for c in (*encoder.columns_, *([label] if label is not None else [])) if c not in header]
    if missing:
        raise DataFormatError(f"column(s) {missing} of the table the model was trained on are missing "
                              f"(its columns: {header})", str(path))
    left_out = [c for c in header if c not in (*encoder.columns_, label)]
    if say_left_out and left_out:
        warn_caller(f"{path}: column(s) {left_out[:5]} were not in the table the model was trained on: what is "
                    "written leaves them out, the inputs' own rows too")
    y = None if label is None else _labels(rows, header.index(label), label, path, first_line=lines)
    if y is not None and classes is not None:
        unknown = ~np.isin(y.astype(str), np.asarray(classes).astype(str))  # '1' among 'x' is the model's 1
        if unknown.any():
            i = int(np.flatnonzero(unknown)[0])
            raise DataFormatError(f"label {y[i].item()!r} in column {label!r} is not one the model was trained on "
                                  f"({int(unknown.sum())} such row(s)); it knows {np.asarray(classes).tolist()[:10]}"
                                  f"{' …' if len(classes) > 10 else ''}", str(path), lines[i])
    cells = encoder.in_order(header, rows)
    X = encoder.transform(cells, str(path), first_line=lines)
    return (X, y, (encoder.missing_cells(cells), missing_mark(cells))) if missing_cells else (X, y)


#: Significant digits written per synthetic value: the model decodes in float32, which holds about
#: seven; more would be noise (and a file twice the size).
DIGITS = 7


def short_float(v: float) -> str:
    """``v`` to :data:`DIGITS` significant digits, written as Python writes floats (``2.0``, not ``2``)."""
    return repr(float(format(v, f".{DIGITS}g")))


def write_csv(path: str | Path, encoder: TableEncoder, X: np.ndarray, y: np.ndarray, label: str = "class",
              header: bool = True, exact_rows: int = 0,
              missing: tuple[np.ndarray, str] | None = None) -> None:
    """Decode encoded rows with ``encoder`` and write them, with their labels, as CSV (atomically);
    ``header=False`` writes the rows alone, as a table read without one was, its label in its place.
    Numbers go to :data:`DIGITS` significant digits, but for the first ``exact_rows`` rows (originals,
    written back as they were read). ``missing``: ``(mask, mark)``, the cells (rows × columns) to
    write as ``mark``, those of each row's source, for a row's filled value is no measurement."""
    import io

    buf = io.StringIO()
    w = csv.writer(buf, delimiter=separator_for(path), lineterminator="\n")
    # without a header a column is known by its place: the label goes back where it was read
    at = int(label) if not header and label.isdigit() else len(encoder.columns_)
    if header:
        w.writerow([*encoder.columns_, label])
    for i, (row, lab) in enumerate(zip(encoder.inverse_transform(X), y)):
        row = list(row) if i < exact_rows else [short_float(v) if isinstance(v, float) else v for v in row]
        if missing is not None:
            row = [missing[1] if hole else v for v, hole in zip(row, missing[0][i])]
        row.insert(at, lab.item() if hasattr(lab, "item") else lab)
        w.writerow(row)
    write_table_text(path, buf.getvalue())
