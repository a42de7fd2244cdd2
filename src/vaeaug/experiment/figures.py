"""The experiment's figures, drawn with matplotlib's object API (no pyplot state, no display
needed); each PNG is written atomically."""

from __future__ import annotations

import io
import math
from pathlib import Path

import numpy as np

from ..fileio import atomic_write_bytes


def _figure(w: float, h: float):
    from matplotlib.figure import Figure

    return Figure(figsize=(w, h), dpi=100)


def _save(fig, path: Path) -> None:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight")
    atomic_write_bytes(path, buf.getvalue())


def _as_images(X: np.ndarray) -> np.ndarray | None:
    """Samples as displayable (N, H, W) or (N, H, W, 3) arrays; None for non-square vectors."""
    if X.ndim == 3:
        return X
    if X.ndim == 4:
        return X.transpose(0, 2, 3, 1) if X.shape[1] == 3 else X[:, 0]
    side = int(round(math.sqrt(X.shape[1])))
    return X.reshape(len(X), side, side) if side * side == X.shape[1] else None


def pictures_for(kind: str, meta: dict | None = None):
    """How a data set's samples are drawn: a function from samples to displayable images, or to
    None where they are drawn as curves (sequences) or not at all (non-square vectors). Pen
    trajectories are rendered as the image data set draws strokes."""
    if kind == "sequence":
        if (meta or {}).get("render") == "pen-trajectory":
            from ..data.trajectories import render_trajectories

            return lambda X: render_trajectories(list(X))
        return lambda X: None
    return lambda X: _as_images(np.asarray(X))


def _curve_grid(rows: list[list[np.ndarray]], titles: list[str], title: str, path: Path,
                max_channels: int = 3) -> None:
    """Sequences as small line plots, one per cell (rows × columns), the first channels in
    colour; each row shares its y range, so that offspring read against their original."""
    n_r, n_c = len(rows), len(rows[0])
    fig = _figure(1.25 * n_c + 0.6, 0.95 * n_r + 0.8)
    axes = fig.subplots(n_r, n_c, squeeze=False, sharey="row")
    for r, row in enumerate(rows):
        for c, seq in enumerate(row):
            ax = axes[r][c]
            a = np.asarray(seq, dtype=np.float64)
            if a.size:
                for ch in range(min(max_channels, a.shape[1])):
                    ax.plot(a[:, ch], lw=0.9, color=f"C{ch}")
            ax.set_xticks([])
            ax.set_yticks([])
            if r == 0:
                ax.set_title(titles[c], fontsize=7)
    more = np.shape(rows[0][0])[-1] > max_channels
    fig.suptitle(title + (f" (first {max_channels} channels)" if more else ""), fontsize=9)
    _save(fig, path)


def _tile(images: np.ndarray, rows: int, cols: int) -> np.ndarray:
    imgs = images.astype(np.float64)
    lo, hi = float(imgs.min()), float(imgs.max())
    imgs = (imgs - lo) / (hi - lo if hi > lo else 1.0)
    h, w = imgs.shape[1:3]
    pad = 1
    canvas = np.ones((rows * (h + pad) + pad, cols * (w + pad) + pad, *imgs.shape[3:]))
    for k in range(min(len(imgs), rows * cols)):
        r, c = divmod(k, cols)
        canvas[pad + r * (h + pad): pad + r * (h + pad) + h, pad + c * (w + pad): pad + c * (w + pad) + w] = imgs[k]
    return canvas


def fig_training_curves(history: dict, path: Path) -> None:
    fig = _figure(6, 3.5)
    ax = fig.add_subplot()
    ep = np.arange(1, len(history["train_loss"]) + 1)
    ax.plot(ep, history["train_loss"], label="training")
    ax.plot(ep, history["val_loss"], label="validation")
    b = history["best_epoch"] + 1
    ax.axvline(b, color="grey", ls="--", lw=1, label=f"best epoch ({b})")
    ax.set_xlabel("epoch")
    ax.set_ylabel("negative β-ELBO per sample")
    ax.set_title("VAE training (seed %s)" % history.get("seed", 0))
    ax.legend()
    _save(fig, path)


