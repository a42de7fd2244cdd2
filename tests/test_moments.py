"""Moment matching: offspring take their sources' per-feature mean and spread, taken whole or streamed."""

import numpy as np
import pytest

from vaeaug import VAEAugmenter
from vaeaug.moments import MAX_STRETCH, RunningMoments, fit_match, match_to_sources

from .conftest import FAST


def test_the_match_gives_offspring_the_sources_weighted_mean_and_spread():
    rng = np.random.default_rng(0)
    src = rng.normal(3.0, 2.0, size=(40, 5))
    off = rng.normal(1.0, 1.0, size=(90, 5))
    counts = rng.integers(0, 5, size=40).astype(float)
    moments = RunningMoments()
    for part in np.array_split(off, 4):  # block by block, as a streamed request adds them
        moments.add(part)
    matched = match_to_sources(moments, src, counts).apply(off)
    w = counts / counts.sum()
    target_mean = w @ src
    target_std = np.sqrt(w @ (src - target_mean) ** 2)
    np.testing.assert_allclose(matched.mean(axis=0), target_mean, rtol=1e-5)
    np.testing.assert_allclose(matched.std(axis=0), target_std, rtol=1e-4)


def test_a_feature_constant_among_the_sources_stays_constant_and_the_stretch_is_bounded():
    src = np.column_stack([np.full(10, 2.0), np.arange(10.0)])
    off = np.column_stack([np.linspace(1.9, 2.1, 30), np.linspace(4.4, 4.6, 30)])  # the second barely spreads
    a, b = RunningMoments(), RunningMoments()
    a.add(off)
    b.add(src)
    match = fit_match(a, b)
    out = match.apply(off)
    np.testing.assert_allclose(out[:, 0], 2.0)
    assert match.stretch[1] == MAX_STRETCH
    nothing = match_to_sources(RunningMoments(), src, np.zeros(10))
    np.testing.assert_array_equal(nothing.apply(off), off.astype(np.float32))


@pytest.fixture(scope="module")
def table_model(digits):
    X, y = digits
    return VAEAugmenter(random_state=0, strength=0.75, method="interpolation", decoding="residual",
                        **FAST).fit(X[:300], y[:300], X[300:400], y[300:400])


def test_generate_matches_the_tables_moments_by_default_and_only_when_asked(table_model, digits):
    X, y = digits
    X, y = X[:200], y[:200]
    aug = table_model
    varied = X.std(axis=0) > 0
    aug.set_params(enforce_range=False)  # the match alone, without the range clip before it
    try:
        new = aug.generate(X, y, n_per_sample=3, random_state=1)[0]
        aug.set_params(match_moments=False)
        raw = aug.generate(X, y, n_per_sample=3, random_state=1)[0]
    finally:
        aug.set_params(enforce_range=True, match_moments="auto")
    # in the model's space sources beyond ±5 sd are clipped, so compare where none is
    T = aug.preprocessor_.transform(X)
    plain = (np.abs(T) < 4.99).all(axis=0) & varied
    np.testing.assert_allclose(new.mean(axis=0)[plain], X.mean(axis=0)[plain], atol=1e-3 * X.std())
    np.testing.assert_allclose(new.std(axis=0)[plain], X.std(axis=0)[plain], rtol=1e-3)
    # the decodes as they come miss the sources' spread by far more
    off_raw = np.abs(raw.std(axis=0) - X.std(axis=0))[plain].max()
    assert off_raw > 10 * np.abs(new.std(axis=0) - X.std(axis=0))[plain].max()


def test_the_stream_is_the_same_matched_samples_as_the_whole(table_model, digits):
    X, y = digits
    X, y = X[:300], y[:300]  # 300 x 4 offspring: more than one block of codes, matched as one request
    whole = table_model.generate(X, y, n_per_sample=4, random_state=3)[0]
    for batch_size in (7, 1000):
        parts = [p for p, _ in table_model.generate_batches(X, y, n_per_sample=4, random_state=3,
                                                             batch_size=batch_size)]
        np.testing.assert_array_equal(np.concatenate(parts), whole)


def test_auto_matches_vectors_only(digit_images):
    X, y = digit_images
    aug = VAEAugmenter(random_state=0, strength=0.5, method="noise", decoding="direct", compose="none",
                       **{**FAST, "data_kind": "auto"}).fit(X[:200], y[:200], X[200:260], y[200:260])
    auto = aug.generate(X[:50], y[:50], random_state=0)[0]
    aug.set_params(match_moments=False)
    np.testing.assert_array_equal(aug.generate(X[:50], y[:50], random_state=0)[0], auto)
    aug.set_params(match_moments=True)
    assert not np.array_equal(aug.generate(X[:50], y[:50], random_state=0)[0], auto)
