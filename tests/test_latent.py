"""The latent-space operations are pure functions: check their formulas and edge cases."""

import numpy as np
import pytest

from vaeaug.latent import (
    SmallClassError, extrapolate, interpolate, latent_spread, mixed_lambdas, perturb, same_class_neighbours, synthesize,
)

rng = np.random.default_rng(0)
Z = rng.normal(size=(30, 4))
y = np.repeat([0, 1, 2], 10)


def test_interpolation_endpoints_and_midpoint():
    zi, zj = Z[:5], Z[5:10]
    np.testing.assert_array_equal(interpolate(zi, zj, 0.0), zi)
    np.testing.assert_allclose(interpolate(zi, zj, 1.0), zj)
    np.testing.assert_allclose(interpolate(zi, zj, 0.5), (zi + zj) / 2)


def test_extrapolation_moves_away_from_the_neighbour():
    zi, zj = Z[:5], Z[5:10]
    out = extrapolate(zi, zj, 0.5)
    np.testing.assert_allclose(out, zi + 0.5 * (zi - zj))
    assert (np.linalg.norm(out - zj, axis=1) > np.linalg.norm(zi - zj, axis=1)).all()


def test_per_pair_lambda():
    lam = np.array([0.0, 1.0])
    out = interpolate(Z[:2], Z[2:4], lam)
    np.testing.assert_array_equal(out[0], Z[0])
    np.testing.assert_allclose(out[1], Z[3])


def test_noise_scales_with_spread_and_ignores_dead_dimensions():
    spread = np.array([1.0, 0.0, 2.0, 0.5])
    eps = np.ones((3, 4))
    out = perturb(Z[:3], 0.5, spread, eps)
    np.testing.assert_allclose(out - Z[:3], np.tile(0.5 * spread, (3, 1)))
    assert latent_spread(np.ones((5, 3))).tolist() == [0.0, 0.0, 0.0]


def test_neighbours_are_same_class_nearest_and_never_self():
    nb = same_class_neighbours(Z, y, k=3)
    assert nb.shape == (30, 3)
    for i in range(30):
        assert i not in nb[i]
        assert (y[nb[i]] == y[i]).all()
        same = np.flatnonzero((y == y[i]) & (np.arange(30) != i))
        d = np.linalg.norm(Z[same] - Z[i], axis=1)
        expected = same[np.argsort(d, kind="stable")[:3]]
        assert set(nb[i]) == set(expected)


def test_neighbours_of_a_large_class_are_found_in_blocks_of_bounded_memory(monkeypatch):
    """generate on 50,000 rows of one class was killed for memory: the class's distance matrix
    (20 GB) and its full sort were held at once. Rows now go in blocks of ``NEIGHBOUR_BLOCK``
    distances, and each block's nearest are what a stable sort of all of it gives, ties by index
    (duplicate codes are common: a table's repeated rows)."""
    import tracemalloc

    from vaeaug import latent

    r = np.random.default_rng(1)
    Zb = np.round(r.normal(size=(3000, 4)), 1)  # rounded: many tied distances
    Zb[r.integers(0, 3000, 300)] = Zb[0]
    yb = np.where(np.arange(3000) < 2900, 0, 1)
    whole = same_class_neighbours(Zb, yb, 5)  # one block of 2900² distances
    monkeypatch.setattr(latent, "NEIGHBOUR_BLOCK", 2**16)  # ~22 rows a block
    tracemalloc.start()
    blocked = same_class_neighbours(Zb, yb, 5)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert np.array_equal(blocked, whole) and peak < 8 * 2**20  # one block is 0.5 MB; the whole class 67 MB
    for _ in range(200):  # the partition's order is the stable sort's, ties and infinities included
        d2 = r.integers(0, 5, (4, int(r.integers(2, 40)))).astype(float)
        d2[:, r.integers(0, d2.shape[1])] = np.inf
        m = int(r.integers(1, d2.shape[1] + 1))
        assert np.array_equal(latent.nearest(d2, m), np.argsort(d2, axis=1, kind="stable")[:, :m])


def test_small_class_padding():
    nb = same_class_neighbours(Z[:3], np.array([0, 0, 1]), k=2)
    assert nb[2].tolist() == [-1, -1]
    assert nb[0].tolist() == [1, -1]


@pytest.mark.parametrize("method", ["noise", "interpolation", "extrapolation", "mixed", "reconstruction"])
def test_synthesize_shapes_labels_and_reproducibility(method):
    a = synthesize(Z, y, method, n_per_sample=3, rng=np.random.default_rng(1))
    b = synthesize(Z, y, method, n_per_sample=3, rng=np.random.default_rng(1))
    assert a.Z.shape == (90, 4)
    np.testing.assert_array_equal(a.y, y[a.source])
    np.testing.assert_array_equal(a.Z, b.Z)
    if method in ("interpolation", "extrapolation", "mixed"):
        assert (a.partner >= 0).all() and (y[a.partner] == a.y).all()
        assert (a.partner != a.source).all()