def fig_latent(Z: np.ndarray, y: np.ndarray, path: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Codes projected on their first two principal axes, coloured by class. Returns (mean, axes, std)."""
    mean = Z.mean(axis=0)
    U, S, Vt = np.linalg.svd(Z - mean, full_matrices=False)
    axes = Vt[:2] if len(Vt) >= 2 else np.vstack([Vt, np.zeros_like(Vt)])
    P = (Z - mean) @ axes.T
    fig = _figure(6, 5)
    ax = fig.add_subplot()
    classes = np.unique(y)
    cmap = "tab10" if len(classes) <= 10 else "tab20" if len(classes) <= 20 else "nipy_spectral"
    idx = np.searchsorted(classes, y)
    sc = ax.scatter(P[:, 0], P[:, 1], c=idx, cmap=cmap, s=12, alpha=0.8)
    if len(classes) <= 20:
        handles = [ax.scatter([], [], color=sc.cmap(sc.norm(i)), s=12, label=str(c)) for i, c in enumerate(classes)]
        ax.legend(handles=handles, fontsize=7, loc="best", ncol=2)
    ax.set_xlabel("principal axis 1 of z")
    ax.set_ylabel("principal axis 2 of z")
    ax.set_title("Latent codes of the training set")
    _save(fig, path)
    return mean, axes, P.std(axis=0)


def fig_manifold(aug, mean, axes, std, y_train: np.ndarray, Z_train: np.ndarray, path: Path, n: int = 12,
                 picture=_as_images) -> bool:
    """Decode a grid over the 2-D plane of :func:`fig_latent` (±2 std): the learned manifold
    (drawn only for samples that are pictures)."""
    u = np.linspace(-2, 2, n)
    grid = np.array([mean + a * std[0] * axes[0] + b * std[1] * axes[1] for b in u[::-1] for a in u])
    labels = None
    if aug.config_.n_classes:  # conditional decoder: label each point as its nearest training code
        d = ((grid[:, None, :] - Z_train[None]) ** 2).sum(-1)
        labels = y_train[d.argmin(axis=1)]
    imgs = picture(aug.inverse_transform(grid.astype(np.float32), labels))
    if imgs is None:
        return False
    fig = _figure(6, 6)
    ax = fig.add_subplot()
    ax.imshow(_tile(imgs, n, n), cmap="gray")
    ax.set_axis_off()
    ax.set_title("Decoded grid over the latent plane (±2 std)")
    _save(fig, path)
    return True


def fig_offspring(aug, X: np.ndarray, y: np.ndarray, path: Path, seed: int = 0, n_rows: int = 8,
                  picture=_as_images, curves: bool = False) -> bool:
    """Originals beside their reconstruction and noise / interpolation / extrapolation offspring
    (the paper's Figure 10); with ``curves``, samples that are not pictures (sequences) as curves."""
    rng = np.random.default_rng(seed)
    classes = np.unique(y)
    pick_classes = rng.choice(classes, size=min(n_rows, len(classes)), replace=False)
    idx = np.array([rng.choice(np.flatnonzero(y == c)) for c in pick_classes])
    cols = [("original", None, None), ("reconstruction", "reconstruction", None), ("noise", "noise", None),
            ("noise", "noise", None), ("interpolation", "interpolation", None),
            ("interpolation", "interpolation", None), ("extrapolation", "extrapolation", None),
            ("extrapolation", "extrapolation", None)]
    panels = []
    for j, (title, method, _) in enumerate(cols):
        if method is None:
            panels.append([X[i] for i in idx])
            continue
        strength, decoding = None, None  # exactly what generate() makes, as chosen in fit
        if getattr(aug, "strength_", {}).get(method, 0) is None:
            # fit found no gain, so generate() makes nothing: show the best-scored candidate, marked
            strength, decoding = best_scored(aug.selection_, method)
            cols[j] = (f"{title} (not used)", method, None)
        # neighbours come from the whole class, so generate on all samples of the picked classes
        sel = np.flatnonzero(np.isin(y, pick_classes))
        Xn, _, codes = aug.generate(X[sel], y[sel], method, 1, strength=strength, decoding=decoding,
                                    random_state=seed + j, small_classes="skip", return_codes=True)
        pos = {s: k for k, s in enumerate(sel[codes.source])}
        panels.append([Xn[pos[i]] if i in pos else X[i] * 0 for i in idx])
    imgs = [picture(p) for p in panels]
    if any(im is None for im in imgs):
        if not curves:
            return False
        _curve_grid([[p[r] for p in panels] for r in range(len(idx))], [c[0] for c in cols],
                    "Originals (left) and their offspring", path)
        return True
    stacked = np.stack(imgs, axis=1).reshape(-1, *imgs[0].shape[1:])
    fig = _figure(8, 1.1 * len(idx) + 0.6)
    ax = fig.add_subplot()
    ax.imshow(_tile(stacked, len(idx), len(cols)), cmap="gray")
    ax.set_xticks([(k + 0.5) * (imgs[0].shape[2] + 1) for k in range(len(cols))])
    ax.set_xticklabels([c[0] for c in cols], rotation=30, fontsize=8)
    ax.set_yticks([])
    ax.set_title("Originals and their offspring")
    _save(fig, path)
    return True


def best_scored(selection: dict, method: str) -> tuple[float, str]:
    """The (strength, decoding) of ``method`` that the harm check in ``fit`` estimated best, ties
    to the milder strength: what a figure shows for a method that makes nothing."""
    scored = [(r["gain"], -float(np.mean(r["strength"])), r["decoding"], r["strength"])
              for r in selection.get("candidates", []) if r["method"] == method and r["gain"] is not None]
    if not scored:
        return 0.5, "residual"
    *_, decoding, strength = max(scored)
    return strength, decoding


def fig_strips(aug, X: np.ndarray, y: np.ndarray, path: Path, seed: int = 0, n_rows: int = 6, steps: int = 9,
               picture=_as_images, curves: bool = False) -> bool:
    """Interpolation strips z_i + λ (z_j − z_i), λ from 0 to 1, between same-class samples
    (Figure 14); with ``curves``, samples that are not pictures (sequences) as curves."""
    from ..latent import interpolate, same_class_neighbours

    rng = np.random.default_rng(seed)
    Z = aug.transform(X)
    nb = same_class_neighbours(Z, y, k=1)[:, 0]
    ok = np.flatnonzero(nb >= 0)
    if len(ok) == 0:
        return False
    rows = rng.choice(ok, size=min(n_rows, len(ok)), replace=False)
    lam = np.linspace(0, 1, steps)
    codes = np.concatenate([interpolate(np.repeat(Z[[i]], steps, 0), np.repeat(Z[[nb[i]]], steps, 0), lam) for i in rows])
    labels = np.repeat(y[rows], steps) if aug.config_.n_classes else None
    decoded = aug.inverse_transform(codes.astype(np.float32), labels)
    imgs = picture(decoded)
    if imgs is None:
        if not curves:
            return False
        _curve_grid([list(decoded[r * steps:(r + 1) * steps]) for r in range(len(rows))],
                    [f"λ = {v:.2g}" for v in lam], "Interpolation between same-class neighbours", path)
        return True
    fig = _figure(8, 1.0 * len(rows) + 0.5)
    ax = fig.add_subplot()
    ax.imshow(_tile(imgs, len(rows), steps), cmap="gray")
    ax.set_axis_off()
    ax.set_title("Interpolation between same-class neighbours (λ = 0 … 1)")
    _save(fig, path)
    return True


def fig_synthetic_scatter(train_F: np.ndarray, sets: dict[str, np.ndarray], path: Path) -> None:
    """Real training samples and each method's synthetic samples on the real data's first two principal axes."""
    mean = train_F.mean(axis=0)
    _, _, Vt = np.linalg.svd(train_F - mean, full_matrices=False)
    ax2 = Vt[:2]
    n = len(sets)
    cols = min(n, 3)
    rows = int(math.ceil(n / cols))
    fig = _figure(4 * cols, 3.5 * rows)
    R = (train_F - mean) @ ax2.T
    for k, (name, F) in enumerate(sets.items()):
        ax = fig.add_subplot(rows, cols, k + 1)
        ax.scatter(R[:, 0], R[:, 1], s=6, c="grey", alpha=0.5, label="real")
        if len(F):
            P = (F - mean) @ ax2.T
            ax.scatter(P[:, 0], P[:, 1], s=6, c="tab:red", alpha=0.5, label="synthetic")
        ax.set_title(name, fontsize=9)
        ax.legend(fontsize=7)
    _save(fig, path)


def fig_accuracy(result: dict, path: Path) -> None:
    """Test-accuracy gain over the baseline (points) per classifier and column, with the spread
    over seeds as error bars: differences of a point stay visible, where bars from 0 % hide them."""
    cols, clfs = result["columns"][1:], result["classifiers"]
    fig = _figure(max(6, 1.2 * len(cols) + 2), 4)
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
