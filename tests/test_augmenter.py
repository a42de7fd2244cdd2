"""VAEAugmenter end to end on real (small) data: training, encoding, generation, persistence."""

import contextlib
import json
import re

import numpy as np
import pytest
from sklearn.base import clone

from vaeaug import ModelFileError, VAEAugmenter, VAESampler

from .conftest import FAST, warned_here



@contextlib.contextmanager
def raw_decodes(aug):
    """The decodes as they come, without moment matching (on by default for vectors)."""
    aug.set_params(match_moments=False)
    try:
        yield aug
    finally:
        aug.set_params(match_moments="auto")

def test_training_lowers_validation_loss(fitted_mlp):
    h = fitted_mlp.history_
    assert len(h["train_loss"]) == len(h["val_loss"]) >= 2
    assert min(h["val_loss"]) < h["val_loss"][0] * 0.9
    assert h["val_loss"][h["best_epoch"]] == min(h["val_loss"])


def test_transform_and_inverse_shapes(fitted_mlp, digits):
    X, _ = digits
    Z = fitted_mlp.transform(X[:10])
    assert Z.shape == (10, 8) and Z.dtype == np.float32
    Xr = fitted_mlp.inverse_transform(Z)
    assert Xr.shape == (10, 64) and Xr.dtype == X.dtype
    # reconstructions resemble their inputs more than other samples
    err_own = np.abs(Xr - X[:10]).mean()
    err_other = np.abs(Xr - X[10:20]).mean()
    assert err_own < err_other


def test_interpolation_with_lambda_zero_is_the_reconstruction(fitted_mlp, digits):
    X, y = digits
    with raw_decodes(fitted_mlp):
        X_new, y_new = fitted_mlp.generate(X[:60], y[:60], "interpolation", n_per_sample=1, strength=0.0,
                                           decoding="direct")
    np.testing.assert_array_equal(X_new, fitted_mlp.reconstruct(X[:60]))
    np.testing.assert_array_equal(y_new, y[:60])


@pytest.mark.parametrize("method", ["noise", "interpolation", "extrapolation", "mixed", "reconstruction"])
def test_generated_labels_are_the_source_class(fitted_mlp, digits, method):
    X, y = digits
    strength = None if method == "reconstruction" else 0.5  # fitted_mlp's choice makes nothing: digits need no help
    codes = fitted_mlp.generate_codes(X[:100], y[:100], method, n_per_sample=3, strength=strength)
    X_new, y_new = fitted_mlp.generate(X[:100], y[:100], method, n_per_sample=3, strength=strength)
    assert X_new.shape == (300, 64)
    np.testing.assert_array_equal(y_new, y[:100][codes.source])
    if method != "noise" and method != "reconstruction":
        assert (y[:100][codes.partner] == y_new).all()


def test_same_seed_same_model_and_outputs(digits):
    X, y = digits
    a = VAEAugmenter(random_state=3, **FAST).fit(X[:400], y[:400])
    b = VAEAugmenter(random_state=3, **FAST).fit(X[:400], y[:400])
    np.testing.assert_array_equal(a.history_["val_loss"], b.history_["val_loss"])
    assert a.strength_ == b.strength_ and a.decoding_ == b.decoding_
    ga = a.generate(X[:50], y[:50], "noise", 2, strength=0.5)
    gb = b.generate(X[:50], y[:50], "noise", 2, strength=0.5)
    assert len(ga[0]) == 100
    np.testing.assert_array_equal(ga[0], gb[0])
    c = VAEAugmenter(random_state=4, **FAST).fit(X[:400], y[:400])
    assert not np.array_equal(a.transform(X[:5]), c.transform(X[:5]))


def test_global_torch_rng_is_left_alone(digits):
    import torch

    X, y = digits
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    VAEAugmenter(random_state=0, **{**FAST, "epochs": 1}).fit(X[:200], y[:200])
    assert torch.equal(torch.rand(3), expected)


