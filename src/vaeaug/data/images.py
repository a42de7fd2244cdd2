"""Images from a folder of class sub-folders (PNG/JPEG) or from an ``.npz`` holding ``X`` and ``y``."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np

from ..fileio import load_npz
from .dataset import DataFormatError, Dataset

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp"}


def load_image_folder(path: str | Path, size: tuple[int, int] | int | None = None) -> Dataset:
    """``path/<class>/<image>`` → an image :class:`Dataset`, labels from the sub-folder names.

    Images of other sizes are resized (bilinear, aspect not kept) to ``size`` — by default the
    most common size in the folder. All-grey folders load as (N, H, W) uint8; if any image has
    colour, all load as (N, 3, H, W) RGB.
    """
    from PIL import Image, UnidentifiedImageError

    root = Path(path)
    if not root.is_dir():
        raise FileNotFoundError(f"no such folder: {root}")
    files = sorted((d.name, f) for d in root.iterdir() if d.is_dir()
                   for f in sorted(d.iterdir()) if f.suffix.lower() in IMAGE_SUFFIXES)
    if not files:
        raise DataFormatError("no images found: expected one sub-folder per class holding PNG/JPEG files", str(root))
    images, labels = [], []
    for label, f in files:
        try:
            with Image.open(f) as im:
                im.load()
                images.append(im.copy())
        except (UnidentifiedImageError, OSError) as e:
            raise DataFormatError(f"cannot read image ({e})", str(f)) from None
        labels.append(label)
    if size is None:
        w, h = Counter(im.size for im in images).most_common(1)[0][0]
    else:
        w, h = (size, size) if isinstance(size, int) else (size[1], size[0])
    colour = any(im.mode not in ("L", "1", "I", "I;16", "F", "LA") for im in images)
    mode = "RGB" if colour else "L"
    arrs = []
    for im in images:
        im = im.convert(mode)
        if im.size != (w, h):
            im = im.resize((w, h), Image.Resampling.BILINEAR)
        a = np.asarray(im, dtype=np.uint8)
        arrs.append(a.transpose(2, 0, 1) if colour else a)
    meta = {"source": str(root), "resized_to": [h, w], "mode": mode}
    return Dataset(name=root.name, X=np.stack(arrs), y=np.array(labels), kind="image", meta=meta,
                   extras={"files": [str(f) for _, f in files]})


def load_npz_dataset(path: str | Path) -> Dataset:
    """An ``.npz`` with ``X`` (N, ...) and ``y`` (N,); optional ``X_val``/``y_val``, ``X_test``/``y_test``
    fix those parts of the split (a missing part is carved from ``X`` alone). Loaded without pickle."""
    path = Path(path)
    a = load_npz(path)
    if "X" not in a or "y" not in a:
        raise DataFormatError(f"needs arrays 'X' and 'y', has {sorted(a)}", str(path))
    parts = [("train", a["X"], a["y"])]
    for k in ("val", "test"):
        if f"X_{k}" in a:
            if f"y_{k}" not in a:
                raise DataFormatError(f"has X_{k} but no y_{k}", str(path))
            parts.append((k, a[f"X_{k}"], a[f"y_{k}"]))
    X = np.concatenate([p[1] for p in parts])
    y = np.concatenate([p[2] for p in parts])
    split = None
    if len(parts) > 1:  # a part the user gave is kept as given; the missing one is carved from training
        n = np.cumsum([0] + [len(p[1]) for p in parts])
        split = {p[0]: np.arange(n[i], n[i + 1]) for i, p in enumerate(parts)}
    kind = "vector" if X.ndim == 2 else "image"
    return Dataset(name=path.stem, X=X, y=y, kind=kind, split=split, meta={"source": str(path)})
