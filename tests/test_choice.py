"""The choice inside ``fit``: the prior's settings, the cross-validated harm check, the scorer,
fold honesty, and unlabeled data for the generator."""

from __future__ import annotations

import logging

import numpy as np
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.neighbors import KNeighborsClassifier

from vaeaug import NoGainWarning, VAEAugmenter
from vaeaug.priors import NEAR_COPY_STRENGTH, PORTFOLIO, Setting, candidates, n_folds

from .conftest import FAST, warned_here


def small(digits, n_train=200, n_val=60):
    X, y = digits
    return X[:n_train], y[:n_train], X[1200:1200 + n_val], y[1200:1200 + n_val]


def test_the_choice_reports_every_setting_with_an_interval_and_says_why(fitted_mlp, digits, caplog):
    sel = fitted_mlp.selection_
    rows = sel["candidates"]
    assert [(r["method"], r["decoding"], r["strength"]) for r in rows] == [
        (s.method, s.decoding, s.strength) for s in PORTFOLIO["vector"]]
    assert sel["n_scored"] == 1000 and sel["folds"] == n_folds("auto", 1000) == 2 and sum(sel["fold_sizes"]) == 1000
    for r in rows:  # the estimate is the paired counts' net, inside its interval
        assert r["gain"] == pytest.approx(100 * (r["wins"] - r["losses"]) / sel["n_scored"])
        assert r["interval"][0] <= r["gain"] <= r["interval"][1]
        assert r["harmful"] == (r["p_harm"] < sel["harm_alpha"])
    first = next(r for r in rows if not r["harmful"])  # the prior's first setting not shown to hurt
    assert fitted_mlp.method_ == first["method"] == sel["chosen"]["method"]
    assert fitted_mlp.strength_[first["method"]] == first["strength"]
    assert sel["reason"].startswith(f"chose {first['method']}") and "cross-validation of 1000 samples" in sel["reason"]
    X, y = digits
    X_new, y_new = fitted_mlp.generate(X[:50], y[:50])  # the estimator's own method and amount
    assert X_new.shape == (50 * fitted_mlp.n_per_sample_, 64) and (y_new == np.repeat(y[:50], fitted_mlp.n_per_sample_)).all()
    np.testing.assert_array_equal(X_new, fitted_mlp.generate(X[:50], y[:50], "auto")[0])
    with caplog.at_level(logging.INFO, logger="vaeaug"):
        VAEAugmenter(random_state=0, **{**FAST, "epochs": 2}).fit(*small(digits))
    assert any(rec.getMessage().startswith("chose ") for rec in caplog.records)


class Recorder(ClassifierMixin, BaseEstimator):
    """A 1-NN that records the training-set sizes it is fitted on."""

    sizes: list = []

    def fit(self, X, y):
        type(self).sizes.append(len(X))
        self.model_ = KNeighborsClassifier(1).fit(X, y)
        self.classes_ = self.model_.classes_
        return self

    def predict(self, X):
        return self.model_.predict(X)


@pytest.mark.parametrize("where", ["constructor", "fit"])
def test_a_classifier_passed_as_estimator_is_the_one_the_choice_scores_with(digits, where):
    X, y, X_val, y_val = small(digits)
    Recorder.sizes = []
    params = {**FAST, "epochs": 3, "random_state": 0}
    if where == "constructor":
        aug = VAEAugmenter(estimator=Recorder(), **params).fit(X, y, X_val, y_val)
    else:
        aug = VAEAugmenter(**params).fit(X, y, X_val, y_val, estimator=Recorder())
    sel = aug.selection_
    assert sel["scorer"] == "Recorder"
    n_settings = len(sel["candidates"])
    assert len(Recorder.sizes) == sel["folds"] * (1 + n_settings)  # per fold: real data alone, then each setting
    train_sizes = [260 - s for s in sel["fold_sizes"]]
    assert set(train_sizes) <= set(Recorder.sizes)  # real data alone: the fold's training part
    assert {t * (1 + aug.n_per_sample_) for t in train_sizes} <= set(Recorder.sizes)  # real + offspring


