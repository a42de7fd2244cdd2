"""Inputs a careless user or an attacker gives: each gets a clear error naming the parameter or
the problem, never silent wrong output (NaN, all-zero or wrapped values). One row per case."""

import json

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vaeaug import ModelFileError, VAEAugmenter

from .conftest import FAST
from .test_reliability import refresh_manifest

TINY = {**FAST, "epochs": 2}


@pytest.fixture(scope="module")
def tiny_images(digit_images):
    X, y = digit_images
    return VAEAugmenter(random_state=0, epochs=2, latent_dim=4, hidden_sizes=(8, 16), verbose=0,
                        strength=0.5, decoding="direct").fit(X[:200], y[:200], X[200:260], y[200:260])


def _fit(X, y):
    return VAEAugmenter(**TINY).fit(X, y)


ROWS = {  # case: (what is done, given the fitted vector model, the fitted image model and digits; error words)
    "strength nan": (lambda m, im, X, y: m.generate(X, y, "noise", strength=float("nan")),
                     "'strength' parameter of VAEAugmenter.generate must be"),
    "strength inf": (lambda m, im, X, y: m.generate(X, y, "noise", strength=float("inf")), "'strength' parameter"),
    "strength nan on uint8 images": (lambda m, im, X, y: im.generate(
        (X.reshape(-1, 8, 8) * 15).astype(np.uint8), y, "noise", strength=float("nan")), "'strength' parameter"),
    "strength -1": (lambda m, im, X, y: m.generate(X, y, "noise", strength=-1), "'strength' parameter"),
    "strength (0.9, 0.1)": (lambda m, im, X, y: m.generate(X, y, "noise", strength=(0.9, 0.1)), "low <= high"),
    "n_per_sample 2.5": (lambda m, im, X, y: m.generate(X, y, "noise", 2.5, 0.5), "'n_per_sample' parameter"),
    "n_per_sample True": (lambda m, im, X, y: m.generate(X, y, "noise", True, 0.5), "'n_per_sample' parameter"),
    "batches n_per_sample -1": (lambda m, im, X, y: m.generate_batches(X, y, "noise", -1, 0.5),
                                "'n_per_sample' parameter of VAEAugmenter.generate_batches"),
    "batch_size -5": (lambda m, im, X, y: m.generate_batches(X, y, "noise", 1, 0.5, batch_size=-5),
                      "'batch_size' parameter"),
    "batch_size 0": (lambda m, im, X, y: m.generate_batches(X, y, "noise", 1, 0.5, batch_size=0),
                     "'batch_size' parameter"),
    "n_per_sample 10**9": (lambda m, im, X, y: m.generate(X, y, "noise", 10**9, 0.5), "generate_batches"),
    "complex X": (lambda m, im, X, y: _fit(X.astype(complex) + 1j, y), "complex"),
    "bool X": (lambda m, im, X, y: _fit(X > 8, y), "boolean"),
    "int64 near its limits": (lambda m, im, X, y: _fit(X.astype(np.int64) + 2**62, y), "holds exactly"),
    "float32 images at 3e38": (lambda m, im, X, y: _fit(np.full((60, 8, 8), 3e38, np.float32), y[:60]),
                               "rescale the data"),
    "y with inf": (lambda m, im, X, y: _fit(X, np.where(np.arange(len(y)) == 3, np.inf, y.astype(float))),
                   "infinite value at index 3"),
    "y mixing ints and strings": (lambda m, im, X, y: _fit(X, np.array([*y[:-1], "a"], dtype=object)),
                                  "mixes numbers and strings"),
    "0 features": (lambda m, im, X, y: _fit(X[:, :0], y), r"0 feature\(s\)"),
    "images with 0 channels": (lambda m, im, X, y: _fit(np.zeros((60, 0, 8, 8)), y[:60]), r"0 feature\(s\)"),
    "codes with NaN": (lambda m, im, X, y: m.inverse_transform(np.full((2, 8), np.nan)), "non-finite values"),
    "sparse X": (lambda m, im, X, y: _fit(__import__("scipy.sparse").sparse.csr_matrix(X), y),
                 "sparse input is not supported"),
}


