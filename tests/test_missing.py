"""A table's missing cells: read at each feature's median, and missing again in whatever is made
from their row, whatever form the table came in (vaeaug.missing)."""

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import load_digits, load_wine
from sklearn.impute import SimpleImputer
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

from vaeaug import VAEAugmenter, VAESampler
from vaeaug.missing import fill_values, filled, mask_of, restore_missing

SMALL = {"epochs": 6, "batch_size": 32, "latent_dim": 4, "hidden_sizes": (32, 16), "verbose": 0, "random_state": 0}
MADE = {"method": "interpolation", "strength": 0.5, "n_per_sample": 3, "random_state": 1}


@pytest.fixture(scope="module")
def holed():
    """Wine's table with a tenth of its cells missing (seeded), and its labels."""
    X, y = load_wine(return_X_y=True)
    X = X.copy()
    X[np.random.default_rng(0).random(X.shape) < 0.1] = np.nan
    return X, y


def test_fill_values_are_each_features_median_and_an_empty_feature_is_refused():
    X = np.array([[1.0, np.nan], [3.0, 4.0], [np.nan, 8.0], [10.0, 5.0]])
    assert fill_values(X).tolist() == [3.0, 5.0]
    assert filled(X, fill_values(X)).tolist() == [[1, 5], [3, 4], [3, 8], [10, 5]]
    with pytest.raises(ValueError, match=r"feature\(s\) \[1\] hold no value in any sample"):
        fill_values(np.array([[1.0, np.nan], [2.0, np.nan]]))
    assert mask_of(np.ones((3, 2))) is None and mask_of(np.zeros((2, 4, 4))) is None
    out = restore_missing(np.ones((3, 2), dtype=np.float32), mask_of(X), np.array([2, 0, 1]))
    assert np.isnan(out).tolist() == [[True, False], [False, True], [False, False]]


def test_an_array_with_missing_cells_trains_and_its_offspring_miss_their_sources_cells(holed):
    """Such a table was refused ("impute or drop them first"): offspring carry their sources'
    pattern of missing cells into the user's own imputer, and nothing else is missing."""
    X, y = holed
    aug = VAEAugmenter(**SMALL).fit(X, y)
    assert aug.image_shape_ == () and aug.missing_fill_.shape == (13,)
    X_new, _, codes = aug.generate(X, y, return_codes=True, **MADE)
    assert len(X_new) == 3 * len(X)
    assert np.array_equal(np.isnan(X_new), np.isnan(X)[codes.source])
    # the VAE reads a missing cell at its feature's median: the codes of the filled table
    assert np.array_equal(aug.transform(X), aug.transform(filled(X, aug.missing_fill_)))
    assert np.array_equal(np.isnan(aug.reconstruct(X, y)), np.isnan(X))
    X_res, y_res = aug.fit_resample(X, y)
    assert np.array_equal(np.isnan(X_res[:len(X)]), np.isnan(X)) and len(y_res) == len(X_res)
    streamed = np.concatenate([c for c, _ in aug.generate_batches(X, y, batch_size=100, **MADE)])
    assert np.array_equal(streamed, X_new, equal_nan=True)


def test_a_model_fitted_on_a_full_table_augments_one_with_holes_and_infinities_stay_refused(holed):
    X, y = holed
    full = np.where(np.isnan(X), np.nanmedian(X, axis=0), X)
    aug = VAEAugmenter(**SMALL).fit(full, y)
    X_new, _, codes = aug.generate(X, y, return_codes=True, **MADE)
    assert np.array_equal(np.isnan(X_new), np.isnan(X)[codes.source])
    X_inf = full.copy()
    X_inf[4, 2] = np.inf
    with pytest.raises(ValueError, match=r"infinite value at index \(4, 2\)"):
        aug.generate(X_inf, y)
    with pytest.raises(ValueError, match=r"infinite value at index \(4, 2\)"):
        VAEAugmenter(**SMALL).fit(X_inf, y)


