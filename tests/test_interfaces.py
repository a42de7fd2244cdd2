"""The interfaces users reach for first: an imbalanced-learn oversampler, pandas frames in and
out, a command line whose failures exit non-zero in one line, files with the user's umask."""

import copy
import os
import stat
import warnings

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.exceptions import NotFittedError

from vaeaug import AugmentedDataset, VAEAugmenter, VAESampler
from vaeaug.cli import main
from vaeaug.data import TableEncoder
from vaeaug.priors import AMOUNT

from .conftest import FAST, warned_here

SMALL = {**FAST, "epochs": 3}


@pytest.fixture(scope="module")
def imbalanced(digits):
    X, y = digits
    idx = np.concatenate([np.flatnonzero(y == 0)[:170], np.flatnonzero(y == 1)[:30]])
    return X[idx], y[idx]


def test_the_sampler_balances_classes_with_vae_offspring(imbalanced):
    X, y = imbalanced
    sampler = VAESampler(VAEAugmenter(random_state=0, **SMALL))
    X_res, y_res = sampler.fit_resample(X, y)
    assert np.bincount(y_res).tolist() == [170, 170]
    np.testing.assert_array_equal(X_res[:200], X)  # originals first, unchanged
    assert not any((X_res[200:] == row).all(1).any() for row in X[y == 1])  # offspring, not copies
    assert (y[sampler.sample_indices_[200:]] == 1).all()  # each offspring's source is of its class


@pytest.mark.parametrize("strategy, counts", [("minority", [170, 170]), (0.5, [170, 85]), ({1: 100}, [170, 100])])
def test_the_sampling_strategy_is_imbalanced_learns(imbalanced, strategy, counts):
    X, y = imbalanced
    X_res, y_res = VAESampler(VAEAugmenter(random_state=0, **SMALL), sampling_strategy=strategy).fit_resample(X, y)
    assert np.bincount(y_res).tolist() == counts


def test_the_sampler_works_in_an_imbalanced_learn_pipeline(imbalanced):
    from imblearn.pipeline import make_pipeline
    from sklearn.model_selection import cross_val_score
    from sklearn.neighbors import KNeighborsClassifier

    X, y = imbalanced
    pipe = make_pipeline(VAESampler(VAEAugmenter(random_state=0, **SMALL)), KNeighborsClassifier(1))
    assert (cross_val_score(pipe, X, y, cv=3) > 0.8).all()


def test_imbalanced_learns_sampler_checks():
    from imblearn.utils.estimator_checks import _yield_sampler_checks

    sampler = VAESampler(VAEAugmenter(epochs=2, hidden_sizes=(8,), latent_dim=2, verbose=0, random_state=0,
                                      method="noise", strength=0.5, decoding="residual"))  # the mechanics, not the choice
    ran = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for check in _yield_sampler_checks(sampler):
            name = getattr(check, "__name__", getattr(getattr(check, "func", None), "__name__", str(check)))
            if name in EXPECTED_IMBLEARN_FAILURES:
                continue
            check(type(sampler).__name__, sampler)
            ran.append(name)
    assert len(ran) >= 9 and "check_samplers_pandas_sparse" in ran, ran


#: imbalanced-learn checks that do not apply, and why.
EXPECTED_IMBLEARN_FAILURES = {
    "check_samplers_sparse": "a VAE reads every feature: sparse input is refused (the sampler's sparse tag is False)",
    "check_samplers_nan": "NaN is refused with its index: a VAE cannot encode a missing value",
}


def test_a_frame_round_trips_with_its_columns_and_dtypes(digits):
    X, y = digits
    df = pd.DataFrame(X[:300], columns=[f"px{i}" for i in range(64)]).astype({"px0": "int64"})
    labels = pd.Series(y[:300], name="digit")
    aug = VAEAugmenter(random_state=0, strength=0.5, **SMALL).fit(df, labels)
    assert list(aug.feature_names_in_) == list(df.columns) and aug.n_features_in_ == 64
    X_new, y_new = aug.generate(df, labels, n_per_sample=2)
    assert isinstance(X_new, pd.DataFrame) and list(X_new.columns) == list(df.columns)
    assert (X_new.dtypes == df.dtypes).all() and isinstance(y_new, pd.Series) and y_new.name == "digit"
    X_res, y_res = aug.fit_resample(df, labels)
    assert isinstance(X_res, pd.DataFrame) and len(X_res) == 300 * (1 + AMOUNT["vector"])  # n_per_sample="auto"
    chunks = list(aug.generate_batches(df, labels, n_per_sample=2, batch_size=128))  # streamed: frames too
    assert all(isinstance(c, pd.DataFrame) and (c.dtypes == df.dtypes).all() and isinstance(t, pd.Series)
               for c, t in chunks)
    pd.testing.assert_frame_equal(pd.concat([c for c, _ in chunks], ignore_index=True), X_new)
    rec = aug.reconstruct(df, labels)
    assert isinstance(rec, pd.DataFrame) and list(rec.columns) == list(df.columns)
    with pytest.raises(ValueError, match=r"columns differ from those seen at fit \(reordered\)"):
        aug.generate(df[df.columns[::-1]], labels)
    with pytest.raises(ValueError, match=r"missing \['px63'\]"):
        aug.transform(df.drop(columns="px63"))


