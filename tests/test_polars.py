"""polars frames, as pandas ones: read at every public edge, and given back as polars in the
caller's own dtypes (categories, enums, small integers, booleans, dates), without pyarrow."""

import datetime as dt
import warnings

import numpy as np
import pandas as pd
import pytest

from vaeaug import AugmentedDataset, VAEAugmenter, VAESampler

from .conftest import FAST

pl = pytest.importorskip("polars", reason="polars is not installed (the test extra installs it)")

SMALL = {**FAST, "epochs": 3, "data_kind": "auto", "random_state": 0}
MADE = {"method": "noise", "strength": 0.5, "n_per_sample": 2, "random_state": 1}


def _frame(n=60, seed=0):
    """A polars table of every column kind vaeaug reads, and its pandas twin."""
    rng = np.random.default_rng(seed)
    a, k, d = rng.normal(size=n), rng.choice(["lo", "hi"], n), rng.integers(0, 9, n)
    days = [dt.date(2024, 1, 1) + dt.timedelta(days=int(v)) for v in rng.integers(0, 60, n)]
    df = pl.DataFrame([pl.Series("a", a), pl.Series("k", k).cast(pl.Enum(["lo", "hi"])),
                       pl.Series("c", rng.random(n) > 0.5), pl.Series("d", d.astype(np.uint8)),
                       pl.Series("s", rng.choice(["u", "v"], n)), pl.Series("day", days)])
    twin = pd.DataFrame({"a": a, "k": pd.Categorical(k, categories=["lo", "hi"]), "c": df["c"].to_numpy(),
                         "d": d.astype(np.uint8), "s": df["s"].to_numpy(), "day": df["day"].to_numpy()})
    return df, twin


@pytest.mark.filterwarnings("ignore::vaeaug.PosteriorCollapseWarning")  # a three-epoch VAE: expected
def test_a_polars_frame_gives_polars_offspring_in_its_own_dtypes():
    """Such a frame was refused with "pass X.to_pandas()", which itself needs pyarrow. It is read as
    the pandas frame of the same columns, and what comes back is polars again, in the frame's dtypes,
    the labels a Series of the same name and dtype; the offspring are the pandas twin's, value for value."""
    df, twin = _frame()
    y = pl.Series("label", np.repeat(["p", "q", "r"], 20))
    aug = VAEAugmenter(**SMALL).fit(df, y)
    assert list(aug.feature_names_in_) == df.columns
    X_new, y_new = aug.generate(df, y, **MADE)
    assert isinstance(X_new, pl.DataFrame) and X_new.schema == df.schema and X_new.shape == (120, 6)
    assert isinstance(y_new, pl.Series) and y_new.name == "label" and y_new.dtype == pl.String
    X_twin, y_twin = aug.generate(twin, y.to_numpy(), **MADE)
    for c in df.columns:
        theirs = X_twin[c].to_numpy().astype(str) if c == "k" else X_twin[c].to_numpy()
        theirs = theirs.astype("datetime64[D]") if c == "day" else theirs
        assert X_new[c].to_list() == pl.Series(c, theirs).cast(df.schema[c]).to_list()
    assert y_new.to_list() == y_twin.tolist()
    X_res, y_res = aug.fit_resample(df, y)  # the caller's rows first, then offspring
    assert isinstance(X_res, pl.DataFrame) and X_res[:60].equals(df) and isinstance(y_res, pl.Series)
    assert isinstance(aug.reconstruct(df, y), pl.DataFrame) and aug.transform(df).shape == (60, FAST["latent_dim"])
    chunks = list(aug.generate_batches(df, y, batch_size=50, **MADE))
    assert all(isinstance(b, pl.DataFrame) and isinstance(t, pl.Series) for b, t in chunks)
    assert pl.concat([b for b, _ in chunks]).equals(X_new)
    X_np, y_np = aug.generate(df, y.to_numpy(), **MADE)  # labels as an array: an array back
    assert isinstance(X_np, pl.DataFrame) and isinstance(y_np, np.ndarray)


@pytest.mark.filterwarnings("ignore::vaeaug.PosteriorCollapseWarning")
def test_polars_in_the_sampler_the_dataset_and_sequences():
    rng = np.random.default_rng(0)
    num = pl.DataFrame({f"x{i}": rng.normal(size=90) for i in range(4)})
    y = np.r_[np.zeros(70, int), np.ones(20, int)]
    X_res, y_res = VAESampler(VAEAugmenter(**SMALL), random_state=0).fit_resample(num, y)
    assert isinstance(X_res, pl.DataFrame) and X_res.schema == num.schema and np.bincount(y_res).tolist() == [70, 70]
    aug = VAEAugmenter(**SMALL).fit(num, y)
    assert len(AugmentedDataset(aug, num, y, **MADE)) == 90 * 3
    seqs = [pl.DataFrame({"ax": rng.normal(size=t).cumsum(), "ay": rng.normal(size=t).cumsum()})
            for t in rng.integers(20, 40, 30)]
    labels = np.repeat([0, 1], 15)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        out, _ = VAEAugmenter(**SMALL).fit(seqs, labels).generate(seqs, labels, compose="none", **MADE)
    assert len(out) == 60 and all(isinstance(s, pl.DataFrame) and s.columns == ["ax", "ay"] for s in out)
    assert [len(s) for s in out] == [len(s) for s in seqs for _ in range(2)]  # each as long as its source


def test_polars_input_vaeaug_cannot_read_is_refused_by_name():
    df, _ = _frame()
    y = np.repeat([0, 1, 2], 20)
    with pytest.raises(TypeError, match=r"LazyFrame.*X\.collect\(\)"):
        VAEAugmenter(**SMALL).fit(df.lazy(), y)
    with pytest.raises(TypeError, match=r"column 'l' is a polars List"):
        VAEAugmenter(**SMALL).fit(df.with_columns(pl.Series("l", [[1, 2]] * 60)), y)
    holed = df.with_columns(pl.Series("d", [1] * 59 + [None], dtype=pl.Int64)).select("a", "d")
    with pytest.raises(ValueError, match=r"infinite value at index \(3, 0\)"):  # a cell's place, as pandas'
        VAEAugmenter(**SMALL).fit(holed.with_columns(pl.Series("a", [0.0] * 3 + [np.inf] + [0.0] * 56)), y)
    # a null is a missing cell (vaeaug.missing): its offspring hold null there too, in the column's dtype
    X_new, _ = VAEAugmenter(**SMALL).fit(holed, y).generate(holed, y, **MADE)
    assert X_new.schema == holed.schema and X_new.null_count().row(0) == (0, 2)
    assert X_new["d"][-2:].is_null().all()


def test_without_pandas_a_polars_frame_is_told_what_to_install(monkeypatch):
    """The core of vaeaug does not need pandas; its frames path does, and says so."""
    import sys

    from vaeaug.polarsframes import to_pandas

    df, _ = _frame()
    monkeypatch.setitem(sys.modules, "pandas", None)  # `import pandas` fails, as where it is not installed
    with pytest.raises(ImportError, match=r"pip install pandas, or pass X\.to_numpy\(\)"):
        to_pandas(df)
    assert to_pandas(df.to_numpy()) is not None  # no polars: nothing is imported
