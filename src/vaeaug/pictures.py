"""Pictures as PIL holds them, read as viewers show them: the one reading that image folders
(:func:`~vaeaug.data.load_image_folder`) and lists of PIL images given to the estimator share,
and the way back to PIL images."""

from __future__ import annotations

import sys
from collections import Counter

import numpy as np

#: PIL modes of grey images, and of those deeper than 8 bits, which converting to "L" would clip at 255.
GREY_MODES = ("L", "1", "I", "I;16", "I;16B", "I;16L", "F", "LA")
DEEP_MODES = ("I", "I;16", "I;16B", "I;16L", "F")


def as_shown(im):
    """An image as viewers show it (a copy): turned as its EXIF orientation says (phones store
    portrait photos as landscape pixels and a tag), and transparency over white, in a mode without
    alpha: converting drops alpha and keeps the colour hidden under it, often black, and black
    strokes drawn on a transparent canvas then vanish into a black picture."""
    from PIL import Image, ImageOps

    im = ImageOps.exif_transpose(im)
    if im.mode in DEEP_MODES or (im.mode not in ("RGBA", "RGBa", "LA", "La", "PA") and "transparency" not in im.info):
        return im
    grey = not is_colour(im)  # judged before alpha is dropped: LA is grey, a palette by its colours
    rgba = im.convert("RGBA")
    flat = Image.alpha_composite(Image.new("RGBA", rgba.size, (255, 255, 255, 255)), rgba).convert("RGB")
    return flat.convert("L") if grey else flat


def is_colour(im) -> bool:
    """Whether an image holds colour: not a grey mode, and for a palette (GIF), a colour in use."""
    if im.mode in GREY_MODES:
        return False
    if im.mode in ("P", "PA"):  # palette images are often grey (GIF): judged by their pixels
        a = np.asarray(im.convert("RGB"))
        return bool((a[..., 0] != a[..., 1]).any() or (a[..., 1] != a[..., 2]).any())
    return True


def pixels(im, mode: str, size: tuple[int, int]) -> np.ndarray:
    """One image as an array in the set's ``mode`` at ``size`` (W, H): RGB (3, H, W) and L (H, W)
    bytes; grey images deeper than 8 bits resized as 32-bit floats, then uint16 ("I;16") or float32 ("F")."""
    from PIL import Image

    if mode in ("RGB", "L"):
        im = im.convert(mode)
        if im.size != size:
            im = im.resize(size, Image.Resampling.BILINEAR)
        a = np.asarray(im, dtype=np.uint8)
        return a.transpose(2, 0, 1) if mode == "RGB" else a
    scale = 257.0 if im.mode in ("L", "1", "LA") else 1.0  # an 8-bit image among 16-bit ones: white stays white
    im = im.convert("L").convert("F") if im.mode in ("1", "LA") else im.convert("F")
    if im.size != size:
        im = im.resize(size, Image.Resampling.BILINEAR)
    a = np.asarray(im, dtype=np.float32) * scale
    return a if mode == "F" else np.clip(np.rint(a), 0, 65535).astype(np.uint16)


def common_size(images) -> tuple[int, int]:
    """The most common (H, W) among PIL images."""
    w, h = Counter(im.size for im in images).most_common(1)[0][0]
    return h, w


def mode_of(images) -> str:
    """The one mode a set of PIL images loads in: RGB if any holds colour, else grey bytes ("L"),
    or deeper grey ("I;16", "F" where any holds floats) where any is deeper than 8 bits."""
    if any(is_colour(im) for im in images):
        return "RGB"
    if not any(im.mode in DEEP_MODES for im in images):
        return "L"
    return "F" if any(im.mode == "F" for im in images) else "I;16"


def is_picture(x) -> bool:
    """Whether ``x`` is a PIL image (none can be before PIL is imported)."""
    Image = sys.modules.get("PIL.Image")
    return Image is not None and isinstance(x, Image.Image)


def is_picture_list(X) -> bool:
    """Whether ``X`` is a list (or tuple) of PIL images, as torchvision's datasets give them."""
    return isinstance(X, (list, tuple)) and len(X) > 0 and all(is_picture(x) for x in X)


def picture_array(images, shape: tuple[int, ...] | None = None, dtype=None, name: str = "X") -> np.ndarray:
    """PIL images as one array, read as :func:`~vaeaug.data.load_image_folder` reads files (as
    viewers show them, in one mode, at one size): by default at their most common size, (N, 3, H,
    W) bytes if any holds colour, else (N, H, W) grey; ``shape`` and ``dtype``: a model's sample
    shape, (H, W) or (C, H, W), and dtype, which the images are brought to (another model's
    pictures); ``name``: the argument, for the message naming an image PIL cannot read."""
    shown = [_shown(im, f"{name}[{i}]") for i, im in enumerate(images)]
    if shape is None:
        return stack(shown)[0]
    dtype = np.dtype(dtype)
    colour = len(shape) == 3 and shape[0] == 3
    mode = "RGB" if colour else "L" if dtype == np.uint8 else "I;16" if dtype == np.uint16 else "F"
    X = stack(shown, shape[-2:], mode)[0]
    return X[:, None] if len(shape) == 3 and not colour else X


def stack(shown: list, size: tuple[int, int] | None = None,
          mode: str | None = None) -> tuple[np.ndarray, str, tuple[int, int]]:
    """Images as shown (:func:`as_shown`) as one array, with the mode and (H, W) they were read
    at: by default their most common size and the one mode they share (:func:`mode_of`)."""
    h, w = common_size(shown) if size is None else size
    mode = mode_of(shown) if mode is None else mode
    return np.stack([pixels(im, mode, (w, h)) for im in shown]), mode, (h, w)


def _shown(im, where: str):
    """``im`` loaded and as shown (:func:`as_shown`); a file PIL cannot read (truncated, say: images
    from ``Image.open`` load lazily) is named by its place in the caller's list."""
    try:
        im.load()
        return as_shown(im)
    except OSError as e:
        raise ValueError(f"{where} cannot be read as an image ({e}): mend or drop its file") from None


def pictures(X: np.ndarray) -> list:
    """Images (N, H, W) or (N, C, H, W) as a list of PIL images, the form they came in."""
    from PIL import Image

    return [Image.fromarray(picture(x)) for x in X]


def picture(x: np.ndarray) -> np.ndarray:
    """One image (H, W) or (C, H, W) as PIL holds pictures: (H, W) grey or (H, W, 3)."""
    return np.ascontiguousarray(x if x.ndim == 2 else x[0] if len(x) == 1 else x.transpose(1, 2, 0))
