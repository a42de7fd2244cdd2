"""Decoding modes: how an altered code z' becomes a sample.

``"direct"`` decodes z' (the paper's way: the decoder's mean); ``"residual"`` moves the real
source sample by the change the decoder makes, x + D(z') − D(z); ``"warp"`` (images) deforms the
source by the smooth motion that carries D(z) onto D(z') (:mod:`vaeaug.warp`); ``"timewarp"``
(sequences) moves the source along the time alignment of D(z) onto D(z') (:mod:`vaeaug.timewarp`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from .fitted import FittedVAE
from .latent import SyntheticCodes, residual_decode
from .timewarp import timewarp_decode
from .warp import WarpSettings, warp_decode


#: The decodings each data kind allows: warp moves images, time warp moves sequences.
KIND_DECODINGS = {"image": ("direct", "residual", "warp"), "vector": ("direct", "residual"),
                  "sequence": ("direct", "residual", "timewarp")}


def allowed_decodings(kind: str) -> tuple[str, ...]:
    """The decodings a data kind allows (:data:`KIND_DECODINGS`)."""
    return KIND_DECODINGS[kind]


def auto_decodings(kind: str) -> tuple[str, ...]:
    """What ``decoding="auto"`` chooses among. Vectors take residual only: a direct decode of a
    small table is pulled to its class's centre and lost accuracy where validation took it
    (``docs/choice.md``); images take all three."""
    return ("residual",) if kind == "vector" else allowed_decodings(kind)


def warp_settings(model_shape: tuple[int, int, int], smoothness: float, gain: float) -> WarpSettings:
    """The warp fit for an image size, with the user's smoothness and gain."""
    _, h, w = model_shape
    return replace(WarpSettings.for_size(h, w), smoothness=float(smoothness), gain=float(gain))


@dataclass(frozen=True)
class Sources:
    """What residual and warp decoding read of the source samples: ``T`` (N, D), the samples in
    the model's space, and ``D`` (N, D), the decode of their own codes."""

    T: np.ndarray
    D: np.ndarray


def sources_for(vae: FittedVAE, X: np.ndarray, y: np.ndarray, Z: np.ndarray, decodings) -> Sources | None:
    """The :class:`Sources` that ``decodings`` need (``None`` when direct decoding is all)."""
    if all(d == "direct" for d in decodings):
        return None
    return Sources(vae.model_space(X), vae.decode(Z, y))


def decode_model(vae: FittedVAE, codes: SyntheticCodes, decodings, sources: Sources | None,
                 warp: WarpSettings | None) -> dict[str, np.ndarray]:
    """Model-space rows per decoding, from one decode of ``codes``: a residual or warped sample is
    the direct decode applied to its source (``codes.source`` rows)."""
    D_new = vae.decode(codes.Z, codes.y)
    out = {}
    for d in decodings:
        if d == "direct":
            out[d] = D_new
        elif d == "residual":
            out[d] = residual_decode(sources.T[codes.source], D_new, sources.D[codes.source], *vae.bounds())
        elif d == "timewarp":
            out[d] = timewarp_decode(sources.T[codes.source], D_new, sources.D[codes.source],
                                     vae.preprocessor.model_shape)
        else:
            out[d] = warp_decode(sources.T[codes.source], D_new, sources.D[codes.source], vae.preprocessor.model_shape,
                                 settings=warp, device=vae.device)
    return out


def decode_codes(vae: FittedVAE, codes: SyntheticCodes, decodings, sources: Sources | None,
                 warp: WarpSettings | None, enforce_range: bool) -> dict[str, np.ndarray]:
    """Samples in the caller's form, per decoding (:func:`decode_model`, mapped back to the input)."""
    return {d: vae.to_input(T, enforce_range) for d, T in decode_model(vae, codes, decodings, sources, warp).items()}
