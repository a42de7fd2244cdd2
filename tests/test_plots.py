"""vaeaug.plots: the report's figures for any fitted augmenter and the caller's own data, as
matplotlib Figures (pictures drawn as pictures, sequences as curves, a table's rows as points)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from PIL import Image
from sklearn.exceptions import NotFittedError

from vaeaug import PosteriorCollapseWarning, VAEAugmenter

plots = pytest.importorskip("vaeaug.plots", reason="vaeaug.plots needs matplotlib (vaeaug[experiment])")
from matplotlib.figure import Figure

TINY = dict(epochs=3, batch_size=32, latent_dim=4, verbose=0, random_state=0)


@pytest.fixture(scope="module")
def images(digit_images):
    X, y = digit_images[0][:120], digit_images[1][:120]
    return VAEAugmenter(**{**TINY, "epochs": 12}, hidden_sizes=(8, 16)).fit(X, y), X, y


def _cells(canvas: np.ndarray, side: int) -> list[np.ndarray]:
    """The first column's pictures of a tiled canvas (1-pixel gaps)."""
    return [canvas[1 + r * (side + 1): 1 + r * (side + 1) + side, 1: 1 + side] for r in range((len(canvas) - 1) // (side + 1))]


def _is_one_of(cell: np.ndarray, X: np.ndarray) -> bool:
    """Whether ``cell`` is one of ``X``'s pictures, up to the canvas's common scaling."""
    flat = X.reshape(len(X), -1).astype(np.float64)
    return bool(np.any(np.abs(np.corrcoef(np.vstack([cell.ravel(), flat]))[0, 1:]) > 0.9999))


def test_offspring_of_pictures_stand_beside_their_originals(images, monkeypatch):
    """Each method's column holds the VAE's offspring; the move ``generate`` composes beside them
    (blurred affine copies) has a column of its own (before, every column showed the moved copy)."""
    from vaeaug import moves

    aug, X, y = images
    assert aug.compose_ == "affine_blur"
    marker = X[0]  # a move whose every copy is this one training picture (so within the training range)
    monkeypatch.setitem(moves.MOVES, "affine_blur", lambda part, labels, n, random_state=None: (
        np.repeat(marker[None], len(part) * n, axis=0), np.repeat(labels, n)))
    fig = plots.plot_offspring(aug, X, y, n_rows=5)
    assert isinstance(fig, Figure)
    (ax,) = fig.axes
    canvas = np.asarray(ax.images[0].get_array())
    assert canvas.shape == (5 * 9 + 1, 9 * 9 + 1)  # 5 classes × 8 columns of 8×8 pictures and the moved copy
    assert [t.get_text() for t in ax.get_xticklabels()] == [t for t, _ in plots.OFFSPRING_COLUMNS] + [
        "affine blur copy"]
    assert all(_is_one_of(c, X) for c in _cells(canvas, 8))  # the originals, as they are
    offspring = canvas[1:9, 1 + 2 * 9: 9 + 2 * 9]  # the first noise offspring: a new picture
    assert not _is_one_of(offspring, X)  # the VAE's, not the move's copy of X[0]
    moved = [canvas[1 + r * 9: 9 + r * 9, 1 + 8 * 9: 9 + 8 * 9] for r in range(5)]
    assert all(_is_one_of(m, marker[None]) for m in moved)  # the move's column: its copies


def test_pil_images_and_rows_of_pixels_are_drawn_as_the_pictures_they_are(images, digits):
    aug, X, y = images
    pil = [Image.fromarray(x) for x in X]
    for f in (plots.plot_offspring, plots.plot_interpolation, plots.plot_manifold):
        assert f(aug, pil, y).axes[0].images  # read as the model reads them
    flat = VAEAugmenter(**TINY).fit(digits[0][:120], digits[1][:120])  # a table of 8×8 pixels: pictures
    assert flat.image_shape_ == (8, 8)
    strips = np.asarray(plots.plot_interpolation(flat, digits[0][:120], digits[1][:120], n_rows=3, steps=5)
                        .axes[0].images[0].get_array())
    assert strips.shape == (3 * 9 + 1, 5 * 9 + 1)
    manifold = np.asarray(plots.plot_manifold(flat, digits[0][:120], digits[1][:120], n=4).axes[0].images[0].get_array())
    assert manifold.shape == (4 * 9 + 1, 4 * 9 + 1)


def test_history_and_latent_draw_on_the_callers_axes(images):
    aug, X, y = images
    fig = Figure()
    left, right = fig.subplots(1, 2)
    assert plots.plot_history(aug, ax=left) is fig and plots.plot_latent(aug, X, y, ax=right) is fig
    train = left.lines[0].get_ydata()
    assert np.allclose(train, aug.history_["train_loss"])
    points = right.collections[0].get_offsets()
    assert points.shape == (len(X), 2) and np.ptp(points, axis=0).min() > 0  # each sample's code, spread out
    assert isinstance(plots.plot_history(aug), Figure)  # a figure of its own without ax


def test_sequences_are_drawn_as_curves_each_offspring_beside_its_original():
    rng = np.random.default_rng(0)
    X = [np.column_stack([np.sin(np.linspace(0, 3, n)), np.cos(np.linspace(0, 3, n))]) * (1 + i % 2)
         + 0.1 * rng.normal(size=(n, 2)) for i, n in enumerate(rng.integers(20, 40, 40))]
    y = np.arange(40) % 2
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PosteriorCollapseWarning)
        aug = VAEAugmenter(**TINY, compose="none").fit(X, y)
    fig = plots.plot_offspring(aug, X, y)
    assert len(fig.axes) == 2 * 8  # two classes, eight columns
    firsts = [ax.lines[0].get_ydata() for ax in fig.axes[::8]]
    assert all(any(len(f) == len(s) and np.allclose(f, s[:, 0]) for s in X) for f in firsts)
    assert len(plots.plot_interpolation(aug, X, y, n_rows=2, steps=5).axes) == 2 * 5
    with pytest.raises(ValueError, match="draws pictures, and this model's samples are sequences"):
        plots.plot_manifold(aug, X, y)


def test_a_tables_offspring_are_points_beside_the_real_rows():
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"a": rng.normal(size=60), "b": pd.Categorical(rng.choice(["x", "y"], 60)),
                       "c": rng.normal(size=60)})
    y = np.arange(60) % 3
    aug = VAEAugmenter(**TINY).fit(df, y)
    fig = plots.plot_offspring(aug, df, y)
    assert [ax.get_title() for ax in fig.axes] == ["reconstruction", "noise", "interpolation", "extrapolation"]
    for ax in fig.axes:
        real, made = (c.get_offsets() for c in ax.collections[:2])
        assert len(real) == 60 and len(made) > 0
    with pytest.raises(ValueError, match="a table's offspring are drawn by plot_offspring"):
        plots.plot_interpolation(aug, df, y)
    with pytest.raises(ValueError, match="this model's samples are table rows"):
        plots.plot_manifold(aug, df, y)


