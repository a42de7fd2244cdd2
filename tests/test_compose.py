"""compose: the input-space moves (affine or blur for images, time warp for sequences) that generate adds
beside the VAE's offspring, and that the harm check counts in on both sides."""

from __future__ import annotations

import numpy as np
import pytest

from vaeaug import VAEAugmenter
from vaeaug.priors import AMOUNT

from .test_sequences import waves

TINY = dict(epochs=4, batch_size=32, latent_dim=4, hidden_sizes=(8, 16), verbose=0, random_state=0)


@pytest.fixture(scope="module")
def composed_images(digit_images):
    X, y = digit_images
    return VAEAugmenter(method="noise", strength=1.0, decoding="warp", **TINY).fit(X[:200], y[:200]), X, y


def test_images_get_the_vaes_offspring_then_as_many_blurred_affine_copies(composed_images):
    aug, X, y = composed_images
    assert aug.compose_ == "affine_blur"
    X_new, y_new, codes = aug.generate(X[:10], y[:10], return_codes=True)
    X_vae, y_vae = aug.generate(X[:10], y[:10], compose="none")
    assert X_new.shape == (60, 8, 8) and X_new.dtype == np.uint8
    assert np.array_equal(X_new[:30], X_vae) and np.array_equal(y_new[:30], y_vae)  # composing changes no offspring
    assert not codes.moved[:30].any() and codes.moved[30:].all()
    assert np.array_equal(codes.source[30:], np.repeat(np.arange(10), 3)) and (codes.partner[30:] == -1).all()
    assert np.array_equal(y_new[30:], np.repeat(y[:10], 3))
    moved = X_new[30:].astype(int) - np.repeat(X[:10], 3, axis=0)
    assert np.abs(moved).sum(axis=(1, 2)).min() > 0  # every copy is moved, none is its source


def test_streamed_composition_equals_the_whole(composed_images):
    aug, X, y = composed_images
    X_new, y_new = aug.generate(X[:20], y[:20], random_state=3)
    chunks = list(aug.generate_batches(X[:20], y[:20], random_state=3, batch_size=7))
    assert max(len(c) for c, _ in chunks) <= 7
    assert np.array_equal(np.concatenate([c for c, _ in chunks]), X_new)
    assert np.array_equal(np.concatenate([c for _, c in chunks]), y_new)


def test_reconstruction_under_a_move_renders_each_moved_copy(composed_images):
    aug, X, y = composed_images
    X_new, y_new, codes = aug.generate(X[:10], y[:10], method="reconstruction", random_state=2, return_codes=True)
    copies = aug.generate(X[:10], y[:10], method="noise", random_state=2)[0][30:]  # the same seed: the same copies
    assert X_new.shape == (60, 8, 8) and np.array_equal(X_new[30:], copies)
    assert np.array_equal(X_new[:30], aug.reconstruct(copies, y_new[30:]))  # each rendering is of its own copy
    assert np.array_equal(y_new, np.tile(np.repeat(y[:10], 3), 2)) and codes.moved[30:].all()
    assert not codes.moved[:30].any() and np.array_equal(codes.source, np.tile(np.repeat(np.arange(10), 3), 2))
    assert not np.array_equal(X_new[0], X_new[1])  # three renderings of one sample, not one repeated
    plain = aug.generate(X[:10], y[:10], method="reconstruction", compose="none")[0]
    assert len(plain) == 30 and np.array_equal(plain[0], plain[1])  # without a move z' = z: one decode
    chunks = list(aug.generate_batches(X[:10], y[:10], method="reconstruction", random_state=2, batch_size=7))
    assert max(len(c) for c, _ in chunks) <= 7 and np.array_equal(np.concatenate([c for c, _ in chunks]), X_new)


def test_the_harm_check_scores_with_the_moves_on_both_sides(digit_images):
    from sklearn.neighbors import KNeighborsClassifier

    class Sizes(KNeighborsClassifier):
        seen: list = []

        def fit(self, X, y):
            type(self).seen.append(len(X))
            return super().fit(X, y)

    X, y = digit_images
    Sizes.seen = []
    aug = VAEAugmenter(estimator=Sizes(1), **TINY).fit(X[:150], y[:150], X[150:180], y[150:180])
    sel = aug.selection_
    assert sel["compose"] == "affine_blur" and "over affine blur copies" in sel["reason"]
    train = [180 - s for s in sel["fold_sizes"]]
    n = aug.n_per_sample_
    assert {t * (1 + n) for t in train} <= set(Sizes.seen)  # real + moves: the side without offspring
    assert {t * (1 + 2 * n) for t in train} <= set(Sizes.seen)  # real + moves + offspring
    assert set(train) <= set(Sizes.seen)  # real data alone: the move's own trial
    assert not sel["move"]["dropped"] and aug.compose_ == "affine_blur"


