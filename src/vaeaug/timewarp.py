"""Time-warp decoding for sequences, the analogue of the image warp: the real source sequence is
moved along the time alignment (dynamic time warping, Sakoe & Chiba 1978) that carries D(z), the
decode of its own code, onto D(z'), the decode of the altered code. The offspring keeps every
detail of the real sequence and takes the altered code's timing. Pure NumPy: numbers in, numbers out.
"""

from __future__ import annotations

import numpy as np

#: The Sakoe–Chiba band, as a share of the length: an alignment moves no step further than this,
#: so that a smooth decode cannot fold the whole sequence onto one of its steps.
BAND = 0.2
#: Cells of the cost matrices held at once (samples × L × L): about 128 MiB of float32.
BLOCK_CELLS = 2**25


def dtw_alignment(A: np.ndarray, B: np.ndarray, band: float = BAND) -> np.ndarray:
    """For each pair of sequences A[m], B[m] of shape (C, L): φ (M, L), the mean step of A that
    DTW aligns with each step of B (squared Euclidean cost, steps (1,0), (0,1), (1,1), within the
    band)."""
    A, B = np.asarray(A, np.float32), np.asarray(B, np.float32)
    m, _, length = A.shape
    block = max(1, BLOCK_CELLS // (length * length))
    return np.concatenate([_align_block(A[s : s + block], B[s : s + block], band)
                           for s in range(0, m, block)]) if m else np.zeros((0, length))


def _align_block(A: np.ndarray, B: np.ndarray, band: float) -> np.ndarray:
    m, _, length = A.shape
    w = max(1, int(np.ceil(band * length)))
    # cost[i, j, m]: A's step i against B's step j; samples last, so each cell's update is one vector op
    cost = ((A.transpose(2, 0, 1)[:, None] - B.transpose(2, 0, 1)[None]) ** 2).sum(axis=3)
    D = np.full((length + 1, length + 1, m), np.inf, np.float32)
    D[0, 0] = 0.0
    for i in range(1, length + 1):
        for j in range(max(1, i - w), min(length, i + w) + 1):
            D[i, j] = cost[i - 1, j - 1] + np.minimum(np.minimum(D[i - 1, j], D[i, j - 1]), D[i - 1, j - 1])
    # walk back from the end, every sample at once
    i = np.full(m, length)
    j = np.full(m, length)
    sums, counts = np.zeros((m, length)), np.zeros((m, length))
    rows = np.arange(m)
    while True:
        live = (i > 0) & (j > 0)
        if not live.any():
            break
        np.add.at(sums, (rows[live], j[live] - 1), i[live] - 1)
        np.add.at(counts, (rows[live], j[live] - 1), 1)
        diag, up, left = D[i - 1, j - 1, rows], D[i - 1, j, rows], D[i, j - 1, rows]
        step = np.argmin(np.stack([diag, up, left]), axis=0)
        at_start = (i == 1) & (j == 1)
        di = np.where(step == 2, 0, 1)
        dj = np.where(step == 1, 0, 1)
        i = np.where(live, np.where(at_start, 0, i - di), i)
        j = np.where(live, np.where(at_start, 0, j - dj), j)
    return sums / np.maximum(counts, 1)


def shift_along(X: np.ndarray, phi: np.ndarray) -> np.ndarray:
    """Sequences X (M, C, L) read at fractional steps φ (M, L): X'[m, :, j] = X[m, :, φ[m, j]]."""
    length = X.shape[2]
    lo = np.clip(np.floor(phi).astype(int), 0, max(length - 2, 0))
    frac = np.clip(phi - lo, 0.0, 1.0)[:, None, :]
    hi = np.minimum(lo + 1, length - 1)
    take = lambda idx: np.take_along_axis(X, np.broadcast_to(idx[:, None, :], X.shape), axis=2)  # noqa: E731
    return take(lo) * (1 - frac) + take(hi) * frac


def timewarp_decode(T_src: np.ndarray, D_new: np.ndarray, D_src: np.ndarray, model_shape: tuple[int, int],
                    band: float = BAND) -> np.ndarray:
    """Sources (M, C·L) moved along the alignment of their own decodes D_src onto the altered
    decodes D_new (both (M, C·L), the model's space): (M, C·L) float32."""
    c, length = model_shape
    shape = (len(T_src), c, length)
    phi = dtw_alignment(D_src.reshape(shape), D_new.reshape(shape), band)
    return shift_along(T_src.reshape(shape), phi).reshape(len(T_src), -1).astype(np.float32)
