"""How good synthetic samples are, not only how useful: label fidelity, and precision / recall /
density / coverage (Naeem et al., "Reliable Fidelity and Diversity Metrics for Generative
Models", ICML 2020) — pure functions on feature arrays."""

from __future__ import annotations

import numpy as np


def _pairwise(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    """Euclidean distances (len(A), len(B))."""
    A, B = np.asarray(A, np.float64), np.asarray(B, np.float64)
    d2 = (A**2).sum(1)[:, None] + (B**2).sum(1)[None, :] - 2 * A @ B.T
    return np.sqrt(np.maximum(d2, 0.0))


def _knn_radii(F: np.ndarray, k: int) -> np.ndarray:
    """Distance from each row of F to its k-th nearest other row."""
    D = _pairwise(F, F)
    np.fill_diagonal(D, np.inf)
    return np.partition(D, k - 1, axis=1)[:, k - 1]


def prdc(real: np.ndarray, fake: np.ndarray, k: int = 5, per_source: int = 1) -> dict[str, float]:
    """Precision, recall, density, coverage of ``fake`` (M, d) against ``real`` (N, d).

    With r_i the distance of real sample i to its k-th nearest real neighbour, B(x, r) a ball:
    precision = share of fakes inside some B(real_i, r_i); recall = share of reals inside some
    B(fake_j, s_j) (s_j: fake k-NN radii); density = (1/kM) Σ_j Σ_i 1[fake_j ∈ B(real_i, r_i)];
    coverage = share of reals whose nearest fake lies inside B(real_i, r_i) (Naeem et al. 2020).

    ``per_source``: how many fakes each source sample made. The fakes' radii s_j are taken at the
    (k · per_source)-th neighbour, so that a source's own offspring do not shrink each other's ball
    to nothing: n exact copies of a set score as the set itself (at k, copies gave recall 0).
    """
    real, fake = np.asarray(real, np.float64), np.asarray(fake, np.float64)
    k_fake = k * max(1, int(per_source))
    if len(real) <= k or len(fake) <= k_fake:
        raise ValueError(f"prdc needs more than k={k} real and k·per_source={k_fake} fake samples, got {len(real)} "
                         f"and {len(fake)}")
    r = _knn_radii(real, k)
    s = _knn_radii(fake, k_fake)
    D = _pairwise(real, fake)  # (N, M)
    inside = D <= r[:, None]
    return {
        "precision": float(inside.any(axis=0).mean()),
        "recall": float((D <= s[None, :]).any(axis=1).mean()),
        "density": float(inside.sum() / (k * len(fake))),
        "coverage": float((D.min(axis=1) <= r).mean()),
    }


def label_fidelity(classifier, X_features: np.ndarray, y_intended: np.ndarray) -> float:
    """Share of synthetic samples that a classifier trained on real data assigns to their intended class."""
    if len(y_intended) == 0:
        return float("nan")
    return float(np.mean(classifier.predict(X_features) == y_intended))
