"""Missing cells in tables (NaN, or pandas' NA): the VAE reads each one at its feature's median
over the training samples, and whatever is made from a row is missing where that row is. So the
offspring keep their sources' pattern of missing cells, and the user's own imputer (or a
classifier that reads NaN) treats real and synthetic rows alike. Images and sequences are refused
with a NaN, as before: a missing pixel or time step has no column to be missing in."""

from __future__ import annotations

import numpy as np

from .frames import is_frame


def is_table(X) -> bool:
    """Whether ``X`` is laid out as a table: a 2-D array or frame, or a list of rows (1-D each)."""
    if hasattr(X, "ndim"):
        return X.ndim == 2
    try:
        return isinstance(X, (list, tuple)) and len(X) > 0 and np.ndim(X[0]) == 1
    except (TypeError, ValueError):  # a ragged first item, as a (sample, label) pair (numpy 1.x: TypeError
        return False  # beside a PIL picture): not a row; check_X says what it is


def mask_of(X) -> np.ndarray | None:
    """Where the cells of a table ``X`` (a frame, an (N, D) array or a list of rows) are missing,
    as (N, D) booleans; ``None`` where none is, or where ``X`` is no table of numbers."""
    if is_frame(X):
        mask = X.isna().to_numpy()
    else:
        try:
            A = np.asarray(X, dtype=np.float64) if not isinstance(X, np.ndarray) or X.dtype == object else X
        except (TypeError, ValueError):
            return None  # not numbers: check_X says so
        if A.ndim != 2 or A.dtype.kind != "f":
            return None
        mask = np.isnan(A)
    return mask if mask.ndim == 2 and mask.any() else None


def fill_values(X: np.ndarray, name: str = "X") -> np.ndarray:
    """Each feature's median over the samples that hold it (float64, (D,)): the value a missing
    cell is read at, as the CSV reader fills one."""
    empty = np.flatnonzero(np.isnan(X).all(axis=0)) if len(X) else np.arange(X.shape[1])
    if len(empty):
        raise ValueError(f"{name}'s feature(s) {empty[:5].tolist()} hold no value in any sample (all missing): "
                         "drop them, X[:, mask] or X.dropna(axis=1, how='all')")
    return np.nanmedian(X.astype(np.float64), axis=0)


def filled(X: np.ndarray, fill: np.ndarray) -> np.ndarray:
    """``X`` (N, D) floats with each missing cell at its feature's ``fill`` value (``X`` itself
    where none is missing)."""
    mask = np.isnan(X)
    if not mask.any():
        return X
    out = X.copy()
    out[mask] = fill[np.nonzero(mask)[1]]
    return out


def filled_table(X, fill: np.ndarray):
    """The table ``X`` with its missing cells filled, as an (N, D) float array; ``X`` as it came
    where none is missing or its width is not ``fill``'s (which the later checks then name)."""
    if mask_of(X) is None:
        return X
    if is_frame(X):
        from .frames import frame_numbers

        A = frame_numbers(X).astype(np.float64)
    else:
        A = np.asarray(X, dtype=np.float64)
    return filled(A, fill) if A.shape[1] == len(fill) else X


def restore_missing(X_new, mask: np.ndarray | None, source: np.ndarray):
    """Offspring ``X_new`` (a frame or an (M, D) array) of the rows ``source``, each cell missing
    where its source's is (a frame's column takes its own marker: NaN, NA or NaT)."""
    if mask is None or not len(X_new):
        return X_new
    where = mask[np.asarray(source)]
    if not where.any():
        return X_new
    if is_frame(X_new):
        return X_new.mask(where)
    X_new = np.asarray(X_new, dtype=np.result_type(X_new.dtype, np.float32))
    X_new[where] = np.nan
    return X_new
