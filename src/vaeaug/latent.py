"""Latent-space operations: numbers in, numbers out.

The three ways of altering a code ``z`` come from DeVries & Taylor, "Dataset Augmentation in
Feature Space" (ICLR workshop 2017), as evaluated on VAE codes by Jorge et al., "Empirical
evaluation of variational autoencoders for data augmentation" (VISAPP 2018). Every function here
is pure: it takes arrays (and a NumPy ``Generator`` where randomness is needed) and returns new
arrays; nothing touches a model.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

METHODS = ("reconstruction", "noise", "interpolation", "extrapolation", "mixed")
#: The methods that pair each code with a same-class neighbour.
NEIGHBOUR_METHODS = ("interpolation", "extrapolation", "mixed")

#: Default strength per method: σ for noise, λ for the neighbour methods (DeVries & Taylor 2017
#: use λ = 0.5 for interpolation and extrapolation; ``"mixed"`` takes the vector portfolio's 0.75).
DEFAULT_STRENGTH = {"reconstruction": 0.0, "noise": 0.5, "interpolation": 0.5, "extrapolation": 0.5,
                    "mixed": 0.75}


#: What a neighbour method does with a sample alone in its class: refuse (``"raise"``), make it
#: no offspring (``"skip"``), or make its offspring by noise (``"noise"``), which needs no partner.
SMALL_CLASS_RULES = ("raise", "skip", "noise")


class SmallClassError(ValueError):
    """A class has too few samples for a neighbour-based method (it needs at least two):
    ``method`` and the ``classes`` of one sample, for a caller that words its own message."""

    def __init__(self, message: str, method: str | None = None, classes: list[str] | None = None):
        super().__init__(message)
        self.method, self.classes = method, list(classes or [])


def latent_spread(Z: np.ndarray) -> np.ndarray:
    """Per-dimension standard deviation ``s`` of codes ``Z`` (N, d) → (d,), used to scale noise.

    A dimension with no spread gets 0, so noise never moves a code along a dead axis.
    """
    Z = np.asarray(Z, dtype=np.float64)
    return Z.std(axis=0) if len(Z) > 1 else np.zeros(Z.shape[1])


def perturb(z: np.ndarray, sigma: np.ndarray | float, spread: np.ndarray, eps: np.ndarray) -> np.ndarray:
    """Noise: ``z' = z + σ · s ⊙ ε`` with ``ε ~ N(0, I)`` given (DeVries & Taylor 2017, Eq. 1).

    ``z``: (N, d) codes; ``sigma``: a scalar or (N,), one σ per code; ``spread``: (d,)
    per-dimension spread ``s``; ``eps``: (N, d) draws.
    """
    sigma = np.asarray(sigma, dtype=np.float64)
    if sigma.ndim == 1:
        sigma = sigma[:, None]
    return z + sigma * spread[None, :] * eps


def interpolate(z_i: np.ndarray, z_j: np.ndarray, lam: np.ndarray | float) -> np.ndarray:
    """Interpolation: ``z' = z_i + λ (z_j − z_i)``, λ in [0, 1] (DeVries & Taylor 2017, Eq. 2).

    λ = 0 gives ``z_i`` back exactly; λ = 1 gives the neighbour ``z_j``. ``lam`` is a scalar or
    an (N,) array, one λ per pair.
    """
    lam = np.asarray(lam, dtype=np.float64)
    if lam.ndim == 1:
        lam = lam[:, None]
    return z_i + lam * (z_j - z_i)


def extrapolate(z_i: np.ndarray, z_j: np.ndarray, lam: np.ndarray | float) -> np.ndarray:
    """Extrapolation: ``z' = z_i + λ (z_i − z_j)``, default λ = 0.5 (DeVries & Taylor 2017, Eq. 3).

    Moves ``z_i`` away from its neighbour, towards the edge of its class's region.
    """
    lam = np.asarray(lam, dtype=np.float64)
    if lam.ndim == 1:
        lam = lam[:, None]
    return z_i + lam * (z_i - z_j)


def mixed_lambdas(lam: np.ndarray, position: np.ndarray) -> np.ndarray:
    """The signed λ of :func:`interpolate` for ``"mixed"`` offspring: of every three offspring of a
    source (``position`` = 0, 1, 2, ... among them) two interpolate at λ and the third
    extrapolates at min(λ, 1 − λ), i.e. interpolates at minus that. Towards the partner, and a
    shorter step away from it, so that the class's spread is kept (``docs/choice.md``); at
    λ = 0.75 the two points lie one neighbour step apart, and λ = 0 gives the source back."""
    lam = np.asarray(lam, dtype=np.float64)
    away = np.clip(np.minimum(lam, 1.0 - lam), 0.0, None)
    return np.where(np.asarray(position) % 3 == 2, -away, lam)


def residual_decode(x_src: np.ndarray, dec_new: np.ndarray, dec_src: np.ndarray,
                    lo: float | None = None, hi: float | None = None) -> np.ndarray:
    """Residual decoding: ``x' = x + (D(z') − D(z))``, the change the decoder makes between the
    source code ``z`` and the altered code ``z'``, applied to the real source sample ``x``.

    All three arrays are in the model's space, same shape. A plain decode ``D(z')`` is the
    decoder's mean, as blurry as its uncertainty; adding only the *difference* keeps the source's
    own detail (a pen stroke's sharp edge), while the VAE still sets the direction and size of
    the change. The same idea as residual feature-space editing; ``z' = z`` gives ``x`` back
    exactly. ``lo``/``hi`` clip the result to the model space's valid range (images: [0, 1]).
    """
    out = x_src + (dec_new - dec_src)
    if lo is not None or hi is not None:
        np.clip(out, lo, hi, out=out)
    return out


def same_class_neighbours(Z: np.ndarray, y: np.ndarray, k: int) -> np.ndarray:
    """The ``k`` nearest same-class neighbours of every code, by Euclidean distance.

    Returns an (N, k) integer array of row indices into ``Z``; a row's own index never appears.
    Where a class has fewer than ``k + 1`` members the row is padded with -1 (a class of one
    has no neighbour at all: its row is all -1).
    """
    Z = np.asarray(Z, dtype=np.float64)
    y = np.asarray(y)
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    out = np.full((len(Z), k), -1, dtype=np.int64)
    for label in np.unique(y):
        idx = np.flatnonzero(y == label)
        if len(idx) < 2:
            continue
        zc = Z[idx]
        sq = (zc**2).sum(axis=1)
        m = min(k, len(idx) - 1)
        # rows in blocks of at most NEIGHBOUR_BLOCK distances: a class of 50,000 held 20 GB at once
        rows = max(1, NEIGHBOUR_BLOCK // len(idx))
        for start in range(0, len(idx), rows):
            block = slice(start, start + rows)
            d2 = sq[block, None] + sq[None, :]
            d2 -= (2.0 * zc[block]) @ zc.T  # sq_i + sq_j − 2 z_i·z_j, as one expression gave it, with fewer copies
            d2[np.arange(len(d2)), np.arange(start, start + len(d2))] = np.inf  # never its own neighbour
            out[idx[block], :m] = idx[nearest(d2, m)]
    return out


#: The most squared distances :func:`same_class_neighbours` holds at once (256 MB of float64):
#: a class of up to 5,792 codes is one block, whose distances are those of one product.
NEIGHBOUR_BLOCK = 2**25


def nearest(d2: np.ndarray, m: int) -> np.ndarray:
    """The columns of each row's ``m`` smallest values, in the order of a stable sort (ties by
    column, so results never depend on the platform's sort), found from the m-th smallest value
    (a sort of every row took minutes on a class of 50,000; torch's top-k finds the value 10×
    faster than numpy's partition, and a value does not depend on how ties are ordered)."""
    import torch

    if m >= d2.shape[1]:
        return np.argsort(d2, axis=1, kind="stable")[:, :m]
    kth = torch.topk(torch.from_numpy(d2), m, dim=1, largest=False).values[:, -1:].numpy()
    within = d2 <= kth  # the m smallest, and any value tied with the m-th
    out = np.empty((len(d2), m), dtype=np.int64)
    exact = within.sum(axis=1) == m
    if exact.any():
        rows = np.flatnonzero(exact)[:, None]
        cols = np.nonzero(within[exact])[1].reshape(-1, m)  # ascending columns: ties stay in column order
        out[exact] = np.take_along_axis(cols, np.argsort(d2[rows, cols], axis=1, kind="stable"), 1)
    for r in np.flatnonzero(~exact):  # ties at the m-th value: the lowest columns among them
        cols = np.flatnonzero(within[r])
        out[r] = cols[np.argsort(d2[r, cols], kind="stable")[:m]]
    return out


@dataclass(frozen=True)
class SyntheticCodes:
    """Codes made by :func:`synthesize`: ``Z`` (M, d), their labels ``y`` (M,), the row of the
    source sample each came from ``source`` (M,), the partner row ``partner`` (M,; -1 for
    methods without one), and ``moved`` (M,): True for an input-space move of the source
    (``compose``), whose row holds the source's own code."""

    Z: np.ndarray
    y: np.ndarray
    source: np.ndarray
    partner: np.ndarray
    moved: np.ndarray | None = None

    def __post_init__(self):
        if self.moved is None:
            object.__setattr__(self, "moved", np.zeros(len(self.y), dtype=bool))


def _draw_strength(strength, n: int, rng: np.random.Generator) -> np.ndarray:
    """A fixed strength, or λ ~ U(low, high) per sample when given a (low, high) pair."""
    if isinstance(strength, (tuple, list)):
        low, high = float(strength[0]), float(strength[1])
        if low > high:
            raise ValueError(f"strength range must be (low, high) with low <= high, got {strength}")
        return rng.uniform(low, high, size=n)
    return np.full(n, float(strength))


#: Synthetic codes are drawn in blocks of this many, in order, each block's random draws after the
#: last's: what a seed makes is then the same whether it is taken whole or streamed in chunks.
BLOCK_SIZE = 1024


def synthesize_blocks(
    Z: np.ndarray,
    y: np.ndarray,
    method: str,
    n_per_sample: int = 1,
    strength: float | tuple[float, float] | None = None,
    k: int = 5,
    rng: np.random.Generator | None = None,
    spread: np.ndarray | None = None,
    small_classes: str = "raise",
    neighbours: np.ndarray | None = None,
    block_size: int = BLOCK_SIZE,
    lone_strength: float | tuple[float, float] | None = None,
) -> Iterator[SyntheticCodes]:
    """:func:`synthesize`'s codes as consecutive blocks of at most ``block_size`` codes.

    Offspring are ordered by source (the ``n_per_sample`` offspring of sample 0, then of sample
    1, ...); each block draws its randomness from ``rng`` after the previous block. Checks and
    the neighbour search happen before the first block is yielded.
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    if n_per_sample < 1:
        raise ValueError(f"n_per_sample must be at least 1, got {n_per_sample}")
    if small_classes not in SMALL_CLASS_RULES:
        raise ValueError(f"small_classes must be one of {SMALL_CLASS_RULES}, got {small_classes!r}")
    rng = np.random.default_rng() if rng is None else rng
    Z = np.asarray(Z, dtype=np.float64)
    y = np.asarray(y)
    strength = DEFAULT_STRENGTH[method] if strength is None else strength
    sources = np.arange(len(Z))
    nbrs = None
    lone = None  # σ for the samples a neighbour method cannot pair, under small_classes="noise"
    if method == "noise" or (method in NEIGHBOUR_METHODS and small_classes == "noise"):
        spread = latent_spread(Z) if spread is None else np.asarray(spread, dtype=np.float64)
    if method in NEIGHBOUR_METHODS:
        nbrs = same_class_neighbours(Z, y, k) if neighbours is None else neighbours
        has = nbrs[:, 0] >= 0
        if not has.all():
            if small_classes == "raise":
                lonely = sorted({str(v) for v in y[~has]})
                raise SmallClassError(
                    f"{method} needs at least two samples per class; class(es) "
                    f"{', '.join(lonely)} have one. Give more samples, use method='noise', "
                    "small_classes='noise' to give those samples noise offspring, or "
                    "small_classes='skip' to give them none.", method, lonely
                )
            if small_classes == "skip":
                sources = np.flatnonzero(has)
            else:
                lone = DEFAULT_STRENGTH["noise"] if lone_strength is None else lone_strength
    return _blocks(Z, y, method, sources, n_per_sample, strength, rng, spread, nbrs, block_size, lone)


def _blocks(Z, y, method, sources, n_per_sample, strength, rng, spread, nbrs, block_size,
            lone=None) -> Iterator[SyntheticCodes]:
    """The blocks of :func:`synthesize_blocks`, after its checks."""
    total = len(sources) * n_per_sample
    for start in range(0, total, block_size):
        index = np.arange(start, min(start + block_size, total))
        source = sources[index // n_per_sample]
        partner = np.full(len(source), -1, dtype=np.int64)
        if method == "reconstruction":
            Z_new = Z[source].copy()
        elif method == "noise":
            sigma = _draw_strength(strength, len(source), rng)
            Z_new = perturb(Z[source], sigma, spread, rng.standard_normal((len(source), Z.shape[1])))
        else:
            n_avail = (nbrs[source] >= 0).sum(axis=1)
            partner = nbrs[source, np.floor(rng.random(len(source)) * n_avail).astype(np.int64)]
            lam = _draw_strength(strength, len(source), rng)
            if method == "mixed":
                Z_new = interpolate(Z[source], Z[partner], mixed_lambdas(lam, index % n_per_sample))
            else:
                op = interpolate if method == "interpolation" else extrapolate
                Z_new = op(Z[source], Z[partner], lam)
            alone = n_avail == 0  # a class of one sample (small_classes="noise"): noise, drawn after the block's draws
            if alone.any():
                partner[alone] = -1
                Z_new[alone] = perturb(Z[source[alone]], _draw_strength(lone, int(alone.sum()), rng), spread,
                                       rng.standard_normal((int(alone.sum()), Z.shape[1])))
        yield SyntheticCodes(Z=Z_new, y=y[source], source=source, partner=partner)


def concat_codes(blocks, d: int, y_dtype) -> SyntheticCodes:
    """One :class:`SyntheticCodes` from blocks of them (an empty one, of code size ``d``, from none)."""
    blocks = list(blocks)
    if not blocks:
        none = np.zeros(0, dtype=np.int64)
        return SyntheticCodes(np.zeros((0, d)), np.zeros(0, dtype=y_dtype), none, none.copy())
    return SyntheticCodes(*(np.concatenate([getattr(b, f) for b in blocks])
                            for f in ("Z", "y", "source", "partner", "moved")))


def synthesize(
    Z: np.ndarray,
    y: np.ndarray,
    method: str,
    n_per_sample: int = 1,
    strength: float | tuple[float, float] | None = None,
    k: int = 5,
    rng: np.random.Generator | None = None,
    spread: np.ndarray | None = None,
    small_classes: str = "raise",
    neighbours: np.ndarray | None = None,
    lone_strength: float | tuple[float, float] | None = None,
) -> SyntheticCodes:
    """Make ``n_per_sample`` new codes from every code in ``Z`` (N, d) with labels ``y`` (N,).

    ``method``: ``"reconstruction"`` (codes unchanged, a control), ``"noise"``,
    ``"interpolation"``, ``"extrapolation"`` or ``"mixed"`` (:func:`mixed_lambdas`). ``strength``:
    σ for noise, λ for the neighbour methods; a (low, high) pair draws it uniformly per synthetic
    code; ``None`` takes :data:`DEFAULT_STRENGTH`. Neighbour methods pair each code with one of
    its ``k`` nearest same-class neighbours, drawn uniformly. ``spread`` scales noise (default:
    the spread of ``Z``). A class of one sample cannot take a neighbour method: ``small_classes="raise"``
    raises :class:`SmallClassError`; ``"skip"`` gives such samples no offspring; ``"noise"`` gives
    them noise offspring at σ ``lone_strength`` (default :data:`DEFAULT_STRENGTH`'s), drawn after
    the rest of their block's draws (data without a lone sample draws as under ``"raise"``).
    ``neighbours``: a precomputed :func:`same_class_neighbours` table, to reuse across calls.
    The codes are those of :func:`synthesize_blocks`, joined.
    """
    blocks = synthesize_blocks(Z, y, method, n_per_sample, strength, k, rng, spread, small_classes, neighbours,
                               lone_strength=lone_strength)
    return concat_codes(blocks, np.shape(Z)[1], np.asarray(y).dtype)