@pytest.mark.parametrize("case", list(ROWS))
def test_a_bad_input_gets_a_clear_error(case, fitted_mlp, tiny_images, digits):
    X, y = digits
    action, words = ROWS[case]
    with pytest.raises((ValueError, TypeError), match=words):
        action(fitted_mlp, tiny_images, X[:60], y[:60])


def _edit(d, change):
    cfg = json.loads((d / "config.json").read_text())
    change(cfg)
    (d / "config.json").write_text(json.dumps(cfg))
    refresh_manifest(d)  # the attacker fixes every checksum: only the schema can catch the edit


CONFIG_EDITS = {
    "params.strength = 'evil'": (lambda c: c["params"].update(strength="evil"), "'strength' parameter"),
    "preprocessor.dtype = '<U3'": (lambda c: c["preprocessor"].update(dtype="<U3"), "numeric dtypes only"),
    "preprocessor.dtype = object": (lambda c: c["preprocessor"].update(dtype="|O"), "numeric dtypes only"),
    "a huge latent_dim": (lambda c: c["vae"].update(latent_dim=10**9), "latent_dim or conv_dense is out of range"),
    "huge layers": (lambda c: c["vae"].update(hidden_sizes=[10**8]), "hidden_sizes"),
    "no format_version": (lambda c: c.pop("format_version"), "no valid format_version"),
    "a newer format_version": (lambda c: c.update(format_version=99), "newer vaeaug"),
    "an extra key": (lambda c: c.update(payload="x"), r"unknown key\(s\) \['payload'\]"),
    "a strength that is a string": (lambda c: c["strength"].update(noise="x"), "strength holds 'x'"),
    "channels_last on a table model": (lambda c: c.update(layout="channels_last"), "not one a vector model reads"),
    "a layout that is a number": (lambda c: c.update(layout=1), "layout 1 is not one"),
    "feature names too few": (lambda c: c.update(feature_names=["a", "b"]), "one distinct string or integer"),
    "feature names not names": (lambda c: c.update(feature_names=[{"x": 1}] * 64), "one distinct string or integer"),
}


@pytest.mark.parametrize("case", list(CONFIG_EDITS))
def test_an_edited_config_is_refused_on_load(case, fitted_mlp, tmp_path):
    d = fitted_mlp.save(tmp_path / "m")
    change, words = CONFIG_EDITS[case]
    _edit(d, change)
    with pytest.raises(ModelFileError, match=words):
        VAEAugmenter.load(d)


def test_an_edit_without_fixing_the_manifest_is_caught_by_the_checksum(fitted_mlp, tmp_path):
    d = fitted_mlp.save(tmp_path / "m")
    cfg = json.loads((d / "config.json").read_text())
    cfg["history"]["best_epoch"] = 0
    (d / "config.json").write_text(json.dumps(cfg))
    with pytest.raises(ModelFileError, match="does not match the checksum in manifest.json"):
        VAEAugmenter.load(d)


def test_nan_weights_with_their_checksums_recomputed_are_refused(fitted_mlp, tmp_path):
    import hashlib

    from safetensors.torch import load_file, save_file

    d = fitted_mlp.save(tmp_path / "m")
    tensors = load_file(d / "model.safetensors")
    tensors = {k: (v * float("nan") if v.is_floating_point() else v) for k, v in tensors.items()}
    save_file(tensors, d / "model.safetensors")
    _edit(d, lambda c: c.update(weights_sha256=hashlib.sha256((d / "model.safetensors").read_bytes()).hexdigest()))
    with pytest.raises(ModelFileError, match="non-finite"):
        VAEAugmenter.load(d)


JSON_VALUES = st.recursive(st.none() | st.booleans() | st.integers(-10**12, 10**12) | st.floats(allow_nan=True)
                           | st.text(max_size=8), lambda inner: st.lists(inner, max_size=3)
                           | st.dictionaries(st.text(max_size=5), inner, max_size=3), max_leaves=6)


