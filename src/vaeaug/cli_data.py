"""What ``vaeaug train`` and ``augment`` read and write: .npz arrays, .ts series, folders of
images (one sub-folder per class, PNG written back), and CSV tables, whose encoder (label column,
categories, ranges) is kept beside the model as JSON so that ``augment`` reads the same columns
and writes new rows of them."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .data.images import image_mode

#: Beside a model trained on a CSV table: its label column and the encoder of its columns (JSON).
TABLE_FILE = "table.json"
#: Beside a model trained on a long CSV of sequences: its id, time, channel and label columns (JSON).
SEQUENCES_FILE = "sequences.json"


#: Images past this many pixels get the hint to read them smaller: a VAE on CPU trains slowly on photos.
LARGE_IMAGE = 128 * 128


def image_size(text: str) -> tuple[int, int]:
    """``--image-size``: ``64`` → (64, 64); ``48,64`` → (48, 64), height then width."""
    import argparse

    try:
        sides = tuple(int(p) for p in text.split(","))
    except ValueError:
        sides = ()
    if len(sides) not in (1, 2) or min(sides) < 1:
        raise argparse.ArgumentTypeError(f"an image size is N (N×N pixels) or H,W, whole numbers ≥ 1; got {text!r}")
    return (sides[0], sides[-1])


def add_image_size_arg(p, augment: bool = False) -> None:
    """``--image-size``, for commands that read a folder of images: to train on, or (``augment``)
    at the model's size, which the option may repeat, as the train command gave it."""
    p.add_argument("--image-size", type=image_size, default=None, metavar="H,W",
                   help="a folder of images is read at the model's size, resized; this may repeat it (the train "
                        "command's --image-size), and any other size is refused" if augment else
                        "with a folder of images: read them at H×W pixels (N: N×N), each resized (default: the "
                        "folder's most common size); a VAE on CPU trains slowly on large photos, 64 is quick")


def large_images_hint(X, path) -> str | None:
    """A line for images read at their own large size: the option that reads them smaller."""
    h, w = np.shape(X)[-2:]
    if h * w <= LARGE_IMAGE:
        return None
    return (f"{path}: images of {h}×{w} pixels; training on them takes long on a CPU, and --image-size 64 reads "
            "them at 64×64")


def is_csv(path) -> bool:
    """Whether ``path`` is a text table, read (and written) as a CSV: ``.csv``, UCI's ``.data``, ``.tsv``, ..."""
    from .data.textfiles import is_text_table

    return is_text_table(path)


def is_folder(path) -> bool:
    """A folder: one that exists, or a new path that ends in a separator or has no file suffix."""
    p = Path(path)
    return p.is_dir() or str(path).endswith(("/", "\\")) or (not p.exists() and p.suffix == "")


def _sidecar(model, name: str, parse):
    """A JSON file kept beside a saved model, parsed by ``parse``; ``None`` where there is none,
    and a damaged one refused."""
    import json

    p = Path(model) / name
    if not p.is_file():
        return None
    try:
        return parse(json.loads(p.read_text("utf-8")))
    except (ValueError, KeyError, TypeError) as e:
        raise ValueError(f"{p} is damaged ({e}); retrain the model from its CSV") from None


def model_table(model) -> dict | None:
    """The table a model was trained on (label column, :class:`~vaeaug.data.TableEncoder`), if a CSV."""
    from .data import TableEncoder

    return _sidecar(model, TABLE_FILE, lambda d: {
        "label": str(d["label"]), "encoder": TableEncoder.from_dict(d["encoder"]),
        "header": bool(d.get("header", True))})  # models before the header was kept: one


def model_sequences(model) -> dict | None:
    """The long CSV a model was trained on (:func:`~vaeaug.data.longcsv.load_long_csv`'s columns), if one."""
    return _sidecar(model, SEQUENCES_FILE, lambda d: {
        "id": str(d["id"]), "time": None if d["time"] is None else str(d["time"]),
        "channels": [str(c) for c in d["channels"]], "label": str(d["label"])})


