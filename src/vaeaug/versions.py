"""What vaeaug runs on, for a bug report: Python, the machine, torch's build and devices, and the
release of each requirement and extra, as scikit-learn's ``show_versions`` gives. An extra that is
installed but fails to import (a release that does not suit its neighbours) is marked so."""

from __future__ import annotations

import platform
import sys
from importlib import import_module
from importlib.metadata import PackageNotFoundError, version

#: The core's requirements (pyproject.toml's ``dependencies``), by distribution name.
REQUIRED = ("numpy", "torch", "scikit-learn", "safetensors", "tqdm", "pillow")
#: The extras' packages and the frame libraries vaeaug reads, by distribution and import name.
OPTIONAL = {"pandas": "pandas", "polars": "polars", "matplotlib": "matplotlib", "imbalanced-learn": "imblearn",
            "aeon": "aeon"}


def _release(dist: str, module: str | None = None) -> str | None:
    """The installed release of ``dist`` (``None``: absent); with ``module``, one that fails to
    import says why."""
    try:
        have = version(dist)
    except PackageNotFoundError:
        return None
    if module is not None:
        try:
            import_module(module)
        except Exception as e:  # noqa: BLE001 - any failure is what the report is for
            return f"{have} (does not import: {type(e).__name__}: {e})"
    return have


def versions() -> dict[str, dict[str, str | None]]:
    """``{"system": ..., "torch": ..., "dependencies": ...}``: each a dict of names to text; a
    dependency that is not installed is ``None``."""
    import torch

    from . import __version__

    system = {"vaeaug": __version__, "python": sys.version.split()[0], "executable": sys.executable,
              "machine": platform.platform()}
    devices = {"cuda": torch.version.cuda if torch.cuda.is_available() else None,
               "cuda devices": str(torch.cuda.device_count()) if torch.cuda.is_available() else None,
               "mps": "available" if torch.backends.mps.is_available() else None,
               "threads": str(torch.get_num_threads())}
    deps = {d: _release(d) for d in REQUIRED} | {d: _release(d, m) for d, m in OPTIONAL.items()}
    return {"system": system, "torch": devices, "dependencies": deps}


def show_versions() -> None:
    """Print :func:`versions` as text, to paste into a bug report."""
    for section, values in versions().items():
        print(f"\n{section}:")
        width = max(map(len, values))
        for name, value in values.items():
            print(f"{name:>{width}}: {value if value is not None else '-'}")
