"""pandas at the public edges: a DataFrame in gives a DataFrame out with the same columns and
dtypes, its column names are kept (``feature_names_in_``) and checked on every later call, and a
column the model cannot read is refused by name. pandas itself is never imported here."""

from __future__ import annotations

import numpy as np


def is_frame(X) -> bool:
    return hasattr(X, "columns") and hasattr(X, "dtypes") and hasattr(X, "to_numpy")


def frame_names(X) -> np.ndarray | None:
    """A DataFrame's column names as an object array (``None`` for anything else), after checking
    that every column is numeric."""
    if not is_frame(X):
        return None
    bad = [str(c) for c, t in zip(X.columns, X.dtypes) if not (np.issubdtype(np.dtype(t), np.number)
                                                                if isinstance(t, np.dtype) else False)]
    if bad:
        raise TypeError(f"column(s) {bad[:5]} are not numeric (string or categorical): encode them first with "
                        "vaeaug.data.TableEncoder, which one-hot encodes categories and decodes them back: "
                        "enc = TableEncoder().fit_frame(df); X = enc.transform_frame(df); after generate, "
                        "enc.inverse_frame(X_new) gives rows of df's columns and dtypes (a CSV: load_csv)")
    return np.asarray(X.columns, dtype=object)


def check_names(X, fitted: np.ndarray | None, owner: str) -> None:
    """A frame's columns must be the fitted ones, in the fitted order."""
    names = frame_names(X)
    if names is None or fitted is None:
        return
    if len(names) != len(fitted) or (names != fitted).any():
        missing = [str(c) for c in fitted if c not in set(names)][:5]
        unseen = [str(c) for c in names if c not in set(fitted)][:5]
        what = (f"missing {missing}" if missing else "") + (f" unseen {unseen}" if unseen else "")
        raise ValueError(f"{owner}: the frame's columns differ from those seen at fit ({what.strip() or 'reordered'}); "
                         "pass X[aug.feature_names_in_]")


def like(X_new: np.ndarray, X_in, y_new: np.ndarray | None = None, y_in=None):
    """Outputs in the inputs' form: a frame with the input frame's columns and dtypes, a Series
    with the input Series' name."""
    if is_frame(X_in):
        X_new = type(X_in)(X_new.reshape(len(X_new), -1), columns=X_in.columns).astype(X_in.dtypes.to_dict())
    if y_new is not None and hasattr(y_in, "to_numpy") and hasattr(y_in, "name") and not is_frame(y_in):
        y_new = type(y_in)(y_new, name=y_in.name)
    return X_new, y_new