def test_save_load_gives_identical_decodes(fitted_mlp, digits, tmp_path):
    X, y = digits
    fitted_mlp.save(tmp_path / "m")
    loaded = VAEAugmenter.load(tmp_path / "m", device="cpu")
    np.testing.assert_array_equal(loaded.transform(X[:30]), fitted_mlp.transform(X[:30]))
    a = fitted_mlp.generate(X[:30], y[:30], "extrapolation", 2, strength=0.5, decoding="direct")
    b = loaded.generate(X[:30], y[:30], "extrapolation", 2, strength=0.5, decoding="direct")
    assert len(a[0]) == 60
    np.testing.assert_array_equal(a[0], b[0])
    assert loaded.get_params() == fitted_mlp.get_params() | {"device": "cpu"}
    assert loaded.history_ == json.loads(json.dumps(fitted_mlp.history_))
    # what fit chose on validation travels with the model, so generate() behaves the same
    assert loaded.decoding_ == fitted_mlp.decoding_ and loaded.strength_ == fitted_mlp.strength_
    for method in ("noise", "interpolation"):
        np.testing.assert_array_equal(loaded.generate(X[:30], y[:30], method, 2, strength=0.5)[0],
                                      fitted_mlp.generate(X[:30], y[:30], method, 2, strength=0.5)[0])


def test_generated_features_stay_in_their_training_range(fitted_mlp, digits):
    # digits' blank pixels are constant in training: offspring must keep them so, or a user's
    # StandardScaler fitted on real + synthetic data divides their faint noise by a tiny spread
    X, y = digits
    X_fit = X[:700]
    lo, hi = X_fit.min(axis=0), X_fit.max(axis=0)
    const = lo == hi
    assert const.sum() >= 2
    for decoding in ("direct", "residual"):
        with raw_decodes(fitted_mlp):
            X_new = fitted_mlp.generate(X[:100], y[:100], "noise", 2, strength=1.0, decoding=decoding)[0]
        assert (X_new >= lo).all() and (X_new <= hi).all()
        np.testing.assert_array_equal(X_new[:, const], np.broadcast_to(lo[const], (len(X_new), const.sum())))
        # moment matching (the default for vectors) stretches the clipped decodes, and so keeps
        # what is constant constant
        matched = fitted_mlp.generate(X[:100], y[:100], "noise", 2, strength=1.0, decoding=decoding)[0]
        np.testing.assert_allclose(matched[:, const], np.broadcast_to(lo[const], (len(X_new), const.sum())),
                                   atol=1e-5)
    fitted_mlp.set_params(enforce_range=False)
    try:  # the switch is real: unclipped decodes leave the range (moment matching alone would
        # also hold a feature constant among the sources constant)
        with raw_decodes(fitted_mlp):
            free = fitted_mlp.generate(X[:100], y[:100], "noise", 2, strength=1.0, decoding="direct")[0]
    finally:
        fitted_mlp.set_params(enforce_range=True)
    assert not np.array_equal(free[:, const], np.broadcast_to(lo[const], (len(free), const.sum())))


@pytest.mark.filterwarnings("ignore::vaeaug.PosteriorCollapseWarning")  # a 2-epoch model
def test_image_pixels_stay_in_their_training_range_and_the_range_is_saved(digit_images, tmp_path):
    X, y = digit_images
    aug = VAEAugmenter(random_state=0, epochs=2, latent_dim=4, hidden_sizes=(8, 16), conditional=False,
                       verbose=0).fit(X[:300], y[:300], X[300:400], y[300:400])
    blank = X[:300].max(axis=0) == 0  # pixels no training digit inks
    assert blank.sum() >= 2
    X_new = aug.generate(X[:50], y[:50], "noise", 2, strength=1.0, decoding="direct")[0]
    assert (X_new[:, blank] == 0).all() and (X_new <= X[:300].max(axis=0)).all()
    aug.save(tmp_path / "m")
    again = VAEAugmenter.load(tmp_path / "m")
    np.testing.assert_array_equal(again.generate(X[:50], y[:50], "noise", 2, strength=1.0, decoding="direct")[0],
                                  X_new)


