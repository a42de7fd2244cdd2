"""pandas at the public edges: a DataFrame in gives a DataFrame out with the same columns and
dtypes, and its column names are kept (``feature_names_in_``) and checked on every later call. A
frame with string, categorical or boolean columns is encoded by a
:class:`~vaeaug.data.TableEncoder` (``table_encoder_``), and offspring come back decoded to its
columns. pandas itself is never imported here."""

from __future__ import annotations

import warnings

import numpy as np


def is_frame(X) -> bool:
    """Whether ``X`` is a pandas DataFrame. Another library's frame is refused here, at every edge,
    with the conversion to make, rather than misread column by column (polars frames are read as
    pandas ones before: :mod:`vaeaug.polarsframes`)."""
    if not (hasattr(X, "columns") and hasattr(X, "dtypes") and hasattr(X, "to_numpy")):
        return False
    kind = type(X)
    if not kind.__module__.startswith("pandas"):
        raise TypeError(f"a {kind.__module__.split('.')[0]} {kind.__name__} was given; vaeaug reads pandas and polars "
                        "DataFrames and arrays: pass X.to_pandas(), or X.to_numpy() for a frame of numbers")
    return True


def warn_label_in_frame(X, y) -> None:
    """Warn where a frame ``X`` still holds its label Series ``y`` as a column (``fit(df,
    df["target"])``): the VAE would learn the label as a feature and offspring carry a decoded
    copy of it, which may disagree with their label, and a classifier reads it as the answer."""
    from .errors import warn_caller

    name = getattr(y, "name", None)
    if not is_frame(X) or is_long_frame(X) or name is None or name not in X.columns or len(X) != len(y):
        return
    column = X[name]
    if getattr(column, "ndim", 1) == 1 and np.array_equal(column.to_numpy(), np.asarray(y)):
        warn_caller(f"X holds the label column {name!r} itself: drop it from the features, "
                    f"X.drop(columns={name!r})", UserWarning)


def is_number_dtype(t) -> bool:
    """Whether a column of dtype ``t`` holds numbers: numpy's, and pandas' nullable (``Int64``,
    ``Float64``) and sparse ones; booleans are categories (encoded as False / True)."""
    if isinstance(t, np.dtype):
        return bool(np.issubdtype(t, np.number))
    import pandas as pd

    return bool(pd.api.types.is_numeric_dtype(t) and not pd.api.types.is_bool_dtype(t))


def categorical_columns(X) -> list[str]:
    """The columns of a DataFrame that are not numbers (strings, categories, booleans, dates); [] else."""
    if not is_frame(X):
        return []
    return [str(c) for c, t in zip(X.columns, X.dtypes) if not is_number_dtype(t)]


def frame_numbers(X) -> np.ndarray:
    """A numbers-only frame's values; pandas' nullable and sparse columns as floats, a missing
    cell (``pd.NA``) as NaN, so that it is found and named as numpy's NaN is."""
    if all(isinstance(t, np.dtype) for t in X.dtypes):
        return X.to_numpy()
    return X.to_numpy(dtype=np.float64, na_value=np.nan)


def frame_names(X, categories_ok: bool = False) -> np.ndarray | None:
    """A DataFrame's column names as an object array (``None`` for anything else), after checking
    that every column is numeric (unless the model encodes categories, ``categories_ok``)."""
    if not is_frame(X):
        return None
    bad = [] if categories_ok else categorical_columns(X)
    if bad:
        raise TypeError(f"column(s) {bad[:5]} are not numeric (strings, categories or dates), and this model was fitted "
                        "on numbers only: fit it on the frame with those columns, which encodes them, or encode "
                        "them yourself with vaeaug.data.TableEncoder (fit_frame, transform_frame, inverse_frame)")
    return np.asarray(X.columns, dtype=object)


def check_names(X, fitted: np.ndarray | None, owner: str, categories_ok: bool = False,
                fix: str = "X[aug.feature_names_in_]") -> None:
    """A frame's columns must be the fitted ones, in the fitted order (``fix``: the call that mends it)."""
    names = frame_names(X, categories_ok)
    if names is None or fitted is None:
        return
    if len(names) != len(fitted) or (names != fitted).any():
        missing = [str(c) for c in fitted if c not in set(names)][:5]
        unseen = [str(c) for c in names if c not in set(fitted)][:5]
        what = (f"missing {missing}" if missing else "") + (f" unseen {unseen}" if unseen else "")
        raise ValueError(f"{owner}: the frame's columns differ from those seen at fit ({what.strip() or 'reordered'}); "
                         f"pass {fix}")