def load_arrays(path: str, required: tuple[str, ...] = ("X", "y")) -> dict:
    """X and y (optionally X_val, y_val) from an .npz, where ragged sequences are stored as
    X_values and X_lengths (:func:`~vaeaug.fileio.pack_ragged`), or from a .ts file."""
    from .fileio import load_npz, unpack_ragged

    if str(path).endswith(".ts"):
        from .data.timeseries import load_ts

        ds = load_ts(path)
        return {"X": list(ds.X), "y": ds.y}
    if not str(path).endswith(".npz"):
        raise ValueError(f"{path}: train and augment read text tables (.csv, .tsv, .txt, .data, .dat), .npz files "
                         "with arrays X and y (np.savez(path, X=..., y=...)), .ts files or folders of images (one "
                         "sub-folder per class); from a spreadsheet or Parquet file, write a CSV first: "
                         "pandas.read_excel(path).to_csv('table.csv', index=False), or read_parquet")

    from .data.npzfile import with_canonical_keys

    arrays: dict = with_canonical_keys(load_npz(path))  # Keras' x_train, y_train, ... read as X, y
    for name in ("X", "X_val"):
        seqs = unpack_ragged(arrays, name)
        if seqs is not None:
            arrays[name] = seqs
    for key in required:
        if key not in arrays:
            raise ValueError(f"{path} has no array {key!r} (it holds {sorted(arrays)}); save it with np.savez(path, X=..., y=...)")
    return arrays


def training_data(path, label: str | None, header: bool | None = None, sequence_id: str | None = None,
                  time: str | None = None, size: tuple[int, int] | None = None) -> tuple[dict, dict | None]:
    """``train``'s arrays, and for a CSV the table to keep beside the model (with whether it
    had a header, so that ``augment`` reads and writes its files alike); with ``sequence_id``, a
    long CSV's sequences and its columns (``"sequences"``), kept as :data:`SEQUENCES_FILE`; a
    folder's images at ``size`` (H, W), which is refused for any other data."""
    if size is not None and not Path(path).is_dir():
        raise ValueError(f"--image-size reads a folder of images, and {path} is not one")
    if sequence_id is not None:
        ds = long_csv(path, sequence_id, label, time)
        return {"X": list(ds.X), "y": ds.y}, {"sequences": {k: ds.meta[k] for k in ("id", "time", "channels", "label")}}
    if Path(path).is_dir():
        return image_folder(path, size), None
    if not is_csv(path):
        return load_arrays(path), None
    from .data import load_csv

    ds = load_csv(path, label=label, header=header)
    return {"X": ds.X, "y": ds.y}, {"label": ds.meta["label"], "encoder": ds.encoder.to_dict(),
                                    "header": ds.meta["header"]}


def long_csv(path, sequence_id: str, label: str | None, time: str | None, **kwargs):
    """A long CSV's :class:`~vaeaug.data.Dataset` of sequences; ``--sequence-id`` names a CSV's column
    (``kwargs``: :func:`~vaeaug.data.load_long_csv`'s ``channels`` and ``labelled``)."""
    if not is_csv(path):
        raise ValueError(f"--sequence-id names a column of a long CSV (a row per time step); {path} is not a .csv")
    from .data.longcsv import load_long_csv

    return load_long_csv(path, sequence_id, label, time, **kwargs)


