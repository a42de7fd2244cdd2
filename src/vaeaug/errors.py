"""The warnings and errors of the library's own, importable from :mod:`vaeaug`."""

from __future__ import annotations

import sys
import warnings


class PosteriorCollapseWarning(UserWarning):
    """The codes of the training set barely differ (posterior collapse): the decoder ignores z,
    so noise, interpolation and extrapolation all decode a class to (nearly) the same sample."""


class NoGainWarning(UserWarning):
    """Validation found no setting of a method that helps, so ``generate`` made no samples for it
    (``on_no_gain="skip"``). Pass a ``strength`` to generate anyway."""


class ModelFileError(ValueError):
    """A model directory is missing files, truncated, tampered with or of an unknown format."""


#: Modules whose frames stand between a user's line and vaeaug: the library itself, and the
#: scikit-learn machinery that wraps or drives estimators (_fit_context, set_output, Pipeline,
#: cross_val_score and its joblib workers).
_DRIVERS = ("vaeaug", "sklearn", "imblearn", "joblib")


def warn_caller(message: str, category: type[Warning] = UserWarning) -> None:
    """Warn at the first frame outside vaeaug and scikit-learn's machinery, so the warning names the
    user's line however deep it was found (fit, generate, a sampler in a pipeline, a loader)."""
    frame, level = sys._getframe(0), 1
    while frame.f_back is not None and frame.f_globals.get("__name__", "").split(".")[0] in _DRIVERS:
        frame, level = frame.f_back, level + 1
    warnings.warn(message, category, stacklevel=level)


def extra_import_error(error: ImportError, dist: str, needed_by: str, install: str) -> ImportError:
    """The error for an optional package (``dist``, a key of :data:`vaeaug.versions.OPTIONAL`) that
    would not import. Absent: ``needed_by`` needs it, and how to install it. Installed yet failing (a
    release that does not suit the numpy or scikit-learn beside it): that failure and the release,
    since installing it again would change nothing."""
    from importlib.metadata import PackageNotFoundError, version

    from .versions import OPTIONAL

    module = OPTIONAL[dist]
    absent = isinstance(error, ModuleNotFoundError) and (error.name or "").split(".")[0] == module
    try:
        have = None if absent else version(dist)
    except PackageNotFoundError:
        have = None
    if have is None:
        return ImportError(f"{needed_by} needs {dist}: {install}")
    return ImportError(f"{needed_by} needs {dist}, and {dist} {have} is installed but does not import here "
                       f"({type(error).__name__}: {error}); it may not suit the packages beside it: "
                       f"pip install -U {dist}")
