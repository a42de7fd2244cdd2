"""scikit-learn's own estimator checks, run on tiny settings: API conventions, input validation,
pickling, cloning, idempotent fits. Every check passes; none is listed as an expected failure.

imbalanced-learn's own sampler checks, which ``VAESampler`` (a ``BaseOverSampler``) passes, run in
``test_interfaces.test_imbalanced_learns_sampler_checks``.
"""

import warnings

import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from vaeaug import VAEAugmenter, VAESampler

TINY = dict(epochs=2, hidden_sizes=(8,), latent_dim=2, batch_size=16, verbose=0, random_state=0, device="cpu")


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():  # tiny VAEs on random data collapse and find no gain: expected here
        warnings.simplefilter("ignore")
        yield


@parametrize_with_checks([VAEAugmenter(**TINY), VAESampler(VAEAugmenter(**TINY))])
def test_scikit_learn_estimator_checks(estimator, check):
    check(estimator)