def test_pandas_nullable_and_sparse_number_columns_are_numbers():
    """Int64, Float64 (``convert_dtypes()``) and sparse columns were taken for categories: the frame
    went through the table encoder, whose clip after the moment match made other offspring than
    the same numbers as an array (imbalanced-learn's check_samplers_pandas_sparse failed), and
    whose imputation filled pd.NA where numpy's NaN was refused. They are numbers now: the same
    offspring, in their own dtypes, and a missing cell read as NaN is (pd.NA again in the offspring)."""
    rng = np.random.default_rng(0)
    y = np.repeat([0, 1, 2], 30)
    plain = pd.DataFrame({"a": rng.normal(size=90) + y, "k": rng.integers(0, 3, 90) + 3 * y})
    made = {"n_per_sample": 2, "random_state": 1}
    for df, same in ((plain.convert_dtypes(), plain), (plain.astype(pd.SparseDtype(float, 0)), plain.astype(float))):
        aug = VAEAugmenter(random_state=0, strength=0.5, **SMALL).fit(df, y)
        assert aug.table_encoder_ is None
        X_new = aug.generate(df, y, **made)[0]
        assert (X_new.dtypes == df.dtypes).all()  # Float64 / Int64 (rounded) / Sparse, as they came
        alike = VAEAugmenter(random_state=0, strength=0.5, **SMALL).fit(same, y).generate(same, y, **made)[0]
        assert np.allclose(X_new.to_numpy(dtype=np.float64), alike.to_numpy(np.float64))
        assert AugmentedDataset(aug, df, y)[0][0].dtype == torch.float64  # served as numbers, not objects
    holed = plain.convert_dtypes()
    holed.loc[5, "a"] = pd.NA
    X_new, _, codes = VAEAugmenter(**SMALL).fit(holed, y).generate(holed, y, return_codes=True, **made)
    assert (X_new.dtypes == holed.dtypes).all() and X_new["a"].isna().sum() == 2  # its two offspring
    assert (codes.source[X_new["a"].isna().to_numpy()] == 5).all()


def test_a_frames_integer_columns_are_rounded_not_truncated():
    """A numbers-only frame's offspring were cast to its dtypes: an int64 column truncated (1.9 → 1,
    so its counts drifted down) and a uint8 one could wrap (−1 → 255). Integer columns are now
    rounded and kept within their dtype, as arrays of integers and frames with categories are."""
    rng = np.random.default_rng(0)
    y = np.repeat([0, 1, 2], 30)
    df = pd.DataFrame({"a": rng.normal(size=90) + y, "k": rng.integers(0, 3, 90) + 3 * y,
                       "u": rng.integers(0, 3, 90).astype(np.uint8)})
    aug = VAEAugmenter(random_state=0, **{**SMALL, "epochs": 10}).fit(df, y)
    made = {"method": "noise", "strength": 1.0, "decoding": "direct", "random_state": 1, "n_per_sample": 3}
    X_new = aug.generate(df, y, **made)[0]
    decoded = aug.generate(df.to_numpy(dtype=np.float64), y, **made)[0]  # the same offspring, as floats
    assert (X_new.dtypes == df.dtypes).all()
    assert np.array_equal(X_new["k"], np.rint(decoded[:, 1]))  # rounded: the cast truncated 1.9 to 1
    assert (X_new["k"] != np.trunc(decoded[:, 1])).any()
    assert np.array_equal(X_new["u"], np.clip(np.rint(decoded[:, 2]), 0, 255))


def test_a_saved_model_keeps_the_frames_columns(digits, tmp_path):
    X, y = digits
    for columns in ([f"px{i}" for i in range(64)], list(range(64))):  # strings, and pandas' default integers
        df = pd.DataFrame(X[:200], columns=columns)
        VAEAugmenter(random_state=0, strength=0.5, **{**SMALL, "epochs": 1}).fit(df, y[:200]).save(tmp_path / "m")
        aug = VAEAugmenter.load(tmp_path / "m")
        assert list(aug.feature_names_in_) == columns
        assert list(aug.generate(df, y[:200], n_per_sample=1)[0].columns) == columns
        with pytest.raises(ValueError, match="reordered"):
            aug.generate(df[df.columns[::-1]], y[:200])
    VAEAugmenter(random_state=0, strength=0.5, **{**SMALL, "epochs": 1}).fit(X[:200], y[:200]).save(tmp_path / "m")
    assert not hasattr(VAEAugmenter.load(tmp_path / "m"), "feature_names_in_")  # an array's model: no names


def _mixed_frame(n=60, seed=0):
    rng = np.random.default_rng(seed)
    return pd.DataFrame({"a": rng.normal(size=n), "b": pd.Categorical(rng.choice(["x", "y", "z"], n)),
                         "c": rng.random(n) > 0.5, "d": rng.integers(1, 5, n), "f": rng.normal(size=n).astype(np.float32),
                         "e": pd.array(rng.choice(["u", "v"], n), dtype="string")})


def test_a_frame_with_categories_is_encoded_and_its_offspring_decoded(tmp_path):
    """Numbers, categories, strings and booleans in: new rows of the same columns and dtypes out,
    each category one the frame held, from generate, streaming, fit_resample and a loaded model."""
    df, y = _mixed_frame(), pd.Series(pd.Categorical(np.repeat(["p", "q", "r"], 20)), name="kind")
    df["b"] = df["b"].cat.add_categories("w").cat.as_ordered()  # a category no row holds, and an order: kept
    aug = VAEAugmenter(random_state=0, strength=0.5, **{**SMALL, "epochs": 2}).fit(df, y)
    assert aug.vae_.kind == "vector" and list(aug.feature_names_in_) == list(df.columns)
    assert aug.n_features_in_ == 10  # a, b=x/y/z, c=False/True, d, e=u/v, f
    X_new, y_new = aug.generate(df, y, n_per_sample=2)
    assert list(X_new.columns) == list(df.columns) and (X_new.dtypes == df.dtypes).all() and y_new.name == "kind"
    assert y_new.dtype == y.dtype  # categorical labels stay categorical: pd.concat([y, y_new]) keeps the dtype
    assert set(X_new["b"]) <= {"x", "y", "z"} and set(X_new["e"]) <= {"u", "v"} and X_new["d"].between(1, 4).all()
    chunks = list(aug.generate_batches(df, y, n_per_sample=2, batch_size=50))
    pd.testing.assert_frame_equal(pd.concat([c for c, _ in chunks], ignore_index=True), X_new)
    X_res, y_res = aug.fit_resample(df, y)
    pd.testing.assert_frame_equal(X_res.iloc[:60], df)  # the caller's rows as they were, then offspring
    assert len(X_res) == len(y_res) == 60 * (1 + AMOUNT["vector"]) and (X_res.dtypes == df.dtypes).all()
    assert y_res.dtype == y.dtype and pd.concat([y, y_new]).dtype == y.dtype
    aug.save(tmp_path / "m")
    loaded = VAEAugmenter.load(tmp_path / "m")
    pd.testing.assert_frame_equal(loaded.generate(df, y, n_per_sample=2)[0], aug.generate(df, y, n_per_sample=2)[0])
    assert (pd.concat([df, loaded.generate(df, y)[0]]).dtypes == df.dtypes).all()  # categories and order saved
    with pytest.raises(ValueError, match="reordered"):
        aug.generate(df[df.columns[::-1]], y)
    decoded = aug.inverse_transform(aug.transform(df), y)  # the frame's columns, not the internal encoding
    pd.testing.assert_frame_equal(decoded, aug.reconstruct(df, y).reset_index(drop=True))
    with pytest.raises(TypeError, match="X_val must be a DataFrame"):
        VAEAugmenter(**SMALL).fit(df, y, X_val=df.to_numpy(), y_val=y)


