"""Tables of pixels: recognised by their 2-D neighbours, given the image model, returned as rows."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.ndimage import gaussian_filter1d, zoom
from sklearn.datasets import make_classification

from vaeaug import VAEAugmenter
from vaeaug.errors import ModelFileError
from vaeaug.flatimages import image_shape, layouts
from vaeaug.modelfile import check_config


def test_layouts_are_near_square_and_not_too_small():
    assert layouts(64) == [(8, 8)] and layouts(240) == [(15, 16), (16, 15)] and layouts(256) == [(16, 16)]
    assert layouts(36) == [] and layouts(216) == [] and layouts(60) == []  # 6×6; 12×18; 6×10


def test_flattened_pictures_are_recognised_with_their_orientation(digit_images):
    X, _ = digit_images
    assert image_shape(X.reshape(len(X), -1)[:100].astype(float)) == (8, 8)
    big = zoom(X[:200].astype(float), (1, 2, 2), order=1)  # 16×16 digits
    assert image_shape(big[:, :, :15].reshape(200, -1)) == (16, 15)  # 16 rows of 15: not 15 of 16
    assert image_shape(big[:, :15, :].reshape(200, -1)) == (15, 16)
    assert image_shape((255 - big).reshape(200, -1)) == (16, 16)  # dark ink on white as well
    assert image_shape(X.reshape(len(X), -1)[:10]) is None  # too few samples to read a layout from


def test_tables_that_are_not_pictures_stay_tables():
    rng = np.random.default_rng(0)
    X, _ = make_classification(300, 64, n_informative=16, n_classes=4, random_state=0)
    assert image_shape(X) is None
    t = np.linspace(0, 1, 64)
    spectra = np.stack([np.sin(2 * np.pi * (rng.uniform(1, 3) * t + rng.uniform())) for _ in range(300)])
    assert image_shape(spectra + 0.1 * rng.normal(size=spectra.shape)) is None  # neighbours along one axis only
    hist = gaussian_filter1d(rng.gamma(2, 1, (300, 100)), 3, axis=1)  # smooth histograms of 100 bins (10×10)
    assert image_shape(hist) is None
    # a series whose period is the row width: alike above and beside, but it runs on across a row's end
    k = np.arange(64)
    waves = np.stack([np.sin(2 * np.pi * k / 8 + rng.uniform(0, 2 * np.pi)) * rng.uniform(0.5, 2) for _ in range(300)])
    assert image_shape(waves + 0.3 * rng.normal(size=waves.shape)) is None


def test_a_table_of_pixels_gets_the_image_model_and_rows_back(digit_images, tmp_path, caplog):
    X, y = digit_images
    flat = X.reshape(len(X), -1)
    aug = VAEAugmenter(random_state=0, epochs=4, latent_dim=4, hidden_sizes=(8, 16), verbose=0)
    with caplog.at_level("INFO", logger="vaeaug"):
        aug.fit(flat[:200], y[:200], flat[200:260], y[200:260])
    assert "read the 64 columns as 8×8 images" in caplog.text  # the user is told
    assert aug.image_shape_ == (8, 8) and aug.vae_.kind == "image" and aug.compose_ == "affine_blur"
    assert aug.n_features_in_ == 64 and aug.config_.architecture == "conv"
    X_new, y_new = aug.generate(flat[:20], y[:20])
    assert X_new.shape == (20 * 3 * 2, 64) and X_new.dtype == flat.dtype  # offspring, then as many moves
    # the same model on the same pictures given as images makes the same samples
    assert np.array_equal(X_new, aug.generate(X[:20], y[:20])[0].reshape(len(X_new), -1))
    batches = np.concatenate([b for b, _ in aug.generate_batches(flat[:20], y[:20], batch_size=16)])
    assert np.array_equal(batches, X_new)
    assert aug.reconstruct(flat[:5], y[:5]).shape == (5, 64) and aug.transform(flat[:5]).shape == (5, 4)
    with pytest.raises(ValueError, match=r"X is empty.*got shape \(0, 64\)"):  # the caller's shape, not the model's
        aug.generate(flat[:0], y[:0])
    aug.save(tmp_path / "m")
    back = VAEAugmenter.load(tmp_path / "m")
    assert back.image_shape_ == (8, 8) and np.array_equal(back.generate(flat[:20], y[:20])[0], X_new)
    kept = VAEAugmenter(data_kind="vector", random_state=0, epochs=2, verbose=0).fit(flat[:200], y[:200])
    assert kept.image_shape_ == () and kept.vae_.kind == "vector"  # the user's word stands


def test_pixels_standardised_column_by_column_stay_a_table(digit_images, caplog):
    from sklearn.preprocessing import StandardScaler

    from vaeaug.flatimages import pixel_layout, standardised

    X, y = digit_images
    flat = X.reshape(len(X), -1)[:300].astype(np.float64)
    scaled = StandardScaler().fit_transform(flat)  # as in front of a sampler in an imblearn pipeline
    assert image_shape(scaled) == (8, 8)  # the layout still shows: correlations ignore scale
    assert standardised(scaled) and not standardised(flat) and not standardised(flat / 16)
    with caplog.at_level("INFO", logger="vaeaug"):
        assert pixel_layout(scaled, "auto") == ()
    assert "standardised column by column: read as a table" in caplog.text
    assert pixel_layout(scaled, "image") == (8, 8) and pixel_layout(flat, "auto") == (8, 8)  # the user's word stands
    # fit holds a validation part out of what it was given: the rows together are still standardised
    assert pixel_layout(scaled[:270], "auto", scaled[270:]) == () and pixel_layout(scaled[:270], "auto") == (8, 8)
    aug = VAEAugmenter(random_state=0, epochs=1, latent_dim=2, hidden_sizes=(8,), verbose=0).fit(scaled, y[:300])
    assert aug.image_shape_ == () and aug.vae_.kind == "vector"


def test_columns_on_scales_pixels_do_not_share_stay_a_table(digit_images, caplog):
    """64 columns that correlate as 8×8 pictures, one of them a time stamp (1.7e9): read as images,
    all were scaled by one range (the counts a billionth of it), and the offspring's time stamp
    came back one value."""
    from vaeaug.flatimages import pixel_layout, shared_scale

    X, y = digit_images
    flat = X.reshape(len(X), -1)[:300].astype(np.int64)
    stamped = flat.copy()
    stamped[:, 0] = 1_700_000_000 + 86_400 * y[:300]
    assert image_shape(stamped) == (8, 8) and shared_scale(flat) and not shared_scale(stamped)
    with caplog.at_level("INFO", logger="vaeaug"):
        assert pixel_layout(stamped, "auto") == ()
    assert "ranges differ up to 20-fold: read as a table" in caplog.text
    assert pixel_layout(stamped, "image") == (8, 8) and pixel_layout(flat, "auto") == (8, 8)  # the user's word stands
    aug = VAEAugmenter(random_state=0, epochs=5, latent_dim=4, hidden_sizes=(32,), verbose=0).fit(stamped, y[:300])
    X_new = aug.generate(stamped, y[:300], method="noise", n_per_sample=1, strength=0.5)[0]
    assert aug.image_shape_ == () and 0.5 < X_new[:, 0].std() / stamped[:, 0].std() < 1.5


@pytest.mark.filterwarnings("ignore::vaeaug.PosteriorCollapseWarning")  # a tiny VAE: the mechanics only
def test_a_model_file_whose_pixel_layout_does_not_fit_is_refused(digit_images, tmp_path):
    import json

    X, y = digit_images
    VAEAugmenter(random_state=0, epochs=2, latent_dim=4, hidden_sizes=(8, 16), verbose=0).fit(
        X.reshape(len(X), -1)[:200], y[:200]).save(tmp_path / "m")
    config = json.loads((tmp_path / "m" / "config.json").read_text())
    assert config["image_shape"] == [8, 8]
    check_config(config, "ok")
    with pytest.raises(ModelFileError, match="image_shape"):
        check_config({**config, "image_shape": [4, 8]}, "bad")


@pytest.mark.filterwarnings("ignore::vaeaug.PosteriorCollapseWarning")  # a tiny VAE: the mechanics only
def test_a_table_named_image_is_read_as_its_one_square_layout_or_refused():
    rng = np.random.default_rng(0)
    y = np.arange(60) % 3
    aug = VAEAugmenter(data_kind="image", random_state=0, epochs=1, latent_dim=2, hidden_sizes=(4, 8), verbose=0)
    assert aug.fit(rng.random((60, 256)), y).image_shape_ == (16, 16)  # noise: no layout shows, one is possible
    with pytest.raises(ValueError, match="15×16 or 16×15"):
        aug.fit(rng.random((60, 240)), y)
    with pytest.raises(ValueError, match="no near-square picture"):
        aug.fit(rng.random((60, 30)), y)
