"""The three classifiers the experiment compares (as in Jorge et al. 2018): an RBF SVM, k-NN and a
one-hidden-layer neural network, all on flattened inputs scaled by :class:`FeatureScaler`; for
sequences, 1-NN under DTW beside them."""

from __future__ import annotations

import importlib.util
import warnings

import numpy as np
import torch
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.neighbors import KNeighborsClassifier
from sklearn.svm import SVC
from sklearn.utils.validation import check_is_fitted
from torch import nn

from ..proxy import FeatureScaler, KernelRidgeClassifier  # noqa: F401  (re-exported: one import for the experiment)
from ..training import make_adam, seeded


class TorchMLPClassifier(ClassifierMixin, BaseEstimator):
    """One hidden ReLU layer, softmax output, Adam, a fixed number of epochs; seeded and
    deterministic on CPU. Faster than scikit-learn's MLP on image-sized inputs.

    ``epoch_size``: samples drawn per epoch (default: all of X). The experiment sets it to the
    real training set's size, so an augmented set gets the same number of optimiser steps as
    the baseline: the comparison is at equal compute, and augmentation costs no extra time.
    ``min_steps``: training runs at least this many optimiser steps (more epochs when an epoch
    is short), so a network on 100 samples is trained to convergence rather than stopped after
    80 steps, where extra samples could only dilute the few passes over the real ones.
    """

    def __init__(self, hidden: int = 512, epochs: int = 40, batch_size: int = 64, learning_rate: float = 1e-3,
                 weight_decay: float = 1e-4, dropout: float = 0.2, epoch_size: int | None = None,
                 min_steps: int = 500, random_state: int | None = None):
        self.hidden = hidden
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.weight_decay = weight_decay
        self.dropout = dropout
        self.epoch_size = epoch_size
        self.min_steps = min_steps
        self.random_state = random_state

    def fit(self, X, y):
        X = np.asarray(X, dtype=np.float32)
        self.classes_, yi = np.unique(y, return_inverse=True)
        dev = torch.device("cpu")
        with seeded(self.random_state if self.random_state is not None else 0, dev):
            self.net_ = nn.Sequential(nn.Linear(X.shape[1], self.hidden), nn.ReLU(), nn.Dropout(self.dropout),
                                      nn.Linear(self.hidden, len(self.classes_))).float()  # whatever the default dtype
            opt = make_adam(self.net_.parameters(), lr=self.learning_rate, weight_decay=self.weight_decay)
            Xt, yt = torch.from_numpy(X), torch.from_numpy(yi.astype(np.int64))
            g = torch.Generator().manual_seed(int(torch.randint(0, 2**31, (1,))))
            self.net_.train()
            per_epoch = min(self.epoch_size or len(Xt), len(Xt))
            steps_per_epoch = -(-per_epoch // self.batch_size)
            epochs = max(self.epochs, -(-self.min_steps // steps_per_epoch))
            for _ in range(epochs):
                perm = torch.randperm(len(Xt), generator=g)[:per_epoch]
                for s in range(0, per_epoch, self.batch_size):
                    b = perm[s : s + self.batch_size]
                    loss = nn.functional.cross_entropy(self.net_(Xt[b]), yt[b])
                    opt.zero_grad(set_to_none=True)
                    loss.backward()
                    opt.step()
        self.net_.eval()
        return self

    def predict_proba(self, X) -> np.ndarray:
        check_is_fitted(self, "net_")
        with torch.no_grad():
            return torch.softmax(self.net_(torch.from_numpy(np.asarray(X, dtype=np.float32))), 1).numpy()

    def predict(self, X) -> np.ndarray:
        return self.classes_[self.predict_proba(X).argmax(axis=1)]


class RBFSVC(ClassifierMixin, BaseEstimator):
    """scikit-learn's ``SVC(kernel="rbf")`` with the Gram matrix computed by one BLAS matrix
    product (torch) and handed to libsvm precomputed: the same model, ~10x faster on image-sized
    inputs, where libsvm's own per-pair kernel evaluations dominate. Above ``max_precomputed``
    training samples (the Gram matrix would take > ~1 GB) it falls back to plain ``SVC``.
    ``gamma="scale"``: 1 / (D · Var(X)), as in scikit-learn."""

    def __init__(self, C: float = 1.0, gamma: float | str = "scale", max_precomputed: int = 12000,
                 random_state: int | None = None):
        self.C = C
        self.gamma = gamma
        self.max_precomputed = max_precomputed
        self.random_state = random_state

    def _kernel(self, A: np.ndarray) -> np.ndarray:
        At = torch.from_numpy(np.ascontiguousarray(A, dtype=np.float32))
        d2 = (At * At).sum(1)[:, None] + self.sq_[None, :] - 2.0 * (At @ self.X_.T)
        return torch.exp(d2.clamp_min_(0).mul_(-self.gamma_)).double().numpy()

    def fit(self, X, y):
        X = np.asarray(X, dtype=np.float32).reshape(len(X), -1)
        self.gamma_ = 1.0 / (X.shape[1] * X.var(dtype=np.float64)) if self.gamma == "scale" else float(self.gamma)
        self.precomputed_ = len(X) <= self.max_precomputed
        if not self.precomputed_:
            self.svc_ = SVC(C=self.C, gamma=self.gamma_, random_state=self.random_state).fit(X, y)
        else:
            self.X_ = torch.from_numpy(np.ascontiguousarray(X))
            self.sq_ = (self.X_ * self.X_).sum(1)
            self.svc_ = SVC(C=self.C, kernel="precomputed", random_state=self.random_state).fit(self._kernel(X), y)
            # prediction needs the kernel against the support vectors only
            sv = self.svc_.support_
            self.X_, self.sq_ = self.X_[sv].contiguous(), self.sq_[sv].contiguous()
        self.classes_ = self.svc_.classes_
        return self

    def decision_function(self, X) -> np.ndarray:
        check_is_fitted(self, "svc_")
        X = np.asarray(X, dtype=np.float32).reshape(len(X), -1)
        return self.svc_.decision_function(self._gram_for_predict(X) if self.precomputed_ else X)

    def _gram_for_predict(self, X: np.ndarray) -> np.ndarray:
        # libsvm indexes a precomputed test kernel by training-sample position: place the
        # support-vector columns where it looks for them (the other columns are never read)
        K = np.zeros((len(X), self.svc_.shape_fit_[0]))
        K[:, self.svc_.support_] = self._kernel(X)
        return K

    def predict(self, X) -> np.ndarray:
        check_is_fitted(self, "svc_")
        X = np.asarray(X, dtype=np.float32).reshape(len(X), -1)
        return self.svc_.predict(self._gram_for_predict(X) if self.precomputed_ else X)


class DTWNearestNeighbour(ClassifierMixin, BaseEstimator):
    """1-NN under dynamic time warping (aeon's, full window): time-series classification's own
    standard beside the paper's three. Takes the experiment's flat sequence features and folds
    them back into (steps, channels) with ``shape`` = (L, C)."""

    def __init__(self, shape: tuple[int, int] = (1, 1), n_jobs: int = 1):
        self.shape = shape
        self.n_jobs = n_jobs

    def _series(self, X) -> np.ndarray:
        L, C = self.shape
        return np.asarray(X, dtype=np.float64).reshape(len(X), L, C).transpose(0, 2, 1)  # aeon: (N, C, L)

    def fit(self, X, y):
        from aeon.classification.distance_based import KNeighborsTimeSeriesClassifier

        self.knn_ = KNeighborsTimeSeriesClassifier(n_neighbors=1, distance="dtw", n_jobs=self.n_jobs)
        self.knn_.fit(self._series(X), np.asarray(y))
        self.classes_ = self.knn_.classes_
        return self

    def predict(self, X) -> np.ndarray:
        check_is_fitted(self, "knn_")
        with warnings.catch_warnings():  # numba's note on aeon's own index cast, at its first compile
            warnings.filterwarnings("ignore", message="unsafe cast from uint64 to int64")
            return self.knn_.predict(self._series(X))


def make_classifiers(random_state: int | None = 0, n_real: int | None = None,
                     sequence_shape: tuple[int, int] | None = None) -> dict[str, BaseEstimator]:
    """The experiment's classifiers, by the names the report uses: an RBF SVM (C=10), 1-NN and a
    512-unit network; for sequences (``sequence_shape`` = (L, C) of their features) also 1-NN
    under DTW when aeon is installed. ``n_real``: the real training set's size (the network's
    epoch size)."""
    clfs: dict[str, BaseEstimator] = {
        "SVM": RBFSVC(C=10.0, gamma="scale", random_state=random_state),
        "k-NN": KNeighborsClassifier(n_neighbors=1),
        "NN": TorchMLPClassifier(hidden=512, epoch_size=n_real, random_state=random_state),
    }
    if sequence_shape is not None and importlib.util.find_spec("aeon") is not None:
        clfs["1-NN DTW"] = DTWNearestNeighbour(shape=tuple(sequence_shape))
    return clfs
