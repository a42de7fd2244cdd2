"""Input-space moves that compose with the VAE's offspring (``VAEAugmenter(compose=...)``), and
that the experiment sets beside it: small random affine transforms and Gaussian blurs for images,
a random time warp for sequences (Um et al., ICMI 2017). Each returns ``n_per_sample`` moved
copies per sample, ordered by source, with their labels; ``random_state`` may be a Generator,
whose draws then continue across calls (so copies made chunk by chunk equal those made whole)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

#: What ``np.random.default_rng`` takes: a seed, seeds ([seed, stream]) or a Generator (draws go on across calls).
Seed = int | Sequence[int] | np.random.Generator | None


def cast_like(F: np.ndarray, like: np.ndarray) -> np.ndarray:
    """Flat samples ``F`` in the shape and dtype of ``like``'s samples (integers rounded and clipped)."""
    out = F.reshape(len(F), *like.shape[1:])
    if np.issubdtype(like.dtype, np.integer):
        info = np.iinfo(like.dtype)
        return np.clip(np.rint(out), info.min, info.max).astype(like.dtype)
    return out.astype(like.dtype)


def background(X: np.ndarray) -> np.ndarray:
    """Each image's background: the median of its border pixels, over the last two axes (H, W). A
    move or a warp fills what it pulls in from outside the frame with it, so dark ink on white
    stays on white (ink on black, the usual case, gets 0 as before)."""
    edge = np.concatenate([X[..., 0, :], X[..., -1, :], X[..., 1:-1, 0], X[..., 1:-1, -1]], axis=-1)
    return np.median(edge, axis=-1)


def affine(X: np.ndarray, y: np.ndarray, n_per_sample: int, random_state: Seed = 0,
           max_rotation: float = 10.0, max_scale: float = 0.1, max_shear: float = 0.15,
           max_shift: float = 0.06) -> tuple[np.ndarray, np.ndarray]:
    """Classic hand-made augmentation for images (N, H, W) or (N, C, H, W): each copy is rotated
    by up to ±``max_rotation`` degrees, scaled by 1 ± ``max_scale``, sheared by up to
    ±``max_shear`` and shifted by up to ±``max_shift`` of the side, about the centre; what it
    shifts in takes the image's :func:`background`."""
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
            img = imgs[i, ch].astype(np.float64)
            out[o, ch] = affine_transform(img, Ainv, offset=offset, order=1, mode="constant", cval=float(background(img)))
    out = out if X.ndim == 4 else out[:, 0]
    return cast_like(out, X), y[src]


def blur(X: np.ndarray, y: np.ndarray, n_per_sample: int, random_state: Seed = 0,
         max_sigma: float = 0.06) -> tuple[np.ndarray, np.ndarray]:
    """Gaussian blur, the other hand-made image augmentation: each copy of an image (N, H, W) or
    (N, C, H, W) blurred with σ drawn uniformly from [0, ``max_sigma`` × its shorter side]; a
    fraction of the side, as affine's shift, so that one rule serves 8×8 digits and 70×70 renders.
    Thin strokes at high resolution gain most (``benchmarks/results/stroke-blur.md``)."""
    if X.ndim not in (3, 4):
        raise ValueError("blur augmentation is for images (N, H, W) or (N, C, H, W)")
    rng = np.random.default_rng(random_state)
    src = np.repeat(np.arange(len(X)), n_per_sample)
    imgs = X if X.ndim == 4 else X[:, None]
    top = max_sigma * min(imgs.shape[2:])
    out = np.empty((len(src), *imgs.shape[1:]), dtype=np.float64)
    for o, i in enumerate(src):
        out[o] = blur_channels(imgs[i].astype(np.float64), rng.uniform(0.0, top))
    out = out if X.ndim == 4 else out[:, 0]
    return cast_like(out, X), y[src]


def blur_channels(img: np.ndarray, sigma: float) -> np.ndarray:
    """A (C, H, W) image Gaussian-blurred by ``sigma`` within each channel (none across them:
    colours do not bleed); σ 0 returns it as it is."""
    from scipy.ndimage import gaussian_filter

    return gaussian_filter(img, (0.0, sigma, sigma)) if sigma > 0 else img


