"""Sequences in a long CSV, one row per time step, as sensor logs and sktime's and aeon's long
frames are written: a case id column, optionally a time column that orders each case's steps,
numeric channel columns and a label that each case holds on all its rows."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np

from ..errors import warn_caller
from ..sequences import object_array
from .csvfiles import _label_column, _labels, _read_rows, short_float
from .dataset import DataFormatError, Dataset
from .tabular import _is_missing, _to_float
from .textfiles import separator_for, table_name, write_table_text
from .times import iso_ns


def _column(header: list[str], name: str, what: str, path: Path) -> int:
    if name not in header:
        raise ValueError(f"{path} has no column {name!r} ({what}); its columns are {header}")
    return header.index(name)


def _time_value(cell: str, path: Path, line: int, name: str) -> float:
    """A time cell as a number to sort by: a number, or an ISO date or time (nanoseconds)."""
    v = _to_float(cell)
    if v is None:
        v = iso_ns(cell.strip())
    if v is None:
        raise DataFormatError(f"time column {name!r} holds {cell!r}, neither a number nor an ISO date or time",
                              str(path), line)
    return float(v)


def load_long_csv(path: str | Path, id: str, label: str | None = None, time: str | None = None,
                  channels: list[str] | None = None, labelled: bool = True) -> Dataset:
    """Read a long CSV into a sequence :class:`Dataset`: one sequence per value of column ``id``
    (cases in order of first appearance; ``X`` an object array of (T_i, C) arrays), its steps in
    file order or, with ``time``, ordered by that column (numbers or ISO dates), every other column
    but the label a channel (numbers, none missing). ``label``: as :func:`~vaeaug.data.load_csv`
    finds it; each case must hold one. ``channels``: read these columns, by name, as the channels
    (a trained model's; others are left out); ``labelled=False``: no labels (``y`` None; unlabeled
    data). ``meta`` keeps the column names and each case's id (``ids``), so
    :func:`write_long_csv` writes new cases alike."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no such file: {path}")
    header, rows, _, lines = _read_rows(path, True, label)
    j_id = _column(header, id, "the case id", path)
    j_time = None if time is None else _column(header, time, "the time", path)
    taken = {j_id, j_time, *(() if channels is None else (header.index(c) for c in channels if c in header))}
    j_label = _label_column([h if k not in taken else "" for k, h in enumerate(header)], label, str(path)) \
        if labelled else None
    if j_label is not None and j_label in taken:
        raise ValueError(f"{path}: the label column cannot be the case id, the time or a channel; name it with --label")
    if channels is not None:
        missing = [c for c in channels if c not in header]
        if missing:
            raise DataFormatError(f"channel column(s) {missing} of the model are missing (its columns: {header})",
                                  str(path))
        chans = [header.index(c) for c in channels]
    else:
        chans = [k for k in range(len(header)) if k not in (j_id, j_time, j_label)]
    if not chans:
        raise DataFormatError("the file has no channel columns beside the id, time and label", str(path))
    cases: dict[str, list[int]] = {}
    for i, r in enumerate(rows):
        cases.setdefault(r[j_id].strip(), []).append(i)
    X, first_rows, stamps = [], [], []
    for case, idx in cases.items():
        if j_time is not None:  # a stable sort: steps with one time stamp keep their file order
            idx = sorted(idx, key=lambda i: _time_value(rows[i][j_time], path, lines[i], header[j_time]))
            stamps.append([rows[i][j_time].strip() for i in idx])
        labels = {rows[i][j_label].strip() for i in idx} if j_label is not None else set()
        if len(labels) > 1:
            constant = [header[k] for k in range(len(header)) if k not in (j_id, j_time, j_label)
                        and all(len({rows[i][k].strip() for i in rows_of}) == 1 for rows_of in cases.values())]
            hint = (f"; column(s) {constant[:3]} hold one value a case: name the label with --label (label=)"
                    if label is None and constant else "")
            raise DataFormatError(f"case {case!r} holds labels {sorted(labels)[:5]} in column {header[j_label]!r}; "
                                  f"each case has one{hint}", str(path), lines[idx[0]])
        values = np.empty((len(idx), len(chans)))
        for t, i in enumerate(idx):
            for c, k in enumerate(chans):
                v = _to_float(rows[i][k])
                if v is None:
                    what = "missing" if _is_missing(rows[i][k]) else f"{rows[i][k]!r}, not a number"
                    raise DataFormatError(f"channel {header[k]!r} is {what} (case {case!r}): a sequence's channels "
                                          "are numbers, none missing; impute, drop or name the column with --time",
                                          str(path), lines[i])
                values[t, c] = v
        X.append(values)
        first_rows.append(idx[0])
    y = None if j_label is None else _labels([rows[i] for i in first_rows], j_label, header[j_label], path,
                                             first_line=[lines[i] for i in first_rows])
    names = [header[k] for k in chans]
    if time is None and channels is None:  # a model's channels were chosen already
        _warn_clock(X, names, path)
    meta = {"source": str(path), "label": None if j_label is None else header[j_label], "id": id, "time": time,
            "channels": names, "ids": list(cases), "times": stamps if j_time is not None else None}
    return Dataset(name=table_name(path), X=object_array(X), y=y, kind="sequence", meta=meta)


def _warn_clock(X: list[np.ndarray], names: list[str], path: Path) -> None:
    """Warn about a channel that rises at every step of every case (of at least 3 steps): a clock
    read as a signal, which the VAE would learn and make."""
    long_ = [s for s in X if len(s) >= 3]
    for c, name in enumerate(names):
        if long_ and all((np.diff(s[:, c]) > 0).all() for s in long_):
            warn_caller(f"{path}: column {name!r} rises at every step of every case, a time stamp read as a "
                        f"channel; time={name!r} (--time {name}) orders the steps by it instead", UserWarning)


def write_long_csv(path: str | Path, X: list[np.ndarray], y, ids, meta: dict, exact_rows: int = 0,
                   times=None) -> None:
    """Write sequences as a long CSV with the columns of ``meta`` (:func:`load_long_csv`'s): the
    case id from ``ids``, in the time column where the file had one each sequence's ``times``
    (its source's stamps as read, :func:`load_long_csv`'s ``meta["times"]``; ``None``: the step
    numbers 0, 1, ...), the channels to 7 significant digits
    (:func:`~vaeaug.data.csvfiles.short_float`; the first ``exact_rows`` sequences, originals, as
    they were read), and the label (atomically)."""
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=separator_for(path), lineterminator="\n")
    time = meta.get("time")
    w.writerow([meta["id"], *([time] if time else []), *meta["channels"], meta["label"]])
    for n, (s, lab, case) in enumerate(zip(X, y, ids, strict=True)):
        lab = lab.item() if hasattr(lab, "item") else lab
        cell = repr if n < exact_rows else short_float  # repr: the shortest exact form
        steps = np.asarray(s, dtype=np.float64).tolist()
        stamps = range(len(steps)) if times is None else times[n]
        if len(stamps) != len(steps):
            raise ValueError(f"sequence {case!r} has {len(steps)} steps but {len(stamps)} time stamps")
        for t, step in zip(stamps, steps):
            w.writerow([case, *([t] if time else []), *map(cell, step), lab])
    write_table_text(path, buf.getvalue())