def unlabeled_data(path, arrays: dict, table: dict | None):
    """``train --unlabeled``: samples without labels, read as the training data was: an .npz's X
    (or X_values and X_lengths), a CSV with the training table's columns (a label column is
    ignored), a long CSV with the training file's id, time and channel columns, or every image
    under a folder, at the training images' size and in their mode (grey or colour)."""
    if Path(path).is_dir():
        from .data import load_image_folder

        X = arrays["X"]
        return load_image_folder(path, tuple(np.shape(X)[-2:]), anywhere=True,
                                 mode=image_mode(np.shape(X)[1:], X.dtype)).X
    if is_csv(path) and table is not None and "sequences" in table:  # a long CSV read as train's, labels or not
        q = table["sequences"]
        return list(long_csv(path, q["id"], None, q["time"], channels=q["channels"], labelled=False).X)
    if is_csv(path):
        if table is None:
            raise ValueError(f"--unlabeled {path} is a CSV, but the training data is not a table: give it as an "
                             ".npz (X, or X_values and X_lengths for ragged sequences)")
        from .data import TableEncoder
        from .data.csvfiles import read_csv_with

        # the table as train keeps it, read as its file was
        return read_csv_with(path, TableEncoder.from_dict(table["encoder"]), None, table["header"])[0]
    return load_arrays(path, required=("X",))["X"]  # as train reads its own .npz or .ts


def keep_table(model, table: dict | None) -> None:
    """Write the table (or a long CSV's columns) beside a saved model, and remove an earlier
    model's other one (``save`` keeps other files)."""
    from .fileio import atomic_write_json

    long_ = None if table is None else table.get("sequences")
    for name, content in ((TABLE_FILE, None if long_ is not None else table), (SEQUENCES_FILE, long_)):
        p = Path(model) / name
        if content is not None:
            atomic_write_json(p, content)
        elif p.exists():
            p.unlink()


def image_folder(path, size: tuple[int, int] | None = None, mode: str | None = None) -> dict:
    """A folder of class sub-folders as X, y and each image's name (``names``): its file stem, with
    the folders below its class folder where it lies deeper (``batch1/a``, written there too);
    ``mode``: read in it (a model's, :func:`image_mode`), colour or grey as the folder holds them."""
    from collections import Counter

    from .data import load_image_folder

    ds = load_image_folder(path, size, mode=mode)
    files = [(str(label), Path(f).relative_to(Path(path) / str(label))) for f, label in zip(ds.extras["files"], ds.y)]
    twice = Counter((c, f.with_suffix("")) for c, f in files)  # a.png beside a.jpg: named by their whole names
    return {"X": ds.X, "y": ds.y, "names": np.array([f.as_posix() if twice[c, f.with_suffix("")] > 1
                                                     else f.with_suffix("").as_posix() for c, f in files])}


def frame_table(aug, path, label: str | None, header: bool | None) -> dict | None:
    """The table of a model fitted in Python on a DataFrame (``feature_names_in_``), for a CSV of
    the frame's columns: the model's encoder where the frame held categories, else one of the
    file's numbers; ``None`` for other models."""
    names = getattr(aug, "feature_names_in_", None)
    if names is None or aug.vae_.kind != "vector" or not is_csv(path):
        return None
    from .data.csvfiles import frame_columns_encoder

    encoder, label = frame_columns_encoder(path, [str(c) for c in names], aug._table(), label, header)
    return {"label": label, "encoder": encoder, "header": True if header is None else header}


