"""A pandas frame's columns as :class:`~vaeaug.data.tabular.TableEncoder` reads them: its cells
as text (dates and durations as counts of a unit), which columns hold labels, which object
columns hold booleans or numbers among words, and each column's dtype kept as JSON, so that
offspring and a loaded model's offspring come back in the frame's own dtypes."""

from __future__ import annotations

import math
import re

import numpy as np

from .times import TIME_UNITS, coarsest_unit, time_format, time_ns

#: A dtype of dates or durations, as a categorical's categories of them are kept: ``datetime64[ns, UTC]``.
TIME_DTYPE = re.compile(r"(?:datetime64|timedelta64)\[(?:s|ms|us|ns)(?:, [\w/+\-]+)?\]")


def dtype_state(dtype) -> str | dict:
    """A frame column's dtype as JSON: its name, or a categorical's categories and order, which a
    loaded model would otherwise infer from what it makes (losing unseen categories and the order)."""
    categories = getattr(dtype, "categories", None)
    if categories is not None and all(isinstance(v, (str, int, float)) for v in categories.tolist()):
        return {"categories": categories.tolist(), "ordered": bool(dtype.ordered)}
    if categories is not None and categories.dtype.kind in "mM":  # dates or durations, as text and their dtype
        return {"categories": [str(v) for v in categories], "ordered": bool(dtype.ordered),
                "values": str(categories.dtype)}
    return str(dtype)


def is_dtype_state(state) -> bool:
    """What :func:`dtype_state` writes: a name, or distinct finite categories and an order flag
    (and, for dates or durations, their dtype's name)."""
    if isinstance(state, str):
        return True
    if not (isinstance(state, dict) and set(state) - {"values"} == {"categories", "ordered"}
            and isinstance(state["ordered"], bool)):
        return False
    cats, values = state["categories"], state.get("values")
    if values is not None:
        if not (isinstance(values, str) and TIME_DTYPE.fullmatch(values) and isinstance(cats, list)
                and all(isinstance(c, str) for c in cats)):
            return False
        try:  # each one a date or duration of that dtype
            categorical_dtype(state)
        except (ValueError, TypeError):
            return False
    return (isinstance(cats, list) and all(isinstance(c, (str, int)) or (isinstance(c, float) and math.isfinite(c))
                                           for c in cats) and len(set(cats)) == len(cats))


def categorical_dtype(state: dict):
    """The categorical dtype :func:`dtype_state` wrote: dates and durations as such, not their text."""
    import pandas as pd

    cats = state["categories"]
    if state.get("values"):
        dtype = pd.api.types.pandas_dtype(state["values"])
        if dtype.kind == "m":
            cats = pd.to_timedelta(cats)
        elif getattr(dtype, "tz", None) is not None:  # text of several offsets (summer, winter): through UTC,
            cats = pd.to_datetime(cats, utc=True).tz_convert(dtype.tz)  # which pandas 1.x needs
        else:
            cats = pd.to_datetime(cats)
        cats = pd.Index(cats).astype(dtype)
    return pd.CategoricalDtype(cats, ordered=state["ordered"])


def value_kind(column) -> str:
    """pandas' name for what a column's present values are (``"boolean"``, ``"string"``, ...)."""
    import pandas as pd

    return pd.api.types.infer_dtype(column, skipna=True)


def scalar_values(column) -> dict[str, bool | int | float]:
    """An object column's numbers and booleans by the text they are encoded as (``"1"``: 1), where
    no word of the column is that text too; finite ones alone, as JSON keeps them."""
    present = [v.item() if isinstance(v, np.generic) else v for v in column.dropna().unique()]  # np.int64(1): 1
    values, words = [v for v in present if not isinstance(v, str)], {v for v in present if isinstance(v, str)}
    return {str(v): v for v in values if isinstance(v, (bool, int, float)) and math.isfinite(v) and str(v) not in words}


def holds_labels(column) -> bool:
    """Whether a frame's column holds labels, whatever they look like: a categorical, or strings
    (``"02134"`` too) other than ISO dates; numbers, booleans and times are read by their values."""
    import pandas as pd

    if isinstance(column.dtype, pd.CategoricalDtype):
        return True
    if pd.api.types.is_numeric_dtype(column.dtype) or pd.api.types.is_bool_dtype(column.dtype):
        return False
    if pd.api.types.is_datetime64_any_dtype(column.dtype) or pd.api.types.is_timedelta64_dtype(column.dtype):
        return False
    if value_kind(column) not in ("string", "bytes", "mixed"):
        return False
    return time_format([str(v) for v in column.dropna()]) is None  # ISO dates as text: still dates


def frame_rows(frame, units: dict | None = None) -> tuple[list[str], list[list[str]], dict[str, str]]:
    """A DataFrame as the header and string cells :class:`~vaeaug.data.tabular.TableEncoder` reads exactly (missing cells
    ``None``: a frame's " normal" or "NA" is a value, as pandas holds it),
    and the unit each time column is counted in: datetimes and timedeltas are numbers, whole counts
    of the coarsest unit their values are whole in (``units``: those of the fit), so dates stay dates."""
    import pandas as pd

    if not (hasattr(frame, "columns") and hasattr(frame, "notna")):
        raise TypeError(f"expected a pandas DataFrame, got {type(frame).__name__}")
    header = [str(c) for c in frame.columns]
    cells = frame.astype(object).where(frame.notna(), None).to_numpy()
    rows = [[None if v is None else str(v) for v in row] for row in cells]
    found: dict[str, str] = {}
    for j, name in enumerate(header):
        col = frame.iloc[:, j]
        if not (pd.api.types.is_datetime64_any_dtype(col.dtype) or pd.api.types.is_timedelta64_dtype(col.dtype)):
            continue
        ns, gone = time_ns(col)
        unit = (units or {}).get(name) or coarsest_unit(ns[~gone])
        found[name] = unit
        for r, v, g in zip(rows, (ns // TIME_UNITS[unit]).tolist(), gone.tolist()):
            r[j] = None if g else str(v)
    return header, rows, found
