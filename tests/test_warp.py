"""Warp decoding: the registration maths on known motions, and the augmenter's use of it."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import torch

from vaeaug.warp import WarpSettings, register, warp, warp_decode


def strokes(n: int, size: int = 40, seed: int = 0) -> np.ndarray:
    """(n, 1, size, size) images in [0, 1] of a few thick random line segments (pen-like)."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32)
    out = np.zeros((n, 1, size, size), np.float32)
    for i in range(n):
        for _ in range(3):
            (x0, y0), (x1, y1) = rng.uniform(0.25 * size, 0.75 * size, size=(2, 2))
            t = np.clip(((xx - x0) * (x1 - x0) + (yy - y0) * (y1 - y0)) / ((x1 - x0) ** 2 + (y1 - y0) ** 2 + 1e-9), 0, 1)
            d = np.hypot(xx - (x0 + t * (x1 - x0)), yy - (y0 + t * (y1 - y0)))
            out[i, 0] = np.maximum(out[i, 0], np.clip(2.0 - d, 0, 1))
    return out


def test_settings_scale_with_the_image_size():
    assert WarpSettings.for_size(70, 70) == WarpSettings(grid=8, blur=70 / 48, pool=2)
    small = WarpSettings.for_size(8, 8)
    assert (small.grid, small.pool) == (2, 1) and small.blur < 0.3  # 8×8 digits: no blur, a 2×2 field


def test_the_same_picture_twice_gives_no_motion_and_the_source_back():
    x = strokes(4)
    flat = x.reshape(4, -1)
    theta = register(torch.from_numpy(x), torch.from_numpy(x), WarpSettings.for_size(40, 40))
    # Adam from a zero field with a decaying step: it settles within 0.4 pixel of no motion (a pixel
    # of a 40-pixel side is 0.051 in the field's units)
    assert theta.abs().max() < 0.02
    out = warp_decode(flat, flat, flat, (1, 40, 40))  # the field applied twice over (gain 2): < 0.8 pixel
    assert np.abs(out - flat).mean() < 2e-3 and np.abs(out - flat).max() < 0.2


def test_a_known_shift_is_recovered_and_carried_to_the_source():
    """D(z) → D(z') is a 3-pixel shift to the right: the warped source must move the same way."""
    x = strokes(6, seed=1)
    shifted = np.roll(x, 3, axis=3)
    dec_src, dec_new = x, shifted  # the decoder's pictures; the source is the same strokes here
    exact = dataclasses.replace(WarpSettings.for_size(40, 40), gain=1.0)
    out = warp_decode(x.reshape(6, -1), dec_new.reshape(6, -1), dec_src.reshape(6, -1), (1, 40, 40), exact)
    err_before = np.mean((x - shifted) ** 2)
    err_after = np.mean((out.reshape(x.shape) - shifted) ** 2)
    assert err_after < 0.25 * err_before
    # and a sharp source keeps its ink: the warp moves strokes, it does not blur them away
    assert out.sum() > 0.8 * x.sum() and out.max() > 0.9


def test_the_gain_scales_the_motion_carried_to_the_source():
    """The default gain 2 carries a fitted 2-pixel shift as a shift of about 4 pixels."""
    x = strokes(6, seed=5)
    assert WarpSettings.for_size(40, 40).gain == 2.0
    out = warp_decode(x.reshape(6, -1), np.roll(x, 2, axis=3).reshape(6, -1), x.reshape(6, -1), (1, 40, 40))
    out = out.reshape(x.shape)
    errors = {k: np.mean((out - np.roll(x, k, axis=3)) ** 2) for k in range(7)}
    assert min(errors, key=errors.get) == 4


def test_each_image_is_fitted_on_its_own_so_chunks_do_not_matter():
    x = strokes(5, seed=2).reshape(5, -1)
    b = strokes(5, seed=3).reshape(5, -1)
    whole = warp_decode(x, b, x, (1, 40, 40), batch_size=5)
    parts = warp_decode(x, b, x, (1, 40, 40), batch_size=2)
    np.testing.assert_allclose(whole, parts, atol=1e-5)
    assert whole.min() >= 0.0 and whole.max() <= 1.0 and whole.shape == (5, 1600) and whole.dtype == np.float32


def test_colour_images_move_all_channels_together():
    g = strokes(3, seed=4)
    x = np.concatenate([g, 0.5 * g, g[:, :, ::-1]], axis=1)  # (3, 3, 40, 40)
    theta = register(torch.from_numpy(x), torch.from_numpy(np.roll(x, 2, axis=2)), WarpSettings.for_size(40, 40))
    moved = warp(torch.from_numpy(x), theta).numpy()
    np.testing.assert_allclose(moved[:, 1], 0.5 * moved[:, 0], atol=1e-5)