def test_a_move_built_to_hurt_is_dropped_under_auto_and_kept_when_asked_for(digit_images, monkeypatch):
    """Moved copies labelled as the next class: judged against real data alone by a 1-NN they must
    be found harmful; under compose="auto" generate() then adds none, and the candidates are read
    without them; a move the user names stays, its verdict reported."""
    from sklearn.neighbors import KNeighborsClassifier

    import vaeaug.moves as moves

    honest = moves.MOVES["affine_blur"]

    def mislabelled(X, y, n_per_sample, random_state=None):
        X_mv, y_mv = honest(X, y, n_per_sample, random_state=random_state)
        return X_mv, (y_mv + 1) % 10

    monkeypatch.setitem(moves.MOVES, "affine_blur", mislabelled)
    X, y = digit_images
    aug = VAEAugmenter(estimator=KNeighborsClassifier(1), **TINY).fit(X[:150], y[:150], X[150:180], y[150:180])
    move, sel = aug.selection_["move"], aug.selection_
    assert move["compose"] == "affine_blur" and move["harmful"] and move["dropped"]
    assert move["losses"] > 3 * move["wins"] and move["interval"][1] < 0
    assert aug.compose_ == "none" and sel["compose"] == "none"
    assert "affine blur copies rejected as harmful" in sel["reason"] and "over affine blur" not in sel["reason"]
    X_new, y_new = aug.generate(X[:10], y[:10])
    assert len(X_new) == 10 * aug.n_per_sample_  # the VAE's offspring alone
    asked = VAEAugmenter(compose="affine_blur", estimator=KNeighborsClassifier(1), **TINY).fit(
        X[:150], y[:150], X[150:180], y[150:180])
    assert asked.selection_["move"]["harmful"] and not asked.selection_["move"]["dropped"]
    assert asked.compose_ == "affine_blur" and len(asked.generate(X[:10], y[:10])[0]) == 20 * asked.n_per_sample_


def test_vectors_compose_nothing_and_a_move_of_another_kind_is_refused(digits, digit_images):
    X, y = digits
    aug = VAEAugmenter(method="noise", strength=0.5, data_kind="vector", **TINY).fit(X[:200], y[:200])
    assert aug.compose_ == "none" and len(aug.generate(X[:5], y[:5])[0]) == 5 * AMOUNT["vector"]
    with pytest.raises(ValueError, match="moves images"):
        aug.generate(X[:5], y[:5], compose="affine")
    with pytest.raises(ValueError, match="moves images"):
        VAEAugmenter(compose="affine", data_kind="vector", **TINY).fit(X[:200], y[:200])
    Xi, yi = digit_images
    # the refusal names the moves the data's kind takes: it said only 'none' or 'auto' for images too
    with pytest.raises(ValueError, match="moves sequences; image data takes 'affine', 'blur', 'affine_blur', 'none' or"):
        VAEAugmenter(compose="time_warp", method="noise", strength=0.5, **TINY).fit(Xi[:100], yi[:100])


def test_affine_copies_fill_what_they_shift_in_with_the_images_background():
    from vaeaug.moves import affine

    X = np.full((4, 20, 20), 255, np.uint8)
    X[:, 8:12, 6:14] = 0  # dark ink on white paper
    moved, _ = affine(X, np.arange(4), 5, random_state=0)
    edges = np.concatenate([moved[:, 0], moved[:, -1], moved[:, :, 0], moved[:, :, -1]], axis=1)
    assert edges.min() == 255 and (moved < 128).any()  # the paper stays white, the ink is still there
    assert (affine(255 - X, np.arange(4), 5, random_state=0)[0] == 255 - moved).all()  # ink on black: the mirror


def test_blur_spreads_each_copy_by_a_share_of_the_side_and_keeps_its_ink():
    from vaeaug.moves import blur

    X = np.zeros((2, 40, 40), dtype=np.uint8)
    X[0, 20, 5:35] = 200  # a thin stroke
    X[1, 5:35, 20] = 200
    y = np.array([3, 7])
    B, yb = blur(X, y, 4, random_state=0)
    assert B.shape == (8, 40, 40) and B.dtype == np.uint8 and np.array_equal(yb, [3, 3, 3, 3, 7, 7, 7, 7])
    src = np.repeat(X, 4, axis=0).astype(float)
    peaks = B.reshape(8, -1).max(1)
    assert (peaks <= 200).all() and (peaks < 100).sum() >= 4  # spread by σ up to 2.4 px: peaks fall
    ink = B.reshape(8, -1).sum(1) / src.reshape(8, -1).sum(1)
    assert np.allclose(ink, 1.0, atol=0.02)  # a blur moves ink, it makes none
    assert np.array_equal(B, blur(X, y, 4, random_state=0)[0])  # seeded
    assert np.array_equal(blur(X, y, 2, max_sigma=0.0)[0], np.repeat(X, 2, axis=0))  # σ 0: the image itself
    rgb = np.repeat(X[:, None], 3, axis=1)  # (N, C, H, W): each channel blurred alike
    Bc, _ = blur(rgb, y, 4, random_state=0)
    assert np.array_equal(Bc[:, 0], B) and np.array_equal(Bc[:, 2], B)
    with pytest.raises(ValueError, match="images"):
        blur(X.reshape(2, -1), y, 1)