def test_the_harm_check_rejects_a_setting_built_to_hurt(digits, monkeypatch):
    """Offspring near their sources but labelled as the next class: scored by a 1-NN they must be
    judged harmful, the prior's first setting struck out, and the next one stands."""
    import dataclasses

    import vaeaug.selection as selection

    class Mislabelling(selection.OffspringMaker):
        def make(self, method, *args, **kwargs):
            codes, samples = super().make(method, *args, **kwargs)
            if method == "noise":  # the setting built to hurt
                codes = dataclasses.replace(codes, y=(codes.y + 1) % 10)
            return codes, samples

    monkeypatch.setattr(selection, "OffspringMaker", Mislabelling)
    import vaeaug.priors as priors

    monkeypatch.setitem(priors.PORTFOLIO, "vector", (Setting("noise", "residual", 0.25),
                                                     Setting("interpolation", "residual", 0.25)))
    X, y, X_val, y_val = small(digits, 300, 100)
    aug = VAEAugmenter(random_state=0, estimator=KNeighborsClassifier(1), **{**FAST, "epochs": 6}).fit(
        X, y, X_val, y_val)
    bad, good = aug.selection_["candidates"]
    assert bad["method"] == "noise" and bad["harmful"] and bad["losses"] > 3 * bad["wins"]
    assert bad["interval"][1] < 0 and bad["p_harm"] < 1e-6
    assert not good["harmful"] and aug.method_ == "interpolation"
    assert aug.strength_["noise"] == NEAR_COPY_STRENGTH and aug.selection_["fallback"] == ["noise"]


def test_the_proxy_subsamples_around_the_real_samples(digits, monkeypatch):
    """Past its budget the proxy draws a subsample; it must keep every real sample, in both arms
    of a comparison, or the arm with offspring loses real data the other keeps."""
    import vaeaug.proxy as proxy

    X, y = digits
    krr = proxy.KernelRidgeClassifier(max_samples=300).fit(X[:500], y[:500], keep_first=200)
    kept = {r.tobytes() for r in krr.X_.numpy()}
    assert len(krr.X_) == 300 and all(r.tobytes() in kept for r in X[:200].astype(np.float64))
    assert len(proxy.KernelRidgeClassifier(max_samples=100).fit(X[:500], y[:500], keep_first=200).X_) == 100

    calls = []
    fit = proxy.KernelRidgeClassifier.fit
    def spy(self, F, yy, keep_first=0):
        calls.append((len(F), keep_first))
        return fit(self, F, yy, keep_first)

    monkeypatch.setattr(proxy.KernelRidgeClassifier, "fit", spy)
    X, y, X_val, y_val = small(digits)
    aug = VAEAugmenter(random_state=0, **{**FAST, "epochs": 3}).fit(X, y, X_val, y_val)
    train_sizes = [260 - s for s in aug.selection_["fold_sizes"]]
    assert len(calls) == len(train_sizes) * (1 + len(aug.selection_["candidates"]))
    assert {k for _, k in calls} == set(train_sizes)  # each fold's real part, in both arms
    assert {n for n, k in calls if n > k} == {t * (1 + aug.n_per_sample_) for t in train_sizes}


def test_a_check_its_proxy_could_not_score_is_not_run_and_says_so(monkeypatch):
    """Where every fold trains the proxy on as many real samples as it reads (4,000), offspring
    would never be scored: no fold generator is trained, the prior's first setting stands, and the
    reason says it is unchecked. The user's own classifier reads every row, so it still checks."""
    from sklearn.datasets import make_classification
    from sklearn.neighbors import NearestCentroid

    import vaeaug.fitting as fitting

    X, y = make_classification(8200, 8, n_informative=5, n_classes=3, random_state=0)
    X_val, y_val = X[8000:], y[8000:]
    quick = {**FAST, "epochs": 1, "hidden_sizes": (16,), "latent_dim": 2}
    trained, original = [], fitting.train_fold
    monkeypatch.setattr(fitting, "train_fold", lambda *a, **k: trained.append(1) or original(*a, **k))
    aug = VAEAugmenter(random_state=0, **quick).fit(X[:8000], y[:8000], X_val, y_val)
    sel = aug.selection_
    assert not sel["checked"] and not trained and "unchecked" in sel["reason"] and "estimator=clf" in sel["reason"]
    assert all(r["gain"] is None and not r["harmful"] for r in sel["candidates"])
    first = PORTFOLIO["vector"][0]
    assert (aug.method_, aug.decoding_[aug.method_], aug.strength_[aug.method_]) == (
        first.method, first.decoding, first.strength)
    assert len(aug.generate(X_val, y_val)[1]) == 200 * aug.n_per_sample_
    aug = VAEAugmenter(random_state=0, estimator=NearestCentroid(), **quick).fit(X[:8000], y[:8000], X_val, y_val)
    assert aug.selection_["checked"] and len(trained) == aug.selection_["folds"] == 2