def test_an_array_given_to_a_frames_model_is_told_to_come_as_the_frame():
    """A model fitted on a frame with category columns counts its encoded numbers: df.to_numpy(),
    or the numeric columns alone, were told "X has 3 features, but VAEAugmenter is expecting 4",
    a count the caller never saw. They are told to pass the frame, naming its columns."""
    df, y = _mixed_frame()[["a", "b", "d"]], np.repeat([0, 1, 2], 20)
    aug = VAEAugmenter(random_state=0, strength=0.5, **{**SMALL, "epochs": 1}).fit(df, y)
    assert aug.n_features_in_ == 5
    said = r"fitted on a DataFrame with columns \['a', 'b', 'd'\], encoded as 5 numbers \(b as categories\): pass X"
    with pytest.raises(ValueError, match=said + " as such a frame, not ndarray of dtype object"):
        aug.generate(df.to_numpy(), y)
    with pytest.raises(ValueError, match=said + " as such a frame, not an array of 3 columns"):
        aug.generate(df.assign(b=df["b"].cat.codes).to_numpy(float), y)
    with pytest.raises(ValueError, match=said + " as such a frame, not an array of 2 columns"):
        aug.reconstruct(df[["a", "d"]].to_numpy(), y)
    encoded = aug.table_encoder_.transform_frame(df)  # its own encoding is read, as before
    assert aug.generate(encoded, y, n_per_sample=1)[0].shape == (60, 5)


def test_a_category_column_given_to_a_numbers_model_is_refused_by_name(digits):
    X, y = digits
    aug = VAEAugmenter(random_state=0, strength=0.5, **{**SMALL, "epochs": 1}).fit(pd.DataFrame(X[:60]), y[:60])
    with pytest.raises(TypeError, match=r"\['colour'\] are not numeric.*fitted on numbers only"):
        aug.generate(pd.DataFrame(X[:60]).assign(colour="red"), y[:60])


class _OtherFrame:
    """A frame of another library (polars' shape: columns, dtypes, to_numpy), not pandas."""

    def __init__(self, X):
        self.X, self.columns, self.dtypes = X, [f"c{i}" for i in range(X.shape[1])], [object] * X.shape[1]

    def to_numpy(self):
        return self.X


def test_another_librarys_frame_is_refused_with_the_conversion_to_make(digits):
    X, y = digits
    with pytest.raises(TypeError, match=r"tests _OtherFrame was given.*pass X.to_pandas\(\)"):
        VAEAugmenter(**SMALL).fit(_OtherFrame(X[:60]), y[:60])
    aug = VAEAugmenter(random_state=0, strength=0.5, **{**SMALL, "epochs": 1}).fit(X[:60], y[:60])
    with pytest.raises(TypeError, match="was given; vaeaug reads pandas and polars DataFrames"):
        aug.generate(_OtherFrame(X[:60]), y[:60])


def test_the_sampler_fills_classes_of_a_frame_with_categories_as_the_frame_was():
    """imbalanced-learn's contract with a frame of categories, booleans and strings: the caller's
    rows first, then offspring of the same columns and dtypes, each class filled, each new row's
    source in sample_indices_."""
    df, y = _mixed_frame(90), np.r_[np.zeros(70, int), np.ones(20, int)]
    sampler = VAESampler(VAEAugmenter(**{**SMALL, "epochs": 2}), random_state=0)
    X_res, y_res = sampler.fit_resample(df, y)
    assert isinstance(X_res, pd.DataFrame) and (X_res.dtypes == df.dtypes).all() and np.bincount(y_res).tolist() == [70, 70]
    pd.testing.assert_frame_equal(X_res.iloc[:90], df)
    assert set(X_res["b"]) <= {"x", "y", "z"} and (y[sampler.sample_indices_[90:]] == 1).all()
    assert sampler.n_features_in_ == 6 and list(sampler.feature_names_in_) == list(df.columns)


def test_the_table_encoder_alone_gives_rows_of_a_frames_columns_and_dtypes():
    """TableEncoder's frame methods, for a user who encodes by hand: columns found by name, and the
    frame itself round trips exactly."""
    from vaeaug.data import TableEncoder

    df = _mixed_frame()
    enc = TableEncoder().fit_frame(df)
    X = enc.transform_frame(df[df.columns[::-1]])
    assert X.shape == (60, 10)
    np.testing.assert_array_equal(enc.inverse_frame(X).to_numpy(), df.to_numpy())
    assert (enc.inverse_frame(X).dtypes == df.dtypes).all()
    with pytest.raises(ValueError, match=r"lacks column\(s\) \['b'\]"):
        enc.transform_frame(df.drop(columns="b"))


