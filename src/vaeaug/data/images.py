"""Images from a folder of class sub-folders (PNG/JPEG)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np

from ..pictures import as_shown, picture, stack
from .dataset import DataFormatError, Dataset

#: Beside the class folders that ``write_image_folder`` writes: what they hold, and that vaeaug wrote them.
IMAGES_MANIFEST = "images.json"
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp"}


def load_image_folder(path: str | Path, size: tuple[int, int] | int | None = None, anywhere: bool = False,
                      mode: str | None = None) -> Dataset:
    """``path/<class>/<image>`` → an image :class:`Dataset`, labels from the sub-folder names,
    each class's images at any depth below its folder (as torchvision's ``ImageFolder`` reads
    them); ``anywhere``: every image under ``path`` (unlabeled data: labels are the folders they
    lie in). Hidden files and folders (``.DS_Store``, macOS's ``._x.png``, ``.ipynb_checkpoints``)
    are passed over.

    Images are read as viewers show them: turned upright by their EXIF orientation (phone photos),
    transparent pixels over white (black strokes on a transparent canvas stay black on white).
    Images of other sizes are resized (bilinear, aspect not kept) to ``size`` — by default the
    most common size in the folder. All-grey folders load as (N, H, W) uint8; if any image has
    colour, all load as (N, 3, H, W) RGB. Grey images of more than 8 bits (16-bit PNG or TIFF,
    as scanners and microscopes write them) keep their depth: (N, H, W) uint16, 8-bit ones among
    them scaled by 257, or float32 where any holds floats. ``mode``: read them in this one instead
    (``meta["mode"]`` of another folder: "L", "RGB", "I;16" or "F"), as a test set is read as its
    training set was.
    """
    from PIL import Image, UnidentifiedImageError

    root = Path(path)
    if not root.is_dir():
        raise FileNotFoundError(f"no such folder: {root}")
    if anywhere:
        files = sorted((f.parent.name, f) for f in _images_under(root))
    else:
        classes = {d.name: _images_under(d) for d in root.iterdir() if d.is_dir() and not d.name.startswith(".")}
        _refuse_split_folders(root, classes)
        _say_one_wrapping_folder(root, classes)
        empty = sorted(name for name, found in classes.items() if not found)
        if empty and len(empty) < len(classes):  # a class without images would vanish: said, as ImageFolder does
            raise DataFormatError(f"class folder(s) {empty[:5]} hold no images ({', '.join(sorted(IMAGE_SUFFIXES))}): "
                                  "add their images, or move the folders out", str(root))
        files = sorted((name, f) for name, found in classes.items() for f in found)
    if not files:
        from .textfiles import is_text_table

        tables = sorted(f for f in root.rglob("*") if f.is_file() and is_text_table(f))
        recordings = (f"; it holds {len(tables)} text table(s), such as {tables[0].relative_to(root).as_posix()}: "
                      "a recording a file is read in Python as a list of frames, [pd.read_csv(f) for f in files], "
                      "or on the command line as one long CSV with a column naming each file's rows "
                      "(--sequence-id COLUMN)") if tables else ""
        raise DataFormatError("no images found: expected " + ("PNG/JPEG files" if anywhere else
                              "one sub-folder per class holding PNG/JPEG files") + recordings, str(root))
    images, labels = [], []
    for label, f in files:
        try:
            with Image.open(f) as im:
                im.load()
                images.append(as_shown(im))
        except (UnidentifiedImageError, OSError) as e:
            raise DataFormatError(f"cannot read image ({e})", str(f)) from None
        labels.append(label)
    X, mode, (h, w) = stack(images, (size, size) if isinstance(size, int) else size, mode)
    meta = {"source": str(root), "resized_to": [h, w], "mode": mode}
    return Dataset(name=root.name, X=X, y=np.array(labels), kind="image", meta=meta,
                   extras={"files": [str(f) for _, f in files]})


def image_mode(shape: tuple[int, ...], dtype) -> str | None:
    """The mode a folder's images are read in to match images of one ``shape`` ((H, W) or (C, H, W))
    and ``dtype``, as :func:`load_image_folder` reads them: grey bytes "L", "RGB",
    16-bit "I;16", float "F"; ``None`` for others (a folder cannot give them)."""
    dtype, grey = np.dtype(dtype), len(shape) == 2 or (len(shape) == 3 and shape[0] == 1)
    if dtype == np.uint8:
        return "L" if grey else "RGB" if len(shape) == 3 and shape[0] == 3 else None
    return {np.dtype(np.uint16): "I;16", np.dtype(np.float32): "F"}.get(dtype) if grey else None


#: Folder names that hold a data set's parts, not its classes (``data/train/<class>/``, ``data/test/<class>/``).
SPLIT_FOLDERS = {"train", "training", "test", "testing", "val", "valid", "validation", "dev"}


def _refuse_split_folders(root: Path, classes: dict[str, list[Path]]) -> None:
    """Refuse a folder whose sub-folders are a data set's parts (train/, test/), each of class
    folders: read as classes, "train" against "test" would be learnt, without a word."""
    parts = [name for name in classes if name.lower() in SPLIT_FOLDERS]
    if len(parts) < 2 or len(parts) < len(classes):
        return
    nested = [name for name in parts if any(d.is_dir() and not d.name.startswith(".") for d in (root / name).iterdir())]
    if len(nested) == len(parts):
        train = next((n for n in parts if n.lower() in ("train", "training")), parts[0])
        test = next((n for n in parts if n.lower() in ("test", "testing")), None)
        hint = f"--data {root / train}" + (f" (and to the experiment --test {root / test})" if test else "")
        raise DataFormatError(f"its sub-folders {sorted(parts)} are the data set's parts, each of class folders, not "
                              f"its classes: give the parts apart, {hint}; in Python, load_image_folder of each",
                              str(root))


def _say_one_wrapping_folder(root: Path, classes: dict[str, list[Path]]) -> None:
    """Warn where the one class folder holds its images in several sub-folders and none beside
    them: most likely a folder around the class folders (``data/images/<class>/``), read as one
    class; a class of batches reads so too, hence a word, not a refusal."""
    if len(classes) != 1:
        return
    (name, files), = classes.items()
    parents = {f.relative_to(root / name).parts[0] for f in files}
    if len(parents) > 1 and all((root / name / p).is_dir() for p in parents):
        from ..errors import warn_caller

        warn_caller(f"{root}: its one class folder, {name!r}, holds its images in {len(parents)} sub-folders "
                    f"({', '.join(sorted(parents)[:4])}{', ...' if len(parents) > 4 else ''}): if these are the "
                    f"classes, give --data {root / name}", UserWarning)


def _images_under(folder: Path) -> list[Path]:
    """The image files at any depth below ``folder``, in path order, none hidden or in a hidden folder."""
    return sorted(f for f in folder.rglob("*") if f.suffix.lower() in IMAGE_SUFFIXES and f.is_file()
                  and not any(part.startswith(".") for part in f.relative_to(folder).parts))


def write_image_folder(path: str | Path, X: np.ndarray, y, names) -> int:
    """Write images ``X`` ((N, H, W) grey or (N, 3, H, W) RGB, or channels last, bytes; grey also
    uint16, as 16-bit PNG) as ``path/<label>/<name>.png``, the layout :func:`load_image_folder`
    reads, replacing an earlier folder whole; returns N. ``names`` (N,) are file stems, unique per
    label; a name's ``/`` makes sub-folders (``batch1/a``), as the images it was made from lay."""
    from PIL import Image

    from ..fileio import atomic_write_json, folder_in_place
    from ..forms import channels_first
    from ..validation import is_channels_last

    X = np.asarray(X)
    if is_channels_last(X) and X.shape[3] in (1, 3):  # (N, H, W, C), as Keras holds them: written alike
        X = channels_first(X)
    grey16 = X.dtype == np.uint16 and (X.ndim == 3 or (X.ndim == 4 and X.shape[1] == 1))
    if not grey16 and (X.dtype != np.uint8 or not (X.ndim == 3 or (X.ndim == 4 and X.shape[1] in (1, 3)))):
        raise ValueError(f"an image folder holds (N, H, W) or (N, 3, H, W) bytes, or (N, H, W) uint16, got {X.dtype} "
                         f"of shape {X.shape}: write an .npz")
    check_label_folders(y)
    files = [_image_file(label, name) for label, name in zip(y, names, strict=True)]
    twice = next((f for f, n in Counter(files).items() if n > 1), None)
    if twice is not None:  # one image would overwrite another: refused before anything is written
        raise ValueError(f"two images would be written to {twice.as_posix()}: give each a name of its own per label")
    with folder_in_place(path, marker=IMAGES_MANIFEST) as tmp:
        for x, file in zip(X, files):
            (tmp / file).parent.mkdir(parents=True, exist_ok=True)
            Image.fromarray(picture(x)).save(tmp / file)
        if len(X):  # marks the folder as written here: a rerun may replace it, and nothing else is
            atomic_write_json(tmp / IMAGES_MANIFEST, {"written_by": "vaeaug", "samples": len(X),
                                                      "labels": sorted({_safe_name(str(v)) for v in y})})
    return len(X)


def check_label_folders(labels) -> None:
    """Refuse labels that would share one class folder (``'a/b'`` and ``'a_b'``, ``''`` and ``'..'``):
    their images would read back as one class."""
    folders: dict[str, set[str]] = {}
    for label in {str(v) for v in labels}:
        folders.setdefault(_safe_name(label), set()).add(label)
    shared = next(((f, sorted(ls)) for f, ls in sorted(folders.items()) if len(ls) > 1), None)
    if shared is not None:
        raise ValueError(f"labels {', '.join(map(repr, shared[1]))} would share the class folder {shared[0]!r} (a "
                         "folder name holds no '/', '\\', ':' or leading '.'): rename them, or write an .npz")


def _image_file(label, name) -> Path:
    """A sample's file below the folder: its label's folder, then the folders its name gives."""
    parts = [_safe_name(part) for part in str(name).split("/") if part] or ["_"]
    return Path(_safe_name(str(label)), *parts[:-1], parts[-1] + ".png")


def _safe_name(text: str) -> str:
    """A label or stem as one file name: no path separators, no leading dot."""
    name = "".join("_" if c in '/\\\0:' else c for c in text).lstrip(".")
    return name or "_"
