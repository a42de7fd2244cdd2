"""What a user would do instead of a VAE: SMOTE in input space and, for images, small random
affine transforms. Both return only the synthetic samples, like :meth:`VAEAugmenter.generate`."""

from __future__ import annotations

import numpy as np


def smote(X: np.ndarray, y: np.ndarray, n_per_sample: int, random_state: int | None = 0,
          k_neighbors: int = 5) -> tuple[np.ndarray, np.ndarray]:
    """SMOTE (Chawla et al. 2002) via imbalanced-learn, asked for ``n_per_sample`` new samples per
    real one in every class; images are flattened for it and reshaped back. A class of one
    sample gets none (SMOTE needs a neighbour)."""
    from imblearn.over_sampling import SMOTE

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
    return _cast_like(Xn, X), yn


def _smote_one_class(F, y, n_per_sample, k, random_state, like):
    rng = np.random.default_rng(random_state)
    from sklearn.neighbors import NearestNeighbors

    nn = NearestNeighbors(n_neighbors=k + 1).fit(F)
    idx = nn.kneighbors(F, return_distance=False)[:, 1:]
    src = np.repeat(np.arange(len(F)), n_per_sample)
    part = idx[src, rng.integers(0, k, len(src))]
    lam = rng.random((len(src), 1))
    return _cast_like(F[src] + lam * (F[part] - F[src]), like), y[src]


def _cast_like(F: np.ndarray, like: np.ndarray) -> np.ndarray:
    out = F.reshape(len(F), *like.shape[1:])
    if np.issubdtype(like.dtype, np.integer):
        info = np.iinfo(like.dtype)
        return np.clip(np.rint(out), info.min, info.max).astype(like.dtype)
    return out.astype(like.dtype)


def affine(X: np.ndarray, y: np.ndarray, n_per_sample: int, random_state: int | None = 0,
           max_rotation: float = 10.0, max_scale: float = 0.1, max_shear: float = 0.15,
           max_shift: float = 0.06) -> tuple[np.ndarray, np.ndarray]:
    """Classic hand-made augmentation for images (N, H, W) or (N, C, H, W): each copy is rotated
    by up to ±``max_rotation`` degrees, scaled by 1 ± ``max_scale``, sheared by up to
    ±``max_shear`` and shifted by up to ±``max_shift`` of the side, about the centre."""
    from scipy.ndimage import affine_transform

    if X.ndim not in (3, 4):
        raise ValueError("affine augmentation is for images (N, H, W) or (N, C, H, W)")
    rng = np.random.default_rng(random_state)
    src = np.repeat(np.arange(len(X)), n_per_sample)
    imgs = X if X.ndim == 4 else X[:, None]
    h, w = imgs.shape[2:]
    c = np.array([(h - 1) / 2, (w - 1) / 2])
    out = np.empty((len(src), *imgs.shape[1:]), dtype=np.float64)
    for o, i in enumerate(src):
        th = np.deg2rad(rng.uniform(-max_rotation, max_rotation))
        s = rng.uniform(1 - max_scale, 1 + max_scale)
        sh = rng.uniform(-max_shear, max_shear)
        A = np.array([[np.cos(th), -np.sin(th)], [np.sin(th), np.cos(th)]]) @ np.array([[1, sh], [0, 1]]) * s
        Ainv = np.linalg.inv(A)
        shift = rng.uniform(-max_shift, max_shift, 2) * np.array([h, w])
        offset = c - Ainv @ (c + shift)
        for ch in range(imgs.shape[1]):
            out[o, ch] = affine_transform(imgs[i, ch].astype(np.float64), Ainv, offset=offset, order=1, mode="constant")
    out = out if X.ndim == 4 else out[:, 0]
    return _cast_like(out, X), y[src]


# --------------------------------------------------------------------------- sequences
# The input-space augmenters of time-series classification (Um et al., ICMI 2017; Iwana & Uchida,
# PLOS ONE 2021), at Um et al.'s settings. Each takes a list of (T_i, C) arrays (or an (N, T, C)
# array) and returns n_per_sample copies of each, ordered by source, as a list, with their labels.

def _smooth_curves(rng, length: int, channels: int, sigma: float, knots: int = 4) -> np.ndarray:
    """(length, channels) random smooth curves around 1: a cubic spline through ``knots`` + 2
    points drawn from N(1, σ²)."""
    from scipy.interpolate import CubicSpline

    at = np.linspace(0, length - 1, knots + 2)
    return CubicSpline(at, rng.normal(1.0, sigma, (knots + 2, channels)))(np.arange(length))


def _each(X, y, n_per_sample: int, random_state, move) -> tuple[list[np.ndarray], np.ndarray]:
    rng = np.random.default_rng(random_state)
    src = np.repeat(np.arange(len(X)), n_per_sample)
    out = [move(rng, np.asarray(X[i], dtype=np.float64)).astype(np.asarray(X[i]).dtype) for i in src]
    return out, np.asarray(y)[src]


def jitter(X, y, n_per_sample: int, random_state=0, sigma: float = 0.03):
    """Gaussian noise of σ times each channel's spread added to every step."""
    return _each(X, y, n_per_sample, random_state,
                 lambda rng, s: s + rng.normal(0, sigma, s.shape) * (s.std(axis=0) + 1e-12))


def scaling(X, y, n_per_sample: int, random_state=0, sigma: float = 0.1):
    """Each channel multiplied by one factor drawn from N(1, σ²)."""
    return _each(X, y, n_per_sample, random_state, lambda rng, s: s * rng.normal(1.0, sigma, (1, s.shape[1])))


def magnitude_warp(X, y, n_per_sample: int, random_state=0, sigma: float = 0.2, knots: int = 4):
    """Each channel multiplied by a smooth random curve around 1."""
    return _each(X, y, n_per_sample, random_state,
                 lambda rng, s: s * _smooth_curves(rng, len(s), s.shape[1], sigma, knots))


def time_warp(X, y, n_per_sample: int, random_state=0, sigma: float = 0.2, knots: int = 4):
    """The sequence read along a smooth random clock: steps sped up and slowed down by a curve
    around 1, rescaled to the same length."""
    def move(rng, s):
        speed = np.clip(_smooth_curves(rng, len(s), 1, sigma, knots)[:, 0], 0.1, None)
        clock = np.cumsum(speed)
        clock = (clock - clock[0]) / max(clock[-1] - clock[0], 1e-12) * (len(s) - 1)
        return np.column_stack([np.interp(clock, np.arange(len(s)), s[:, c]) for c in range(s.shape[1])])

    return _each(X, y, n_per_sample, random_state, move)


SEQUENCE_AUGMENTERS = {"jitter": jitter, "scaling": scaling, "magnitude warp": magnitude_warp, "time warp": time_warp}