def test_dates_and_durations_are_numbers_in_their_own_unit_and_come_back_as_such(tmp_path):
    """A datetime, zoned or not, or a timedelta column is a count of the coarsest unit its values
    are whole in (days, hours, ...), not one category per value: offspring are of the same dtype,
    dates stay dates, and a saved model knows its units."""
    from vaeaug.data import TableEncoder

    rng = np.random.default_rng(0)
    y = np.repeat(["p", "q"], 30)
    df = pd.DataFrame({"day": pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 900, 60) + 400 * (y == "q"), unit="D"),
                       "at": (pd.Timestamp("2022-01-01") + pd.to_timedelta(rng.integers(0, 99, 60), unit="h")).tz_localize("Europe/Paris"),
                       "took": pd.to_timedelta(rng.integers(1, 300, 60), unit="min"), "x": rng.normal(size=60)})
    enc = TableEncoder().fit_frame(df)
    assert enc.kinds_ == ["numeric"] * 4 and enc.frame_time_units_ == {"day": "D", "at": "h", "took": "min"}
    pd.testing.assert_frame_equal(enc.inverse_frame(enc.transform_frame(df)), df)  # exactly
    aug = VAEAugmenter(random_state=0, strength=0.5, **SMALL).fit(df, y)
    assert aug.n_features_in_ == 4
    X_new, _ = aug.generate(df, y, n_per_sample=2)
    assert (X_new.dtypes == df.dtypes).all() and (X_new["day"] == X_new["day"].dt.normalize()).all()
    assert X_new["day"].between(df["day"].min(), df["day"].max()).all() and (X_new["took"] % pd.Timedelta("1min") == pd.Timedelta(0)).all()
    aug.save(tmp_path / "m")
    pd.testing.assert_frame_equal(VAEAugmenter.load(tmp_path / "m").generate(df, y, n_per_sample=2)[0], X_new)


@pytest.fixture()
def trained(tmp_path, digits):
    X, y = digits
    data = tmp_path / "d.npz"
    np.savez(data, X=X[:200], y=y[:200])
    model = tmp_path / "model"
    assert main(["train", "--data", str(data), "--data-kind", "vector", "--out", str(model), "--epochs", "2", "--hidden", "16",
                 "--latent-dim", "4", "--quiet"]) == 0
    return data, model


@pytest.mark.parametrize("args, words", [
    (["--per-sample", "0"], "must be at least 1"),
    (["--per-sample", "-3"], "must be at least 1"),
    (["--shard-size", "-5"], "must be at least 1"),
    (["--per-sample", "100000000000"], "--shard-size"),
])
def test_bad_augment_options_exit_non_zero_in_one_line(trained, tmp_path, capsys, args, words):
    data, model = trained
    with pytest.raises(SystemExit) if "at least" in words else _no_raise() as exit_info:
        code = main(["augment", "--model", str(model), "--data", str(data), "--out", str(tmp_path / "o.npz"),
                     "--strength", "0.5", *args])
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err
    assert (exit_info.value.code if exit_info else code) != 0
    assert not (tmp_path / "o.npz").exists()


class _no_raise:
    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return False


def test_cli_path_mistakes_are_one_line(trained, tmp_path, capsys):
    data, model = trained
    (tmp_path / "x.csv").write_text("a,b\n1,2\n")
    assert main(["augment", "--model", str(model), "--data", str(tmp_path / "x.csv"), "--out", "o.npz"]) == 1
    assert "trained on arrays, not on a CSV table" in capsys.readouterr().err
    (tmp_path / "x.txt").write_text("1 2\n")  # a text table, as UCI's .data and .txt files are
    assert main(["augment", "--model", str(model), "--data", str(tmp_path / "x.txt"), "--out", "o.npz"]) == 1
    assert "trained on arrays, not on a CSV table" in capsys.readouterr().err
    (tmp_path / "x.json").write_text("{}")
    assert main(["augment", "--model", str(model), "--data", str(tmp_path / "x.json"), "--out", "o.npz"]) == 1
    assert "read text tables (.csv, .tsv, .txt, .data, .dat), .npz files" in capsys.readouterr().err
    (tmp_path / "file").write_text("")
    assert main(["augment", "--model", str(model), "--data", str(data), "--out", str(tmp_path / "file"),
                 "--shard-size", "10", "--strength", "0.5"]) == 1
    assert "is a file" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["experiment", "--seeds", "0"])
    assert "must be at least 1" in capsys.readouterr().err


def test_python_dash_m_vaeaug_runs_the_cli():
    import subprocess
    import sys

    r = subprocess.run([sys.executable, "-m", "vaeaug", "--version"], capture_output=True, text=True)
    assert r.returncode == 0 and r.stdout.startswith("vaeaug ")


def test_outputs_are_written_with_the_users_umask(trained, tmp_path):
    from vaeaug.fileio import atomic_write_text

    old = os.umask(0o022)
    try:
        atomic_write_text(tmp_path / "r.md", "x")
        _, model = trained
        for p in (tmp_path / "r.md", model / "config.json", model / "model.safetensors"):
            assert stat.S_IMODE(p.stat().st_mode) == 0o644, p
        aug = VAEAugmenter.load(model)
        aug.save(tmp_path / "again")  # a folder swapped into place takes the umask too, not mkdtemp's 0700
        assert stat.S_IMODE((tmp_path / "again").stat().st_mode) == 0o755
    finally:
        os.umask(old)


@pytest.mark.parametrize("given", [("test",), ("val",), ("val", "test")])
def test_a_split_the_user_provides_is_kept_and_never_trained_on(tmp_path, digits, given):
    from vaeaug.data import load_npz_dataset

    X, y = digits
    parts = {"X": X[:300], "y": y[:300]}
    if "val" in given:
        parts.update(X_val=X[300:360], y_val=y[300:360])
    if "test" in given:
        parts.update(X_test=X[400:500], y_test=y[400:500])
    np.savez(tmp_path / "d.npz", **parts)
    train, val, test = load_npz_dataset(tmp_path / "d.npz").train_val_test(random_state=0)
    if "test" in given:
        np.testing.assert_array_equal(test.X, X[400:500])
    if "val" in given:
        np.testing.assert_array_equal(val.X, X[300:360])
    provided = [X[400:500]] * ("test" in given) + [X[300:360]] * ("val" in given)
    for rows in provided:
        assert not (train.X[:, None, :] == rows[None]).all(-1).any(), "a provided row was put in training"
    assert len(train) + len(val) + len(test) == 300 + 60 * ("val" in given) + 100 * ("test" in given)


def test_augment_refuses_to_overwrite_its_input(trained, capsys):
    data, model = trained
    assert main(["augment", "--model", str(model), "--data", str(data), "--out", str(data), "--strength", "0.5"]) == 1
    assert "would replace your input" in capsys.readouterr().err


