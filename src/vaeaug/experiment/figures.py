"""The experiment's figures as PNG files, each written atomically: those of :mod:`vaeaug.plots`
(drawn with matplotlib's object API, no pyplot state, no display needed) and the accuracy bars."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np

from ..fileio import atomic_write_bytes
from ..plots import (  # noqa: F401 (best_scored re-exported)
    as_images,
    best_scored,
    history_figure,
    latent_figure,
    manifold_figure,
    new_figure,
    offspring_figure,
    scatter_figure,
    strips_figure,
)


def _save(fig, path: Path) -> None:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight")
    atomic_write_bytes(path, buf.getvalue())


def _saved(fig, path: Path) -> bool:
    """Write ``fig`` to ``path`` when there is one; whether it was."""
    if fig is None:
        return False
    _save(fig, path)
    return True


def pictures_for(kind: str, meta: dict | None = None):
    """How a data set's samples are drawn: a function from samples to displayable images, or to
    None where they are drawn as curves (sequences) or not at all (non-square vectors). Pen
    trajectories are rendered as the image data set draws strokes."""
    if kind == "sequence":
        if (meta or {}).get("render") == "pen-trajectory":
            from ..data.trajectories import render_trajectories

            return lambda X: render_trajectories(list(X))
        return lambda X: None
    return as_images


def fig_training_curves(history: dict, path: Path) -> None:
    _save(history_figure(history), path)


def fig_latent(Z: np.ndarray, y: np.ndarray, path: Path) -> None:
    """Codes projected on their first two principal axes, coloured by class."""
    _save(latent_figure(Z, y), path)


def fig_manifold(aug, y_train: np.ndarray, Z_train: np.ndarray, path: Path, n: int = 12, picture=as_images) -> bool:
    """The decoded grid over the latent plane of :func:`fig_latent` (drawn only for pictures)."""
    return _saved(manifold_figure(aug, Z_train, y_train, n, picture), path)


def fig_offspring(aug, X: np.ndarray, y: np.ndarray, path: Path, seed: int = 0, n_rows: int = 8,
                  picture=as_images, curves: bool = False) -> bool:
    """Originals beside their offspring (the paper's Figure 10); sequences as curves with ``curves``."""
    return _saved(offspring_figure(aug, X, y, seed, n_rows, picture, curves), path)


def fig_strips(aug, X: np.ndarray, y: np.ndarray, path: Path, seed: int = 0, n_rows: int = 6, steps: int = 9,
               picture=as_images, curves: bool = False) -> bool:
    """Interpolation strips between same-class samples (Figure 14); sequences as curves with ``curves``."""
    return _saved(strips_figure(aug, X, y, seed, n_rows, steps, picture, curves), path)


def fig_synthetic_scatter(train_F: np.ndarray, sets: dict[str, np.ndarray], path: Path) -> None:
    """Real training samples and each method's synthetic samples on the real data's first two principal axes."""
    _save(scatter_figure(train_F, sets), path)


def fig_accuracy(result: dict, path: Path) -> None:
    """Test-accuracy gain over the baseline (points) per classifier and column, with the spread
    over seeds as error bars: differences of a point stay visible, where bars from 0 % hide them."""
    cols, clfs = result["columns"][1:], result["classifiers"]
    fig = new_figure(max(6, 1.2 * len(cols) + 2), 4)
    ax = fig.add_subplot()
    w = 0.8 / max(len(cols), 1)
    x = np.arange(len(clfs))
    for k, c in enumerate(cols):
        gains = [100 * (np.asarray(result["table"][n][c]["values"]) - np.asarray(result["table"][n]["baseline"]["values"]))
                 for n in clfs]
        made = [r.get("quality", {}).get(c, {}).get("n_synthetic", 1) for r in result["per_seed"]]
        label = c if any(made) else f"{c} (made nothing)"
        ax.bar(x + (k - (len(cols) - 1) / 2) * w, [g.mean() for g in gains], w, yerr=[g.std() for g in gains],
               label=label, capsize=2)
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_xticks(x)
    ax.set_xticklabels(clfs)
    ax.set_ylabel("test accuracy gain over real data alone (points)")
    ax.set_title(f"{result['dataset']['name']}: mean ± std over {len(result['seeds'])} seed(s)")
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)
    fig.subplots_adjust(right=0.72)
    _save(fig, path)
