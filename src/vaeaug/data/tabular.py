"""Tables (a CSV's cells, a frame's columns) as a numeric matrix, and back again; reading CSV
files is :mod:`vaeaug.data.csvfiles`'s, dates and times :mod:`vaeaug.data.times`'s.

Policy for missing cells (empty, ``?``, ``NA``, ``NaN``, ``null``, ``None``, Excel's ``#N/A``,
pandas' ``<NA>``: :data:`MISSING`): with
``missing="impute"`` (the default) numeric cells take the column median and categorical cells
the most frequent category, and ``encoder.report_`` says how many were filled per column (a
``UserWarning`` says so too); ``missing="raise"`` refuses the file, naming the first missing
cell. A missing *label* is always an error. A column is categorical when its cells are not
numbers nor ISO dates, or when named in ``categorical``; a column whose cells are nearly all
numbers but not all is refused (a typo is likelier than a category), naming the line and column.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

import numpy as np

from ..errors import warn_caller
from .dataset import DataFormatError
from .framecolumns import (
    categorical_dtype,
    dtype_state,
    frame_rows,
    holds_labels,
    is_dtype_state,
    scalar_values,
)
from .times import (
    ISO_UNITS,
    TIME_UNITS,
    ZONE,
    from_time_numbers,
    iso_ns,
    iso_strings,
    time_format,
)

#: Missing cells, as written: pandas' default ``na_values`` (Excel's ``#N/A`` among them) and UCI's ``?``.
#: Case counts, as in pandas: "none" and "na" are words ("no other parties", "not applicable") that
#: tables use as categories (credit-g's "none" is 91 % of a column), not marks of a missing value.
MISSING = {"", "?", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN", "<NA>",
           "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null"}
LABEL_NAMES = ("class", "label", "target", "y")
#: Dates in a local form ("03/29/2026", "29.03.26"), which is ambiguous (day or month first), so
#: not read as dates but said: as categories each date is a column of its own.
LOCAL_DATE = re.compile(r"\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?")
#: An encoded table past this size (float64 bytes) is said, with the columns that widen it: each
#: category is a feature, so 100,000 rows of a 5,000-value column take 4 GB, and the VAE's
#: float32 copy half as much again, before any offspring.
LARGE_ENCODING = 2**30


def _line(first_line: int | Sequence[int], i: int) -> int:
    """Row ``i``'s line: ``first_line[i]`` where each row's is given, else counted on from the first's."""
    return first_line + i if isinstance(first_line, int) else int(first_line[i])


def _is_missing(cell: str | None) -> bool:
    return cell is None or cell.strip() in MISSING


def _reader(exact: bool):
    """How a cell is read: a file's (marks of a missing value, spaces around a value trimmed) or,
    ``exact``, a frame's, whose values are as they are and whose missing cells are ``None``."""
    if exact:
        return (lambda c: c is None), (lambda c: c)
    return _is_missing, (lambda c: c.strip())


def missing_mark(rows: list[list[str]]) -> str:
    """The mark the rows write for a missing cell (their most frequent one: UCI's "?", a blank),
    so that new rows written beside them mark theirs alike; a blank where none is missing."""
    marks = Counter(c.strip() for r in rows for c in r if _is_missing(c))
    return marks.most_common(1)[0][0] if marks else ""


def _to_float(cell: str) -> float | None:
    try:
        v = float(cell)
    except ValueError:
        return None
    return v