def test_one_sample_per_class_works_under_the_defaults_with_a_validation_set(digits):
    X, y = digits
    first = np.array([np.flatnonzero(y == c)[0] for c in range(10)])
    aug = VAEAugmenter(random_state=0, **SMALL).fit(X[first], y[first], X[100:200], y[100:200])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        X_new, y_new = aug.generate(X[first], y[first], "noise", 2, strength=0.5)
    assert X_new.shape == (20, 64)


def test_a_rerun_replaces_a_shard_set_whole_and_verify_checks_it(trained, tmp_path, capsys):
    import json

    data, model = trained
    out = tmp_path / "shards"
    common = ["augment", "--model", str(model), "--data", str(data), "--out", str(out), "--strength", "0.5",
              "--method", "noise", "--quiet"]
    assert main([*common, "--per-sample", "5", "--shard-size", "100"]) == 0  # 1000 samples: 10 parts
    assert main([*common, "--per-sample", "1", "--shard-size", "150"]) == 0  # 200 samples: 2 parts
    manifest = json.loads((out / "manifest.json").read_text())
    assert sorted(p.name for p in out.iterdir()) == ["manifest.json", "part-00000.npz", "part-00001.npz"]
    assert [p["samples"] for p in manifest["shards"]] == [150, 50] and manifest["seed"] == 0
    assert manifest["model_sha256"] and all(len(p["sha256"]) == 64 for p in manifest["shards"])
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".shards")]  # no temporary folders left
    assert main(["augment", "--verify", str(out)]) == 0 and "every checksum matches" in capsys.readouterr().out
    (out / "part-00007.npz").write_bytes(b"left from another run")
    assert main(["augment", "--verify", str(out)]) == 1
    assert "does not list" in capsys.readouterr().err
    (out / "part-00007.npz").unlink()
    (out / "part-00001.npz").write_bytes(b"damaged")
    assert main(["augment", "--verify", str(out)]) == 1
    assert "does not match its checksum" in capsys.readouterr().err


def test_the_latent_columns_have_names_for_set_output(fitted_mlp, digits):
    X, _ = digits
    names = fitted_mlp.get_feature_names_out()
    assert list(names) == [f"vaeaugmenter{i}" for i in range(8)]
    encoded = copy.deepcopy(fitted_mlp).set_output(transform="pandas").transform(X[:5])  # the fixture stays as it is
    assert list(encoded.columns) == list(names)
    np.testing.assert_allclose(encoded.to_numpy(), fitted_mlp.transform(X[:5]))
    with pytest.raises(NotFittedError):
        VAEAugmenter().get_feature_names_out()


def test_fit_refuses_validation_and_unlabeled_frames_whose_columns_differ_from_Xs(digits):
    """X_val and X_unlabeled are read by position: a frame of X's columns in another order (a
    second CSV, a join) would train and watch the model on scrambled features without a word."""
    X, y = digits
    df = pd.DataFrame(X[:120], columns=[f"px{i}" for i in range(64)])
    other = pd.DataFrame(X[120:180], columns=df.columns)
    for kw in ({"X_val": other[other.columns[::-1]], "y_val": y[120:180]},
               {"X_unlabeled": other[other.columns[::-1]]},
               {"X_unlabeled": other.rename(columns={"px0": "PX0"})}):
        name = next(iter(kw))
        with pytest.raises(ValueError, match=rf"fit \({name}\): the frame's columns differ.*pass {name}\[X\.columns\]"):
            VAEAugmenter(**{**SMALL, "epochs": 1}).fit(df, y[:120], **kw)
    aug = VAEAugmenter(random_state=0, **{**SMALL, "epochs": 1}).fit(df, y[:120], X_unlabeled=other.to_numpy())
    assert list(aug.feature_names_in_) == list(df.columns)  # arrays beside a frame are read as they are
    mixed = _mixed_frame()
    with pytest.raises(ValueError, match=r"fit \(X_val\).*reordered"):  # a table's frames too
        VAEAugmenter(**SMALL).fit(mixed, np.repeat([0, 1], 30), X_val=mixed[mixed.columns[::-1]],
                                  y_val=np.repeat([0, 1], 30))


@pytest.mark.filterwarnings("ignore::vaeaug.PosteriorCollapseWarning")  # a one-epoch VAE: the warning only
def test_a_frame_that_still_holds_its_label_column_is_warned_about(digits):
    """fit(df, df["target"]): the VAE learnt the label as a feature, and offspring carried a
    decoded copy of it that may disagree with their label, without a word."""
    X, y = digits
    df = pd.DataFrame(X[:120], columns=[f"px{i}" for i in range(64)]).assign(target=y[:120])
    quick = {**SMALL, "epochs": 1}
    with pytest.warns(UserWarning, match=r"X holds the label column 'target' itself.*X\.drop\(columns='target'\)") as rec:
        VAEAugmenter(**quick).fit(df, df["target"])
    assert warned_here(rec, "label column")
    with pytest.warns(UserWarning, match="X holds the label column 'target'"):
        VAESampler(VAEAugmenter(**quick)).fit_resample(df.iloc[:100], df["target"].iloc[:100])
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)  # a column of that name but other values: no warning
        VAEAugmenter(**quick).fit(df.assign(target=y[1:121]), df["target"])