def test_correlation_length_reads_a_blur_and_affine_blur_tops_it_up():
    from scipy.ndimage import gaussian_filter

    from vaeaug.moves import affine, affine_blur, correlation_length

    rng = np.random.default_rng(0)
    for sigma in (1.0, 2.0, 4.0):  # blurred white noise: the σ it was blurred with
        noise = np.stack([gaussian_filter(rng.normal(size=(96, 96)), sigma) for _ in range(2)])
        assert np.allclose(correlation_length(noise), sigma, rtol=0.15)
    assert correlation_length(np.ones((1, 5, 5)))[0] == np.inf  # flat: nothing to blur
    thin = np.zeros((1, 70, 70), dtype=np.uint8)
    thin[0, 35, 10:60] = thin[0, 10:60, 30] = 255  # 1-pixel strokes on a large canvas
    B, _ = affine_blur(thin, np.array([0]), 3, random_state=0)
    assert (correlation_length(thin) < 1).all() and (correlation_length(B) > 0.06 * 70).all()  # widened
    smooth = np.stack([gaussian_filter(rng.uniform(0, 255, (8, 8)), 1.0) for _ in range(3)]).astype(np.uint8)
    assert (correlation_length(smooth) > 0.06 * 8).all()  # already as smooth as the target: moved only
    assert np.array_equal(affine_blur(smooth, np.arange(3), 2, random_state=1)[0],
                          affine(smooth, np.arange(3), 2, random_state=np.random.default_rng(1))[0])


def test_images_compose_blurred_copies_on_request(composed_images):
    aug, X, y = composed_images
    X_new, y_new = aug.generate(X[:10], y[:10], compose="blur")
    X_vae, _ = aug.generate(X[:10], y[:10], compose="none")
    assert np.array_equal(X_new[:30], X_vae) and np.array_equal(y_new[30:], np.repeat(y[:10], 3))
    src = np.repeat(X[:10], 3, axis=0).astype(float)
    tv = lambda A: np.abs(np.diff(A.astype(float), axis=2)).sum()  # noqa: E731 (total variation along rows)
    assert tv(X_new[30:]) < tv(src)  # the copies are smoother than their sources
    X_ab, _ = aug.generate(X[:10], y[:10], compose="affine_blur")  # moved, then blurred as far as they lack
    X_af, _ = aug.generate(X[:10], y[:10], compose="affine")
    assert np.array_equal(X_ab[:30], X_vae)
    assert np.array_equal(X_ab[30:], X_af[30:])  # the 8×8 digits are already as smooth as the target
    Xv, yv = composed_images[1].reshape(len(X), -1), y
    with pytest.raises(ValueError, match="moves images"):
        VAEAugmenter(compose="blur", data_kind="vector", **TINY).fit(Xv[:100].astype(np.float32), yv[:100])


def test_ragged_sequences_get_time_warped_copies_as_long_as_their_sources():
    X, y = waves(8)
    aug = VAEAugmenter(method="noise", strength=0.5, decoding="residual", **TINY).fit(X, y)
    assert aug.compose_ == "time_warp"
    X_new, y_new = aug.generate(X[:6], y[:6], n_per_sample=2)
    assert isinstance(X_new, list) and len(X_new) == 24
    assert [len(s) for s in X_new[12:]] == [len(X[i]) for i in np.repeat(np.arange(6), 2)]
    assert all(not np.allclose(a, X[i]) for a, i in zip(X_new[12:], np.repeat(np.arange(6), 2)))
    assert np.array_equal(y_new[12:], np.repeat(y[:6], 2))
    X_rec, _ = aug.generate(X[:6], y[:6], method="reconstruction", n_per_sample=2)  # renderings of the copies
    assert [len(s) for s in X_rec] == [len(s) for s in X_new[12:]] * 2


def test_compose_survives_save_and_load(composed_images, tmp_path):
    aug, X, y = composed_images
    aug.save(tmp_path / "m")
    back = VAEAugmenter.load(tmp_path / "m")
    assert back.compose_ == "affine_blur"
    assert np.array_equal(back.generate(X[:4], y[:4])[0], aug.generate(X[:4], y[:4])[0])