def augment_data(path, model, out, label: str | None, sharded: bool, image_size: tuple[int, int] | None = None,
                 header: bool | None = None, classes=None, frame: dict | None = None,
                 mode: str | None = None) -> tuple[dict, dict | None]:
    """``augment``'s arrays, and the model's table where it was trained on a CSV; a CSV in or out
    needs that table (and a CSV out, one file rather than shards). A folder of images is read at
    the model's ``image_size`` (H, W) and ``mode`` (:func:`image_mode`); a CSV with a header row or
    without one as the training file was, unless ``header`` says, its labels among ``classes`` (the
    model's). ``frame``: the table of a model fitted in Python on a DataFrame (:func:`frame_table`)."""
    table, long_ = model_table(model) or frame, model_sequences(model)
    if long_ is not None:  # a long CSV of sequences in, and out
        if is_csv(out) and sharded:
            raise ValueError(f"--out {out}: a CSV is written whole, without --shard-size; write an .npz")
        if not is_csv(path):
            return load_arrays(path), {"sequences": long_}
        ds = long_csv(path, long_["id"], label or long_["label"], long_["time"], channels=long_["channels"])
        return {"X": list(ds.X), "y": ds.y, "names": np.array(ds.meta["ids"], dtype=object),
                "times": ds.meta["times"]}, {"sequences": long_}
    if table is None and is_csv(path):
        raise ValueError(f"{model} was trained on arrays, not on a CSV table or a DataFrame: give its --data as an .npz")
    if is_csv(out) and (table is None or sharded):
        raise ValueError(f"--out {out}: a CSV is written for a model trained on a CSV table, without "
                         "--shard-size; write an .npz")
    if Path(path).is_dir():
        if image_size is None:
            raise ValueError(f"--data {path} is a folder of images, but {model} was not trained on images")
        return image_folder(path, image_size, mode), None
    if not is_csv(path):
        return load_arrays(path), table
    from .data.csvfiles import read_csv_with

    if header is not None:
        table = {**table, "header": header}  # and written alike
    X, y, missing = read_csv_with(path, table["encoder"], label or table["label"], table["header"], classes,
                                  say_left_out=True, missing_cells=True)
    return {"X": X, "y": y, "missing": missing}, table


def write_samples(out, X_new, y_new, source, moved, table: dict | None, images: bool = False, names=None,
                  n_original: int = 0, times=None, missing: tuple[np.ndarray, str] | None = None) -> None:
    """The new samples: a CSV of the table's columns (numbers in range, categories valid), a folder
    of PNG images (``out/<label>/<source>-vae-<k>.png``; ``-moved-`` for the moved copies, the
    source's own name for the first ``n_original``), else an .npz with each sample's source row and
    whether it is a moved copy. ``names``: the inputs' file stems (default: their row numbers);
    ``times``: a long CSV's time stamps per input, each sample written at its source's; ``missing``:
    a CSV's missing cells per sample written (rows × columns) and the file's mark for them. A
    ``.ts`` out holds the sequences and their labels (UCR/UEA format)."""
    if images:
        from .data.images import write_image_folder

        write_image_folder(out, X_new, y_new, sample_names(names, source, moved, n_original))
        return
    if is_csv(out) and table is not None and "sequences" in table:  # a long CSV: a case per sample
        from .data.longcsv import write_long_csv

        write_long_csv(out, X_new, y_new, sample_names(names, source, moved, n_original), table["sequences"],
                       exact_rows=n_original, times=None if times is None else [times[s] for s in source])
        return
    if is_csv(out):
        from .data import write_csv

        write_csv(out, table["encoder"], X_new, y_new, label=table["label"], header=table["header"],
                  exact_rows=n_original, missing=missing)
        return
    if Path(out).suffix.lower() == ".ts":  # sequences in the UCR/UEA format: the series and their labels
        from .data.timeseries import write_ts

        write_ts(out, X_new, y_new)
        return
    from .fileio import pack_ragged, save_npz

    xs = pack_ragged("X", X_new) if isinstance(X_new, list) else {"X": X_new}  # ragged: X_values, X_lengths
    save_npz(out, **xs, y=y_new, source=source, moved=moved)


def sample_names(names, source, moved, n_original: int = 0) -> list[str]:
    """Each sample's file stem: the first ``n_original`` their source's own name, then
    ``<source>-vae-<k>`` and ``<source>-moved-<k>``, k counting per source and kind; ``names``
    ``None``: the sources' row numbers."""
    names = np.arange(int(np.max(source)) + 1 if len(source) else 0) if names is None else names
    seen: dict[tuple[int, bool], int] = {}
    stems = []
    for i, (s, m) in enumerate(zip(np.asarray(source).tolist(), np.asarray(moved).tolist(), strict=True)):
        if i < n_original:
            stems.append(str(names[s]))
            continue
        k = seen.get((s, m), 0)
        seen[(s, m)] = k + 1
        stems.append(f"{names[s]}-{'moved' if m else 'vae'}-{k}")
    return stems
