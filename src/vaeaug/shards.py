"""Shard sets: millions of synthetic samples as ``part-NNNNN.npz`` files plus a ``manifest.json``.

A set is written into a fresh temporary folder beside its target and renamed into place only
once complete, so a killed run leaves the earlier set (or none) and never a mix; the manifest
lists every part with its sha256 and sample count, with the model's checksum and the generation
settings, and :func:`verify` checks a set against it.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy as np

from .fileio import atomic_write_json, folder_in_place, save_npz, sha256_file

MANIFEST = "manifest.json"


def _pack(chunks: Iterable[tuple[np.ndarray, np.ndarray]], shard_size: int):
    """Chunks regrouped into shards of exactly ``shard_size`` samples (the last may be short),
    through one preallocated buffer: memory is one shard plus one chunk, whatever the total."""
    buf_X = buf_y = None
    fill = 0
    for Xc, yc in chunks:
        if buf_X is None:
            buf_X = np.empty((shard_size, *Xc.shape[1:]), dtype=Xc.dtype)
            buf_y = np.empty(shard_size, dtype=yc.dtype)
        s = 0
        while s < len(Xc):
            take = min(len(Xc) - s, shard_size - fill)
            buf_X[fill : fill + take], buf_y[fill : fill + take] = Xc[s : s + take], yc[s : s + take]
            fill, s = fill + take, s + take
            if fill == shard_size:
                yield buf_X, buf_y
                fill = 0
    if fill:
        yield buf_X[:fill], buf_y[:fill]


def write_shards(chunks: Iterable[tuple[np.ndarray, np.ndarray]], out: str | Path, shard_size: int,
                 meta: dict) -> dict:
    """Write ``chunks`` as a shard set at ``out`` (a folder), replacing an earlier set whole;
    returns the manifest. Nothing is left at ``out`` or beside it if no sample comes."""
    with folder_in_place(out, marker=MANIFEST) as tmp:  # nothing written, no set: the folder stays as it was
        parts = []
        for Xs, ys in _pack(chunks, shard_size):
            name = f"part-{len(parts):05d}.npz"
            save_npz(tmp / name, X=Xs, y=ys)
            parts.append({"file": name, "samples": int(len(Xs)), "sha256": sha256_file(tmp / name)})
        manifest = {**meta, "samples": sum(p["samples"] for p in parts), "shards": parts}
        if parts:
            atomic_write_json(tmp / MANIFEST, manifest)
    return manifest


def verify(folder: str | Path) -> dict:
    """Check a shard set against its manifest: every listed part present with its checksum and
    count, and no part the manifest does not list. Returns the manifest; raises ``ValueError``."""
    import json

    folder = Path(folder)
    try:
        manifest = json.loads((folder / MANIFEST).read_text("utf-8"))
    except (OSError, ValueError) as e:
        raise ValueError(f"{folder} is not a complete shard set: {MANIFEST} is missing or damaged ({e})") from None
    listed = {p["file"] for p in manifest.get("shards", [])}
    extra = sorted(p.name for p in folder.glob("part-*.npz") if p.name not in listed)
    if extra:
        raise ValueError(f"{folder} holds parts its manifest does not list: {extra[:5]}")
    for p in manifest["shards"]:
        f = folder / p["file"]
        if not f.is_file() or sha256_file(f) != p["sha256"]:
            raise ValueError(f"{f} is missing or does not match its checksum in {MANIFEST}")
    return manifest