def test_one_class_is_not_checked_and_says_why(digits, monkeypatch):
    """One class (the minority alone, augmented apart) is right for every classifier: the check
    trained a generator per fold to report "+0.0 points [+0.0, +0.0]", and a user's SVC refuses one class."""
    from sklearn.svm import SVC

    import vaeaug.fitting as fitting

    X, y = digits
    trained, original = [], fitting.train_fold
    monkeypatch.setattr(fitting, "train_fold", lambda *a, **k: trained.append(1) or original(*a, **k))
    ones = X[y == 3][:40]
    for estimator in (None, SVC()):
        aug = VAEAugmenter(random_state=0, estimator=estimator, **{**FAST, "epochs": 1}).fit(ones, np.full(40, 3))
        sel = aug.selection_
        assert not sel["checked"] and not trained and "unchecked: the data hold one class" in sel["reason"]
        assert len(aug.generate(ones, np.full(40, 3))[1]) == 40 * aug.n_per_sample_


@pytest.mark.filterwarnings("ignore::vaeaug.PosteriorCollapseWarning")  # a few epochs on ten samples
def test_one_sample_a_class_trains_unwatched_and_is_not_checked(digits, monkeypatch, tmp_path, capsys):
    """One-shot data (a sample a class, no validation set) was refused: "give a validation set".
    Nothing can leave training, so the VAE trains for all its epochs and keeps the last weights;
    the check, whose held-out sample's class would never be trained on, is not run and says so;
    vaeaug train and info say that nothing watched it."""
    import pandas as pd

    from vaeaug import fitting
    from vaeaug.cli import main

    X, y = digits
    one = np.array([np.flatnonzero(y == c)[0] for c in range(10)])
    trained, original = [], fitting.train_fold
    monkeypatch.setattr(fitting, "train_fold", lambda *a, **k: trained.append(1) or original(*a, **k))
    aug = VAEAugmenter(random_state=0, **{**FAST, "epochs": 7}).fit(X[one], y[one])
    assert len(aug.history_["train_loss"]) == 7 and aug.history_["val_loss"] == [] and aug.best_epoch_ == 6
    sel = aug.selection_
    assert not sel["checked"] and not trained and "unchecked: every class holds one sample" in sel["reason"]
    y_new = aug.generate(X[one], y[one])[1]
    assert np.bincount(y_new).tolist() == [aug.n_per_sample_] * 10
    table = pd.DataFrame(X[one][:, 18:22], columns=list("abcd")).assign(label=y[one])
    table.to_csv(tmp_path / "one.csv", index=False)
    assert main(["train", "--data", str(tmp_path / "one.csv"), "--out", str(tmp_path / "m"), "--epochs", "3"]) == 0
    assert main(["info", "--model", str(tmp_path / "m")]) == 0
    out = capsys.readouterr().out
    assert "trained 3 epochs; no validation set (one sample a class)" in out
    assert "3 epochs, no validation set (one sample a class): the last epoch's weights kept" in out


def test_no_fold_generator_sees_its_held_out_samples(digits, monkeypatch):
    import vaeaug.fitting as fitting
    import vaeaug.selection as selection

    splits, seen = [], []
    real_folds, real_train_fold = selection.folds, fitting.train_fold

    def record_folds(y, n, rs):
        out = real_folds(y, n, rs)
        splits.extend(out)
        return out

    def record_training(aug, vae, X, y, X_unlabeled, epochs, kl_warmup):
        fold, spread = real_train_fold(aug, vae, X, y, X_unlabeled, epochs, kl_warmup)
        seen.append((X.copy(), fold))
        return fold, spread

    monkeypatch.setattr(selection, "folds", record_folds)
    monkeypatch.setattr(fitting, "train_fold", record_training)
    X, y, X_val, y_val = small(digits)
    aug = VAEAugmenter(random_state=0, **{**FAST, "epochs": 3}).fit(X, y, X_val, y_val)
    X_all = np.concatenate([X, X_val])
    assert len(splits) == len(seen) == aug.selection_["folds"]
    held_out_union = np.concatenate([te for _, te in splits])
    assert sorted(held_out_union) == list(range(len(X_all)))  # every labelled sample is scored once
    for (tr, te), (X_seen, fold) in zip(splits, seen):
        assert not set(tr) & set(te)
        np.testing.assert_array_equal(X_seen, X_all[tr])  # the generator saw the training part, nothing else
        # the fold's preprocessing was fitted on its training part only
        np.testing.assert_allclose(fold.preprocessor.mean_, X_all[tr].astype(np.float64).mean(0))
        assert fold.model is not aug.vae_.model


