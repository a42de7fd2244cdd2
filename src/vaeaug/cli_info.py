"""``vaeaug info``: what a saved model is (its data, its VAE, its training) and what it makes by
default, and why, as data (``model_summary``) and as the lines the command prints."""

from __future__ import annotations

from pathlib import Path

import numpy as np

#: What ``train`` and ``info`` say of a model nothing watched (one sample a class: no validation set).
UNWATCHED = "no validation set (one sample a class): the last epoch's weights kept"


def model_summary(aug, model) -> dict:
    """What a saved model is and what it will make: its data, its VAE, its training and its choice."""
    import json

    from .cli_data import model_sequences, model_table
    from .persistence import CONFIG_FILE

    h, c = aug.history_, aug.vae_.config
    best, val_loss = h["best_epoch"], h.get("val_loss", [])  # the schema guarantees best_epoch alone
    table = model_table(model)
    written_by = json.loads((Path(model) / CONFIG_FILE).read_text("utf-8")).get("vaeaug_version")
    return {
        "model": str(model), "vaeaug_version": written_by, "kind": aug.vae_.kind,
        "input_shape": list(getattr(aug, "image_shape_", ()) or c.input_shape),
        "layout": getattr(aug, "layout_", None),
        # an image model's samples as given: (H, W) grey or (C, H, W), and their dtype
        "image": {"shape": list(aug.vae_.preprocessor.shape_), "dtype": np.dtype(aug.vae_.preprocessor.dtype_).name}
        if aug.vae_.kind == "image" and not getattr(aug, "image_shape_", ()) else None,
        "classes": [str(v) for v in aug.classes_],
        "csv_label": table["label"] if table else None,
        "csv_columns": list(table["encoder"].columns_) if table else None,
        "csv_features": len(table["encoder"].feature_names) if table else None,
        "csv_header": table["header"] if table else None,
        "csv_times": {c: t[0] for c, t in zip(table["encoder"].columns_, table["encoder"].times_) if t} if table else None,
        "csv_sequences": model_sequences(model),
        # fitted in Python on a DataFrame: its columns, and those encoded as categories or times
        "frame_columns": None if table or getattr(aug, "feature_names_in_", None) is None
        else [str(n) for n in aug.feature_names_in_],
        "frame_encoded": list(aug._table().encoded_columns) if aug._table() is not None else [],
        "vae": {"architecture": c.architecture, "latent_dim": c.latent_dim, "hidden_sizes": list(c.hidden_sizes),
                "conditional": c.n_classes > 0},
        "training": {"epochs": len(h.get("train_loss", [])), "best_epoch": best + 1,
                     "best_val_loss": val_loss[best] if best < len(val_loss) else float("nan"),
                     "stopped_early": bool(h.get("stopped_early")), "collapsed": bool(aug.collapsed_),
                     "watched": bool(val_loss)},  # no validation set: one sample a class
        "generates": {"method": aug.method_, "strength": aug.strength_.get(aug.method_),
                      "decoding": aug.decoding_.get(aug.method_), "n_per_sample": aug.n_per_sample_,
                      "compose": aug.compose_},
        "reason": aug.selection_.get("reason"),
        "missing_cells": _missing_cells(aug, table),
    }


def _missing_cells(aug, table: dict | None) -> str | None:
    """How a model reads a missing cell (:mod:`vaeaug.missing`): ``"pictures"`` (a table of pixels,
    whose offspring are whole), ``"table"`` (offspring miss their source's cells), ``"csv"`` (a
    CSV's mark, filled as the file is read, and the rows written miss their source's), or ``None``:
    images and sequences refuse one."""
    if table:
        return "pictures" if getattr(aug, "image_shape_", ()) else "csv"
    if getattr(aug, "missing_fill_", None) is not None:
        return "pictures" if getattr(aug, "image_shape_", ()) else "table"
    return "table" if aug._table() is not None else None


def _images(shape: list[int], dtype: str, layout: str | None) -> str:
    """An image model's samples in words: "grey images of 8×8 pixels (uint8)", "RGB images ...",
    with the array layout where it is not the plain one."""
    *c, h, w = shape
    channels = c[0] if c else 0
    kind = {0: "grey", 1: "grey", 3: "RGB"}.get(channels, f"{channels}-channel")
    form = ("(N, H, W, C)" if layout == "channels_last" else f"(N, {channels}, H, W)" if channels == 1
            else "")
    return f"{kind} images of {h}×{w} pixels ({dtype}{', ' + form if form else ''})"


