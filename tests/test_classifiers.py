"""The experiment's classifiers: the precomputed-kernel SVM is scikit-learn's RBF SVC."""

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.svm import SVC

from vaeaug.experiment.classifiers import RBFSVC, TorchMLPClassifier


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    X = (X / 16.0).astype(np.float32)
    return X[:600], y[:600], X[600:900], y[600:900]


@pytest.mark.parametrize("max_precomputed", [12000, 10])  # precomputed Gram, and the plain-SVC fallback
def test_rbfsvc_matches_sklearn_svc(digits, max_precomputed):
    X, y, Xt, yt = digits
    ref = SVC(C=10.0, gamma="scale").fit(X, y)
    ours = RBFSVC(C=10.0, max_precomputed=max_precomputed).fit(X, y)
    assert ours.precomputed_ == (max_precomputed >= len(X))
    np.testing.assert_array_equal(ours.predict(Xt), ref.predict(Xt))
    np.testing.assert_allclose(ours.decision_function(Xt), ref.decision_function(Xt), atol=1e-3)  # a float32 Gram
    assert set(ours.classes_) == set(range(10))


def test_mlp_classifier_is_seeded_and_learns(digits):
    X, y, Xt, yt = digits
    a = TorchMLPClassifier(hidden=64, epochs=15, random_state=3).fit(X, y)
    b = TorchMLPClassifier(hidden=64, epochs=15, random_state=3).fit(X, y)
    np.testing.assert_array_equal(a.predict_proba(Xt), b.predict_proba(Xt))
    assert np.mean(a.predict(Xt) == yt) > 0.85


def test_mlp_classifier_learns_under_a_float64_default_dtype(digits):
    import torch

    X, y, Xt, yt = digits
    before = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)  # as a user's script may have set it
    try:
        assert np.mean(TorchMLPClassifier(hidden=64, epochs=15, random_state=3).fit(X, y).predict(Xt) == yt) > 0.85
    finally:
        torch.set_default_dtype(before)


def test_feature_scaler_takes_an_empty_set():
    # a method that made nothing hands the experiment (0, ...) arrays
    from vaeaug.experiment.classifiers import FeatureScaler

    X = np.random.default_rng(0).random((10, 8, 8))
    F = FeatureScaler().fit(X, "image").transform(X[:0])
    assert F.shape == (0, 64) and F.dtype == np.float32
