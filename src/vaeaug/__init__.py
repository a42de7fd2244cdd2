"""vaeaug: data augmentation with variational autoencoders.

Train a VAE on a labelled training set, alter the latent codes (noise, interpolation,
extrapolation towards or away from same-class neighbours) and decode new labelled samples.
Nothing is printed or logged at import. The experiment (classifiers, comparators, report) is the
optional :mod:`vaeaug.experiment`; this package never imports it.
"""

__version__ = "0.1.0"

from .augmenter import VAEAugmenter  # noqa: E402
from .errors import ModelFileError, NoGainWarning, PosteriorCollapseWarning  # noqa: E402
from .latent import SmallClassError  # noqa: E402
from .torchdata import AugmentedDataset  # noqa: E402
from .versions import show_versions


def __getattr__(name: str):
    """``VAESampler`` is imported on first use: it needs imbalanced-learn, which the core does not."""
    if name == "VAESampler":
        from .sampler import VAESampler

        return VAESampler
    raise AttributeError(f"module 'vaeaug' has no attribute {name!r}")


def __dir__() -> list[str]:
    """The module's names with ``VAESampler``, which is imported on first use, so that completion offers it."""
    return sorted({*globals(), *__all__})

__all__ = ["VAEAugmenter", "VAESampler", "AugmentedDataset", "ModelFileError", "NoGainWarning", "PosteriorCollapseWarning",
           "SmallClassError", "show_versions", "__version__"]
