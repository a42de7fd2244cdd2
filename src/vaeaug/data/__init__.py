"""Data sources: UJI Pen Characters (v1 embedded as the default, v2), scikit-learn's digits, CSV
tables, long CSV files of sequences, image folders and ``.npz``. Every loader returns a :class:`Dataset`."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .builtin import load_digits_dataset
from .csvfiles import load_csv, write_csv
from .dataset import DataFormatError, Dataset, per_class_subsample
from .download import DownloadError, cache_dir, fetch
from .images import image_mode, load_image_folder
from .longcsv import load_long_csv, write_long_csv
from .npzfile import load_npz_dataset
from .tabular import TableEncoder
from .textfiles import TEXT_TABLES, is_text_table
from .timeseries import AEON_SETS, load_aeon, load_ts
from .ujipen import load_ujipen_v1, load_ujipen_v1_trajectories, load_ujipen_v2, render

#: name → (loader, one-line description with where it comes from)
DATASETS = {
    "digits": (load_digits_dataset,
               "8×8 handwritten digits bundled with scikit-learn (offline; 20 train / 10 val per class)"),
    "ujipen-v1": (load_ujipen_v1,
                  "UJI Pen Characters v1, 1,364 chars, 11 writers, 62 labels, 70×70 renders; embedded in the "
                  "package (offline, CC BY 4.0), the default; or --dataset-path FOLDER"),
    "ujipen-v2": (load_ujipen_v2,
                  "UJI Pen Characters v2, 11,640 chars, 60 writers, 97 classes (the paper's); UCI download "
                  "(sha256-checked) or --dataset-path FILE"),
    "ujipen-v1-trajectories": (load_ujipen_v1_trajectories,
                               "UJI Pen Characters v1 as pen trajectories (dx, dy, pen-up), the writer split of "
                               "ujipen-v1; sequences (embedded, offline)"),
    **{name: ((lambda name=name: load_aeon(name)), f"{what}; UCR/UEA via aeon, offline, official split "
              "(needs vaeaug[timeseries])") for name, what in AEON_SETS.items()},
}


def load_dataset(name: str, path: str | Path | None = None, **kwargs) -> Dataset:
    """A named data set (see :data:`DATASETS`); ``path`` is a local copy instead of a download."""
    # in any case, as typed ('gunpoint', 'UJIPen-v1'): the names differ by more than case
    name = next((n for n in DATASETS if n.lower() == name.lower()), name)
    if name not in DATASETS:
        raise ValueError(f"unknown data set {name!r}; available: {', '.join(DATASETS)}")
    loader = DATASETS[name][0]
    if path is not None:
        kwargs["path"] = path
    return loader(**kwargs)


def load_path(path: str | Path, label: str | None = None, kind: str | None = None, **kwargs) -> Dataset:
    """A user's data by its path: a text table (``.csv``, UCI's ``.data``, ...; ``kind="sequence"``
    reads its rows as sequences of one channel), ``.npz`` (X, y; ``kind="sequence"`` reads (N, T, C)
    arrays as sequences), ``.ts`` (time series; a ``_TRAIN.ts`` file brings its
    ``_TEST.ts`` beside it), or a folder of class folders."""
    p = Path(path)
    if p.is_dir():
        return load_image_folder(p, **kwargs)
    if is_text_table(p):
        ds = load_csv(p, label=label, **kwargs)
        return _wide_sequences(ds) if kind == "sequence" else ds
    if p.suffix.lower() == ".npz":
        return load_npz_dataset(p, kind)
    if p.suffix.lower() == ".ts":
        test = p.with_name(p.name.replace("_TRAIN", "_TEST")) if "_TRAIN" in p.name else None
        return load_ts(p, test if test is not None and test.is_file() else None)
    if not p.exists():
        raise FileNotFoundError(f"no such file or folder: {p}")
    raise ValueError(f"{p}: unknown data format; use a text table ({', '.join(TEXT_TABLES)}), .npz, .ts or a folder "
                     "of class sub-folders; from a spreadsheet or Parquet file, write a CSV first: "
                     "pandas.read_excel(path).to_csv('table.csv', index=False), or read_parquet")


def with_test_file(ds: Dataset, path: str | Path, header: bool | None = None) -> Dataset:
    """``ds`` (a user's data, read from a file) with the samples of ``path`` as its test split
    (:meth:`Dataset.with_test`), read as ``ds`` was: a CSV by ``ds``'s table encoder (its columns by
    name, in any order, its label column, missing cells at the training medians), a long CSV by its
    id, time and channel columns, a folder of class folders at the training images' size and mode,
    an .npz's X and y, a .ts file's series. ``header``: a CSV's, as :func:`load_csv` takes it
    (default: the training file's)."""
    path = Path(path)
    if ds.kind == "image":
        if not path.is_dir():
            raise ValueError(f"test set {path}: the training data are images, so give a folder of class folders")
        t = load_image_folder(path, tuple(np.shape(ds.X)[-2:]),
                              mode=ds.meta.get("mode") or image_mode(np.shape(ds.X)[1:], ds.X.dtype))
        return ds.with_test(t.X, t.y, str(path), extras=t.extras)
    if ds.kind == "sequence" and "channels" in ds.meta:  # a long CSV's cases
        t = load_long_csv(path, ds.meta["id"], ds.meta["label"], ds.meta["time"], channels=ds.meta["channels"])
        return ds.with_test(list(t.X), t.y, str(path))
    if ds.encoder is not None and is_text_table(path):
        from .csvfiles import read_csv_with

        X, y, (mask, _) = read_csv_with(path, ds.encoder, ds.meta["label"],
                                        ds.meta.get("header") if header is None else header, missing_cells=True)
        imputed = {c: int(n) for c, n in zip(ds.encoder.columns_, mask.sum(axis=0)) if n}
        return ds.with_test(X, y, str(path), imputed=imputed)
    if path.suffix.lower() == ".ts":  # this file alone, whatever its name
        t = load_ts(path)
    else:
        t = load_path(path, kind="sequence" if ds.kind == "sequence" else None,
                      **({"header": header} if header is not None and is_text_table(path) else {}))
    if t.kind != ds.kind:
        what = {"image": "images", "vector": "a table", "sequence": "sequences"}
        raise ValueError(f"test set {path} holds {what[t.kind]}, but the training data {what[ds.kind]}")
    return ds.with_test(t.X, t.y, str(path), imputed=t.meta.get("imputed"))


def _wide_sequences(ds: Dataset) -> Dataset:
    """A table of a row per sequence, its columns the steps (UCR's wide files), as sequences of
    one channel: the experiment then weighs them as sequences (DTW, time-warped copies)."""
    from dataclasses import replace

    if len(ds.encoder.feature_names) != len(ds.encoder.columns_):
        raise DataFormatError("a table read as sequences (--data-kind sequence) is a row per sequence, its columns "
                              "the steps, and holds numbers only; this one has columns of categories", ds.meta["source"])
    return replace(ds, X=ds.X[:, :, None], kind="sequence", encoder=None,
                   meta={**ds.meta, "read_as": "a row per sequence, one channel"})


__all__ = [
    "AEON_SETS", "DATASETS", "DataFormatError", "Dataset", "DownloadError", "TableEncoder", "cache_dir", "fetch",
    "load_aeon", "load_csv", "load_dataset", "load_digits_dataset", "load_image_folder", "load_long_csv",
    "load_npz_dataset", "load_path", "load_ts", "load_ujipen_v1", "load_ujipen_v1_trajectories", "load_ujipen_v2",
    "per_class_subsample", "render", "with_test_file", "write_csv", "write_long_csv",
]