def test_interpolation_lambda_zero_returns_sources():
    out = synthesize(Z, y, "interpolation", n_per_sample=2, strength=0.0, rng=np.random.default_rng(0))
    np.testing.assert_array_equal(out.Z, Z[out.source])


def test_mixed_offspring_two_towards_the_partner_one_away_from_it():
    """Of every three offspring of a source two interpolate at λ, the third extrapolates at 1 − λ,
    whatever the block an offspring falls in."""
    out = synthesize(Z, y, "mixed", n_per_sample=6, strength=0.75, rng=np.random.default_rng(0))
    d = Z[out.partner] - Z[out.source]
    lam = ((out.Z - Z[out.source]) * d).sum(1) / (d * d).sum(1)
    position = np.arange(len(out.y)) % 6
    np.testing.assert_allclose(lam[position % 3 != 2], 0.75)
    np.testing.assert_allclose(lam[position % 3 == 2], -0.25)  # extrapolation by 0.25
    np.testing.assert_allclose(out.Z[position == 2], extrapolate(Z[out.source], Z[out.partner], 0.25)[position == 2])
    from vaeaug.latent import synthesize_blocks
    blocks = list(synthesize_blocks(Z, y, "mixed", 6, 0.75, rng=np.random.default_rng(0), block_size=7))
    np.testing.assert_allclose(np.concatenate([b.Z for b in blocks]), out.Z)
    # small λ: every offspring stays near its source (near-copies stay near), λ = 0 the source itself
    assert np.abs(mixed_lambdas(np.full(6, 0.05), np.arange(6))).max() == pytest.approx(0.05)
    np.testing.assert_array_equal(mixed_lambdas(np.zeros(3), np.arange(3)), 0.0)


def test_strength_range_draws_within_bounds():
    out = synthesize(Z, y, "interpolation", n_per_sample=4, strength=(0.2, 0.4), rng=np.random.default_rng(0))
    # recover λ along each pair: z' − z_i = λ (z_j − z_i)
    d = Z[out.partner] - Z[out.source]
    lam = ((out.Z - Z[out.source]) * d).sum(1) / (d * d).sum(1)
    assert (lam >= 0.2 - 1e-9).all() and (lam <= 0.4 + 1e-9).all()


def test_single_sample_class_is_refused_or_skipped():
    yy = y.copy()
    yy[0] = 7  # class 7 has one member
    with pytest.raises(SmallClassError, match="7"):
        synthesize(Z, yy, "interpolation", rng=np.random.default_rng(0))
    out = synthesize(Z, yy, "extrapolation", n_per_sample=2, rng=np.random.default_rng(0), small_classes="skip")
    assert 0 not in out.source and len(out.Z) == 58
    # noise needs no neighbour: the lone sample still gets offspring
    assert 0 in synthesize(Z, yy, "noise", rng=np.random.default_rng(0)).source


def test_a_lone_sample_takes_noise_and_the_paired_ones_keep_their_draws():
    yy = y.copy()
    yy[5] = 7  # class 7 has one member
    out = synthesize(Z, yy, "mixed", n_per_sample=3, rng=np.random.default_rng(0), small_classes="noise",
                     lone_strength=0.5)
    assert len(out.Z) == 3 * len(Z)
    np.testing.assert_array_equal(out.source, np.repeat(np.arange(len(Z)), 3))  # still ordered by source
    lone = out.source == 5
    assert (out.partner[lone] == -1).all() and (out.partner[~lone] >= 0).all()
    moved = out.Z[lone] - Z[5]
    assert np.abs(moved).max() > 0 and np.abs(moved).max() < 0.5 * 6 * latent_spread(Z).max()  # noise at σ 0.5
    # the lone draws come after the others: offspring of the sources before the lone one match "skip"
    skip = synthesize(Z, yy, "mixed", n_per_sample=3, rng=np.random.default_rng(0), small_classes="skip")
    np.testing.assert_array_equal(out.Z[:15], skip.Z[:15])


def test_bad_arguments():
    with pytest.raises(ValueError, match="method"):
        synthesize(Z, y, "mixup")
    with pytest.raises(ValueError, match="n_per_sample"):
        synthesize(Z, y, "noise", n_per_sample=0)


def test_free_bits_floor_the_charged_kl_but_report_the_true_one():
    import torch

    from vaeaug.models import vae_loss

    x = torch.rand(4, 3)
    mu, logvar = torch.zeros(4, 2), torch.zeros(4, 2)  # KL exactly 0 per dimension
    total, rec, kl = vae_loss(torch.zeros(4, 3), x, mu, logvar, 1.0, "bernoulli", free_bits=0.5)
    assert float(kl) == 0.0 and float(total - rec) == pytest.approx(1.0)  # 2 dims × 0.5 nats
