"""Time series through the field's own library, aeon (``pip install vaeaug[timeseries]``): the
UCR/UEA ``.ts`` format and the classification sets aeon's wheel ships (offline, with their
official train/test splits). Sequences come back time first, a list of (T_i, C) arrays, as the
augmenter takes them; aeon's arrays are channels first (C, T)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..sequences import object_array
from .dataset import DataFormatError, Dataset

#: Classification sets aeon ships in its wheel (loaded offline), with what each holds.
AEON_SETS = {
    "JapaneseVowels": "speech: 9 speakers, 12 cepstral coefficients per frame, 7–29 frames (ragged)",
    "BasicMotions": "6-axis motion sensors (accelerometer, gyroscope), 4 activities, 100 steps",
    "GunPoint": "one hand's x-position, gun-draw or point, 150 steps",
    "ArrowHead": "arrow-head outlines as 1-D series, 3 classes, 251 steps",
    "ItalyPowerDemand": "a day's electricity demand, 2 seasons, 24 steps",
    "OSULeaf": "leaf outlines as 1-D series, 6 classes, 427 steps",
    "PickupGestureWiimoteZ": "Wii remote z-acceleration, 10 gestures, ragged",
}


def _aeon():
    try:
        from aeon import datasets
    except ImportError as e:
        from ..errors import extra_import_error

        raise extra_import_error(e, "aeon", "time-series data", "pip install 'vaeaug[timeseries]'") from None
    return datasets


def _time_first(X) -> list[np.ndarray]:
    """aeon's (N, C, T) array or list of (C, T_i) arrays → a list of (T_i, C) float arrays."""
    return [np.ascontiguousarray(np.asarray(x, dtype=np.float64).T) for x in X]


def _dataset(name: str, parts: list[tuple[list, np.ndarray]], meta: dict) -> Dataset:
    seqs = [s for X, _ in parts for s in X]
    X = object_array(seqs)
    y = np.concatenate([np.asarray(y).astype(str) for _, y in parts])
    split = None
    if len(parts) == 2:
        n = len(parts[0][0])
        split = {"train": np.arange(n), "test": np.arange(n, len(seqs))}
    return Dataset(name=name, X=X, y=y, kind="sequence", split=split, meta=meta)


def load_aeon(name: str) -> Dataset:
    """A classification set aeon ships (:data:`AEON_SETS`), with its official train/test split
    (validation is carved from the training part); ``X`` is an object array of (T_i, C) arrays."""
    datasets = _aeon()
    parts = []
    for split in ("train", "test"):
        # as shipped: aeon up to 1.3 padded unequal sets (JapaneseVowels) and filled missing steps by default
        X, y = datasets.load_classification(name, split=split, load_equal_length=False, load_no_missing=False)
        parts.append((_time_first(X), y))
    meta = {"source": f"UCR/UEA archive via aeon ({AEON_SETS.get(name, 'shipped with aeon')})",
            "split": "the archive's official train/test", "citation": "Dau et al. 2019 (UCR); Bagnall et al. 2018 (UEA)"}
    return _dataset(name, parts, meta)


def load_ts(path: str | Path, test_path: str | Path | None = None) -> Dataset:
    """A ``.ts`` file (UCR/UEA format) read by aeon; ``test_path``: its test file, for the official
    split. A malformed file gets a :class:`DataFormatError` naming it."""
    datasets = _aeon()
    parts = []
    for p in [path] + ([test_path] if test_path is not None else []):
        p = Path(p)
        if not p.is_file():
            raise FileNotFoundError(f"no such file: {p}")
        try:
            got = datasets.load_from_ts_file(str(p))
        except Exception as e:  # aeon raises IOError, ValueError, IndexError ... on bad files
            raise DataFormatError(f"not a readable .ts file ({type(e).__name__}: {e})", str(p)) from None
        X, y = got[:2] if isinstance(got, tuple) else (got, None)
        if y is None or len(y) != len(X):
            raise DataFormatError("the file has no class labels (@classLabel false): vaeaug needs labelled series",
                                  str(p))
        X = _time_first(X)
        if not all(np.isfinite(s).all() for s in X):
            bad = next(i for i, s in enumerate(X) if not np.isfinite(s).all())
            raise DataFormatError(f"series {bad} holds missing or non-finite values: impute them first", str(p))
        parts.append((X, y))
    return _dataset(Path(path).stem.removesuffix("_TRAIN"), parts, {"source": str(path)})


def check_ts_labels(labels) -> None:
    """Refuse labels a ``.ts`` file cannot hold: the format lists the classes on one line, space-separated,
    and ends each case with ``:label`` (a blank label, a space or a ':' would read back wrong)."""
    bad = [str(v) for v in np.unique(np.asarray(labels).astype(str)) if not v or ":" in v or any(c.isspace() for c in v)]
    if bad:
        raise ValueError(f"a .ts file cannot hold the label(s) {', '.join(map(repr, bad[:3]))} (blank, or with a "
                         "space or ':'): write an .npz")


def write_ts(path: str | Path, X, y) -> None:
    """Labelled sequences (a list of (T_i, C) arrays, or (N, T, C)) as a ``.ts`` file (UCR/UEA
    format) written by aeon, so that aeon, sktime and :func:`load_ts` read it; its problem name is
    the file's stem. Written beside ``path`` and moved into place, so a failed write leaves none."""
    import tempfile

    from ..fileio import atomic_write_bytes

    path = Path(path)
    labels = np.asarray(y).astype(str)
    check_ts_labels(labels)
    series = [np.ascontiguousarray(np.asarray(s, dtype=np.float64).T) for s in X]
    with tempfile.TemporaryDirectory(dir=path.parent if path.parent.exists() else None) as tmp:
        _aeon().save_to_ts_file(series, labels, label_type="classification", path=tmp, problem_name=path.stem)
        atomic_write_bytes(path, (Path(tmp) / f"{path.stem}.ts").read_bytes())
