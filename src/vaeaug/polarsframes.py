"""polars at the public edges: a polars DataFrame or Series is read as the pandas one of the same
columns, and what comes back as pandas is given back as polars, in the input's own dtypes, so that
polars users get polars back as pandas users get pandas. The conversion goes column by column
through numpy (polars' ``to_pandas`` needs pyarrow, which vaeaug does not). polars itself is only
imported once a caller has given one of its objects."""

from __future__ import annotations

import inspect

import numpy as np

from .edges import at_edges


def is_polars(obj) -> bool:
    """Whether ``obj`` is a polars DataFrame, LazyFrame or Series."""
    return type(obj).__module__.startswith("polars.") and type(obj).__name__ in ("DataFrame", "LazyFrame", "Series")


def _has_polars(obj) -> bool:
    """A polars object, or a list of them (sequences as a list of frames)."""
    return is_polars(obj) or (isinstance(obj, (list, tuple)) and len(obj) > 0 and is_polars(obj[0]))


def _pandas_column(s):
    """One polars column as pandas reads it: categories (Enum, Categorical) as a categorical, integers
    and booleans with nulls as pandas' nullable arrays (so that a missing cell is named as pandas' is);
    nested columns refused, since a VAE reads numbers, categories, booleans, dates and durations."""
    import pandas as pd
    import polars as pl

    t = s.dtype
    if isinstance(t, pl.Enum):
        return pd.Categorical(s.to_numpy(), categories=list(t.categories))
    if t == pl.Categorical:
        return pd.Categorical(s.to_numpy())
    if t.is_nested():
        raise TypeError(f"column {s.name!r} is a polars {t}: vaeaug reads columns of numbers, categories, strings, "
                        "booleans, dates and durations; unnest or explode it first")
    if t.is_decimal():
        return s.cast(pl.Float64).to_numpy()
    if s.null_count() and (t.is_integer() or t == pl.Boolean):
        return pd.array(s.to_list(), dtype="boolean" if t == pl.Boolean else "Int64")
    return s.to_numpy()


def to_pandas(obj):
    """A polars DataFrame as a pandas one of the same columns (a fresh RangeIndex), a Series as a
    Series of the same name, a list of frames as a list; anything else as it is."""
    if not _has_polars(obj):
        return obj
    if not is_polars(obj):  # a list of frames
        return type(obj)(to_pandas(f) for f in obj)
    try:
        import pandas as pd
    except ImportError as e:  # the core of vaeaug does not need pandas; its frames path does
        from .errors import extra_import_error

        raise extra_import_error(e, "pandas", "a polars frame, read through pandas (no pyarrow),",
                                 "pip install pandas, or pass X.to_numpy() for a frame of numbers") from e
    kind = type(obj).__name__
    if kind == "LazyFrame":
        raise TypeError("a polars LazyFrame was given: vaeaug reads every row, so pass X.collect()")
    if kind == "Series":
        return pd.Series(_pandas_column(obj), name=obj.name)
    return pd.DataFrame({c: _pandas_column(obj.get_column(c)) for c in obj.columns})


def _polars_series(name, values, dtype):
    """pandas values as a polars Series of ``dtype`` (the input's; ``None``: as polars infers); a
    missing cell (NaN, NA, NaT: a table's, :mod:`vaeaug.missing`) as polars' null."""
    import polars as pl

    missing = hasattr(values, "isna") and bool(values.isna().any())
    if hasattr(values, "cat") or (missing and values.dtype.kind not in "fmM"):  # labels, or cells with None
        import pandas as pd

        values = values.astype(object).where(values.notna(), None) if missing else values.astype(object)
        if missing and pd.api.types.is_numeric_dtype(values.infer_objects()):
            values = values.infer_objects().to_numpy(dtype=np.float64, na_value=np.nan)
    values = np.asarray(values)
    if values.dtype.kind in "mM" and np.datetime_data(values.dtype)[0] not in ("D", "ms", "us", "ns"):
        values = values.astype(f"{values.dtype.kind}8[ms]")  # pandas' seconds: a unit polars reads
    if values.dtype == object and missing:  # None among labels: polars reads a list's, not an object array's
        s = pl.Series(name, values.tolist())
    else:
        s = pl.Series(name, values, nan_to_null=missing and values.dtype.kind == "f")
    return s if dtype is None or s.dtype == dtype else s.cast(dtype)


def to_polars(obj, like, like_y):
    """What a method gave back, with the pandas frames and Series that stand for polars input as polars
    ones: a frame's columns in the dtypes of ``like``'s (the caller's polars frame, or a list of them),
    a Series in ``like_y``'s (the caller's polars labels); ``None``: that input was no polars, and its
    output stays as it is. Tuples and generators (``generate_batches``) item by item."""
    import pandas as pd
    import polars as pl

    if inspect.isgenerator(obj):
        return (to_polars(o, like, like_y) for o in obj)
    if isinstance(obj, tuple):
        return tuple(to_polars(o, like, like_y) for o in obj)
    if like is not None and isinstance(obj, list) and obj and isinstance(obj[0], pd.DataFrame):
        return [to_polars(o, like[0] if isinstance(like, (list, tuple)) else like, None) for o in obj]
    if like is not None and isinstance(obj, pd.DataFrame):
        schema = like.schema if isinstance(like, pl.DataFrame) else {}
        return pl.DataFrame([_polars_series(str(c), obj[c], schema.get(str(c))) for c in obj.columns])
    if like_y is not None and isinstance(obj, pd.Series):
        return _polars_series(like_y.name, obj, like_y.dtype)
    return obj


def _polars_back(out, given: dict):
    """``out`` as polars where the caller's ``X`` (a frame, or a list of them) or ``y`` was."""
    like, like_y = given.get("X"), given.get("y")
    return to_polars(out, like if _has_polars(like) else None, like_y if is_polars(like_y) else None)


#: Decorate a public method so that polars inputs are read as pandas ones and its pandas outputs
#: given back as polars (:func:`to_pandas`, :func:`to_polars`); without polars input, a plain call.
polars_in_out = at_edges(_has_polars, to_pandas, _polars_back)
