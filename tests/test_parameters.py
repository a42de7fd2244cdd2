"""The estimator's parameters: validated the scikit-learn way at fit, keyword-only, with one
source of defaults that the CLI's options are generated from."""

import dataclasses

import numpy as np
import pytest
from sklearn.utils._param_validation import InvalidParameterError

from vaeaug import VAEAugmenter, VAESampler
from vaeaug.cli import build_parser, main
from vaeaug.cli_options import COMMON, PYTHON_ONLY, estimator_kwargs
from vaeaug.validation import split_validation

from .conftest import FAST


@pytest.mark.parametrize("name, bad", [
    ("hidden_sizes", (64, 0)), ("hidden_sizes", ()), ("hidden_sizes", 64), ("kl_warmup", -1), ("kl_warmup", 2.5),
    ("free_bits", -0.1), ("free_bits", float("nan")), ("weight_decay", -1e-3), ("patience", 0), ("patience", 1.5),
    ("conditional", "yes"), ("random_state", -1), ("random_state", 1.5), ("verbose", "loud"),
    ("n_per_sample", True), ("n_per_sample", 2.5), ("epochs", 0), ("learning_rate", 0.0), ("device", 3),
    ("strength", -1.0), ("strength", float("nan")), ("strength", float("inf")), ("strength", (0.8, 0.2)),
    ("strength", (0.1, float("nan"))), ("strength", (0.1, 0.2, 0.3)), ("strength", "max"),
])
def test_a_bad_parameter_is_refused_at_fit_naming_it(digits, name, bad):
    X, y = digits
    with pytest.raises(InvalidParameterError, match=f"'{name}' parameter of VAEAugmenter must be"):
        VAEAugmenter(**{**FAST, name: bad}).fit(X[:50], y[:50])


def test_constructor_arguments_are_keyword_only():
    with pytest.raises(TypeError):
        VAEAugmenter("mlp")  # noqa


def test_every_parameter_has_a_constraint():
    assert set(VAEAugmenter._parameter_constraints) == set(VAEAugmenter().get_params())


def test_the_training_loop_takes_its_settings_from_the_estimator_only():
    from vaeaug.fitting import train_settings
    from vaeaug.training import TrainSettings

    owned = {"epochs", "batch_size", "learning_rate", "weight_decay", "beta", "kl_warmup", "patience", "free_bits"}
    for f in dataclasses.fields(TrainSettings):
        if f.name in owned:
            assert f.default is dataclasses.MISSING, f"TrainSettings.{f.name} has a default of its own"
    params = VAEAugmenter().get_params()
    settings = train_settings(VAEAugmenter())
    assert {k: getattr(settings, k) for k in owned} == {k: params[k] for k in owned}


def test_the_cli_has_an_option_for_every_parameter_with_the_estimators_defaults():
    parser = build_parser()
    args = parser.parse_args(["train", "--data", "d.npz", "--out", "m"])
    expected = {k: v for k, v in VAEAugmenter().get_params().items() if k not in COMMON + PYTHON_ONLY}
    assert estimator_kwargs(args, VAEAugmenter) == expected
    exp = parser.parse_args(["experiment"])
    assert estimator_kwargs(exp, VAEAugmenter, overrides=True) == {}  # no override: the estimator's own
    given = parser.parse_args(["experiment", "--n-per-sample", "5", "--strength", "0.2,0.4", "--patience", "none",
                               "--no-enforce-range", "--on-no-gain", "skip", "--lr", "0.01", "--cv", "4"])
    assert estimator_kwargs(given, VAEAugmenter, overrides=True) == {
        "n_per_sample": 5, "strength": (0.2, 0.4), "enforce_range": False, "on_no_gain": "skip",
        "learning_rate": 0.01, "cv": 4}
    assert parser.parse_args(["train", "--data", "d", "--out", "m", "--patience", "none"]).patience is None
    for name, constraints in VAEAugmenter._parameter_constraints.items():  # every switch can be turned off
        if "boolean" in constraints:  # match_moments ("auto" or a boolean) offered auto alone
            flag = "--" + name.replace("_", "-")
            off = [flag, "false"] if len(constraints) > 1 else ["--no-" + flag[2:]]
            assert getattr(parser.parse_args(["train", "--data", "d", "--out", "m", *off]), name) is False, name
    assert parser.parse_args(["train", "--data", "d", "--out", "m", "--match-moments", "true"]).match_moments is True


def test_a_bad_option_value_is_one_line_naming_the_parameter(tmp_path, digits, capsys):
    X, y = digits
    np.savez(tmp_path / "d.npz", X=X[:60], y=y[:60])
    assert main(["train", "--data", str(tmp_path / "d.npz"), "--out", str(tmp_path / "m"), "--kl-warmup", "-2"]) == 1
    err = capsys.readouterr().err
    assert "'kl_warmup' parameter of VAEAugmenter must be" in err and "Traceback" not in err


def test_a_bug_is_not_dressed_up_as_a_user_error(monkeypatch, tmp_path):
    import vaeaug.cli as cli

    def broken(args):
        raise TypeError("a bug")

    monkeypatch.setattr(cli, "cmd_datasets", broken)
    with pytest.raises(TypeError, match="a bug"):
        main(["datasets"])
    with pytest.raises(ValueError, match="has no array"):  # --traceback: the user's error in full
        np.savez(tmp_path / "bad.npz", A=np.zeros(2))
        main(["train", "--data", str(tmp_path / "bad.npz"), "--out", str(tmp_path / "m"), "--traceback"])