class TableEncoder:
    """Encodes table rows (lists of strings) to floats: numbers as they are, categories one-hot.

    ``inverse_transform`` maps encoded (or synthetic) rows back: numbers rounded to integers
    for integer columns and clipped to the range seen, each category block to its most likely
    category — so synthetic rows always hold valid categories.
    """

    def __init__(self, missing: str = "impute", categorical: list[str] | None = None):
        if missing not in ("impute", "raise"):
            raise ValueError(f"missing must be 'impute' or 'raise', got {missing!r}")
        self.missing = missing
        self.categorical = list(categorical or [])

    def fit(self, header: list[str], rows: list[list[str]], path: str | None = None,
            first_line: int | Sequence[int] = 2, exact: bool = False) -> "TableEncoder":
        """Learn each column's kind, categories, fill and range from the rows; an error names the
        cell's line: ``first_line``, the first row's (rows counted on from it), or each row's.
        ``exact``: the cells are a frame's (:func:`_reader`)."""
        is_missing, value = _reader(exact)
        unknown = set(self.categorical) - set(header)
        if unknown:
            raise ValueError(f"categorical names unknown column(s) {sorted(unknown)}; columns are {header}")
        self.columns_ = list(header)
        self.kinds_: list[str] = []
        self.fill_: list = []
        self.categories_: list[list[str] | None] = []
        self.integer_: list[bool] = []
        self.range_: list[tuple[float, float] | None] = []
        self.times_: list[list[str] | None] = []  # per column: None, or [counting unit, written unit, separator(, zone)]
        self.report_: dict[str, int] = {}
        for j, name in enumerate(header):
            cells = [r[j] for r in rows]
            present = [(i, value(c)) for i, c in enumerate(cells) if not is_missing(c)]
            n_missing = len(cells) - len(present)
            if n_missing and self.missing == "raise":
                i = next(i for i, c in enumerate(cells) if is_missing(c))
                raise DataFormatError(f"missing value in column {name!r} (missing='raise')", path, _line(first_line, i))
            if n_missing:
                self.report_[name] = n_missing
            if not present:
                raise DataFormatError(f"column {name!r} has no values at all", path)
            nums = [(i, _to_float(c)) for i, c in present]
            bad = [(i, c) for (i, c), (_, v) in zip(present, nums) if v is None]
            time = None if name in self.categorical or not bad else time_format([c for _, c in present])
            if time is not None:  # ISO dates and times: counts of a unit, written back as they were
                nums = [(i, iso_ns(c) // TIME_UNITS[time[0]]) for i, c in present]
                bad = []
            self.times_.append(time)
            if name in self.categorical or len(bad) > 0.05 * len(present):
                cats = sorted({c for _, c in present})
                if name not in self.categorical and len(cats) > 1 and all(LOCAL_DATE.fullmatch(c) for c in cats):
                    warn_caller(f"column {name!r} holds dates in a local form ({cats[0]!r}), read as {len(cats)} "
                                "categories: write them in ISO form (2026-03-29) to have them read as dates",
                                UserWarning)
                counts = Counter(c for _, c in present)  # one pass: a count per category was rows × categories
                mode = max(cats, key=counts.__getitem__)  # the first of the most frequent, in sorted order
                self.kinds_.append("categorical")
                self.categories_.append(cats)
                self.fill_.append(mode)
                self.integer_.append(False)
                self.range_.append(None)
                continue
            if bad:
                i, c = bad[0]
                raise DataFormatError(
                    f"non-numeric cell {c!r} in numeric column {name!r} ({len(bad)} such cell(s)); fix it, "
                    f"mark it missing, or pass categorical=[{name!r}]", path, _line(first_line, i))
            values = np.array([v for _, v in nums])
            if not np.isfinite(values).all():
                i = nums[int(np.flatnonzero(~np.isfinite(values))[0])][0]
                raise DataFormatError(f"non-finite number in column {name!r}", path, _line(first_line, i))
            self.kinds_.append("numeric")
            self.categories_.append(None)
            self.fill_.append(float(np.median(values)))
            self.integer_.append(bool(np.all(values == np.round(values))))
            self.range_.append((float(values.min()), float(values.max())))
        if self.report_:
            warn_caller(
                "missing values imputed (median for numbers, most frequent category otherwise): "
                + ", ".join(f"{k}: {v}" for k, v in self.report_.items()), UserWarning)
        self._say_size(len(rows), path)
        return self

    def _say_size(self, n_rows: int, path: str | None) -> None:
        """Warn where the encoded rows take more than :data:`LARGE_ENCODING`, naming the category
        columns with the most values (one feature each), which grouping or leaving out shrinks."""
        width = len(self.feature_names)
        size = n_rows * width * 8
        if size <= LARGE_ENCODING:
            return
        wide = sorted(((len(c), name) for name, c in zip(self.columns_, self.categories_) if c), reverse=True)[:3]
        named = (f"; its widest category columns: {', '.join(f'{name!r} ({n:,} values)' for n, name in wide)}: group "
                 "their rare values, or leave out one that names rather than describes") if wide and wide[0][0] > 100 else ""
        warn_caller(f"{path or 'the table'}: its {n_rows:,} rows encode to {width:,} features, {size / 2**30:.1f} GiB "
                    f"as float64 (the VAE's float32 copy half as much again){named}", UserWarning)

    def _times(self) -> list:
        """Each column's time format (``None``: not a time); an encoder pickled before times: none."""
        return getattr(self, "times_", [None] * len(self.columns_))

    @property
    def encoded_columns(self) -> dict[str, str]:
        """The columns not read as plain numbers, and how: "categories" (one-hot) or "times" (counts of a unit)."""
        return {c: "categories" if k == "categorical" else "times"
                for c, k, t in zip(self.columns_, self.kinds_, self.times_) if k == "categorical" or t is not None}

    @property
    def feature_names(self) -> list[str]:
        out = []
        for name, kind, cats in zip(self.columns_, self.kinds_, self.categories_):
            out += [name] if kind == "numeric" else [f"{name}={c}" for c in cats]  # type: ignore[union-attr]
        return out

    def transform(self, rows: list[list[str]], path: str | None = None,
                  first_line: int | Sequence[int] = 2, exact: bool = False) -> np.ndarray:
        """The rows as numbers (one-hot categories); ``first_line`` and ``exact`` as :meth:`fit`'s."""
        is_missing, value = _reader(exact)
        out = np.zeros((len(rows), len(self.feature_names)), dtype=np.float64)
        times = self._times()
        # each category's place in one look-up: a search of the list took 32 s on 100,000 rows of 5,000 categories
        places = [None if cats is None else {c: n for n, c in enumerate(cats)} for cats in self.categories_]
        unseen: dict[int, tuple[list[str], int]] = {}  # column → its unseen categories, the first one's row
        for i, r in enumerate(rows):
            k = 0
            for j, (kind, cats, fill) in enumerate(zip(self.kinds_, self.categories_, self.fill_)):
                cell = r[j]
                time = times[j]
                if is_missing(cell):
                    if self.missing == "raise":
                        raise DataFormatError(f"missing value in column {self.columns_[j]!r}", path, _line(first_line, i))
                    cell = str(fill)
                    time = None  # the fill is a count already
                else:
                    cell = value(cell)
                if kind == "numeric" and time is not None:
                    ns = iso_ns(cell)
                    if ns is None:
                        raise DataFormatError(f"cell {cell!r} is not a date or time (YYYY-MM-DD[ HH:MM[:SS]]) as the "
                                              f"column {self.columns_[j]!r} holds", path, _line(first_line, i))
                    out[i, k] = ns // TIME_UNITS[time[0]]
                    k += 1
                elif kind == "numeric":
                    v = _to_float(cell)
                    if v is None or not math.isfinite(v):
                        raise DataFormatError(
                            f"non-numeric cell {cell!r} in numeric column {self.columns_[j]!r}", path, _line(first_line, i))
                    out[i, k] = v
                    k += 1
                else:
                    place = places[j]
                    if cell not in place and r[j] in place:  # type: ignore[operator]
                        cell = r[j]  # a frame's " Private", written by to_csv and read back from the file
                    if cell in place:  # type: ignore[operator]
                        out[i, k + place[cell]] = 1.0  # type: ignore[index]
                    else:  # an unseen category encodes as all zeros
                        values, _ = unseen.setdefault(j, ([], i))
                        if cell not in values:
                            values.append(cell)
                    k += len(cats)  # type: ignore[arg-type]
        if unseen:  # said, as scikit-learn's OneHotEncoder(handle_unknown="warn") says it
            where = "row" if isinstance(first_line, int) and first_line == 0 else "line"
            warn_caller(f"{path or 'the rows'}: " + "; ".join(
                f"column {self.columns_[j]!r} holds {values[:5]} (first at {where} {_line(first_line, i)})"
                for j, (values, i) in unseen.items()) + ", categories it was not fitted on: such a cell encodes as "
                "none of the known ones, and its offspring take a known one", UserWarning)
        return out

    # ---------------------------------------------------------------- pandas frames
    def fit_frame(self, frame) -> TableEncoder:
        """Fit on a DataFrame's columns (numbers, strings, categories, booleans; missing cells as
        :meth:`fit` treats them), keeping its column labels and dtypes for :meth:`inverse_frame`."""
        header, rows, units = frame_rows(frame)
        if len(set(header)) != len(header):
            raise ValueError(f"the frame's column names repeat: {header}")
        self.frame_columns_, self.frame_dtypes_ = list(frame.columns), dict(zip(header, frame.dtypes))
        self.frame_time_units_ = units
        # a column of strings is one of labels, digits too (zip codes "02134"): pandas gives numbers a number dtype
        self.categorical = sorted({*self.categorical, *(h for h, (_, col) in zip(header, frame.items())
                                                         if holds_labels(col))})
        self.fit(header, rows, "the frame (rows counted from 0)", first_line=0, exact=True)
        # an object column of categories holding numbers or booleans (1, 2, "A"; True / False with a None):
        # its offspring hold 1 and True, not "1" and "True"
        self.frame_values_ = {h: values for h, (_, col), kind in zip(header, frame.items(), self.kinds_)
                              if kind == "categorical" and col.dtype == object and (values := scalar_values(col))}
        return self

    def transform_frame(self, frame) -> np.ndarray:
        """A DataFrame's rows encoded; its columns are found by name, in any order."""
        header, rows, _ = frame_rows(frame, getattr(self, "frame_time_units_", {}))
        missing = [c for c in self.columns_ if c not in header]
        if missing:
            raise ValueError(f"the frame lacks column(s) {missing} that the encoder was fitted on")
        return self.transform(self.in_order(header, rows), "the frame (rows counted from 0)", first_line=0, exact=True)

    def missing_cells(self, rows: list[list[str]], exact: bool = False) -> np.ndarray:
        """Which cells of the rows (fitted columns, in order) are missing, (N, columns) booleans: what
        is made from a row misses them too, rather than pass the fill off as a value."""
        is_missing, _ = _reader(exact)
        return np.array([[is_missing(c) for c in r] for r in rows], dtype=bool).reshape(len(rows), len(self.columns_))

    def in_order(self, header: list[str], rows: list[list[str]]) -> list[list[str]]:
        """Each row's cells of the fitted columns, in their fitted order, found by name in ``header``."""
        order = [header.index(c) for c in self.columns_]
        return [[r[k] for k in order] for r in rows]

    def inverse_frame(self, X: np.ndarray):
        """Encoded (or synthetic) rows as a DataFrame of the fitted frame's columns and dtypes:
        numbers in their range and dtype, each category, string or boolean one the frame held."""
        import pandas as pd

        dtypes = getattr(self, "frame_dtypes_", {})
        out = pd.DataFrame(self.inverse_transform(X), columns=getattr(self, "frame_columns_", self.columns_))
        for label, name in zip(out.columns, self.columns_):
            dtype = dtypes.get(name)
            if isinstance(dtype, dict):  # a categorical's categories and order, as to_dict keeps them
                dtype = categorical_dtype(dtype)
            elif isinstance(dtype, str):  # as to_dict keeps it (a category of other values then infers its categories)
                try:
                    dtype = pd.api.types.pandas_dtype(dtype)
                except TypeError:
                    dtype = None
            if dtype is None:
                continue
            unit = getattr(self, "frame_time_units_", {}).get(name)
            if unit is not None:  # counts of the unit (categories of them, if named categorical)
                out[label] = from_time_numbers(out[label].astype(np.int64).to_numpy(), unit, dtype)
            elif pd.api.types.is_bool_dtype(dtype):  # encoded as the categories "False" / "True"
                out[label] = out[label].map({"True": True, "False": False}).astype(dtype)
            elif name in getattr(self, "frame_values_", {}):  # an object column of numbers or booleans
                values = self.frame_values_[name]
                out[label] = pd.Series([values.get(v, v) for v in out[label]], index=out.index, dtype=object)
            elif isinstance(dtype, pd.CategoricalDtype) and dtype.categories is not None:  # 1, not "1"
                by_label = {str(c): c for c in dtype.categories}
                out[label] = pd.Categorical(out[label].astype(str).map(by_label), dtype=dtype)
            else:
                out[label] = out[label].astype(dtype)
        return out

    #: The fitted state, as :meth:`to_dict` writes it (JSON: no pickled objects).
    _STATE = ("columns_", "kinds_", "fill_", "categories_", "integer_", "range_")

    def to_dict(self) -> dict:
        """The fitted encoder as plain JSON values, to keep beside a model (``vaeaug train`` on a CSV,
        or in the model of a frame); a frame's column labels (strings or integers) and dtype names too."""
        out = {"missing": self.missing, "categorical": self.categorical,
               **{k: [list(v) if isinstance(v, tuple) else v for v in getattr(self, k)] for k in self._STATE},
               "times_": self._times()}
        if hasattr(self, "frame_columns_"):
            out["frame_columns"] = [c if isinstance(c, str) else int(c) if isinstance(c, (int, np.integer))
                                    and not isinstance(c, bool) else str(c) for c in self.frame_columns_]
            out["frame_dtypes"] = {k: dtype_state(v) for k, v in self.frame_dtypes_.items()}
            out["frame_time_units"] = dict(getattr(self, "frame_time_units_", {}))
            out["frame_values"] = {k: dict(v) for k, v in getattr(self, "frame_values_", {}).items()}
        return out

    @classmethod
    def from_dict(cls, d: dict) -> TableEncoder:
        """The encoder :meth:`to_dict` wrote, checked: every list as long as the columns, every kind known."""
        try:
            enc = cls(d["missing"], d["categorical"])
            for k in cls._STATE:
                setattr(enc, k, list(d[k]))
            n = len(enc.columns_)
            ok = all(len(getattr(enc, k)) == n for k in cls._STATE) and all(isinstance(c, str) for c in enc.columns_)
            for kind, cats, rng in zip(enc.kinds_, enc.categories_, enc.range_):
                ok = ok and (kind == "numeric" and cats is None and isinstance(rng, list) and len(rng) == 2
                             and all(isinstance(v, (int, float)) for v in rng)) or (
                    ok and kind == "categorical" and isinstance(cats, list) and len(cats) > 0
                    and all(isinstance(c, str) for c in cats) and rng is None)
        except (KeyError, TypeError, ValueError) as e:
            raise ValueError(f"not a table encoder's state: {type(e).__name__}: {e}") from None
        if not ok:
            raise ValueError("not a table encoder's state: its lists disagree with its columns")
        enc.range_ = [None if r is None else (float(r[0]), float(r[1])) for r in enc.range_]
        enc.times_ = d.get("times_", [None] * n)  # encoders before times were kept: none
        if not (isinstance(enc.times_, list) and len(enc.times_) == n and all(
                t is None or (kind == "numeric" and isinstance(t, list) and len(t) in (3, 4) and t[0] in TIME_UNITS
                              and t[1] in ISO_UNITS and t[2] in ("T", " ")
                              and (len(t) == 3 or (isinstance(t[3], str) and ZONE.fullmatch(t[3]) is not None)))
                for t, kind in zip(enc.times_, enc.kinds_))):
            raise ValueError("not a table encoder's state: its time formats disagree with its columns")
        enc.report_ = {}
        if "frame_columns" in d:
            cols, dtypes = d["frame_columns"], d.get("frame_dtypes", {})
            if not (isinstance(cols, list) and len(cols) == n and isinstance(dtypes, dict)
                    and all(isinstance(c, (str, int)) and not isinstance(c, bool) for c in cols)
                    and all(isinstance(k, str) and is_dtype_state(v) for k, v in dtypes.items())):
                raise ValueError("not a table encoder's state: its frame columns disagree with its columns")
            units = d.get("frame_time_units", {})
            if not (isinstance(units, dict) and all(k in enc.columns_ and v in TIME_UNITS for k, v in units.items())):
                raise ValueError("not a table encoder's state: its time columns disagree with its columns")
            bools = d.get("frame_bools", [])  # a model of 34e18a4 to 497e72a kept its object bool columns apart
            if not (isinstance(bools, list) and all(b in enc.columns_ for b in bools)):
                raise ValueError("not a table encoder's state: its boolean columns disagree with its columns")
            values = d.get("frame_values", {})  # before they were kept: none (read back as strings)
            if not (isinstance(values, dict) and all(
                    k in enc.columns_ and isinstance(v, dict) and all(
                        isinstance(c, str) and isinstance(x, (bool, int, float)) and math.isfinite(x)
                        for c, x in v.items()) for k, v in values.items())):
                raise ValueError("not a table encoder's state: its mixed columns disagree with its columns")
            enc.frame_columns_, enc.frame_dtypes_, enc.frame_time_units_ = list(cols), dict(dtypes), dict(units)
            enc.frame_values_ = {**{b: {"True": True, "False": False} for b in bools},
                                 **{k: dict(v) for k, v in values.items()}}
        return enc

    def inverse_transform(self, X: np.ndarray) -> list[list]:
        """Encoded rows (M, n_features) → rows of Python values, one per original column."""
        X = np.asarray(X, dtype=np.float64)
        rows: list[list] = [[] for _ in range(len(X))]
        k = 0
        times = self._times()
        for kind, cats, integer, rng, time in zip(self.kinds_, self.categories_, self.integer_, self.range_, times):
            if kind == "numeric":
                v = np.clip(X[:, k], *rng)  # type: ignore[misc]
                col = np.rint(v).astype(np.int64).tolist() if integer else v.tolist()
                if time is not None:
                    col = iso_strings(np.rint(v).astype(np.int64), *time)
                k += 1
            else:
                idx = X[:, k : k + len(cats)].argmax(axis=1)  # type: ignore[arg-type]
                col = [cats[i] for i in idx]  # type: ignore[index]
                k += len(cats)  # type: ignore[arg-type]
            for r, v in zip(rows, col):
                r.append(v)
        return rows
