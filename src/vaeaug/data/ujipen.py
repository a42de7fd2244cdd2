"""UJI Pen Characters (Llorens et al., LREC 2008; UCI, CC BY 4.0): parse, render, split, download.

- Version 1: 11 UNIPEN files ``UJIpenchars-w01`` … ``w11`` (one per writer), 1,364 characters,
  62 labels (a–z, A–Z, 0–9); the header also defines a 35-class case-folded grouping.
- Version 2: ``ujipenchars2.txt`` (``WORD a trn_UJI_W01-01`` / ``NUMSTROKES n`` /
  ``POINTS k # x y …``), 11,640 characters, 60 writers, 97 classes — the data set of Jorge et
  al. (2018). Writers W01–W11 of v2 are the v1 writers, with identical strokes.

Characters are rendered from their strokes to ``size × size`` grey images (white ink on black),
aspect ratio kept, centred. Splits keep whole writers apart (see :func:`writer_split`).
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..sequences import object_array
from .dataset import DataFormatError, Dataset
from .download import fetch
from .trajectories import strokes_to_trajectory

V1_URL = "https://archive.ics.uci.edu/ml/machine-learning-databases/uji-penchars/version1/UJIpenchars-w{:02d}"
V1_SHA256 = {
    1: "fdbaac66233c05fbf685a977807ec7555a8753d9c20702b40ac99f3e1fb635f6",
    2: "d576a82ec0ddd72456051437cd5818e357e00df6f224a78236a10348d1ee9cbd",
    3: "f4f8ce957dac7f67cda197f2bfa2ef8e8cb7ce8bdfd1f6a298d0f0f9f580e1cc",
    4: "ff40fe0cfa9b0a1bd5a23971978f71b0b5f212d2bce1662551c651f597996256",
    5: "6aacaad8bc19efec531ef8cb9cbf93deac4ddc6547a7177f5004bf7430b2e6c7",
    6: "3a96f361394cb208ac6182bb9c513edca42332473fe71fda8aeb4ebe4ab7e6be",
    7: "e1e42923f74924b70455803741596bd5e387e60c1e111ff289bc2606bd82f855",
    8: "b06b620c24df8e25179dac8e65b812086891d0909e767f37e0b0218a8a2f7528",
    9: "7d7c0d6a77f66f26820605a679adb27e4eeafc93a42f454d9ec1bb50bb381d21",
    10: "84fbc105f23a11dd5edb819af883be76b09a0ae1535ea04141c20c2b97b27e4e",
    11: "93d341a429b55936fc975ba9beff9049352563935d16696878e988513fe1a99d",
}
V2_URL = "https://archive.ics.uci.edu/static/public/177/uji+pen+characters+version+2.zip"
V2_SHA256 = "0881b522911b99d9922820289441b50fd3d307f71cd7f9cc70e86872424a5f90"
V2_MEMBER = "ujipenchars2.txt"
CITATION = ("D. Llorens et al., 'The UJIpenchars Database: a Pen-Based Database of Isolated Handwritten "
            "Characters', LREC 2008; UCI Machine Learning Repository, CC BY 4.0")

#: v1's writer-independent split: whole writers, 7 train / 1 validation / 3 test.
V1_SPLIT = {"train": [f"W{i:02d}" for i in range(1, 8)], "val": ["W08"], "test": ["W09", "W10", "W11"]}


@dataclass
class PenSample:
    """One handwritten character: its label, its writer, and its strokes ((k, 2) float arrays)."""

    label: str
    writer: str
    strokes: list[np.ndarray]
    line: int = 0  # where it starts in its file


# --------------------------------------------------------------------------- v1 (UNIPEN)
_SEGMENT = re.compile(r'^\.SEGMENT\s+CHARACTER\s+\S+\s+\S+\s+"(.+)"\s*$')
_CLASS = re.compile(r'^\.COMMENT\s+Class\s+#\d+:\s+\[(.+?)\]\s*=\s*\{(.*)\}\s*$')


def parse_v1(text: str, writer: str, path: str | None = None) -> tuple[list[PenSample], dict[str, str]]:
    """Parse one v1 UNIPEN file. Returns the samples and the header's label → 35-class grouping.

    Raises :class:`DataFormatError` with the line number on anything malformed.
    """
    samples: list[PenSample] = []
    grouping: dict[str, str] = {}
    cur: PenSample | None = None
    stroke: list[tuple[float, float]] | None = None
    stroke_line = 0
    lines = text.splitlines()
    for no, raw in enumerate(lines, 1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("."):
            word = line.split()[0]
            if word == ".SEGMENT":
                if stroke is not None:
                    raise DataFormatError(".SEGMENT inside a stroke (missing .PEN_UP)", path, no)
                m = _SEGMENT.match(line)
                if not m:
                    raise DataFormatError(f"cannot read the label in {line!r}", path, no)
                if cur is not None and not cur.strokes:
                    raise DataFormatError(f"character {cur.label!r} has no strokes", path, cur.line)
                cur = PenSample(label=m.group(1), writer=writer, strokes=[], line=no)
                samples.append(cur)
            elif word == ".PEN_DOWN":
                if cur is None:
                    raise DataFormatError(".PEN_DOWN before any .SEGMENT", path, no)
                if stroke is not None:
                    raise DataFormatError(".PEN_DOWN inside a stroke (missing .PEN_UP)", path, no)
                stroke, stroke_line = [], no
            elif word == ".PEN_UP":
                if stroke is None:
                    raise DataFormatError(".PEN_UP without .PEN_DOWN", path, no)
                if not stroke:
                    raise DataFormatError("a stroke with no points", path, no)
                cur.strokes.append(np.asarray(stroke, dtype=np.float64))  # type: ignore[union-attr]
                stroke = None
            elif word == ".COMMENT":
                m = _CLASS.match(line)
                if m:
                    for lab in re.findall(r'"(.+?)"', m.group(2)):
                        grouping[lab] = m.group(1)
            continue
        if stroke is None:
            raise DataFormatError(f"coordinates outside a .PEN_DOWN/.PEN_UP block: {line!r}", path, no)
        parts = line.split()
        if len(parts) != 2:
            raise DataFormatError(f"expected two coordinates 'x y', got {line!r}", path, no)
        try:
            stroke.append((float(parts[0]), float(parts[1])))
        except ValueError:
            raise DataFormatError(f"non-numeric coordinate in {line!r}", path, no) from None
    if stroke is not None:
        raise DataFormatError(f"file ends inside a stroke that began at line {stroke_line} (truncated?)", path, len(lines))
    if cur is not None and not cur.strokes:
        raise DataFormatError(f"character {cur.label!r} has no strokes (truncated?)", path, cur.line)
    if not samples:
        raise DataFormatError("no .SEGMENT CHARACTER found: not a UJI Pen Characters v1 file", path)
    return samples, grouping


# --------------------------------------------------------------------------- v2
def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def parse_v2(text: str, path: str | None = None) -> list[PenSample]:
    """Parse ``ujipenchars2.txt``: ``WORD label session`` / ``NUMSTROKES n`` / n × ``POINTS k # x y …``.

    The writer is the session id without its ``-NN`` repetition suffix (``trn_UJI_W01``).
    Raises :class:`DataFormatError` with the line number on anything malformed.
    """
    samples: list[PenSample] = []
    lines = text.splitlines()
    i, n = 0, len(lines)

    def next_content(j: int) -> int:
        while j < n and (not lines[j].strip() or lines[j].lstrip().startswith("//")):
            j += 1
        return j

    i = next_content(0)
    while i < n:
        head = lines[i].split()
        if not head or head[0] != "WORD" or len(head) != 3:
            raise DataFormatError(f"expected 'WORD <label> <session>', got {lines[i].strip()!r}", path, i + 1)
        label, session, start = head[1], head[2], i + 1
        writer = re.sub(r"-\d+$", "", session)
        i = next_content(i + 1)
        if i >= n:
            raise DataFormatError(f"file ends after WORD {label} (truncated?)", path, start)
        parts = lines[i].split()
        if len(parts) != 2 or parts[0] != "NUMSTROKES":
            raise DataFormatError(f"expected 'NUMSTROKES <n>', got {lines[i].strip()!r}", path, i + 1)
        try:
            n_strokes = int(parts[1])
        except ValueError:
            raise DataFormatError(f"NUMSTROKES is not a whole number: {parts[1]!r}", path, i + 1) from None
        if n_strokes < 1:
            raise DataFormatError(f"NUMSTROKES must be at least 1, got {n_strokes}", path, i + 1)
        strokes = []
        for _ in range(n_strokes):
            i = next_content(i + 1)
            if i >= n:
                raise DataFormatError(
                    f"file ends inside WORD {label}: {len(strokes)} of {n_strokes} strokes read (truncated?)", path, n)
            line = lines[i]
            left, sep, right = line.partition("#")
            lp = left.split()
            if not sep or len(lp) != 2 or lp[0] != "POINTS":
                raise DataFormatError(f"expected 'POINTS <k> # x y ...', got {line.strip()[:60]!r}", path, i + 1)
            try:
                k = int(lp[1])
                coords = [float(v) for v in right.split()]
            except ValueError as e:
                raise DataFormatError(f"non-numeric value in POINTS line ({e})", path, i + 1) from None
            if k < 1 or len(coords) != 2 * k:
                raise DataFormatError(
                    f"POINTS says {k} points but {len(coords)} numbers follow (need {2 * k})", path, i + 1)
            if not np.isfinite(coords).all():
                raise DataFormatError("non-finite coordinate in POINTS line", path, i + 1)
            strokes.append(np.asarray(coords, dtype=np.float64).reshape(k, 2))
        samples.append(PenSample(label=label, writer=writer, strokes=strokes, line=start))
        i = next_content(i + 1)
    if not samples:
        raise DataFormatError("no WORD entries found: not a UJI Pen Characters v2 file", path)
    return samples


# --------------------------------------------------------------------------- rendering
def render(strokes: list[np.ndarray], size: int = 70, pen_width: float = 2.0, supersample: int = 4) -> np.ndarray:
    """Draw strokes as a ``size × size`` uint8 image, white ink (255) on black.

    The character's bounding box is scaled, aspect kept, to fit the frame less a margin of
    ``pen_width`` + 1 pixels each side, and centred; lines are drawn ``pen_width`` pixels wide on a
    ``supersample``× canvas and box-filtered down (anti-aliased). A single-point stroke is a dot.
    """
    from PIL import Image, ImageDraw

    if size < 4:
        raise ValueError(f"size must be at least 4, got {size}")
    pts = np.concatenate(strokes)
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    extent = max(float((hi - lo).max()), 1e-9)
    margin = pen_width + 1.0
    scale = (size - 2 * margin) / extent
    centre = (lo + hi) / 2
    S = supersample
    canvas = Image.new("L", (size * S, size * S), 0)
    draw = ImageDraw.Draw(canvas)
    w = max(1, int(round(pen_width * S)))
    r = w / 2
    for st in strokes:
        xy = ((st - centre) * scale + size / 2) * S
        flat = [(float(x), float(y)) for x, y in xy]
        if len(flat) > 1:
            draw.line(flat, fill=255, width=w, joint="curve")
        for x, y in (flat if len(flat) == 1 else (flat[0], flat[-1])):
            draw.ellipse((x - r, y - r, x + r, y + r), fill=255)
    return np.asarray(canvas.resize((size, size), Image.Resampling.BOX), dtype=np.uint8)


# --------------------------------------------------------------------------- loading
def writer_split(writers: np.ndarray, parts: dict[str, list[str]]) -> dict[str, np.ndarray]:
    """Index arrays for a split that gives each part the samples of the named writers."""
    return {k: np.flatnonzero(np.isin(writers, ws)) for k, ws in parts.items()}


def v2_paper_split(writers_in_order: list[str]) -> dict[str, list[str]]:
    """The split with the paper's sizes (Jorge et al. 2018: train 5,820 / val 582 / test 4,656).

    The paper gives sizes, not writers. 5,820 = 30 writers × 97 classes × 2, 582 = 3 writers,
    4,656 = 24 writers; we take, in file order, writers 1–30 for training, 31–33 for validation
    and the last 24 (37–60) for test, leaving 34–36 unused.
    """
    w = writers_in_order
    if len(w) != 60:
        raise ValueError(f"the paper split needs the 60 writers of v2, got {len(w)}")
    return {"train": w[:30], "val": w[30:33], "test": w[36:]}


def _to_dataset(samples: list[PenSample], name: str, size: int, pen_width: float, split_parts, meta) -> Dataset:
    X = np.stack([render(s.strokes, size, pen_width) for s in samples])
    y = np.array([s.label for s in samples])
    writers = np.array([s.writer for s in samples])
    split = writer_split(writers, split_parts) if split_parts else None
    return Dataset(name=name, X=X, y=y, kind="image", groups=writers, split=split, meta=meta,
                   extras={"strokes": [s.strokes for s in samples]})


#: The copy of v1 shipped inside the package (CC BY 4.0; attribution in its README.md).
EMBEDDED_V1 = Path(__file__).resolve().parent / "embedded" / "ujipen-v1.tar.xz"


def _embedded_v1() -> dict[str, bytes]:
    """The 11 writer files of the embedded copy, each checked against its published sha256."""
    import hashlib
    import tarfile

    with tarfile.open(EMBEDDED_V1, "r:xz") as tar:
        files = {m.name: tar.extractfile(m).read() for m in tar.getmembers() if m.isfile()}
    for w in range(1, 12):
        name = f"UJIpenchars-w{w:02d}"
        if hashlib.sha256(files.get(name, b"")).hexdigest() != V1_SHA256[w]:
            raise DataFormatError(f"{EMBEDDED_V1}: {name} is missing or does not match its sha256; reinstall vaeaug")
    return files


def load_ujipen_v1(path: str | Path | None = None, size: int = 70, pen_width: float = 2.0,
                   classes: str = "62", download: bool = False) -> Dataset:
    """UJI Pen Characters v1: the 11 writer files from ``path`` (a folder), else the copy embedded
    in the package (offline), or with ``download=True`` from UCI (sha256-checked, cached).

    ``classes="62"`` keeps the labels (a–z, A–Z, 0–9); ``"35"`` uses the header's case-folded
    grouping (a/A → A, o/O/0 → O, …). Split: writers W01–W07 train, W08 validation, W09–W11 test.
    """
    if classes not in ("62", "35"):
        raise ValueError(f"classes must be '62' or '35', got {classes!r}")
    samples: list[PenSample] = []
    grouping: dict[str, str] = {}
    embedded = _embedded_v1() if path is None and not download else None
    for w in range(1, 12):
        fname = f"UJIpenchars-w{w:02d}"
        if embedded is not None:
            data, where = embedded[fname], f"{EMBEDDED_V1}:{fname}"
        else:
            if path is not None:
                fpath = Path(path) / fname
                if not fpath.is_file():
                    raise FileNotFoundError(f"{fpath} not found: the folder must hold UJIpenchars-w01 … w11")
            else:
                fpath = fetch(V1_URL.format(w), V1_SHA256[w], fname, subdir="ujipen-v1")
            data, where = fpath.read_bytes(), str(fpath)
        s, g = parse_v1(_decode(data), writer=f"W{w:02d}", path=where)
        samples += s
        grouping.update(g)
    if classes == "35":
        missing = sorted({s.label for s in samples} - set(grouping))
        if missing:
            raise DataFormatError(f"the header's class grouping does not cover labels {missing}")
        for s in samples:
            s.label = grouping[s.label]
    meta = {"source": "UJI Pen Characters v1 (UCI)", "citation": CITATION, "licence": "CC BY 4.0",
            "split": "writers W01–W07 train, W08 validation, W09–W11 test", "size": size, "pen_width": pen_width,
            "classes": classes}
    return _to_dataset(samples, "ujipen-v1", size, pen_width, V1_SPLIT, meta)


def load_ujipen_v1_trajectories(path: str | Path | None = None, classes: str = "62", download: bool = False,
                                size: int = 70, pen_width: float = 2.0) -> Dataset:
    """UJI Pen Characters v1 as pen trajectories (sequence data): ``X`` an object array of (T_i, 3)
    arrays (:func:`strokes_to_trajectory`), the split of :func:`load_ujipen_v1`; ``extras`` keeps
    the strokes and the 70×70 renders (``"images"``) for image classifiers."""
    images = load_ujipen_v1(path, size, pen_width, classes, download)
    X = object_array([strokes_to_trajectory(s) for s in images.extras["strokes"]])
    meta = {**images.meta, "form": "pen trajectories: (dx, dy, pen-up) per point, in units of the character's box",
            "render": "pen-trajectory"}  # the report draws them as strokes
    return Dataset(name="ujipen-v1-trajectories", X=X, y=images.y, kind="sequence", groups=images.groups,
                   split=images.split, meta=meta, extras={**images.extras, "images": images.X})


def load_ujipen_v2(path: str | Path | None = None, size: int = 70, pen_width: float = 2.0) -> Dataset:
    """UJI Pen Characters v2 from ``path`` (``ujipenchars2.txt`` or the UCI zip), or downloaded.

    Split: :func:`v2_paper_split` (the paper's sizes, whole writers).
    """
    if path is None:
        path = fetch(V2_URL, V2_SHA256, "uji-pen-characters-v2.zip", subdir="ujipen-v2")
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path} not found")
    data = path.read_bytes()
    if data[:2] == b"PK":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                member = next((m for m in z.namelist() if m.endswith(V2_MEMBER)), None)
                if member is None:
                    raise DataFormatError(f"the archive has no {V2_MEMBER}", str(path))
                data = z.read(member)
        except zipfile.BadZipFile as e:
            raise DataFormatError(f"not a readable zip archive ({e})", str(path)) from None
    samples = parse_v2(_decode(data), str(path))
    writers = list(dict.fromkeys(s.writer for s in samples))
    parts = v2_paper_split(writers) if len(writers) == 60 else None
    meta = {"source": "UJI Pen Characters v2 (UCI id 177)", "citation": CITATION, "licence": "CC BY 4.0",
            "split": ("paper sizes: writers 1–30 train, 31–33 validation, 37–60 test (file order)"
                      if parts else "no fixed split (not the full 60 writers): split by writer"),
            "size": size, "pen_width": pen_width}
    return _to_dataset(samples, "ujipen-v2", size, pen_width, parts, meta)
