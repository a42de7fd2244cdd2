"""The warnings and errors of the library's own, importable from :mod:`vaeaug`."""

from __future__ import annotations


class PosteriorCollapseWarning(UserWarning):
    """The codes of the training set barely differ (posterior collapse): the decoder ignores z,
    so noise, interpolation and extrapolation all decode a class to (nearly) the same sample."""


class NoGainWarning(UserWarning):
    """Validation found no setting of a method that helps, so ``generate`` made no samples for it
    (``on_no_gain="skip"``). Pass a ``strength`` to generate anyway."""


class ModelFileError(ValueError):
    """A model directory is missing files, truncated, tampered with or of an unknown format."""
