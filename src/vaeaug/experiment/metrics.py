"""How good synthetic samples are, not only how useful: label fidelity, and precision / recall /
density / coverage (Naeem et al., "Reliable Fidelity and Diversity Metrics for Generative
Models", ICML 2020) — pure functions on feature arrays."""

from __future__ import annotations

import numpy as np

#: The most distances held at once (128 MB of float64): a set's distances to itself grow with its
#: square, and 27,000 offspring (satimage's training split, six a sample) took 16 GB in one piece.
#: Up to this many, one block, whose distances are those of one product.
BLOCK = 2**24


def _pairwise(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    """Euclidean distances (len(A), len(B))."""
    A, B = np.asarray(A, np.float64), np.asarray(B, np.float64)
    d2 = (A**2).sum(1)[:, None] + (B**2).sum(1)[None, :] - 2 * A @ B.T
    return np.sqrt(np.maximum(d2, 0.0))


def _row_blocks(A: np.ndarray, B: np.ndarray):
    """``(rows, distances)`` from blocks of ``A``'s rows to all of ``B``, each of at most :data:`BLOCK` distances."""
    step = max(1, BLOCK // max(1, len(B)))
    for start in range(0, len(A), step):
        rows = slice(start, min(start + step, len(A)))
        yield rows, _pairwise(A[rows], B)


def _knn_radii(F: np.ndarray, k: int) -> np.ndarray:
    """Distance from each row of F to its k-th nearest other row."""
    out = np.empty(len(F))
    for rows, D in _row_blocks(F, F):
        D[np.arange(len(D)), np.arange(rows.start, rows.stop)] = np.inf
        out[rows] = np.partition(D, k - 1, axis=1)[:, k - 1]
    return out


def prdc(real: np.ndarray, fake: np.ndarray, k: int = 5, per_source: int = 1) -> dict[str, float]:
    """Precision, recall, density, coverage of ``fake`` (M, d) against ``real`` (N, d).

    With r_i the distance of real sample i to its k-th nearest real neighbour, B(x, r) a ball:
    precision = share of fakes inside some B(real_i, r_i); recall = share of reals inside some
    B(fake_j, s_j) (s_j: fake k-NN radii); density = (1/kM) Σ_j Σ_i 1[fake_j ∈ B(real_i, r_i)];
    coverage = share of reals whose nearest fake lies inside B(real_i, r_i) (Naeem et al. 2020).

    ``per_source``: how many fakes each source sample made. The fakes' radii s_j are taken at the
    (k · per_source)-th neighbour, so that a source's own offspring do not shrink each other's ball
    to nothing: n exact copies of a set score as the set itself (at k, copies gave recall 0).
    Distances are taken in blocks of real rows (:data:`BLOCK`), so memory stays bounded.
    """
    real, fake = np.asarray(real, np.float64), np.asarray(fake, np.float64)
    k_fake = k * max(1, int(per_source))
    if len(real) <= k or len(fake) <= k_fake:
        raise ValueError(f"prdc needs more than k={k} real and k·per_source={k_fake} fake samples, got {len(real)} "
                         f"and {len(fake)}")
    r = _knn_radii(real, k)
    s = _knn_radii(fake, k_fake)
    in_some_ball = np.zeros(len(fake), dtype=bool)
    recalled, covered, inside_count = np.zeros(len(real), dtype=bool), np.zeros(len(real), dtype=bool), 0
    for rows, D in _row_blocks(real, fake):  # (rows, M)
        inside = D <= r[rows, None]
        in_some_ball |= inside.any(axis=0)
        inside_count += int(inside.sum())
        recalled[rows] = (D <= s[None, :]).any(axis=1)
        covered[rows] = D.min(axis=1) <= r[rows]
    return {
        "precision": float(in_some_ball.mean()),
        "recall": float(recalled.mean()),
        "density": float(inside_count / (k * len(fake))),
        "coverage": float(covered.mean()),
    }


def label_fidelity(classifier, X_features: np.ndarray, y_intended: np.ndarray) -> float:
    """Share of synthetic samples that a classifier trained on real data assigns to their intended class."""
    if len(y_intended) == 0:
        return float("nan")
    return float(np.mean(classifier.predict(X_features) == y_intended))