def test_a_table_of_pixels_with_missing_cells_is_still_read_as_the_pictures_it_holds(tmp_path):
    """Holes do not change what a table is: filled, the digits' 64 columns are 8×8 pictures, which
    get the image model (read as a table, optdigits with holes lost 1 to 3 points a classifier),
    and the offspring are whole pictures, since moves carry pixels elsewhere (with their sources'
    holes kept they lost a point a classifier; results/missing-cells.md)."""
    X, y = load_digits(return_X_y=True)
    X = X[:300].copy()
    X[np.random.default_rng(0).random(X.shape) < 0.1] = np.nan
    aug = VAEAugmenter(**SMALL).fit(X, y[:300])
    assert aug.image_shape_ == (8, 8) and aug.missing_fill_.shape == (64,)
    X_new, _ = aug.generate(X, y[:300])
    assert X_new.shape[1] == 64 and not np.isnan(X_new).any() and len(X_new) == 6 * len(X)
    aug.save(tmp_path / "m")
    assert np.array_equal(VAEAugmenter.load(tmp_path / "m").generate(X, y[:300])[0], X_new, equal_nan=True)


def test_pictures_with_a_missing_pixel_are_still_refused():
    """A missing pixel has no column to be missing in: images are refused with a NaN, as before."""
    X = np.random.default_rng(0).random((40, 8, 8))
    X[3, 2, 1] = np.nan
    with pytest.raises(ValueError, match=r"NaN at index \(3, 2, 1\).*impute or drop them first"):
        VAEAugmenter(**SMALL).fit(X, np.repeat([0, 1], 20))


def test_a_frame_with_categories_and_missing_cells_gives_offspring_missing_where_their_sources_are(holed):
    """Such a frame was imputed by the table encoder, with a warning, and its offspring were full:
    now no cell is lost, so nothing is said, and each column keeps its own missing marker."""
    X, y = holed
    df = pd.DataFrame(X[:, :5], columns=list("abcde")).astype({"e": "Float64"})
    df["colour"] = pd.Categorical(np.where(X[:, 6] > 2, "red", "white"))
    df.loc[[3, 40], "colour"] = np.nan
    df["kind"] = pd.Series(np.where(X[:, 7] > 0.3, "x", "y"), dtype=object).where(df.index != 7, None)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        aug = VAEAugmenter(**SMALL).fit(df, y)
    assert aug.table_encoder_ is not None and aug.missing_fill_ is None  # the encoder fills its own
    X_new, _, codes = aug.generate(df, y, return_codes=True, **MADE)
    assert np.array_equal(X_new.isna().to_numpy(), df.isna().to_numpy()[codes.source])
    assert list(X_new.dtypes) == list(df.dtypes)
    assert set(X_new["colour"].dropna()) <= {"red", "white"}


def test_the_sampler_fills_classes_with_offspring_that_keep_the_missing_cells(holed):
    """imbalanced-learn's pipeline: the sampler before the user's imputer."""
    from imblearn.pipeline import make_pipeline

    X, y = holed
    keep = np.r_[np.flatnonzero(y != 2), np.flatnonzero(y == 2)[:12]]
    sampler = VAESampler(VAEAugmenter(**SMALL), method="interpolation", strength=0.5)
    X_res, y_res = sampler.fit_resample(X[keep], y[keep])
    assert np.bincount(y_res).tolist() == [71, 71, 71]
    assert np.array_equal(np.isnan(X_res), np.isnan(X[keep])[sampler.sample_indices_])
    pipe = make_pipeline(sampler, SimpleImputer(), StandardScaler(), SVC()).fit(X[keep], y[keep])
    assert pipe.score(X[keep], y[keep]) > 0.8


def test_the_fill_is_saved_with_the_model(holed, tmp_path):
    X, y = holed
    aug = VAEAugmenter(**SMALL).fit(X, y)
    aug.save(tmp_path / "m")
    back = VAEAugmenter.load(tmp_path / "m")
    assert np.array_equal(back.missing_fill_, aug.missing_fill_)
    assert np.array_equal(back.generate(X, y, **MADE)[0], aug.generate(X, y, **MADE)[0], equal_nan=True)


