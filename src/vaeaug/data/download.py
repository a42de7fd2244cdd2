"""Fetch a public data file once, verify its sha256, and keep it in the user's cache.

The cache is ``$VAEAUG_DATA_DIR``, else ``$XDG_CACHE_HOME/vaeaug``, else ``~/.cache/vaeaug``.
A download goes to a temporary file that is renamed into place only after its checksum
matched, so an interrupted or corrupted download never leaves a cache entry behind.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

from ..fileio import sha256_file


class DownloadError(RuntimeError):
    """A file could not be fetched or did not match its checksum; the message says what to do."""


def cache_dir() -> Path:
    """Where downloaded data sets are kept."""
    if os.environ.get("VAEAUG_DATA_DIR"):
        return Path(os.environ["VAEAUG_DATA_DIR"]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "vaeaug"


def fetch(url: str, sha256: str, filename: str, subdir: str = "", timeout: float = 60.0,
          directory: str | os.PathLike | None = None) -> Path:
    """Return the local path of ``filename``, downloading it from ``url`` if it is not cached.

    A cached file is re-verified against ``sha256``; a mismatch (or a failed download) raises
    :class:`DownloadError` naming the URL and where to put a manually downloaded copy.
    """
    target_dir = Path(directory) if directory is not None else cache_dir() / subdir
    target = target_dir / filename
    if target.exists():
        got = sha256_file(target)
        if got == sha256:
            return target
        raise DownloadError(
            f"{target} exists but its sha256 is {got}, not {sha256}: the file is damaged or a "
            f"different version. Delete it and retry, or replace it with a copy from {url}."
        )
    target_dir.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{filename}.", suffix=".part", dir=target_dir)
    try:
        h = hashlib.sha256()
        with os.fdopen(fd, "wb") as out:
            try:
                req = urllib.request.Request(url, headers={"User-Agent": "vaeaug"})
                with urllib.request.urlopen(req, timeout=timeout) as resp:
                    for chunk in iter(lambda: resp.read(1 << 16), b""):
                        h.update(chunk)
                        out.write(chunk)
            except (urllib.error.URLError, OSError, TimeoutError) as e:
                raise DownloadError(
                    f"could not download {url} ({e}). If this machine is offline, download the "
                    f"file elsewhere and put it at {target}, or pass its local path instead."
                ) from None
        if h.hexdigest() != sha256:
            raise DownloadError(
                f"the file downloaded from {url} has sha256 {h.hexdigest()}, expected {sha256}; "
                f"it was not kept. The source may have changed or the transfer was corrupted; "
                f"put a verified copy at {target} or pass its local path."
            )
        os.replace(tmp, target)
        return target
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