def test_the_sampler_keeps_the_augmenters_own_settings(digits):
    X, y = digits
    X, y = X[:90], np.where(np.arange(90) < 80, 0, 1)  # 80 / 10: the sampler fills class 1 up to 80
    sampler = VAESampler(VAEAugmenter(strength=0.3, method="noise", **{**FAST, "epochs": 2}))
    X_res, y_res = sampler.fit_resample(X, y)
    assert sampler.augmenter_.strength == 0.3 and sampler.augmenter_.strength_["noise"] == 0.3
    assert sampler.augmenter_.method == "noise" and np.bincount(y_res).tolist() == [80, 80]
    sampler = VAESampler(VAEAugmenter(strength=0.3, **{**FAST, "epochs": 2}), strength=0.6, random_state=4)
    sampler.fit_resample(X, y)
    assert sampler.augmenter_.strength == 0.6 and sampler.augmenter_.random_state == 4
    with pytest.raises(InvalidParameterError, match="'strength' parameter of VAESampler"):
        VAESampler(strength=-1.0).fit_resample(X, y)


def test_a_label_seen_only_in_validation_is_refused(digits):
    X, y = digits
    train = y[:200] != 9
    X_val, y_val = X[200:300], y[200:300]
    assert (y_val == 9).any()
    for conditional in (True, False):
        with pytest.raises(ValueError, match=r"y_val holds label\(s\) \[9\] not seen"):
            VAEAugmenter(**{**FAST, "conditional": conditional}).fit(X[:200][train], y[:200][train], X_val, y_val)


def test_a_random_state_instance_seeds_each_fit_with_one_draw(digits, tmp_path):
    """scikit-learn's convention: a RandomState is taken where an int is; each fit draws its seed
    (``seed_``) from it, so equal states give equal models and offspring, a refit another draw, and a
    saved model keeps the draw."""
    X, y = digits[0][:120], digits[1][:120]
    quick = {**FAST, "epochs": 1, "strength": 0.5, "decoding": "direct"}
    a, b = (VAEAugmenter(**quick, random_state=np.random.RandomState(0)).fit(X, y) for _ in range(2))
    assert isinstance(a.seed_, int) and a.seed_ == b.seed_
    np.testing.assert_array_equal(a.generate(X, y)[0], b.generate(X, y)[0])
    first = a.seed_
    assert a.fit(X, y).seed_ != first  # the same instance, drawn again
    X1, _ = a.generate(X, y, random_state=np.random.RandomState(5))
    np.testing.assert_array_equal(X1, a.generate(X, y, random_state=np.random.RandomState(5))[0])
    a.save(tmp_path / "m")
    loaded = VAEAugmenter.load(tmp_path / "m")
    assert loaded.random_state == loaded.seed_ == a.seed_
    np.testing.assert_array_equal(loaded.generate(X, y)[0], a.generate(X, y)[0])
    sampler = VAESampler(VAEAugmenter(**quick), random_state=np.random.RandomState(0))
    assert len(sampler.fit_resample(X[:40], np.r_[np.zeros(30, int), np.ones(10, int)])[1]) == 60


def test_the_automatic_hold_out_never_takes_a_class_last_sample(digits):
    X, y = digits
    keep = np.concatenate([np.flatnonzero(y[:300] != 9), [int(np.flatnonzero(y == 9)[0])]])  # one 9 only
    aug = VAEAugmenter(**{**FAST, "epochs": 2, "strength": 0.5, "decoding": "direct"})
    for seed in range(5):  # the split fit makes with its seed
        X_tr, X_val, y_tr, y_val = split_validation(X[keep], y[keep], aug.validation_fraction, seed)
        assert 9 in y_tr and 9 not in y_val and len(X_tr) + len(X_val) == len(keep)
    aug.fit(X[keep], y[keep])
    assert 9 in aug.classes_


def test_generate_reads_auto_as_the_constructor_does(fitted_mlp, digits, tmp_path, capsys):
    """The constructor, the sampler and the CLI's train spell fit's choice "auto"; generate took it
    for method alone and refused n_per_sample, strength and decoding "auto", so `vaeaug augment
    --strength auto`, which its own option type admits, failed, and --method auto and --decoding
    auto were no choices there."""
    X, y = digits[0][:40], digits[1][:40]
    given = fitted_mlp.generate(X, y, random_state=3)
    said = fitted_mlp.generate(X, y, method="auto", n_per_sample="auto", strength="auto", decoding="auto",
                               random_state=3)  # the fixture's n_per_sample is "auto" too
    assert np.array_equal(given[0], said[0]) and np.array_equal(given[1], said[1])
    batches = fitted_mlp.generate_batches(X, y, strength="auto", decoding="auto", batch_size=50, random_state=3)
    assert np.array_equal(np.concatenate([b for b, _ in batches]), given[0])
    with pytest.raises(InvalidParameterError, match="'strength' parameter"):
        fitted_mlp.generate(X, y, strength="high")
    from vaeaug.cli import main
    from vaeaug.fileio import load_npz

    fitted_mlp.save(tmp_path / "m")
    np.savez(tmp_path / "d.npz", X=X, y=y)
    run = ["augment", "--model", str(tmp_path / "m"), "--data", str(tmp_path / "d.npz"), "--seed", "3", "-q"]
    assert main([*run, "--out", str(tmp_path / "a.npz")]) == 0
    assert main([*run, "--out", str(tmp_path / "b.npz"), "--method", "auto", "--strength", "auto",
                 "--decoding", "auto"]) == 0, capsys.readouterr().err
    assert np.array_equal(load_npz(tmp_path / "a.npz")["X"], load_npz(tmp_path / "b.npz")["X"])