@pytest.mark.filterwarnings("ignore::vaeaug.PosteriorCollapseWarning")  # a few epochs: expected
def test_a_list_of_pil_images_is_read_as_pictures_and_given_back_as_such(digit_images):
    """PIL images, as torchvision's datasets give them, are two-dimensional to numpy: a list of
    them was read as sequences (8 steps of 8 channels) and came back as arrays. They are now the
    pictures they are, read as image folders are, and offspring come back as PIL images."""
    from PIL import Image

    X, y = digit_images[0][:120], digit_images[1][:120]
    grey = [Image.fromarray(x) for x in X]
    settings = {**SMALL, "data_kind": "auto", "random_state": 0, "cv": 2}
    aug = VAEAugmenter(**settings).fit(grey[:100], y[:100], grey[100:], y[100:])
    assert aug.vae_.kind == "image" and aug.vae_.preprocessor.shape_ == (8, 8)
    X_new, _ = aug.generate(grey, y)
    assert all(isinstance(im, Image.Image) and im.mode == "L" and im.size == (8, 8) for im in X_new)
    np.testing.assert_array_equal(np.stack([np.asarray(im) for im in X_new]), aug.generate(X, y)[0])
    chunks = list(aug.generate_batches(grey, y, batch_size=200))
    assert sum(len(c) for c, _ in chunks) == len(X_new) and isinstance(chunks[0][0][0], Image.Image)
    X_res, y_res = aug.fit_resample(grey, y)
    assert X_res[:120] == grey and isinstance(X_res[-1], Image.Image) and len(y_res) == len(X_res)
    colour = [Image.fromarray(np.stack([x, x // 2, 255 - x], -1)) for x in X]
    colour[:3] = [im.resize((16, 12)) for im in colour[:3]]  # another size: brought to the common one
    aug = VAEAugmenter(**settings).fit(colour, y)
    assert aug.vae_.preprocessor.shape_ == (3, 8, 8) and aug.generate(colour[:4], y[:4])[0][0].mode == "RGB"
    larger = [im.resize((16, 16)) for im in grey[100:]]  # a validation set of PIL images beside arrays: at X's size
    assert VAEAugmenter(**settings).fit(X[:100], y[:100], larger, y[100:]).vae_.preprocessor.shape_ == (8, 8)
    few = np.r_[np.flatnonzero(y == 0), np.flatnonzero(y == 1)[:4]]
    X_s, _ = VAESampler(VAEAugmenter(**settings)).fit_resample([grey[i] for i in few], y[few])
    assert len(X_s) == 2 * (y[few] == 0).sum() and all(isinstance(im, Image.Image) for im in X_s)


def test_a_list_of_pil_images_is_judged_once_per_image(monkeypatch):
    """The set's mode was judged again for every image it read: 10,000 MNIST-sized images took
    21 s to read instead of 0.3 s. Each image's colour is now looked at once."""
    from PIL import Image

    from vaeaug import pictures

    judged = []
    monkeypatch.setattr(pictures, "is_colour", lambda im, judge=pictures.is_colour: judged.append(im) or judge(im))
    grey = [Image.fromarray(np.full((8, 8), v, np.uint8)) for v in range(50)]
    assert pictures.picture_array(grey).shape == (50, 8, 8) and len(judged) == 50


def test_a_pil_image_that_cannot_be_read_is_named_by_its_place():
    """An image opened lazily from a truncated file failed deep in PIL ("image file is truncated"),
    without saying which of the list's images it was."""
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(np.random.default_rng(0).integers(0, 255, (32, 32), dtype=np.uint8)).save(buf, "PNG")
    truncated = Image.open(io.BytesIO(buf.getvalue()[: len(buf.getvalue()) * 4 // 5]))
    images = [Image.fromarray(np.zeros((32, 32), np.uint8))] * 3 + [truncated]
    with pytest.raises(ValueError, match=r"X_val\[3\] cannot be read as an image \(image file is truncated"):
        VAEAugmenter(**{**FAST, "data_kind": "auto"}).fit(np.zeros((4, 32, 32), np.uint8), [0, 1] * 2, images, [0, 1] * 2)


def test_a_frames_values_are_read_as_pandas_holds_them(tmp_path):
    """The table encoder read a frame's cells as a CSV's: " Private" (pd.read_csv of UCI's adult
    without skipinitialspace) was trimmed to "Private", so the offspring of a categorical column
    came back NaN (not one of its categories), and a string "NA", "None" or "?" was taken for a
    missing cell and imputed away. A frame's cells are values as they are; only pandas' own
    missing cells are missing."""
    rng = np.random.default_rng(0)
    y = np.repeat([0, 1, 2], 30)
    df = pd.DataFrame({"a": rng.normal(size=90) + y,
                       "work": pd.Categorical(rng.choice([" Private", " Self-emp"], 90)),
                       "note": pd.Series(rng.choice([" yes", "NA", "None", "?"], 90), dtype=object)})
    aug = VAEAugmenter(**SMALL).fit(df, y)
    X_new = aug.generate(df, y, method="noise", strength=0.5, n_per_sample=2)[0]
    assert not X_new.isna().any().any()
    assert set(X_new["work"]) <= {" Private", " Self-emp"} and list(X_new["work"].cat.categories) == [" Private",
                                                                                                     " Self-emp"]
    assert set(aug.table_encoder_.categories_[2]) == {" yes", "NA", "None", "?"}
    # its model on the command line reads the frame's CSV (to_csv keeps the spaces) as the frame
    from vaeaug.cli import main

    aug.save(tmp_path / "m")
    df.assign(label=y).to_csv(tmp_path / "t.csv", index=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)  # no "categories it was not fitted on"
        assert main(["augment", "--model", str(tmp_path / "m"), "--data", str(tmp_path / "t.csv"),
                     "--out", str(tmp_path / "o.csv"), "--quiet"]) == 0
    assert set(pd.read_csv(tmp_path / "o.csv")["work"]) == {" Private", " Self-emp"}


def test_a_frames_column_of_digit_strings_is_one_of_labels():
    """A string column of codes ("02134", zip codes) was read as numbers, since each cell parses as
    one: offspring held 9942, a code no row holds, its leading zero lost, as an int in the string
    column. pandas gives numbers a number dtype; a column of strings holds labels (ISO dates aside)."""
    rng = np.random.default_rng(0)
    y = np.repeat([0, 1, 2], 30)
    df = pd.DataFrame({"a": rng.normal(size=90) + y,
                       "zip": pd.Series(rng.choice(["02134", "02139", "10001"], 90), dtype=object),
                       "day": pd.Series(rng.choice(["2024-01-01", "2024-02-03"], 90), dtype=object)})
    aug = VAEAugmenter(**SMALL).fit(df, y)
    assert aug.table_encoder_.kinds_ == ["numeric", "categorical", "numeric"]  # the dates stay dates
    X_new = aug.generate(df, y, method="noise", strength=0.5, n_per_sample=2)[0]
    assert set(X_new["zip"]) <= {"02134", "02139", "10001"}


def test_a_frames_categories_of_numbers_come_back_as_those_numbers(tmp_path):
    """A categorical of numbers (grades 1, 2, 3; doses 0.5, 1.5) is a column of labels: its offspring
    are labels of it, in its own values, after a save and load too. Read as labels by their text
    ("1"), they had come back NaN, not one of the column's categories."""
    rng = np.random.default_rng(0)
    y = np.repeat([0, 1, 2], 30)
    df = pd.DataFrame({"a": rng.normal(size=90) + y, "grade": pd.Categorical(rng.choice([1, 2, 3], 90)),
                       "dose": pd.Categorical(rng.choice([0.5, 1.5], 90))})
    aug = VAEAugmenter(**SMALL).fit(df, y)
    made = {"method": "noise", "strength": 0.5, "n_per_sample": 2, "random_state": 1}
    X_new = aug.generate(df, y, **made)[0]
    assert not X_new.isna().any().any() and (X_new.dtypes == df.dtypes).all()
    assert set(X_new["grade"]) <= {1, 2, 3} and set(X_new["dose"]) <= {0.5, 1.5}
    aug.save(tmp_path / "m")
    again = VAEAugmenter.load(tmp_path / "m").generate(df, y, **made)[0]
    assert again.equals(X_new)


def test_a_frames_object_column_of_booleans_comes_back_as_booleans(tmp_path):
    """A bool column with a missing cell is an object column of True / False / None in pandas: its
    offspring came back as the strings 'True' and 'False', so X_new["ok"] == True matched none."""
    rng = np.random.default_rng(0)
    y = np.repeat([0, 1, 2], 30)
    df = pd.DataFrame({"a": rng.normal(size=90) + y, "ok": pd.Series([bool(v) for v in rng.random(90) > 0.5],
                                                                     dtype=object)})
    df.loc[4, "ok"] = None
    aug = VAEAugmenter(**SMALL).fit(df, y)
    made = {"method": "noise", "strength": 0.5, "n_per_sample": 2, "random_state": 1}
    ok = aug.generate(df, y, **made)[0]["ok"]
    assert ok.dtype == object and set(ok.dropna().map(type)) == {bool} and ok.isna().sum() == 2
    aug.save(tmp_path / "m")
    assert VAEAugmenter.load(tmp_path / "m").generate(df, y, **made)[0]["ok"].equals(ok)
    state = {**aug.table_encoder_.to_dict(), "frame_bools": ["ok"]}
    del state["frame_values"]  # an encoder saved as 34e18a4 wrote it: its bool columns kept apart
    assert TableEncoder.from_dict(state).inverse_frame(aug.table_encoder_.transform_frame(df))["ok"].equals(
        aug.table_encoder_.inverse_frame(aug.table_encoder_.transform_frame(df))["ok"])


def test_an_object_column_of_numbers_and_words_gives_the_numbers_back_as_numbers(tmp_path):
    """A column mixing 1, 2 and "A" (pandas' read_csv gives such a column when its chunks disagree,
    Excel too) is one of categories; its offspring held "1" and "2", strings that `== 1` does not
    match. Now they hold the values the frame held, after a save and a load too."""
    rng = np.random.default_rng(0)
    grade = np.array([1, np.int64(2), 2.5, "A", "B"], dtype=object)[rng.integers(0, 5, 60)]
    frame = pd.DataFrame({"x": rng.normal(size=60), "grade": pd.Series(grade, dtype=object)})
    y = np.repeat([0, 1], 30)
    aug = VAEAugmenter(random_state=0, verbose=0, epochs=3, latent_dim=2, hidden_sizes=(16,)).fit(frame, y)
    X_new, _ = aug.generate(frame, y, method="noise", strength=3.0)
    assert set(X_new["grade"]) == {1, 2, 2.5, "A", "B"} and X_new["grade"].dtype == object
    assert {type(v) for v in X_new["grade"]} == {int, float, str}
    aug.save(tmp_path / "m")
    assert VAEAugmenter.load(tmp_path / "m").generate(frame, y, method="noise", strength=3.0)[0].equals(X_new)


@pytest.mark.parametrize("values", [pd.to_datetime(["2024-01-01", "2024-06-01", "2025-01-01"]),
                                    pd.to_datetime(["2024-01-01", "2024-06-01"]).tz_localize("Europe/Paris"),
                                    pd.to_timedelta([1, 5, 9], unit="h")])
def test_a_categorical_of_dates_keeps_its_dtype_after_a_save_and_a_load(tmp_path, values):
    """A loaded model gave a categorical of dates (or durations) back with categories of their text:
    pd.concat with the frame made the column object. Its categories are kept as dates now."""
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"x": rng.normal(size=40),
                          "when": pd.Categorical(values[rng.integers(0, len(values), 40)], ordered=True)})
    y = np.repeat([0, 1], 20)
    aug = VAEAugmenter(random_state=0, verbose=0, epochs=2, latent_dim=2, hidden_sizes=(16,)).fit(frame, y)
    aug.save(tmp_path / "m")
    X_new, _ = VAEAugmenter.load(tmp_path / "m").generate(frame, y)
    assert X_new["when"].dtype == frame["when"].dtype and set(X_new["when"]) <= set(values)
    assert pd.concat([frame, X_new])["when"].dtype == frame["when"].dtype


@pytest.mark.filterwarnings("ignore::vaeaug.PosteriorCollapseWarning")  # random pictures: nothing to learn
def test_tensors_in_give_tensors_back_on_the_inputs_device_with_the_arrays_values():
    """A PyTorch user passes tensors: the samples and labels come back as tensors of their dtype,
    so that torch.cat([X, X_new]) works; the values are those the arrays give (before: arrays, and
    a CUDA tensor could not be read at all)."""
    rng = np.random.default_rng(0)
    X, y = rng.integers(0, 256, (60, 8, 8), dtype=np.uint8), np.repeat([0, 1, 2], 20)
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)
    aug = VAEAugmenter(epochs=3, latent_dim=4, hidden_sizes=(8, 16), verbose=0, random_state=0).fit(Xt, yt)
    X_new, y_new = aug.generate(Xt, yt, random_state=1)
    want_X, want_y = aug.generate(X, y, random_state=1)
    assert isinstance(X_new, torch.Tensor) and X_new.dtype == torch.uint8 and isinstance(y_new, torch.Tensor)
    np.testing.assert_array_equal(X_new.numpy(), want_X)
    np.testing.assert_array_equal(y_new.numpy(), want_y)
    assert torch.cat([Xt, X_new]).shape == (60 + len(want_X), 8, 8)
    Z = aug.transform(Xt)
    assert isinstance(Z, torch.Tensor) and Z.dtype == torch.float32
    assert isinstance(aug.inverse_transform(Z, yt), torch.Tensor) and isinstance(aug.reconstruct(Xt, yt), torch.Tensor)
    X_b, y_b = next(aug.generate_batches(Xt, yt, batch_size=16, random_state=1))
    assert isinstance(X_b, torch.Tensor) and isinstance(y_b, torch.Tensor)
    X_res, y_res = aug.fit_resample(Xt, yt)
    assert isinstance(X_res, torch.Tensor) and len(y_res) == len(X_res)


@pytest.fixture
def float64_default():
    """torch's default dtype as scientific code often sets it (botorch, gpytorch users)."""
    before = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    yield
    torch.set_default_dtype(before)


@pytest.mark.parametrize("kind", ["table", "images", "sequences", "gru"])
def test_a_float64_default_dtype_trains_generates_saves_and_loads(digit_images, float64_default, tmp_path, kind):
    """The models are float32 whatever the default: before, set_default_dtype(torch.float64) gave float64
    weights and 'Input type (float) and bias type (double) should be the same' in fit."""
    y = digit_images[1][:120]
    rng = np.random.default_rng(0)
    X = {"table": digit_images[0][:120].reshape(120, -1).astype(np.float64), "images": digit_images[0][:120],
         "sequences": [rng.normal(size=(20, 2)).cumsum(0) for _ in range(120)],
         "gru": [rng.normal(size=(20, 2)).cumsum(0) for _ in range(120)]}[kind]
    kw = {"architecture": "gru"} if kind == "gru" else {}
    aug = VAEAugmenter(random_state=0, epochs=2, latent_dim=4, verbose=0, **kw)
    aug.fit(X, y, X_unlabeled=X[:30])  # the unlabeled rows' zero label vectors too
    assert all(p.dtype == torch.float32 for p in aug.vae_.model.parameters())
    for method in ("noise", "interpolation", "extrapolation"):
        X_new, y_new = aug.generate(X, y, method=method, n_per_sample=1)
        assert len(X_new) == len(y_new) >= len(y)
    aug.inverse_transform(aug.transform(X), y)
    aug.save(tmp_path / "m")
    assert len(VAEAugmenter.load(tmp_path / "m").generate(X, y, n_per_sample=1)[0]) >= len(y)
    AugmentedDataset(aug, X, y)[len(y)]


@pytest.mark.filterwarnings("ignore::vaeaug.PosteriorCollapseWarning")  # two epochs: only autograd matters
@pytest.mark.parametrize("context", [torch.no_grad, torch.inference_mode])
def test_fit_and_warp_decoding_work_under_the_callers_no_grad(digit_images, context):
    """Training and the warp's field fit need autograd: called from a user's evaluation block
    (torch.no_grad() or torch.inference_mode()), they said 'element 0 of tensors does not require grad'."""
    X, y = digit_images[0][:120], digit_images[1][:120]
    with context():
        aug = VAEAugmenter(random_state=0, epochs=2, latent_dim=4, verbose=0, decoding="warp").fit(X, y)
        X_new, _ = aug.generate(X, y, method="noise", n_per_sample=1, strength=2.0, compose="none")
    assert not torch.is_inference_mode_enabled() and torch.is_grad_enabled()  # the caller's mode restored
    assert X_new.shape == X.shape and np.abs(X_new.astype(int) - X).max() > 0  # moved, not copied


@pytest.mark.filterwarnings("ignore::vaeaug.PosteriorCollapseWarning")  # two epochs: only the forms matter
@pytest.mark.parametrize("colour", [False, True])
def test_a_list_of_numpy_pictures_is_read_as_images_and_given_back_as_one(digit_images, colour):
    """[np.asarray(Image.open(f)) for f in files] is how numpy holds pictures. A list of grey ones was
    read as sequences (8 steps of 8 channels) without a word, and one of colour ones, (H, W, 3), was
    refused with advice to call X.transpose, which a list has not."""
    X, y = digit_images[0][:60], digit_images[1][:60]
    pics = [np.repeat(x[..., None], 3, axis=2) for x in X] if colour else list(X)
    aug = VAEAugmenter(random_state=0, epochs=2, latent_dim=4, verbose=0).fit(pics, y)
    assert aug.vae_.kind == "image" and aug.vae_.config.input_shape == ((3, 8, 8) if colour else (1, 8, 8))
    X_new, y_new = aug.generate(pics, y, n_per_sample=1, random_state=1)
    assert isinstance(X_new, list) and len(X_new) == len(y_new) >= len(y)
    assert all(x.shape == pics[0].shape and x.dtype == np.uint8 for x in X_new)
    np.testing.assert_array_equal(np.stack(X_new), aug.generate(np.stack(pics), y, n_per_sample=1, random_state=1)[0])
    X_res, y_res = VAESampler(VAEAugmenter(random_state=0, epochs=2, latent_dim=4, verbose=0)).fit_resample(pics, y)
    assert isinstance(X_res, list) and len(X_res) == len(y_res) and X_res[-1].shape == pics[0].shape
    X_fr, _ = VAEAugmenter(random_state=0, epochs=2, latent_dim=4, verbose=0).fit_resample(pics, y)
    assert isinstance(X_fr, list) and X_fr[0] is pics[0]
    if not colour:  # said to be sequences, they are
        assert VAEAugmenter(epochs=1, verbose=0, data_kind="sequence").fit(pics, y).vae_.kind == "sequence"
