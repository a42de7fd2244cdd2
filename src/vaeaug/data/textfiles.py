"""Text tables as files: which names are tables (``.csv``, UCI's ``.data``, compressed too),
their bytes as text (compression, encoding), the lines before the table (comments, Excel's
``sep=``) and the separator between cells; the text a table is written as. What the cells mean
is :mod:`vaeaug.data.csvfiles`'s."""

from __future__ import annotations

import csv
import re
from pathlib import Path

from ..fileio import atomic_write_bytes, atomic_write_text
from .dataset import DataFormatError

#: Suffixes of text tables read as CSV files are (the separator found from the file): UCI ships
#: its tables as ``.data``, other archives as ``.txt``, ``.dat`` or ``.tsv``.
TEXT_TABLES = (".csv", ".tsv", ".tab", ".txt", ".data", ".dat")
#: The separator :func:`_dialect` gives a table whose columns are runs of spaces.
WHITESPACE = " "
#: The first line Excel may write to name a CSV's separator ("sep=;").
EXCEL_SEPARATOR = re.compile(r"sep=(.)", re.IGNORECASE)
#: Compressions a text table may come in (``table.csv.gz``), as pandas reads them: by suffix, and
#: on reading by the file's own first bytes (:func:`_decompressed`).
COMPRESSIONS = (".gz", ".bz2", ".xz")


def _table_suffix(path) -> str:
    """A table's own suffix, under any compression's (``.csv`` of ``t.csv.gz``)."""
    p = Path(str(path))
    return Path(p.stem).suffix.lower() if p.suffix.lower() in COMPRESSIONS else p.suffix.lower()


def table_name(path) -> str:
    """A table's name: its file's, less the table's and any compression's suffix (``t`` of ``t.csv.gz``)."""
    p = Path(str(path))
    return Path(p.stem).stem if p.suffix.lower() in COMPRESSIONS else p.stem


def is_text_table(path) -> bool:
    """Whether ``path`` names a text table, read as a CSV (:data:`TEXT_TABLES`), compressed or not."""
    return _table_suffix(path) in TEXT_TABLES


def separator_for(path) -> str:
    """The separator to write a table with: tabs in a ``.tsv`` or ``.tab`` file, else commas."""
    return "\t" if _table_suffix(path) in (".tsv", ".tab") else ","


def write_table_text(path, text: str) -> None:
    """A table's text written atomically, compressed where ``path``'s suffix names a compression."""
    suffix = Path(str(path)).suffix.lower()
    if suffix not in COMPRESSIONS:
        atomic_write_text(path, text)
        return
    import bz2
    import gzip
    import lzma

    pack = {".gz": lambda b: gzip.compress(b, mtime=0), ".bz2": bz2.compress, ".xz": lzma.compress}[suffix]
    atomic_write_bytes(path, pack(text.encode("utf-8")))


def _dialect(lines: list[str]) -> str:
    """The separator of a CSV, from its first lines: the one of ``, ; tab |`` that splits every
    line into the same number of cells (Python's csv sniffer), else runs of spaces where no such
    separator is in the file and they split every line alike into two or more cells (UCI's
    ``yeast.data``: :data:`WHITESPACE`), else a comma."""
    try:
        sep = csv.Sniffer().sniff("\n".join(lines[:20]), delimiters=",;\t|").delimiter
    except csv.Error:
        sep = ","
    sample = [line for line in lines[:20] if line.strip()]
    if sample and not any(sep in line for line in sample) and len({len(line.split()) for line in sample}) == 1 \
            and len(sample[0].split()) >= 2:
        return WHITESPACE
    return sep


def _decompressed(raw: bytes, path: Path) -> bytes:
    """A file's bytes, decompressed where they open with gzip's, bzip2's or xz's signature."""
    import bz2
    import gzip
    import lzma

    unpack = (gzip.decompress if raw[:2] == b"\x1f\x8b" else lzma.decompress if raw[:6] == b"\xfd7zXZ\x00"
              else bz2.decompress if raw[:3] == b"BZh" and raw[4:10] == b"1AY&SY" else None)
    if unpack is None:
        return raw
    try:
        return unpack(raw)
    except (OSError, EOFError, ValueError, lzma.LZMAError) as e:
        raise DataFormatError(f"cannot decompress ({e})", str(path)) from None


def _text(path: Path) -> str:
    """A CSV's text, decompressed where it is gzip, bzip2 or xz: UTF-16 where it opens with that
    byte-order mark (Excel's "Unicode Text"), else UTF-8 (a BOM dropped), else Latin-1 (every
    byte is a character)."""
    raw = _decompressed(path.read_bytes(), path)
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _comments(lines: list[str]) -> int:
    """How many of the first lines are comments: lines opening with '#' before the table (a
    logger's notes, units), which numpy's ``loadtxt`` and R's ``read.table`` pass over too. The
    last of them is the header instead, its '#' dropped in place, where it then holds as many
    cells as the line after it (``#id,a,class``, as some tools mark a header)."""
    k = 0
    while k < len(lines) and lines[k].lstrip().startswith("#"):
        k += 1
    if k == 0 or k == len(lines):
        return 0
    sep = _dialect(lines[k:])

    def width(line: str) -> int:
        return len(line.split()) if sep == WHITESPACE else len(next(csv.reader([line], delimiter=sep), []))

    if width(lines[k]) > 1 and width(lines[k - 1].lstrip()[1:]) == width(lines[k]):
        lines[k - 1] = lines[k - 1].lstrip()[1:]
        return k - 1
    return k


def table_lines(path: Path) -> tuple[list[str], int, str]:
    """A text table's lines from its header on, how many lines came before them (comments,
    Excel's ``sep=`` line), and the separator as the csv module reads it (runs of spaces become
    tabs)."""
    text = _text(path)
    # lines end at \n, \r\n or \r alone, as csv reads them: str.splitlines also splits at U+2028,
    # form feeds and the like, which a cell pasted from the web or a PDF may hold
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    skip = _comments(lines)
    told = EXCEL_SEPARATOR.fullmatch(lines[skip].strip()) if skip < len(lines) else None
    skip += told is not None  # Excel's "sep=;" line names the separator, and is no row
    lines = lines[skip:]
    sep = told.group(1) if told else _dialect(lines)
    if sep == WHITESPACE:  # cells are the runs of other characters: tabs between them, none inside
        lines, sep = ["\t".join(line.split()) for line in lines], "\t"
    return lines, skip, sep