def like(X_new: np.ndarray, X_in, y_new: np.ndarray | None = None, y_in=None, table=None):
    """Outputs in the inputs' form: a frame with the input frame's columns and dtypes (rows decoded
    by ``table``, a fitted :class:`~vaeaug.data.TableEncoder`, where the model encodes the frame),
    a Series with the input Series' name."""
    if is_frame(X_in) and table is not None:
        X_new = table.inverse_frame(X_new.reshape(len(X_new), -1))
    elif is_frame(X_in):
        X_new = _typed(type(X_in)(X_new.reshape(len(X_new), -1), columns=X_in.columns), X_in.dtypes.to_dict())
    return X_new, None if y_new is None else labels_like(y_new, y_in)


def labels_like(y_new: np.ndarray, y_in):
    """Labels in the input labels' form: a Series with the input Series' name and dtype (categories,
    nullable integers and strings kept, so ``pd.concat([y, y_new])`` keeps them), else as they are."""
    if hasattr(y_in, "to_numpy") and hasattr(y_in, "name") and not is_frame(y_in):
        return type(y_in)(y_new, name=y_in.name, dtype=y_in.dtype)
    return y_new


def encode_table(X, X_val, X_unlabeled, data_kind: str):
    """``(table, X, X_val, X_unlabeled)``: a frame with string, categorical or boolean columns
    encoded by a :class:`~vaeaug.data.TableEncoder` fitted on ``X`` (numbers as they are,
    categories one-hot, missing cells read at the median or most frequent value), the other frames (whose columns ``fit`` has checked
    against ``X``'s) by the same one; anything else as it is, with no table (``None``)."""
    if not categorical_columns(X):
        return None, X, X_val, X_unlabeled
    if data_kind not in ("auto", "vector"):
        raise ValueError(f"X is a frame with category columns {categorical_columns(X)[:5]}, a table: "
                         f"data_kind={data_kind!r} cannot read it")
    from .data.tabular import TableEncoder

    with warnings.catch_warnings():  # offspring miss their sources' cells again (vaeaug.missing): none is lost
        warnings.filterwarnings("ignore", message="missing values imputed", category=UserWarning)
        table = TableEncoder().fit_frame(X)

    def encoded(A, name):
        if A is None:
            return None
        if not is_frame(A):
            raise TypeError(f"{name} must be a DataFrame with X's columns, since X holds category columns")
        return table.transform_frame(A)

    return table, table.transform_frame(X), encoded(X_val, "X_val"), encoded(X_unlabeled, "X_unlabeled")


def is_long_frame(X) -> bool:
    """Whether ``X`` is a frame indexed by two levels, as the (case, time) "pd-multiindex"
    collection of aeon and sktime is, one row per time step (:func:`reads_as_cases` decides)."""
    return is_frame(X) and getattr(X.index, "nlevels", 1) == 2


def is_frame_list(X) -> bool:
    """Whether ``X`` is a list (or tuple) of DataFrames: one sequence a frame, its channels the
    columns, as recordings read one file each come (``pd.read_csv`` per file)."""
    return isinstance(X, (list, tuple)) and len(X) > 0 and all(is_frame(x) for x in X)


def frame_list_sequences(X, fitted: np.ndarray | None, owner: str, name: str = "X",
                         ref: str = "aug.feature_names_in_") -> list[np.ndarray]:
    """A list of frames as (T_i, C) arrays, after checking that every frame has ``fitted``'s
    columns in their order (``None``: the first frame's), since they are read by position;
    ``ref`` spells those columns in the advice."""
    names = np.asarray(X[0].columns, dtype=object) if fitted is None else fitted
    for i, frame in enumerate(X):
        bad = categorical_columns(frame)
        if bad:
            raise TypeError(f"{name}[{i}] is a frame read as a sequence, and its column(s) {bad[:5]} are not numbers: "
                            "a sequence's channels are; encode or drop them first")
        check_names(frame, names, f"{owner} ({name}[{i}])", fix=f"[x[{ref}] for x in {name}]")
    return [frame.to_numpy(dtype=np.float64) for frame in X]


def frames_like(seqs: list[np.ndarray], like: list, source) -> list:
    """Sequences as frames like the list ``like``'s: its columns and dtypes, each indexed as its
    source frame ``like[source[i]]`` is (each offspring is as long as its source)."""
    import pandas as pd

    return [_typed(pd.DataFrame(s, index=like[j].index, columns=like[j].columns), like[j].dtypes.to_dict())
            for s, j in zip(seqs, np.asarray(source).tolist())]


