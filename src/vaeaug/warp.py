"""Warp decoding for images: move the real source image by the deformation that carries the
decoder's picture of its code, D(z), onto the picture of the altered code, D(z').

A direct decode D(z') is the decoder's mean: on thin pen strokes a blurred prototype. Residual
decoding (x + D(z') − D(z)) keeps the source's detail but adds the change as ghost strokes. Here
the change is read as *motion*: a smooth displacement field is fitted so that D(z) warped by it
matches D(z') (both blurred, so the fit is well posed), and the same field is applied to the sharp
source x. The offspring keeps the source's strokes and takes the shape change the VAE proposes
(the evidence: ``docs/choice.md``).

Every function takes and returns tensors or arrays; nothing touches a model. The fit is
deterministic (Adam from a zero field), and each image's field depends on its own pair only, so
chunking a batch does not change the result.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from .moves import background


@dataclass(frozen=True)
class WarpSettings:
    """How the displacement field is fitted, for images of a given size.

    ``grid``: control points per side of the field (bilinearly interpolated in between);
    ``blur``: σ in pixels of the Gaussian blur applied to both pictures before the fit;
    ``pool``: the fit runs on pictures average-pooled by this factor (the field is
    resolution-free, so it applies at full size); ``steps``, ``lr``: Adam iterations and first
    step size (falling linearly to 0), in units of half the image's side; ``smoothness``: weight
    of the squared differences between neighbouring control points, against the mean squared
    pixel difference; ``gain``: the fitted field is applied to the source this many times over.
    """

    grid: int = 8
    blur: float = 1.5
    pool: int = 2
    steps: int = 40
    lr: float = 0.05
    # smooth, about half the size of a free fit (docs/choice.md, results/ujipen-v1-warp-smooth0.2.md)
    smoothness: float = 4.6
    # the smooth fit's shape at the decoded change's size: the prior damps both (results/warp-gain.md)
    gain: float = 2.0

    @classmethod
    def for_size(cls, h: int, w: int) -> "WarpSettings":
        """Settings scaled to an image size: the defaults suit 70×70 (UJI renders), and smaller
        images get a coarser field, less blur and no pooling (8×8 digits: a 2×2 field)."""
        side = min(h, w)
        return cls(grid=int(np.clip(round(side / 9), 2, 8)), blur=max(h, w) / 48, pool=2 if side >= 32 else 1)


def gaussian_blur(x: torch.Tensor, sigma: float) -> torch.Tensor:
    """Separable Gaussian blur of (N, C, H, W) images, edges replicated; σ < 0.3 returns ``x``."""
    if sigma < 0.3:
        return x
    r = max(1, int(3 * sigma))
    k = torch.exp(-0.5 * (torch.arange(-r, r + 1, dtype=x.dtype, device=x.device) / sigma) ** 2)
    k = (k / k.sum()).repeat(x.shape[1], 1, 1)  # one kernel per channel
    c = x.shape[1]
    x = F.conv2d(F.pad(x, (r, r, 0, 0), mode="replicate"), k.view(c, 1, 1, -1), groups=c)
    return F.conv2d(F.pad(x, (0, 0, r, r), mode="replicate"), k.view(c, 1, -1, 1), groups=c)


def identity_grid(h: int, w: int, device=None, dtype=torch.float32) -> torch.Tensor:
    """The sampling grid that leaves an (h, w) image unchanged: (1, h, w, 2), (x, y) in [−1, 1]."""
    ys = torch.linspace(-1, 1, h, device=device, dtype=dtype)
    xs = torch.linspace(-1, 1, w, device=device, dtype=dtype)
    yy, xx = torch.meshgrid(ys, xs, indexing="ij")
    return torch.stack([xx, yy], dim=-1)[None]


def _linear_map(n_in: int, op, device, dtype) -> torch.Tensor:
    """The matrix (n_out, n_in) of a linear 1-D operation ``op`` on (rows, 1, n_in) tensors, read
    off by applying it to the unit vectors: separable image operations then run as two matmuls."""
    eye = torch.eye(n_in, device=device, dtype=dtype)[:, None, :]
    return op(eye)[:, 0, :].T.contiguous()


def upsampling_matrix(g: int, n: int, device=None, dtype=torch.float32) -> torch.Tensor:
    """(n, g): linear interpolation of g control points onto n pixels, ends aligned."""
    return _linear_map(g, lambda v: F.interpolate(v, size=n, mode="linear", align_corners=True), device, dtype)


def smoothing_matrix(n: int, sigma: float, pool: int, device=None, dtype=torch.float32) -> torch.Tensor:
    """(ceil(n / pool), n): the 1-D Gaussian blur of :func:`gaussian_blur` (edges replicated),
    then average pooling by ``pool``."""
    def op(v: torch.Tensor) -> torch.Tensor:
        v = gaussian_blur(v[:, :, None, :], sigma)[:, :, 0, :]
        return F.avg_pool1d(v, pool, ceil_mode=True) if pool > 1 else v
    return _linear_map(n, op, device, dtype)


def displacement(theta: torch.Tensor, h: int, w: int) -> torch.Tensor:
    """Control-point displacements (N, 2, g, g) → a dense field (N, h, w, 2), bilinear.

    Bilinear interpolation is separable, so it runs as U_h θ U_wᵀ: two small matmuls, whose
    backward pass is far cheaper on CPU than ``upsample_bilinear2d``'s (38 % of a fit before)."""
    g = theta.shape[-1]
    return _dense_field(theta, upsampling_matrix(g, h, theta.device, theta.dtype),
                        upsampling_matrix(g, w, theta.device, theta.dtype))