class Saved:
    """A saved model and its original bytes, restored before each fuzzed edit."""

    def __init__(self, d):
        self.d, self.config, self.weights = d, (d / "config.json").read_bytes(), (d / "model.safetensors").read_bytes()

    def __repr__(self):
        return f"Saved({self.d})"


@pytest.fixture(scope="module")
def saved(fitted_mlp, tmp_path_factory):
    return Saved(fitted_mlp.save(tmp_path_factory.mktemp("fuzz") / "m"))


def _restore(saved):
    (saved.d / "config.json").write_bytes(saved.config)
    (saved.d / "model.safetensors").write_bytes(saved.weights)
    refresh_manifest(saved.d)
    return saved.d


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_random_config_edits_raise_model_file_error_and_nothing_else(saved, data):
    d = _restore(saved)
    cfg = json.loads((d / "config.json").read_text())
    node, key = cfg, None
    for _ in range(data.draw(st.integers(1, 3))):  # walk down a random path of dicts
        if not isinstance(node, dict) or not node:
            break
        key = data.draw(st.sampled_from(sorted(node)))
        if not isinstance(node[key], dict) or data.draw(st.booleans()):
            break
        node = node[key]
    if isinstance(node, dict) and key in node:
        if data.draw(st.booleans()):
            node[key] = data.draw(JSON_VALUES)
        else:
            del node[key]
    (d / "config.json").write_text(json.dumps(cfg))
    refresh_manifest(d)
    try:
        VAEAugmenter.load(d)
    except ModelFileError:
        pass


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(position=st.floats(0, 1, exclude_max=True), bit=st.integers(0, 7), fix_checksums=st.booleans())
def test_random_byte_flips_in_the_weights_raise_model_file_error_and_nothing_else(saved, position, bit,
                                                                                   fix_checksums):
    d = _restore(saved)
    raw = bytearray((d / "model.safetensors").read_bytes())
    raw[int(position * len(raw))] ^= 1 << bit
    (d / "model.safetensors").write_bytes(bytes(raw))
    if fix_checksums:
        import hashlib

        _edit(d, lambda c: c.update(weights_sha256=hashlib.sha256(bytes(raw)).hexdigest()))
        try:
            VAEAugmenter.load(d)  # a flipped mantissa bit can leave a valid (different) model
        except ModelFileError:
            pass
    else:
        with pytest.raises(ModelFileError):
            VAEAugmenter.load(d)


# data_too_large: hypothesis 6.0 (the test extra's floor) now and then finds these few integers too large
@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.data_too_large])
@given(n_per_sample=st.integers(1, 5), batch_size=st.integers(1, 3000), n=st.integers(1, 400),
       method=st.sampled_from(["noise", "interpolation", "extrapolation"]), seed=st.integers(0, 2**32 - 1))
def test_the_same_seed_gives_bit_identical_output_streamed_or_not(fitted_mlp, digits, n_per_sample, batch_size, n,
                                                                 method, seed):
    X, y = digits
    X, y = X[:n], y[:n]
    whole, y_whole = fitted_mlp.generate(X, y, method, n_per_sample, strength=(0.1, 0.9), random_state=seed,
                                         small_classes="skip", decoding="residual")
    parts = list(fitted_mlp.generate_batches(X, y, method, n_per_sample, strength=(0.1, 0.9),
                                             batch_size=batch_size, random_state=seed, small_classes="skip",
                                             decoding="residual"))
    streamed = np.concatenate([p[0] for p in parts]) if parts else whole[:0]
    assert streamed.tobytes() == whole.tobytes()
    assert np.array_equal(np.concatenate([p[1] for p in parts]) if parts else y_whole[:0], y_whole)


def test_a_config_asking_for_huge_layers_is_refused_before_any_allocation(fitted_mlp, tmp_path):
    d = fitted_mlp.save(tmp_path / "m")
    _edit(d, lambda c: c["vae"].update(hidden_sizes=[60000, 60000]))  # one such layer: 13 GiB of float32
    # refused by the header check (shapes on torch's meta device), not after building the model
    with pytest.raises(ModelFileError, match=r"does not fit the architecture in config.json \(first mismatch"):
        VAEAugmenter.load(d)