def _typed(out, dtypes: dict):
    """``out`` in ``dtypes``, integer and boolean columns rounded first (a cast truncates: 1.9 → 1)
    and integers kept within their dtype (a cast wraps: −1 → 255 in uint8)."""
    import pandas as pd

    for c, t in dtypes.items():
        if pd.api.types.is_integer_dtype(t):
            info = np.iinfo(getattr(t, "numpy_dtype", t))
            out[c] = np.clip(np.rint(out[c].to_numpy(dtype=np.float64)), info.min, info.max)
        elif pd.api.types.is_bool_dtype(t):
            out[c] = np.rint(out[c].to_numpy(dtype=np.float64))
    return out.astype(dtypes)


def reads_as_cases(X, y, data_kind: str) -> bool:
    """Whether ``fit`` reads ``X`` as a (case, time) frame of sequences: a two-level frame with one
    label per case rather than per row (or ``data_kind="sequence"``). A table indexed by two keys
    (patient, visit) has a label per row, and stays a table."""
    if not is_long_frame(X) or data_kind not in ("auto", "sequence"):
        return False
    return data_kind == "sequence" or (y is not None and len(y) != len(X))


def long_sequences(X, name: str = "X", dtype=np.float64) -> list[np.ndarray]:
    """A (case, time) frame as a list of (T_i, C) arrays of ``dtype`` (``None``: the frame's common
    one): cases in order of first appearance, each case's steps in the frame's row order (aeon's
    own conversion keeps that order too)."""
    bad = categorical_columns(X)
    if bad:
        raise TypeError(f"{name} is a (case, time) frame, read as sequences, and its column(s) {bad[:5]} are not "
                        "numbers: a sequence's channels are; encode or drop them first")
    return [group.to_numpy(dtype=dtype) for _, group in X.groupby(level=0, sort=False)]


def long_frame(seqs: list[np.ndarray], like, ids=None, source=None, stamps=None):
    """Sequences as a (case, time) frame with ``like``'s channel columns, dtypes and level names:
    case ids ``ids`` (default: after ``like``'s, see :func:`new_case_ids`); each sequence's steps
    at the time stamps of its source case ``source[i]`` of ``like`` (default: case i), so that the
    time level keeps its dtype (dates stay dates) and concatenates with ``like``'s. Integer
    channels are rounded, not truncated. ``stamps``: :func:`case_times` of ``like``, where known."""
    import pandas as pd

    lengths = [len(s) for s in seqs]
    ids = new_case_ids(like, len(seqs)) if ids is None else ids
    stamps = case_times(like) if stamps is None else stamps
    source = np.arange(len(seqs)) if source is None else np.asarray(source)
    times = [stamps[s] for s in source.tolist()]
    if any(len(t) != n for t, n in zip(times, lengths)):  # each offspring is as long as its source
        raise ValueError(f"sequences of {lengths[:5]} steps cannot take their sources' time stamps")
    level = times[0].append(times[1:]) if times else like.index.levels[1][:0]
    index = pd.MultiIndex.from_arrays([np.repeat(np.asarray(ids), lengths), level], names=like.index.names)
    values = np.concatenate(seqs) if seqs else np.zeros((0, like.shape[1]))
    return _typed(pd.DataFrame(values, index=index, columns=like.columns), like.dtypes.to_dict())


def case_times(like) -> list:
    """Each case's time stamps (an Index per case) of a (case, time) frame, cases in order of first
    appearance as :func:`long_sequences` reads them."""
    return [group.index.get_level_values(1) for _, group in like.groupby(level=0, sort=False)]


def new_case_ids(like, n: int, start: int = 0) -> np.ndarray:
    """Ids for ``n`` new cases beside ``like``'s that none of them repeats: whole numbers after the
    largest where ``like``'s are whole numbers, else ``"synthetic-<k>"``; ``start`` skips the first k."""
    from pandas.api.types import is_integer_dtype

    cases = like.index.get_level_values(0)
    if is_integer_dtype(cases.dtype):
        first = int(cases.max()) + 1 if len(cases) else 0
        return np.arange(first + start, first + start + n)
    return np.array([f"synthetic-{k}" for k in range(start, start + n)], dtype=object)


def long_chunks(stream, like):
    """``((X_chunk, y_chunk), source_chunk)`` of sequences as ``(X_chunk, y_chunk)``, X_chunk a
    (case, time) frame like ``like``, the cases numbered on from chunk to chunk as one
    :func:`long_frame` of them all would number them."""
    start, stamps = 0, case_times(like)
    for (X_chunk, y_chunk), source in stream:
        yield long_frame(X_chunk, like, new_case_ids(like, len(X_chunk), start), source, stamps), y_chunk
        start += len(X_chunk)
