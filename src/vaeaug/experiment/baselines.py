"""What a user would do instead of a VAE: SMOTE in input space and, for images, small random
affine transforms and Gaussian blurs; and exact copies, the control for what rows alone do.
Each returns only the synthetic samples, like :meth:`VAEAugmenter.generate`."""

from __future__ import annotations

import numpy as np

from ..moves import affine, blur, cast_like, each_copy, smooth_curves, time_warp  # noqa: F401 (re-exported)


def smote_class() -> type:
    """imbalanced-learn's SMOTE, or an error that says how to get it (the experiment asks before its
    first fit, so a missing or failing extra stops it at once rather than minutes in)."""
    try:
        from imblearn.over_sampling import SMOTE
    except ImportError as e:
        from ..errors import extra_import_error

        raise extra_import_error(e, "imbalanced-learn", "the SMOTE comparator",
                                 'pip install "vaeaug[experiment]"') from e
    return SMOTE


def smote(X: np.ndarray, y: np.ndarray, n_per_sample: int, random_state: int | None = 0,
          k_neighbors: int = 5) -> tuple[np.ndarray, np.ndarray]:
    """SMOTE (Chawla et al. 2002) via imbalanced-learn, asked for ``n_per_sample`` new samples per
    real one in every class; images are flattened for it and reshaped back. A class of one
    sample gets none (SMOTE needs a neighbour)."""
    SMOTE = smote_class()
    flat = X.reshape(len(X), -1).astype(np.float64)
    classes, counts = np.unique(y, return_counts=True)
    ok = counts >= 2
    if not ok.any():
        return X[:0], y[:0]
    keep = np.isin(y, classes[ok])
    k = int(min(k_neighbors, counts[ok].min() - 1))
    target = {c: int(n * (1 + n_per_sample)) for c, n in zip(classes[ok], counts[ok])}
    if len(target) == 1:  # imbalanced-learn wants two classes: add a dummy one it leaves alone
        return _smote_one_class(flat[keep], y[keep], n_per_sample, k, random_state, X)
    Xr, yr = SMOTE(sampling_strategy=target, k_neighbors=k, random_state=random_state).fit_resample(flat[keep], y[keep])
    Xn, yn = Xr[keep.sum():], yr[keep.sum():]
    return cast_like(Xn, X), yn


def copies(X, y, n_per_sample: int, random_state: int | None = 0) -> tuple[np.ndarray, np.ndarray]:
    """Each sample repeated ``n_per_sample`` times, ordered by source (random oversampling without
    the draw): what more rows do with nothing new in them. A classifier with a fixed regularisation
    reads them as less of it (an SVM on k + 1 copies is the SVM at (k + 1)·C), which offspring
    inherit too (``benchmarks/results/count-effect.md``). ``random_state``: unused, for a common call."""
    return np.repeat(X, n_per_sample, axis=0), np.repeat(np.asarray(y), n_per_sample)


def _smote_one_class(F, y, n_per_sample, k, random_state, like):
    rng = np.random.default_rng(random_state)
    from sklearn.neighbors import NearestNeighbors

    nn = NearestNeighbors(n_neighbors=k + 1).fit(F)
    idx = nn.kneighbors(F, return_distance=False)[:, 1:]
    src = np.repeat(np.arange(len(F)), n_per_sample)
    part = idx[src, rng.integers(0, k, len(src))]
    lam = rng.random((len(src), 1))
    return cast_like(F[src] + lam * (F[part] - F[src]), like), y[src]


# --------------------------------------------------------------------------- sequences
# The input-space augmenters of time-series classification (Um et al., ICMI 2017; Iwana & Uchida,
# PLOS ONE 2021), at Um et al.'s settings. Each takes a list of (T_i, C) arrays (or an (N, T, C)
# array) and returns n_per_sample copies of each, ordered by source, as a list, with their labels.

def jitter(X, y, n_per_sample: int, random_state=0, sigma: float = 0.03):
    """Gaussian noise of σ times each channel's spread added to every step."""
    return each_copy(X, y, n_per_sample, random_state,
                     lambda rng, s: s + rng.normal(0, sigma, s.shape) * (s.std(axis=0) + 1e-12))


def scaling(X, y, n_per_sample: int, random_state=0, sigma: float = 0.1):
    """Each channel multiplied by one factor drawn from N(1, σ²)."""
    return each_copy(X, y, n_per_sample, random_state, lambda rng, s: s * rng.normal(1.0, sigma, (1, s.shape[1])))


def magnitude_warp(X, y, n_per_sample: int, random_state=0, sigma: float = 0.2, knots: int = 4):
    """Each channel multiplied by a smooth random curve around 1."""
    return each_copy(X, y, n_per_sample, random_state,
                     lambda rng, s: s * smooth_curves(rng, len(s), s.shape[1], sigma, knots))


SEQUENCE_AUGMENTERS = {"jitter": jitter, "scaling": scaling, "magnitude warp": magnitude_warp, "time warp": time_warp}
