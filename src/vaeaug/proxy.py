"""The fast proxy classifier that the choice of settings scores candidates with, and the feature
scaling every classifier of the library sees (core: the experiment's classifiers use it too)."""

from __future__ import annotations

import numpy as np
import torch
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.validation import check_is_fitted


class FeatureScaler:
    """Flatten samples and scale them as the classifiers see them: images to [0, 1] by their
    dtype's range (uint8: /255), vectors standardised by the real training set, sequences
    resampled (linearly) to the training set's longest length (within [16, 512]), flattened
    time-major and standardised as vectors: on the model's fixed-length form, which the harm
    check scores, that is the identity resampling and the scaling the sequence portfolio was
    chosen with."""

    def __init__(self, max_length: int | None = None):
        self.max_length = max_length  # sequences: the longest length read (None: the model's cap)

    def fit(self, X, kind: str) -> "FeatureScaler":
        self.kind = kind
        if kind == "sequence":
            from .sequences import lengths_of, model_length

            self.length = model_length(lengths_of(X), self.max_length)
            A = self.resampled(X)
            self.channels = A.shape[2]
            F = A.reshape(len(A), -1)
        else:
            F = X.reshape(len(X), -1).astype(np.float64)
        if kind == "image":
            self.lo, self.hi = (0.0, 255.0) if X.dtype == np.uint8 else (float(F.min()), float(F.max()))
            self.mean = np.full(F.shape[1], self.lo)
            self.scale = np.full(F.shape[1], max(self.hi - self.lo, 1e-12))
        else:
            self.mean, sd = F.mean(axis=0), F.std(axis=0)
            self.scale = np.where(sd > 1e-12, sd, 1.0)
        return self

    def resampled(self, X) -> np.ndarray:
        """Sequences (a list of (T_i, C) or an (N, T, C) array) as (N, L, C) at this length."""
        from .sequences import resample, resample_all

        if isinstance(X, np.ndarray) and X.dtype != object:
            return resample_all(X, self.length)
        return np.stack([resample(np.asarray(s), self.length) for s in X])

    def transform(self, X) -> np.ndarray:
        if self.kind == "sequence":
            if len(X) == 0:
                return np.zeros((0, len(self.mean)), dtype=np.float32)
            F = self.resampled(X).reshape(len(X), -1)  # time-major: step t's channels side by side
        else:
            F = X.reshape(len(X), int(np.prod(X.shape[1:]))).astype(np.float64)  # also for no samples
        return ((F - self.mean) / self.scale).astype(np.float32)

    @property
    def sequence_shape(self) -> tuple[int, int]:
        """(L, C): how a sequence's flat features fold back into steps and channels."""
        return (self.length, self.channels)


#: The most rows one solve of the proxy takes (a 128 MB kernel at 4,000).
PROXY_MAX_SAMPLES = 4000


class KernelRidgeClassifier(ClassifierMixin, BaseEstimator):
    """RBF kernel ridge regression on one-hot targets (a least-squares SVM), solved in closed
    form: (K + αI) C = Y. Fast for a few thousand samples, so it serves as the proxy that
    chooses augmentation settings on the validation set. ``gamma="scale"``: 1 / (D · Var(X)),
    as scikit-learn's SVC. ``max_samples``: the most rows one solve takes (a seeded draw beyond
    it, the first ``keep_first`` rows always kept); 4,000 is a 128 MB kernel, solved in 3 s on 2
    busy cores at 4,900 features."""

    def __init__(self, gamma: float | str = "scale", alpha: float = 0.1, max_samples: int = PROXY_MAX_SAMPLES,
                 random_state: int | None = 0):
        self.gamma = gamma
        self.alpha = alpha
        self.max_samples = max_samples
        self.random_state = random_state

    @staticmethod
    def _sqdist(A: torch.Tensor, B: torch.Tensor) -> torch.Tensor:
        return ((A * A).sum(1)[:, None] + (B * B).sum(1)[None, :] - 2 * A @ B.T).clamp_min_(0)

    def fit(self, X, y, keep_first: int = 0):
        """Solve on (X, y). ``keep_first``: rows a subsample must keep (the harm check's real
        samples, so that both arms of a comparison hold the same real data)."""
        X = np.asarray(X, dtype=np.float64).reshape(len(X), -1)
        if len(X) > self.max_samples:  # keep the solve small: a seeded subsample
            rng, keep = np.random.default_rng(self.random_state), min(int(keep_first), len(X))
            if keep >= self.max_samples:
                idx = rng.choice(keep, self.max_samples, replace=False)
            else:
                idx = np.concatenate([np.arange(keep), keep + rng.choice(len(X) - keep, self.max_samples - keep,
                                                                        replace=False)])
            X, y = X[idx], np.asarray(y)[idx]
        self.classes_, yi = np.unique(y, return_inverse=True)
        # "scale" as scikit-learn's SVC: 1 / (features × variance), and 1 where X is constant
        var = X.var()
        self.gamma_ = (1.0 / (X.shape[1] * var) if var > 0 else 1.0) if self.gamma == "scale" else float(self.gamma)
        Xt = torch.from_numpy(X)
        K = torch.exp(-self.gamma_ * self._sqdist(Xt, Xt))
        K.diagonal().add_(self.alpha)
        Y = torch.zeros(len(X), len(self.classes_), dtype=torch.float64)
        Y[torch.arange(len(X)), torch.from_numpy(yi)] = 1.0
        L = torch.linalg.cholesky(K)  # K + αI is symmetric positive definite
        self.coef_ = torch.cholesky_solve(Y, L)
        self.X_ = Xt
        return self

    def decision_function(self, X) -> np.ndarray:
        check_is_fitted(self, "coef_")
        Xt = torch.from_numpy(np.asarray(X, dtype=np.float64).reshape(len(X), -1))
        return (torch.exp(-self.gamma_ * self._sqdist(Xt, self.X_)) @ self.coef_).numpy()

    def predict(self, X) -> np.ndarray:
        return self.classes_[self.decision_function(X).argmax(axis=1)]