def describe(s: dict) -> list[str]:
    """The summary as the lines ``vaeaug info`` prints."""
    g, t, v = s["generates"], s["training"], s["vae"]
    shape = tuple(s["input_shape"])
    columns = s["csv_columns"]
    if columns:
        from .data.times import UNIT_NAMES

        times = s.get("csv_times") or {}
        named = ", ".join(f"{c} ({UNIT_NAMES[times[c]]})" if c in times else c for c in columns[:6])
        # the model may read the encoded row as a picture (a table of pixels) or as one channel's steps
        read = (f", read as {'×'.join(map(str, shape))} pictures" if s["kind"] == "image" else
                f", read as the steps of one channel, resampled to {shape[1]} in the model"
                if s["kind"] == "sequence" else "")
        what = (f"a CSV table of {len(columns)} columns ({named}{', ...' if len(columns) > 6 else ''}; "
                f"{s.get('csv_features') or shape[0]} features encoded{read}), labelled by {s['csv_label']!r}"
                + ("; no header row: columns named by place" if s.get("csv_header") is False else ""))
    elif s.get("frame_columns"):
        cols = s["frame_columns"]
        coded = f"; {', '.join(s['frame_encoded'][:6])} encoded, {shape[0]} features in all" if s["frame_encoded"] else ""
        what = (f"a DataFrame of {len(cols)} columns ({', '.join(cols[:6])}{', ...' if len(cols) > 6 else ''}{coded}), "
                "fitted in Python; augment reads a CSV of these columns")
    elif s.get("csv_sequences"):
        q = s["csv_sequences"]
        order = f"ordered by {q['time']!r}" if q["time"] else "in row order"
        named = ", ".join(q["channels"][:6]) + (", ..." if len(q["channels"]) > 6 else "")
        what = (f"sequences from a long CSV, a row per step: cases by {q['id']!r}, steps {order}, {shape[0]} "
                f"channels ({named}), labelled by {q['label']!r}; resampled to {shape[1]} steps in the model")
    elif s["kind"] == "sequence":
        what = f"sequences of {shape[0]} channels, resampled to {shape[1]} steps in the model"
    elif s.get("image"):
        what = _images(s["image"]["shape"], s["image"]["dtype"], s.get("layout"))
    else:
        what = (f"images of shape {shape[1:] + shape[:1]}, channels last" if s.get("layout") == "channels_last"
                else f"{s['kind']}s of shape {shape}")
    classes = ", ".join(s["classes"][:8]) + (", ..." if len(s["classes"]) > 8 else "")
    moves = "" if g["compose"] == "none" else f", then {g['n_per_sample']} {g['compose'].replace('_', ' ')} copies"
    lines = [
        f"{s['model']}: a vaeaug {s['vaeaug_version']} model; its checksums match",
        f"  data      {what}; {len(s['classes'])} classes ({classes})",
        f"  VAE       {v['architecture']}, latent {v['latent_dim']}, hidden {tuple(v['hidden_sizes'])}"
        + (", conditioned on the class" if v["conditional"] else ""),
        f"  training  {t['epochs']} epochs, "
        + (f"best validation loss {t['best_val_loss']:.4f} at epoch {t['best_epoch']}" if t.get("watched", True)
           else UNWATCHED)
        + (" (stopped early)" if t["stopped_early"] else "")
        + ("; its codes collapsed: every method decodes a class to near its prototype" if t["collapsed"] else ""),
        f"  augment   {g['method']} (σ/λ {g['strength']}, {g['decoding']} decoding), {g['n_per_sample']} per sample"
        + moves,
    ]
    read = s.get("missing_cells")
    if read:
        how = ("a CSV's missing mark is read at its column's median (or most frequent value)" if columns
               else "a cell (NaN) is read at its feature's training median")
        made = {"pictures": "the offspring are whole pictures",
                "csv": "each row written misses its source's cells"}.get(read, "the offspring miss their source's cells")
        lines.append(f"  missing   {how}, and {made}")
    return lines + ([f"  why       {s['reason']}"] if s["reason"] else [])
