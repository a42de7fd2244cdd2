"""Images from a folder of class sub-folders (PNG/JPEG)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np

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