def test_an_unfitted_augmenter_is_said_to_be_unfitted(digit_images):
    with pytest.raises(NotFittedError):
        plots.plot_offspring(VAEAugmenter(), *digit_images)
    with pytest.raises(NotFittedError):
        plots.plot_history(VAEAugmenter())


def test_the_figures_leave_pyplot_alone(tmp_path):
    """Built with the object API: no pyplot state, so no display is needed and the caller's current
    figure is untouched."""
    import subprocess
    import sys

    code = ("import sys, warnings, numpy as np; warnings.simplefilter('ignore')\n"
            "from vaeaug import VAEAugmenter; from vaeaug import plots\n"
            "X, y = np.random.default_rng(0).random((40, 6, 6)), np.arange(40) % 2\n"
            "aug = VAEAugmenter(epochs=1, latent_dim=2, verbose=0, random_state=0).fit(X, y)\n"
            "plots.plot_offspring(aug, X, y).savefig(sys.argv[1])\n"
            "print('matplotlib.pyplot' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path / "f.png")], capture_output=True, text=True,
                         timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False" and (tmp_path / "f.png").stat().st_size > 0


def test_interpolation_strips_are_decoded_as_the_interpolation_offspring_are(images):
    """A warp-decoded model's strips move each source towards its neighbour's shape (at λ = 0 the
    source itself), as ``generate``'s interpolation offspring are made; before, they drew the
    decoder's direct path, which the offspring never take."""
    aug, X, y = images
    assert aug.decoding_["interpolation"] == "warp"
    (ax,) = plots.plot_interpolation(aug, X, y, n_rows=4, steps=5).axes
    assert ax.get_title().startswith("Interpolation between same-class neighbours, warp decoding")
    canvas = np.asarray(ax.images[0].get_array())
    flat = X.reshape(len(X), -1).astype(np.float64)
    nearest = [np.corrcoef(np.vstack([c.ravel(), flat]))[0, 1:].max() for c in _cells(canvas, 8)]
    assert min(nearest) > 0.999  # λ = 0: each source, moved by nothing (a direct decode is a blur of it)


def test_the_figures_read_codes_whatever_output_sklearn_is_set_to(images):
    """Under sklearn.set_config(transform_output="pandas"), transform gives a frame: the latent and
    manifold figures indexed it as an array and failed with KeyError: (slice(None, None, None), 0)."""
    import sklearn

    aug, X, y = images
    with sklearn.config_context(transform_output="pandas"):
        assert isinstance(aug.transform(X), pd.DataFrame)  # as the user asked
        points = plots.plot_latent(aug, X, y).axes[0].collections[0].get_offsets()
        assert points.shape == (len(X), 2)
        assert isinstance(plots.plot_manifold(aug, X, y), Figure)


def test_the_manifold_labels_its_grid_without_holding_every_code_per_point(images):
    """A conditional decoder labels each grid point as its nearest code; all 144 points' distances
    to every code were held at once (0.9 GB for 50,000 codes of 16 dimensions)."""
    import tracemalloc

    aug = images[0]
    assert aug.config_.n_classes  # conditional: the grid is labelled
    rng = np.random.default_rng(0)
    Z, y = rng.normal(size=(20_000, aug.config_.latent_dim)), rng.integers(0, 10, 20_000)
    tracemalloc.start()
    fig = plots.manifold_figure(aug, Z, y)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert isinstance(fig, Figure) and peak < 40 * 2**20  # all at once: 144 × 20,000 × 4 floats, 92 MB