@pytest.mark.parametrize("on_no_gain", ["near_copies", "skip"])
def test_when_every_setting_hurts(digits, monkeypatch, tmp_path, on_no_gain):
    import vaeaug.selection as selection

    monkeypatch.setattr(selection, "harm_test", lambda wins, losses: 0.0)  # every setting judged harmful
    X, y, X_val, y_val = small(digits)
    aug = VAEAugmenter(random_state=0, on_no_gain=on_no_gain, **{**FAST, "epochs": 3}).fit(X, y, X_val, y_val)
    assert sorted(aug.selection_["fallback"]) == ["extrapolation", "interpolation", "mixed", "noise"]
    if on_no_gain == "near_copies":
        assert aug.strength_["noise"] == NEAR_COPY_STRENGTH and aug.decoding_["noise"] == "residual"
        assert "near-copies" in aug.selection_["reason"]
        assert len(aug.generate(X[:20], y[:20], "noise", 3)[0]) == 60
        return
    assert aug.strength_["noise"] is None and "makes nothing" in aug.selection_["reason"]
    with pytest.warns(NoGainWarning, match="no samples") as record:
        X_new, y_new, codes = aug.generate(X[:20], y[:20], "noise", 3, return_codes=True)
    assert warned_here(record, "no samples")  # the warning names the user's line
    assert X_new.shape == (0, X.shape[1]) and X_new.dtype == X.dtype and y_new.shape == (0,)
    assert len(codes.Z) == len(codes.source) == 0
    with pytest.warns(NoGainWarning) as record:
        assert list(aug.generate_batches(X[:20], y[:20], "interpolation", 3)) == []
    with pytest.warns(NoGainWarning) as more:
        X_res, y_res = aug.fit_resample(X, y)
    assert warned_here(record, "no samples") and warned_here(more, "no samples")
    assert len(X_res) == len(X)  # the originals alone
    assert len(aug.generate(X[:20], y[:20], "noise", 3, strength=0.5)[0]) == 60  # a given strength generates
    aug.save(tmp_path / "m")
    again = VAEAugmenter.load(tmp_path / "m")
    assert again.strength_["noise"] is None and again.method_ == aug.method_
    with pytest.warns(NoGainWarning):
        assert len(again.generate(X[:20], y[:20], "noise", 3)[0]) == 0


def test_a_fold_generator_makes_what_generate_makes_from_the_same_model(fitted_mlp, digits):
    """The choice's offspring maker, handed the main model, gives generate()'s samples exactly."""
    from vaeaug.generation import OffspringMaker
    from vaeaug.selection import _FoldAugmenter

    X, y = digits
    X, y = X[:120], y[:120]
    view = _FoldAugmenter(fitted_mlp, fitted_mlp.vae_, fitted_mlp.latent_spread_)
    maker = OffspringMaker(view, X, y, ("direct", "residual"))
    for method in ("noise", "interpolation", "extrapolation", "mixed"):
        codes, samples = maker.make(method, 2, 0.5, np.random.default_rng(7), "skip")
        for d in ("direct", "residual"):
            X_new, y_new = fitted_mlp.generate(X, y, method, 2, strength=0.5, random_state=7, small_classes="skip",
                                               decoding=d)
            np.testing.assert_array_equal(samples[d], X_new)
            np.testing.assert_array_equal(codes.y, y_new)


def test_candidates_follow_what_the_user_fixed():
    vec = PORTFOLIO["vector"]
    assert candidates("vector", allowed=("residual",)) == list(vec)
    assert all(s.method == "noise" for s in candidates("vector", "noise", allowed=("residual",)))
    fixed = candidates("vector", strength=0.3, allowed=("residual",))
    assert {s.strength for s in fixed} == {0.3} and len(fixed) == len({(s.method, s.decoding) for s in vec})
    assert {s.decoding for s in candidates("image", decoding="direct", allowed=("direct", "residual", "warp"))} == {
        "direct"}
    assert candidates("vector", "reconstruction", allowed=("residual",))[0].method == "reconstruction"


def test_unlabeled_samples_train_the_generator(digits):
    X, y = digits
    X_l, y_l, X_u = X[:100], y[:100], X[100:900]
    params = {**FAST, "epochs": 15, "conditional": True, "random_state": 0, "patience": None,
              "method": "noise", "strength": 0.5, "decoding": "direct"}
    alone = VAEAugmenter(**params).fit(X_l, y_l, X[1200:1300], y[1200:1300])
    more = VAEAugmenter(**params).fit(X_l, y_l, X[1200:1300], y[1200:1300], X_unlabeled=X_u)

    def error(aug, A, labels):
        return float(np.mean((aug.reconstruct(A, labels) - A) ** 2))

    test, labels = X[1300:1700], y[1300:1700]  # new samples of the same kind: reconstructed better
    assert error(more, test, labels) < 0.9 * error(alone, test, labels)
    assert more.generate(X_l[:10], y_l[:10])[0].shape == (10 * more.n_per_sample_, 64)
    with pytest.raises(ValueError, match="X_unlabeled samples have shape"):
        VAEAugmenter(**params).fit(X_l, y_l, X_unlabeled=X_u[:, :10])