def test_tampered_or_truncated_model_is_refused(fitted_mlp, tmp_path):
    d = fitted_mlp.save(tmp_path / "m")
    w = d / "model.safetensors"
    data = bytearray(w.read_bytes())
    data[-1] ^= 0xFF
    w.write_bytes(bytes(data))
    with pytest.raises(ModelFileError, match="checksum"):
        VAEAugmenter.load(d)
    w.write_bytes(bytes(data[: len(data) // 2]))
    with pytest.raises(ModelFileError, match="checksum"):
        VAEAugmenter.load(d)
    (d / "config.json").unlink()
    with pytest.raises(ModelFileError, match="config.json is missing"):
        VAEAugmenter.load(d)


def test_images_conv_conditional_round_trip(digit_images, tmp_path):
    X, y = digit_images
    aug = VAEAugmenter(compose="none", conditional=True, random_state=0, epochs=4, latent_dim=8,
                       hidden_sizes=(16, 32), verbose=0).fit(X[:600], y[:600])
    assert aug.config_.architecture == "conv"
    X_new, y_new = aug.generate(X[:40], y[:40], "interpolation", n_per_sample=2, strength=0.5)
    assert X_new.shape == (80, 8, 8) and X_new.dtype == np.uint8
    assert (y_new == np.repeat(y[:40], 2)).all()
    with pytest.raises(ValueError, match="needs the labels y"):
        aug.inverse_transform(aug.transform(X[:2]))
    with pytest.raises(ValueError, match="not seen at fit time"):
        aug.generate(X[:4], np.array([0, 1, 2, 99]), "noise")
    with pytest.raises(ValueError, match="shape"):
        aug.transform(np.zeros((3, 9, 9), np.uint8))
    aug.save(tmp_path / "c")
    again = VAEAugmenter.load(tmp_path / "c")
    np.testing.assert_array_equal(again.generate(X[:40], y[:40], "interpolation", 2, strength=0.5)[0], X_new)


@pytest.mark.filterwarnings("ignore::vaeaug.PosteriorCollapseWarning")  # a 2-epoch model
def test_channel_first_float_images_come_back_in_their_scale():
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, size=(60, 3, 12, 10)).astype(np.float32)
    y = np.repeat([0, 1], 30)
    aug = VAEAugmenter(random_state=0, epochs=2, latent_dim=4, hidden_sizes=(8,), conditional=False, verbose=0).fit(X, y)
    out = aug.reconstruct(X[:5])
    assert out.shape == (5, 3, 12, 10) and out.dtype == np.float32
    assert out.min() >= -1.0 - 1e-6 and out.max() <= 1.0 + 1e-6


def test_byte_images_of_small_counts_reach_the_network_at_full_scale(digit_images):
    from vaeaug.preprocess import ImagePreprocessor

    X, _ = digit_images
    counts = np.rint(X / 255 * 16).astype(np.uint8)  # digits' 0–16 counts, stored as bytes
    p = ImagePreprocessor().fit(counts[:100])
    T = p.transform(counts[:100])
    assert T.max() == 1.0 and np.array_equal(p.inverse_transform(T), counts[:100])  # not 16 / 255
    assert ImagePreprocessor().fit(X[:100]).high_ == 255.0  # 8-bit pictures as before


def test_sklearn_conventions(fitted_mlp):
    params = fitted_mlp.get_params()
    assert params["latent_dim"] == 8 and params["random_state"] == 0
    c = clone(fitted_mlp)
    assert not hasattr(c, "model_")
    assert c.set_params(beta=2.0).beta == 2.0
    assert "random_state=0" in repr(fitted_mlp)


def test_bad_inputs_fail_clearly(digits):
    X, y = digits
    aug = VAEAugmenter(**FAST)
    Xn = X[:100].reshape(-1, 8, 8).copy()  # images: a missing pixel has no column to be missing in
    Xn[7, 0, 3] = np.nan
    with pytest.raises(ValueError, match=r"NaN at index \(7, 0, 3\)"):
        aug.fit(Xn, y[:100])
    with pytest.raises(ValueError, match="different lengths"):
        aug.fit(X[:100], y[:99])
    with pytest.raises(ValueError, match="2-D"):
        aug.fit(X[:100].ravel(), y[:100])
    with pytest.raises(ValueError, match="empty"):
        aug.fit(X[:0], y[:0])
    with pytest.raises(ValueError, match="architecture"):
        VAEAugmenter(architecture="rnn").fit(X[:100], y[:100])
    with pytest.raises(ValueError, match="conv"):
        VAEAugmenter(architecture="conv", data_kind="vector").fit(X[:100], y[:100])


def test_fit_resample_and_imblearn_pipeline_in_cross_validation(digits):
    from imblearn.pipeline import make_pipeline
    from sklearn.model_selection import cross_val_score
    from sklearn.neighbors import KNeighborsClassifier

    X, y = digits
    X, y = X[:300], y[:300]
    aug = VAEAugmenter(random_state=0, n_per_sample=2, strength=0.5, **{**FAST, "epochs": 3})
    X_res, y_res = aug.fit_resample(X, y)
    assert len(X_res) == 900 and (X_res[:300] == X).all() and (y_res[300:] == np.repeat(y, 2)).all()

    pipe = make_pipeline(VAESampler(aug, method="interpolation", strength=0.5), KNeighborsClassifier(1))
    scores = cross_val_score(pipe, X, y, cv=3)
    assert scores.shape == (3,) and (scores > 0.5).all()
    assert "vaesampler__augmenter__beta" in pipe.get_params()


def test_residual_decoding_keeps_the_source_and_moves_it_by_the_decoded_change(fitted_mlp, digits):
    with raw_decodes(fitted_mlp):
        _check_residual_decoding(fitted_mlp, digits)


def _check_residual_decoding(fitted_mlp, digits):
    X, y = digits
    X, y = X[:40], y[:40]
    # z' = z: the residual decode is the source sample itself, as the model sees it (features
    # beyond ±5 training sd are clipped there)
    pre = fitted_mlp.preprocessor_
    seen = pre.inverse_transform(pre.transform(X).reshape(len(X), -1))
    same = fitted_mlp.generate(X, y, "noise", 1, strength=0.0, decoding="residual")[0]
    np.testing.assert_allclose(same, seen, atol=1e-4 * np.abs(X).max())
    # otherwise x' − x equals D(z') − D(z) wherever no clipping happened (the training-range
    # clip is turned off here; the model space's ±5 sd clip is masked out)
    codes = fitted_mlp.generate_codes(X, y, "noise", 1, strength=1.0, random_state=5)
    fitted_mlp.set_params(enforce_range=False)
    try:
        res = fitted_mlp.generate(X, y, "noise", 1, strength=1.0, random_state=5, decoding="residual")[0]
        direct = fitted_mlp.generate(X, y, "noise", 1, strength=1.0, random_state=5, decoding="direct")[0]
        np.testing.assert_allclose(direct, fitted_mlp.inverse_transform(codes.Z, codes.y), rtol=1e-5, atol=1e-5)
        change = direct - fitted_mlp.reconstruct(X, y)
    finally:
        fitted_mlp.set_params(enforce_range=True)
    inside = np.abs(pre.transform(res)) < 4.99
    np.testing.assert_allclose((res - seen)[inside], change[inside], atol=1e-3 * np.abs(X).max())
    assert not np.allclose(res, direct)
    with pytest.raises(ValueError, match="decoding.* must be"):
        fitted_mlp.generate(X, y, "noise", 1, decoding="sharp")


def test_fixed_settings_skip_the_choice(digits):
    X, y = digits
    fast = {**FAST, "epochs": 2}
    aug = VAEAugmenter(method="noise", strength=0.3, decoding="direct", random_state=0, **fast).fit(X[:200], y[:200])
    assert aug.selection_ == {} and set(aug.strength_.values()) == {0.3} and aug.method_ == "noise"
    assert set(aug.decoding_.values()) == {"direct"}
    # a fixed strength with the rest "auto": the prior's settings at the user's strength
    aug = VAEAugmenter(strength=0.3, random_state=0, **fast).fit(X[:200], y[:200])
    assert {r["strength"] for r in aug.selection_["candidates"]} == {0.3}
    assert {aug.strength_[m] for m in ("noise", "interpolation", "extrapolation")} == {0.3}
    with pytest.raises(ValueError, match="The .strength. parameter of VAEAugmenter must be"):
        VAEAugmenter(strength="max").fit(X[:200], y[:200])
    with pytest.raises(ValueError, match="decoding.* must be"):
        VAEAugmenter(decoding="sharp").fit(X[:200], y[:200])




def test_a_collapse_is_retried_with_a_longer_kl_warmup(digit_images, tmp_path):
    """With the KL weight at full strength from the first step (beta 3.5, no warm-up) this conv VAE
    collapses (codes spread 0.035 < 0.05); the retry, with a 30-epoch warm-up, keeps z in use (0.08).
    The collapsed run is stopped as soon as β is at its final value."""
    import warnings

    from vaeaug import PosteriorCollapseWarning
    from vaeaug.fitting import retry_warmup

    X, y = digit_images
    kw = dict(random_state=0, beta=3.5, free_bits=0.0, kl_warmup=0, epochs=40, latent_dim=8, verbose=0,
              strength=0.5, decoding="direct")
    args = (X[:300], y[:300], X[300:400], y[300:400])
    with pytest.warns(PosteriorCollapseWarning):
        warned = VAEAugmenter(on_collapse="warn", **kw).fit(*args)
    assert warned.collapsed_ and not warned.collapse_retried_ and warned.history_["kl_warmup"] == 0
    with warnings.catch_warnings():
        warnings.simplefilter("error", PosteriorCollapseWarning)  # the retry worked: nothing to warn about
        retried = VAEAugmenter(**kw).fit(*args)
    assert retried.collapse_retried_ and not retried.collapsed_
    assert retried.history_["kl_warmup"] == retry_warmup(0) == 30
    # collapsed when β reached its final value (here after epoch 1): stopped there, not run on to
    # early stopping; with on_collapse="warn" nothing is stopped
    assert retried.history_["collapse_stopped_at"] == 0 and warned.history_["collapse_stopped_at"] is None
    assert len(warned.history_["train_loss"]) > 1
    assert retried.latent_spread_.max() > warned.latent_spread_.max()
    # with checkpoints, the retry keeps its own; resuming a finished run gives the same model
    VAEAugmenter(**kw).fit(*args, checkpoint_dir=tmp_path / "ck")
    assert (tmp_path / "ck" / "collapse-retry" / "state.safetensors").is_file()
    resumed = VAEAugmenter(**kw).fit(*args, checkpoint_dir=tmp_path / "ck", resume=True)
    assert resumed.collapse_retried_
    np.testing.assert_array_equal(resumed.transform(X[:50]), retried.transform(X[:50]))
    from vaeaug.checkpoint import Checkpointer

    Checkpointer(tmp_path / "ck", "").clear()  # what `vaeaug train` does once the model is saved
    assert not (tmp_path / "ck").exists()
    with pytest.raises(ValueError, match="on_collapse"):
        VAEAugmenter(on_collapse="ignore").fit(*args)


def test_posterior_collapse_is_reported(digits, fitted_mlp):
    import warnings

    from vaeaug import PosteriorCollapseWarning

    X, y = digits
    assert fitted_mlp.collapsed_ is False  # a healthy model: no warning was due
    # a KL weight this large drives every code to the prior: the decoder can only ignore z
    with pytest.warns(PosteriorCollapseWarning, match="posterior collapse") as record:
        aug = VAEAugmenter(random_state=0, beta=200.0, free_bits=0.0, strength=0.5, decoding="direct",
                           **{**FAST, "conditional": True, "kl_warmup": 0}).fit(X[:300], y[:300], X[300:400], y[300:400])
    assert aug.collapsed_ and warned_here(record, "posterior collapse")  # at the user's fit, not inside it
    with warnings.catch_warnings():
        warnings.simplefilter("error", PosteriorCollapseWarning)
        VAEAugmenter(random_state=0, strength=0.5, decoding="direct", **FAST).fit(X[:300], y[:300], X[300:400], y[300:400])


@pytest.mark.parametrize("method", ["noise", "interpolation"])
@pytest.mark.parametrize("decoding", ["direct", "residual"])
def test_streamed_batches_are_the_same_samples_as_generate_whatever_the_batch_size(fitted_mlp, digits, method,
                                                                                  decoding):
    X, y = digits
    X, y = X[:300], y[:300]  # 300 x 4 = 1200 offspring: more than one block of codes
    whole, y_whole = fitted_mlp.generate(X, y, method, 4, strength=(0.2, 0.6), random_state=3, decoding=decoding)
    assert len(whole) == 1200
    for batch_size in (1000, 7, 8192):
        parts = list(fitted_mlp.generate_batches(X, y, method, 4, strength=(0.2, 0.6), batch_size=batch_size,
                                                 random_state=3, decoding=decoding))
        assert max(len(p[0]) for p in parts) <= batch_size
        np.testing.assert_array_equal(np.concatenate([p[0] for p in parts]), whole)
        np.testing.assert_array_equal(np.concatenate([p[1] for p in parts]), y_whole)


def test_generate_without_arguments_uses_the_estimators_method_and_amount(digits):
    X, y = digits
    aug = VAEAugmenter(method="noise", n_per_sample=2, strength=0.4, random_state=0, **FAST).fit(X[:200], y[:200])
    X_new, y_new, codes = aug.generate(X[:50], y[:50], return_codes=True)
    assert len(X_new) == 100 and (codes.partner == -1).all()  # noise has no partner
    np.testing.assert_array_equal(X_new, aug.generate(X[:50], y[:50], "noise", 2, strength=0.4)[0])
    X_res, _ = aug.fit_resample(X[:200], y[:200])
    assert len(X_res) == 200 * 3


@pytest.mark.parametrize("kwargs, words", [
    ({"n_per_sample": 0}, "'n_per_sample' parameter of VAEAugmenter.generate"),
    ({"n_per_sample": 2.5}, "'n_per_sample' parameter of VAEAugmenter.generate"),
    ({"strength": float("nan")}, "'strength' parameter of VAEAugmenter.generate"),
    ({"strength": -1.0}, "'strength' parameter of VAEAugmenter.generate"),
    ({"strength": (0.9, 0.1)}, "'strength' parameter of VAEAugmenter.generate"),
    ({"method": "warp"}, "'method' parameter of VAEAugmenter.generate"),
])
def test_generate_checks_its_arguments_up_front(fitted_mlp, digits, kwargs, words):
    X, y = digits
    with pytest.raises(ValueError, match=words):
        fitted_mlp.generate(X[:10], y[:10], **{"method": "noise", "strength": 0.5, **kwargs})
    with pytest.raises(ValueError, match=words.replace(".generate", ".generate_batches")):
        fitted_mlp.generate_batches(X[:10], y[:10], **{"method": "noise", "strength": 0.5, **kwargs})
    with pytest.raises(ValueError, match="'batch_size' parameter of VAEAugmenter.generate_batches"):
        fitted_mlp.generate_batches(X[:10], y[:10], "noise", strength=0.5, batch_size=0)


def test_the_training_bar_ends_on_the_epoch_training_stopped_at(digits, capsys):
    """verbose=2 leaves the bar: its last count is the epochs trained (early stopping included), and
    its postfix never names a best epoch past the count it shows."""
    X, y = digits
    aug = VAEAugmenter(random_state=0, **{**FAST, "epochs": 200, "verbose": 2}, patience=2, kl_warmup=0).fit(X[:200], y[:200])
    trained = len(aug.history_["train_loss"])
    assert aug.history_["stopped_early"] and trained < 200
    states = [s for s in re.split(r"[\r\n]", capsys.readouterr().err) if "training the VAE" in s]
    assert f"{trained}/200" in states[-1]
    for s in states:  # e.g. " 34/200 [..., best=40, ...]" drew a best epoch not yet reached
        shown = re.search(r"(\d+)/200", s)
        best = re.search(r"best=(\d+)", s)
        assert best is None or int(best.group(1)) <= int(shown.group(1))