def test_a_data_set_fills_its_missing_cells_as_a_csv_is_read(holed):
    """The experiment's classifiers read no NaN: a Dataset of an array or a frame with missing cells
    fills them at each column's median, naming the columns, as the CSV reader does (it crashed in
    the SVM with scikit-learn's "Input X contains NaN" once fit read such tables)."""
    from vaeaug.data import Dataset

    X, y = holed
    with pytest.warns(UserWarning, match=r"missing values imputed \(each column's median\): 0: 10, 1: 26"):
        data = Dataset("holed", X, y, "vector")
    assert np.array_equal(data.X, filled(X, np.nanmedian(X, axis=0)))
    assert data.meta["imputed"] == {str(j): int(n) for j, n in enumerate(np.isnan(X).sum(axis=0)) if n}  # the report's
    frame = pd.DataFrame(X[:, :2], columns=["alcohol", "malic"])
    with pytest.warns(UserWarning, match=r": alcohol: 10, malic: 26$"):
        data = Dataset("holed", frame, y, "vector")
    assert not np.isnan(data.X).any() and data.meta["imputed"] == {"alcohol": 10, "malic": 26}
    frame["kind"] = pd.Series(np.where(y == 0, "red", None))  # category columns: the encoder's count
    with pytest.warns(UserWarning, match="imputed"):
        assert Dataset("holed", frame, y, "vector").meta["imputed"] == {"alcohol": 10, "malic": 26,
                                                                          "kind": int((y != 0).sum())}


def test_the_command_line_reads_an_npz_with_missing_cells_as_python_does(holed, tmp_path, capsys):
    """train and augment read an .npz's arrays as fit and generate do: the new samples miss their
    sources' cells, and the source column says which row each came from; info says so."""
    from vaeaug.cli import main

    X, y = holed
    np.savez(tmp_path / "holed.npz", X=X, y=y)
    assert main(["train", "--data", str(tmp_path / "holed.npz"), "--out", str(tmp_path / "m"), "--epochs", "3",
                 "--hidden-sizes", "32,16", "--quiet"]) == 0
    assert main(["augment", "--model", str(tmp_path / "m"), "--data", str(tmp_path / "holed.npz"), "--method",
                 "interpolation", "--strength", "0.5", "--out", str(tmp_path / "new.npz"), "--quiet"]) == 0
    new = np.load(tmp_path / "new.npz")
    assert np.isnan(new["X"]).any() and np.array_equal(np.isnan(new["X"]), np.isnan(X)[new["source"]])
    capsys.readouterr()
    assert main(["info", "--model", str(tmp_path / "m")]) == 0
    assert "missing   a cell (NaN) is read at its feature's training median, and the offspring miss their " \
           "source's cells" in capsys.readouterr().out


def test_the_figures_of_a_table_with_missing_cells_draw_what_the_vae_reads(holed):
    """plot_offspring projected rows with NaN on their principal axes: "SVD did not converge"."""
    pytest.importorskip("matplotlib")
    from vaeaug import plots

    X, y = holed
    aug = VAEAugmenter(**SMALL).fit(X, y)
    fig = plots.plot_offspring(aug, X, y)
    points = [c.get_offsets() for ax in fig.axes for c in ax.collections]
    assert points and all(np.isfinite(np.asarray(p)).all() for p in points)
    assert plots.plot_latent(aug, X, y) is not None


def test_the_command_line_writes_a_csv_of_pixels_with_holes_as_whole_pictures_and_its_inputs_as_they_were(
        tmp_path, capsys):
    """A CSV of pixels is read as pictures, as in Python: its offspring (moved copies too) are
    whole, and --include-original writes the inputs with their holes, not a median in them."""
    from vaeaug.cli import main

    X, y = load_digits(return_X_y=True)
    frame = pd.DataFrame(X[:150].astype(int), columns=[f"p{i}" for i in range(64)])
    frame.loc[3, "p20"] = frame.loc[5, "p30"] = np.nan
    frame["label"] = y[:150]
    frame.to_csv(tmp_path / "pix.csv", index=False)
    model, out = tmp_path / "m", tmp_path / "new.csv"
    assert main(["train", "--data", str(tmp_path / "pix.csv"), "--label", "label", "--out", str(model),
                 "--epochs", "2", "--quiet"]) == 0
    assert main(["augment", "--model", str(model), "--data", str(tmp_path / "pix.csv"), "--per-sample", "2",
                 "--include-original", "--out", str(out), "--quiet"]) == 0
    new = pd.read_csv(out)
    assert len(new) > 300 and new.iloc[:150].isna().equals(frame.isna()) and not new.iloc[150:].isna().any(axis=None)
    capsys.readouterr()
    assert main(["info", "--model", str(model)]) == 0
    assert "missing   a CSV's missing mark is read at its column's median (or most frequent value), and the " \
           "offspring are whole pictures" in capsys.readouterr().out
