"""A user's arrays from an ``.npz``: images (N, H, W[, C]) or (N, C, H, W), tables (N, D), and
sequences, as (N, T, C) arrays with ``kind="sequence"`` or ragged as ``X_values`` + ``X_lengths``
(:func:`~vaeaug.fileio.pack_ragged`). Loaded without pickle."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..fileio import load_npz, unpack_ragged
from ..sequences import object_array
from .dataset import DataFormatError, Dataset

PARTS = (("train", "X", "y"), ("val", "X_val", "y_val"), ("test", "X_test", "y_test"))
#: Other names the parts go by, read where the file lacks vaeaug's own: Keras' datasets (mnist.npz:
#: x_train, y_train, x_test, y_test) and scikit-learn's train_test_split habit (X_train, ...).
KEY_ALIASES = {
    "X": ("X_train", "x_train", "x"), "y": ("y_train", "Y_train", "Y"),
    "X_val": ("x_val", "X_valid", "x_valid", "X_validation", "x_validation"),
    "y_val": ("Y_val", "y_valid", "Y_valid", "y_validation"),
    "X_test": ("x_test",), "y_test": ("Y_test",),
}


def with_canonical_keys(arrays: dict) -> dict:
    """``arrays`` (an .npz's) with each part under vaeaug's name (``X``, ``y``, ``X_val``, ...) where
    the file stores it under another of :data:`KEY_ALIASES` (ragged parts' ``_values`` and
    ``_lengths`` keys too); a name the file uses itself is kept."""
    out = dict(arrays)
    for key, aliases in KEY_ALIASES.items():
        for suffix in ("", "_values", "_lengths"):
            if key + suffix in out or (suffix and key in out):
                continue
            alias = next((a for a in aliases if a + suffix in out), None)
            if alias is not None:
                out[key + suffix] = out.pop(alias + suffix)
    return out


def _samples(a: dict, name: str, path: Path):
    """The samples stored under ``name``: an array, a list (ragged sequences), or None."""
    try:
        seqs = unpack_ragged(a, name)
    except ValueError as e:
        raise DataFormatError(str(e), str(path)) from None
    return seqs if seqs is not None else a.get(name)


def _as_object(seqs) -> np.ndarray:
    """(T, C) sequences in an object array; a (T,) one is one channel."""
    return object_array([np.asarray(s) if np.ndim(s) == 2 else np.asarray(s).reshape(-1, 1) for s in seqs])


def load_npz_dataset(path: str | Path, kind: str | None = None) -> Dataset:
    """An ``.npz`` with ``X`` (N, ...) and ``y`` (N,); optional ``X_val``/``y_val``, ``X_test``/``y_test``
    fix those parts of the split (a missing part is carved from ``X`` alone); Keras' ``x_train``,
    ``x_test``, ... and ``X_train``, ... read as these (:data:`KEY_ALIASES`). ``kind``:
    ``"sequence"`` reads (N, T, C) or (N, T) arrays as sequences; ragged sequences are found by
    their ``X_values``/``X_lengths`` keys; otherwise 2-D is a table, more is images."""
    path = Path(path)
    a = with_canonical_keys(load_npz(path))
    parts = []
    for part, xk, yk in PARTS:
        X = _samples(a, xk, path)
        if part == "train" and (X is None or yk not in a):
            raise DataFormatError(f"needs arrays 'X' and 'y' (ragged sequences: 'X_values' and 'X_lengths' for X), "
                                  f"has {sorted(a)}", str(path))
        if X is None:
            continue
        if yk not in a:
            raise DataFormatError(f"has {xk} but no {yk}", str(path))
        if len(a[yk]) != len(X):
            raise DataFormatError(f"{xk} holds {len(X)} samples but {yk} {len(a[yk])} labels", str(path))
        if a[yk].ndim != 1:  # a column vector is read as its labels; one-hot rows or a matrix are refused
            from ..validation import check_y

            try:
                a[yk] = check_y(a[yk], len(X), yk)
            except ValueError as e:
                raise DataFormatError(f"{e} (np.savez(path, X=X, {yk}=labels) with a label per sample)",
                                      str(path)) from None
        parts.append((part, X, a[yk]))
    sequences = kind == "sequence" or any(isinstance(p[1], list) for p in parts)
    if sequences:
        X = _as_object([s for p in parts for s in p[1]])
    else:
        X = np.concatenate([p[1] for p in parts])
    y = np.concatenate([p[2] for p in parts])
    split = None
    if len(parts) > 1:  # a part the user gave is kept as given; the missing one is carved from training
        n = np.cumsum([0] + [len(p[1]) for p in parts])
        split = {p[0]: np.arange(n[i], n[i + 1]) for i, p in enumerate(parts)}
    kind = "sequence" if sequences else "vector" if X.ndim == 2 else "image"
    return Dataset(name=path.stem, X=X, y=y, kind=kind, split=split, meta={"source": str(path)})