@pytest.fixture(scope="module")
def fitted_conv(digit_images):
    from vaeaug import VAEAugmenter

    X, y = digit_images
    return VAEAugmenter(compose="none", conditional=True, random_state=0, epochs=4, latent_dim=8, hidden_sizes=(16, 32),
                        verbose=0).fit(X[:600], y[:600], X[1200:1400], y[1200:1400])


def test_the_augmenter_warps_images_and_chooses_among_three_decodings(fitted_conv, digit_images):
    X, y = digit_images
    X, y = X[:60], y[:60]
    from vaeaug.decoding import allowed_decodings

    assert allowed_decodings(fitted_conv.vae_.kind) == ("direct", "residual", "warp")
    from vaeaug.priors import PORTFOLIO

    # images: the choice scores the image portfolio, warp included, and generate() uses its pick
    scored = [(r["method"], r["decoding"], r["strength"]) for r in fitted_conv.selection_["candidates"]]
    assert scored == [(s.method, s.decoding, s.strength) for s in PORTFOLIO["image"]]
    chosen = fitted_conv.selection_["chosen"]
    assert fitted_conv.method_ == chosen["method"] and fitted_conv.decoding_[chosen["method"]] == chosen["decoding"]
    # z' = z: no motion, so the source image comes back (up to the fit's sub-pixel settling)
    same = fitted_conv.generate(X, y, "noise", 1, strength=0.0, decoding="warp")[0]
    assert np.abs(same.astype(int) - X.astype(int)).mean() < 1.0
    X_new, y_new = fitted_conv.generate(X, y, "interpolation", 2, strength=0.75, decoding="warp")
    assert X_new.shape == (120, 8, 8) and X_new.dtype == np.uint8 and (y_new == np.repeat(y, 2)).all()
    assert not np.array_equal(X_new, np.repeat(X, 2, axis=0))
    # streamed generation makes the same samples
    chunks = list(fitted_conv.generate_batches(X, y, "noise", 1, strength=1.0, batch_size=25, random_state=3,
                                               decoding="warp"))
    whole = fitted_conv.generate(X, y, "noise", 1, strength=1.0, random_state=3, decoding="warp")[0]
    assert np.abs(np.concatenate([c[0] for c in chunks]).astype(int) - whole.astype(int)).max() <= 1


def test_warp_is_refused_for_feature_vectors(fitted_mlp, digits):
    from vaeaug import VAEAugmenter

    X, y = digits
    with pytest.raises(ValueError, match="decoding must be one of"):
        fitted_mlp.generate(X[:10], y[:10], "noise", decoding="warp")
    with pytest.raises(ValueError, match="moves images"):
        VAEAugmenter(decoding="warp", data_kind="vector").fit(X[:100], y[:100])


def test_the_warp_smoothness_and_gain_are_the_augmenters_parameters(fitted_conv, digit_images):
    import copy

    from vaeaug import VAEAugmenter

    X, y = digit_images
    X, y = X[:40], y[:40]
    aug = copy.deepcopy(fitted_conv)
    assert aug.warp_settings_.gain == WarpSettings.gain and aug.warp_settings_.smoothness == WarpSettings.smoothness
    moved = {}
    for gain in (0.0, 1.0, 3.0):
        aug.set_params(warp_gain=gain)
        X_new = aug.generate(X, y, "noise", 1, strength=2.0, random_state=1, decoding="warp")[0]
        moved[gain] = np.abs(X_new.astype(int) - X.astype(int)).mean()
    assert moved[0.0] == 0  # no motion carried to the source: the images themselves
    assert 0 < moved[1.0] < moved[3.0]
    for bad in (-1.0, float("nan"), "2"):
        with pytest.raises(ValueError, match="warp_gain. parameter of VAEAugmenter must be"):
            VAEAugmenter(warp_gain=bad).fit(X, y)
    with pytest.raises(ValueError, match="warp_smoothness. parameter of VAEAugmenter must be"):
        VAEAugmenter(warp_smoothness=-0.1).fit(X, y)


def test_what_a_field_pulls_in_from_outside_takes_the_source_background():
    """Dark ink on white: a motion towards the edge must not bring black in from outside the frame."""
    ink = strokes(3, seed=5)
    for x, bg in ((1.0 - ink, 1.0), (ink, 0.0)):  # white paper, then the usual black
        flat = x.reshape(3, -1)
        out = warp_decode(flat, np.roll(x, 4, axis=3).reshape(3, -1), flat, (1, 40, 40)).reshape(3, 40, 40)
        np.testing.assert_allclose(out[:, :, 0], bg, atol=1e-4)  # the strokes stay inside; the edge is paper
    theta = register(torch.from_numpy(1.0 - ink), torch.from_numpy(np.roll(1.0 - ink, 4, axis=3)),
                     WarpSettings.for_size(40, 40), 1.0) * 2
    zero_filled = warp(torch.from_numpy(1.0 - ink), theta).numpy()
    assert zero_filled[:, 0, :, 0].min() < 0.5  # the same motion filled with 0: this test can fail