def _dense_field(theta: torch.Tensor, uh: torch.Tensor, uw: torch.Tensor) -> torch.Tensor:
    """U_h θ U_wᵀ as an (N, h, w, 2) field, given the two upsampling matrices."""
    return torch.einsum("hg,nkgl,wl->nhwk", uh, theta, uw)


def _sample(x: torch.Tensor, grid: torch.Tensor, bg: torch.Tensor) -> torch.Tensor:
    """``x`` read at ``grid`` (bilinear), ``bg`` outside the frame."""
    return F.grid_sample(x - bg, grid, mode="bilinear", padding_mode="zeros", align_corners=True) + bg


def warp(x: torch.Tensor, theta: torch.Tensor, bg: torch.Tensor | float = 0.0) -> torch.Tensor:
    """Images (N, C, H, W) resampled at p + d(p), d the field of ``theta``: out(p) = x(p + d(p)),
    ``bg`` (:func:`vaeaug.moves.background`, (N, C, 1, 1) or a number) outside the frame."""
    h, w = x.shape[2:]
    grid = identity_grid(h, w, x.device, x.dtype) + displacement(theta, h, w)
    return _sample(x, grid, bg)


def register(src: torch.Tensor, dst: torch.Tensor, settings: WarpSettings,
             bg: torch.Tensor | float = 0.0) -> torch.Tensor:
    """The smooth field that best warps ``src`` onto ``dst`` (both (N, C, H, W)): (N, 2, g, g),
    ``bg`` (channel-averaged, (N, 1, 1, 1) or a number) pulled in from outside the frame.

    Minimises mean((warp(src) − dst)²) + smoothness · mean(Δθ²) over the control points by Adam,
    on blurred, pooled, channel-averaged pictures.
    """
    # the fit needs autograd, also under the caller's torch.no_grad() or torch.inference_mode()
    with torch.inference_mode(False), torch.enable_grad():
        return _register(src, dst, settings, bg)


def _register(src: torch.Tensor, dst: torch.Tensor, settings: WarpSettings, bg) -> torch.Tensor:
    """:func:`register`'s fit, under autograd."""
    s = settings
    # blur and pooling are separable and linear: one (h', H) and one (w', W) matrix, two matmuls
    mh = smoothing_matrix(src.shape[2], s.blur, s.pool, src.device, src.dtype)
    mw = smoothing_matrix(src.shape[3], s.blur, s.pool, src.device, src.dtype)
    a = torch.einsum("ph,nchw,qw->ncpq", mh, src.mean(dim=1, keepdim=True), mw)
    b = torch.einsum("ph,nchw,qw->ncpq", mh, dst.mean(dim=1, keepdim=True), mw)
    n, _, h, w = a.shape
    base = identity_grid(h, w, a.device, a.dtype)
    uh, uw = upsampling_matrix(s.grid, h, a.device, a.dtype), upsampling_matrix(s.grid, w, a.device, a.dtype)
    theta = torch.zeros(n, 2, s.grid, s.grid, device=a.device, dtype=a.dtype, requires_grad=True)
    opt = torch.optim.Adam([theta], lr=s.lr)
    for step in range(s.steps):
        # a step size falling linearly to 0: Adam's steps stay about lr long near the optimum,
        # so without the decay the field would end jittering by about lr
        opt.param_groups[0]["lr"] = s.lr * (1 - step / s.steps)
        moved = _sample(a, base + _dense_field(theta, uh, uw), bg)
        # sums, not means over the batch: every image's field then sees its own gradient only
        fit = ((moved - b) ** 2).sum() / (h * w)
        rough = ((theta[..., 1:, :] - theta[..., :-1, :]) ** 2).sum() + ((theta[..., 1:] - theta[..., :-1]) ** 2).sum()
        loss = fit + s.smoothness * rough / max(1, 4 * s.grid * (s.grid - 1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
    return theta.detach()


def warp_decode(x_src: np.ndarray, dec_new: np.ndarray, dec_src: np.ndarray, shape: tuple[int, int, int],
                settings: WarpSettings | None = None, device: str | torch.device = "cpu",
                batch_size: int = 1024) -> np.ndarray:
    """Warp decoding: each source image ``x_src`` moved by the field that carries ``dec_src``
    (D(z)) onto ``dec_new`` (D(z')). Arrays are (M, C·H·W) or (M, C, H, W) in [0, 1]; ``shape``
    is (C, H, W). Returns an (M, C·H·W) float32 array in [0, 1]."""
    c, h, w = shape
    settings = settings or WarpSettings.for_size(h, w)
    if settings.gain == 0:  # no motion applied: the sources as they are, without fitting any field
        return np.clip(np.asarray(x_src, dtype=np.float32).reshape(len(x_src), c * h * w), 0.0, 1.0)
    out = np.empty((len(x_src), c * h * w), dtype=np.float32)
    for s in range(0, len(x_src), batch_size):
        part = slice(s, s + batch_size)
        x, a, b = (torch.as_tensor(np.ascontiguousarray(v[part], dtype=np.float32), device=device).view(-1, c, h, w)
                   for v in (x_src, dec_src, dec_new))
        # the real source's background, on both pictures too: the decodes' faint one is the model's
        sources = np.asarray(x_src[part], dtype=np.float32).reshape(-1, c, h, w)
        bg = torch.as_tensor(background(sources)[..., None, None], device=device)
        theta = register(a, b, settings, bg.mean(dim=1, keepdim=True)) * settings.gain
        with torch.no_grad():
            out[part] = warp(x, theta, bg).clamp_(0.0, 1.0).reshape(len(x), -1).cpu().numpy()
    return out
