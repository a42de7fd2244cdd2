"""``VAESampler``: the augmenter as an imbalanced-learn style sampler, for a ``Pipeline`` step."""

from __future__ import annotations

from sklearn.base import BaseEstimator, clone

from .augmenter import GENERATE_CONSTRAINTS, VAEAugmenter
from .params import STRENGTH, check_strength


class VAESampler(BaseEstimator):
    """``fit_resample`` around a :class:`VAEAugmenter`, for use inside a ``Pipeline``.

    imbalanced-learn refuses a pipeline step that has both ``transform`` and ``fit_resample``, and
    the augmenter's ``transform`` encodes, so this wrapper exposes ``fit_resample`` alone. Each call
    fits a fresh clone (``augmenter_``) on the training fold only. ``method``, ``n_per_sample`` and
    ``strength`` override the augmenter's own where given; ``None`` keeps them. Nested parameters
    reach the augmenter (``augmenter__beta``), so grid search works.
    """

    _parameter_constraints: dict = {
        "augmenter": [VAEAugmenter, None],
        "method": GENERATE_CONSTRAINTS["method"],
        "n_per_sample": GENERATE_CONSTRAINTS["n_per_sample"],
        "strength": [*STRENGTH, None],
    }

    def __init__(self, augmenter: VAEAugmenter | None = None, *, method=None, n_per_sample=None, strength=None):
        self.augmenter = augmenter
        self.method = method
        self.n_per_sample = n_per_sample
        self.strength = strength

    def fit_resample(self, X, y):
        """Fit a clone of the augmenter on (X, y); return X, y plus the synthetic samples."""
        self._validate_params()
        check_strength(self.strength, owner=type(self).__name__)
        base = self.augmenter if self.augmenter is not None else VAEAugmenter(verbose=0)
        overrides = {k: v for k, v in (("method", self.method), ("n_per_sample", self.n_per_sample),
                                       ("strength", self.strength)) if v is not None}
        self.augmenter_ = clone(base).set_params(**overrides)
        resampled = self.augmenter_.fit_resample(X, y)
        self.n_features_in_ = self.augmenter_.n_features_in_
        return resampled

    def fit(self, X, y):
        """Fit the augmenter (as :meth:`fit_resample` does) and return the sampler."""
        self.fit_resample(X, y)
        return self
