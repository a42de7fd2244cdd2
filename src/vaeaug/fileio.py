"""Atomic file writes and safe array files: a crash never leaves a half-written file that looks
complete, and nothing read from disk is ever unpickled."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path

import numpy as np


@contextlib.contextmanager
def atomic_open(path: str | os.PathLike):
    """A binary file object on a temporary file beside ``path``; on a clean exit it is fsynced
    and renamed into place, on an error removed. Lets large files be streamed, not buffered."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            yield f
            f.flush()
            os.fchmod(f.fileno(), 0o666 & ~_umask())  # mkstemp makes 0600: give the file the user's umask
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


@contextlib.contextmanager
def folder_in_place(path: str | os.PathLike, marker: str | None = None):
    """A fresh temporary folder beside ``path`` to write a set of files into. On a clean exit it
    replaces ``path`` whole (an earlier folder moves aside, then goes), unless it was left empty:
    then nothing changes, as on an error. A killed run leaves the earlier folder, never a mix.
    ``marker``: the file that marks a folder as one this writer made; an existing folder holding
    anything else but not it is refused, so that no folder of the user's is ever replaced."""
    out = Path(path)
    if marker is not None and out.is_dir() and any(out.iterdir()) and not (out / marker).is_file():
        raise ValueError(f"{out} is a folder that holds files vaeaug did not write (no {marker}): give a new "
                         "or empty folder; it is never replaced")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".part", dir=out.parent))
    try:
        yield tmp
        if not any(tmp.iterdir()):
            return
        os.chmod(tmp, 0o777 & ~_umask())  # mkdtemp makes 0700: give the folder the user's umask
        old = None
        if out.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".old", dir=out.parent))
            out.rename(old / out.name)
        tmp.rename(out)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _umask() -> int:
    """The process's umask (read by setting it and putting it back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path``, fsync it, then rename it into place."""
    with atomic_open(path) as f:
        f.write(data)


def atomic_write_text(path: str | os.PathLike, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_json(path: str | os.PathLike, obj) -> None:
    atomic_write_text(path, json.dumps(obj, indent=2, sort_keys=False, default=_json_default) + "\n")


def _json_default(o):
    if isinstance(o, np.generic):
        return o.item()
    if isinstance(o, np.ndarray):
        return o.tolist()
    if isinstance(o, (tuple, set)):
        return list(o)
    if isinstance(o, Path):
        return str(o)
    raise TypeError(f"not JSON-serialisable: {type(o).__name__}")


def to_jsonable(obj):
    """``obj`` with NumPy scalars/arrays, tuples and paths turned into plain JSON values."""
    return json.loads(json.dumps(obj, default=_json_default))


def sha256_file(path: str | os.PathLike) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def save_npz(path: str | os.PathLike, **arrays: np.ndarray) -> None:
    """Save arrays as an ``.npz`` atomically. Object arrays are refused (they would need pickle)."""
    for k, a in arrays.items():
        if np.asarray(a).dtype == object:
            raise TypeError(f"array {k!r} has dtype object; convert it to numbers or strings first")
    with atomic_open(path) as f:  # compressed straight to disk: no in-memory copy of the file
        np.savez_compressed(f, **arrays)


def load_npz(path: str | os.PathLike) -> dict[str, np.ndarray]:
    """Read an ``.npz`` without unpickling (``allow_pickle=False``); a clear error if it is not one."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"no such file: {path}")
    key = None
    try:
        with np.load(path, allow_pickle=False) as z:
            out = {}
            for key in z.files:
                out[key] = z[key]
            return out
    except ValueError as e:  # object arrays need pickle
        what = f"its array {key!r} holds" if key is not None else "it holds"
        hint = (f"labels as {key}.astype(str)" if key and not key.startswith("X") else
                "sequences of unequal lengths as X_values (all steps, stacked) and X_lengths")
        raise ValueError(f"{path}: refused to load: {what} Python objects, which only unpickling reads ({e}); "
                         f"save numbers or strings instead: {hint}") from None
    except Exception as e:
        raise ValueError(f"{path} is not a readable .npz file: {e}") from None


# Ragged sequences in an .npz without pickle: X as X_values (all steps, stacked) and X_lengths.
def pack_ragged(name: str, seqs) -> dict[str, np.ndarray]:
    """A list of (T_i, C) arrays as ``{name}_values`` (ΣT_i, C) and ``{name}_lengths`` (N,)."""
    seqs = [np.asarray(s) if np.ndim(s) == 2 else np.asarray(s).reshape(-1, 1) for s in seqs]
    return {f"{name}_values": np.concatenate(seqs), f"{name}_lengths": np.array([len(s) for s in seqs], np.int64)}


def unpack_ragged(arrays: dict[str, np.ndarray], name: str) -> list[np.ndarray] | None:
    """The list :func:`pack_ragged` stored under ``name``, or None when it is not there."""
    if f"{name}_values" not in arrays or f"{name}_lengths" not in arrays:
        return None
    values, lengths = arrays[f"{name}_values"], arrays[f"{name}_lengths"]
    if lengths.ndim != 1 or (lengths < 1).any() or int(lengths.sum()) != len(values):
        raise ValueError(f"{name}_lengths must be positive and sum to the {len(values)} rows of {name}_values")
    return np.split(values, np.cumsum(lengths)[:-1])
