"""What ``vaeaug train`` and ``augment`` read and write: .npz arrays, .ts series, and CSV tables,
whose encoder (label column, categories, ranges) is kept beside the model as JSON so that
``augment`` reads the same columns and writes new rows of them."""

from __future__ import annotations

from pathlib import Path

#: Beside a model trained on a CSV table: its label column and the encoder of its columns (JSON).
TABLE_FILE = "table.json"


def is_csv(path) -> bool:
    return str(path).lower().endswith(".csv")


def model_table(model) -> dict | None:
    """The table a model was trained on (label column, :class:`~vaeaug.data.TableEncoder`), if a CSV."""
    import json

    from .data import TableEncoder

    p = Path(model) / TABLE_FILE
    if not p.is_file():
        return None
    try:
        d = json.loads(p.read_text("utf-8"))
        return {"label": str(d["label"]), "encoder": TableEncoder.from_dict(d["encoder"])}
    except (ValueError, KeyError, TypeError) as e:
        raise ValueError(f"{p} is damaged ({e}); retrain the model from its CSV") from None


def load_arrays(path: str) -> dict:
    """X and y (optionally X_val, y_val) from an .npz, where ragged sequences are stored as
    X_values and X_lengths (:func:`~vaeaug.fileio.pack_ragged`), or from a .ts file."""
    from .fileio import load_npz, unpack_ragged

    if str(path).endswith(".ts"):
        from .data.timeseries import load_ts

        ds = load_ts(path)
        return {"X": list(ds.X), "y": ds.y}
    if not str(path).endswith(".npz"):
        raise ValueError(f"{path}: train and augment read .csv tables, .npz files with arrays X and y "
                         "(np.savez(path, X=..., y=...)) or .ts files")

    arrays: dict = load_npz(path)
    for name in ("X", "X_val"):
        seqs = unpack_ragged(arrays, name)
        if seqs is not None:
            arrays[name] = seqs
    for key in ("X", "y"):
        if key not in arrays:
            raise ValueError(f"{path} has no array {key!r} (it holds {sorted(arrays)}); save it with np.savez(path, X=..., y=...)")
    return arrays


def training_data(path, label: str | None) -> tuple[dict, dict | None]:
    """``train``'s arrays, and for a CSV the table to keep beside the model."""
    if not is_csv(path):
        return load_arrays(path), None
    from .data import load_csv

    ds = load_csv(path, label=label)
    return {"X": ds.X, "y": ds.y}, {"label": ds.meta["label"], "encoder": ds.encoder.to_dict()}


def keep_table(model, table: dict | None) -> None:
    """Write the table beside a saved model, or remove an earlier model's (``save`` keeps other files)."""
    from .fileio import atomic_write_json

    p = Path(model) / TABLE_FILE
    if table is not None:
        atomic_write_json(p, table)
    elif p.exists():
        p.unlink()


def augment_data(path, model, out, label: str | None, sharded: bool) -> tuple[dict, dict | None]:
    """``augment``'s arrays, and the model's table where it was trained on a CSV; a CSV in or out
    needs that table (and a CSV out, one file rather than shards)."""
    table = model_table(model)
    if table is None and is_csv(path):
        raise ValueError(f"{model} was trained on arrays, not on a CSV table: give its --data as an .npz")
    if is_csv(out) and (table is None or sharded):
        raise ValueError(f"--out {out}: a CSV is written for a model trained on a CSV table, without "
                         "--shard-size; write an .npz")
    if not is_csv(path):
        return load_arrays(path), table
    from .data.tabular import read_csv_with

    X, y = read_csv_with(path, table["encoder"], label or table["label"])
    return {"X": X, "y": y}, table


def write_samples(out, X_new, y_new, source, moved, table: dict | None) -> None:
    """The new samples: a CSV of the table's columns (numbers in range, categories valid), else an
    .npz with each sample's source row and whether it is a moved copy."""
    if is_csv(out):
        from .data import write_csv

        write_csv(out, table["encoder"], X_new, y_new, label=table["label"])
        return
    from .fileio import pack_ragged, save_npz

    xs = pack_ragged("X", X_new) if isinstance(X_new, list) else {"X": X_new}  # ragged: X_values, X_lengths
    save_npz(out, **xs, y=y_new, source=source, moved=moved)