def correlation_length(X: np.ndarray) -> np.ndarray:
    """Each image's smoothness in pixels: the σ of a Gaussian blur of white noise whose
    neighbouring pixels correlate as the image's do (lag 1 along rows and columns, channels
    pooled), σ = 1 / sqrt(−4 ln ρ); 0 where neighbours do not correlate, inf for a flat image.
    Blurs add in quadrature under this model, so it says how much blur an image still lacks."""
    imgs = np.asarray(X, dtype=np.float64)
    imgs = imgs if imgs.ndim == 4 else imgs[:, None]
    D = imgs - imgs.mean(axis=(-2, -1), keepdims=True)
    a, b, c, d = D[..., :, 1:], D[..., :, :-1], D[..., 1:, :], D[..., :-1, :]
    num = (a * b).sum(axis=(1, 2, 3)) + (c * d).sum(axis=(1, 2, 3))
    den = 0.5 * ((a * a + b * b).sum(axis=(1, 2, 3)) + (c * c + d * d).sum(axis=(1, 2, 3)))
    with np.errstate(divide="ignore", invalid="ignore"):
        rho = np.where(den > 0, num / np.where(den > 0, den, 1.0), 1.0)
        return np.where(rho <= 0, 0.0, np.where(rho >= 1, np.inf, 1 / np.sqrt(-4 * np.log(np.clip(rho, 1e-12, 1)))))


def affine_blur(X: np.ndarray, y: np.ndarray, n_per_sample: int, random_state: Seed = 0,
                smoothness: float = 0.06) -> tuple[np.ndarray, np.ndarray]:
    """Each copy moved by :func:`affine`, then Gaussian-blurred until its :func:`correlation_length`
    reaches ``smoothness`` × the shorter side: new poses, drawn smooth. The blur tops up what the
    image lacks, σ = sqrt(target² − own²), so thin strokes on a large canvas (UJI's 70×70: about
    4.1 px) are widened while images already that smooth (the 8×8 digits) stay as moved; a fixed
    σ cannot serve both (``benchmarks/results/blur-draw*.md``). Drawn sample by sample, so that
    copies made chunk by chunk equal those made whole."""
    rng = np.random.default_rng(random_state)
    parts = []
    for i in range(len(X)):
        A, a_y = affine(X[i : i + 1], y[i : i + 1], n_per_sample, random_state=rng)
        imgs = (A if A.ndim == 4 else A[:, None]).astype(np.float64)
        target = smoothness * min(imgs.shape[2:])
        for img, own in zip(imgs, correlation_length(imgs)):
            img[:] = blur_channels(img, np.sqrt(max(target**2 - own**2, 0.0)))
        parts.append((cast_like(imgs if A.ndim == 4 else imgs[:, 0], X), a_y))
    if not parts:
        return X[:0], y[:0]
    return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])


def smooth_curves(rng, length: int, channels: int, sigma: float, knots: int = 4) -> np.ndarray:
    """(length, channels) random smooth curves around 1: a cubic spline through ``knots`` + 2
    points drawn from N(1, σ²)."""
    from scipy.interpolate import CubicSpline

    values = rng.normal(1.0, sigma, (knots + 2, channels))
    if length < 2:  # one step: no spline through knots at one place; the first knot's value
        return values[:length]
    return CubicSpline(np.linspace(0, length - 1, knots + 2), values)(np.arange(length))


def each_copy(X, y, n_per_sample: int, random_state, move) -> tuple[list[np.ndarray], np.ndarray]:
    rng = np.random.default_rng(random_state)
    src = np.repeat(np.arange(len(X)), n_per_sample)
    out = [move(rng, np.asarray(X[i], dtype=np.float64)).astype(np.asarray(X[i]).dtype) for i in src]
    return out, np.asarray(y)[src]


def time_warp(X, y, n_per_sample: int, random_state=0, sigma: float = 0.2, knots: int = 4):
    """The sequence read along a smooth random clock: steps sped up and slowed down by a curve
    around 1, rescaled to the same length."""
    def move(rng, s):
        speed = np.clip(smooth_curves(rng, len(s), 1, sigma, knots)[:, 0], 0.1, None)
        clock = np.cumsum(speed)
        clock = (clock - clock[0]) / max(clock[-1] - clock[0], 1e-12) * (len(s) - 1)
        return np.column_stack([np.interp(clock, np.arange(len(s)), s[:, c]) for c in range(s.shape[1])])

    return each_copy(X, y, n_per_sample, random_state, move)


#: ``compose`` by name: the move made of each real sample beside the VAE's offspring.
MOVES = {"affine": affine, "blur": blur, "affine_blur": affine_blur, "time_warp": time_warp}
