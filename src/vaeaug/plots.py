"""Figures of a fitted augmenter, as matplotlib ``Figure`` objects for a notebook or ``savefig``.

What the experiment's report draws, for any fitted :class:`~vaeaug.VAEAugmenter` and your own data:
the training curves, the latent codes, originals beside their offspring, interpolation strips and
the decoded latent plane. Pictures are drawn as pictures, sequences as curves, and a table's
offspring as points beside the real rows. Built with matplotlib's object API (no pyplot state, no
display needed); matplotlib is the ``vaeaug[experiment]`` extra.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from sklearn.utils.validation import check_is_fitted

try:
    from matplotlib.figure import Figure
except ImportError as e:  # pragma: no cover - exercised only without the extra, or with a stale one
    from .errors import extra_import_error

    raise extra_import_error(e, "matplotlib", "vaeaug.plots",
                             "pip install matplotlib (or vaeaug[experiment])") from e

#: The columns of :func:`plot_offspring`: a title and the method that makes them (None: the original).
OFFSPRING_COLUMNS = (("original", None), ("reconstruction", "reconstruction"), ("noise", "noise"), ("noise", "noise"),
                     ("interpolation", "interpolation"), ("interpolation", "interpolation"),
                     ("extrapolation", "extrapolation"), ("extrapolation", "extrapolation"))


def new_figure(w: float, h: float) -> Figure:
    return Figure(figsize=(w, h), dpi=100)


def as_images(X) -> np.ndarray | None:
    """Samples as displayable (N, H, W) or (N, H, W, 3) arrays; None for non-square vectors."""
    X = np.asarray(X)
    if X.ndim == 3:
        return X
    if X.ndim == 4:
        return X.transpose(0, 2, 3, 1) if X.shape[1] == 3 else X[:, 0]
    side = round(math.sqrt(X.shape[1]))
    return X.reshape(len(X), side, side) if side * side == X.shape[1] else None


def codes_of(aug, X) -> np.ndarray:
    """``aug``'s latent means of ``X`` as an array, whatever ``sklearn.set_config(transform_output=...)``
    makes of ``transform``'s output (a frame under "pandas")."""
    return np.asarray(aug.transform(X), dtype=np.float32)


def decode(aug, Z: np.ndarray, labels) -> np.ndarray:
    """``aug``'s decodings of codes ``Z`` in the model's layout, as the drawings read them: pictures
    channels first, sequences (T, C) (``inverse_transform`` gives the layout fit read, ``layout_``)."""
    from .forms import as_arrays

    return as_arrays(aug.inverse_transform(Z.astype(np.float32), labels), getattr(aug, "layout_", None), None, None,
                     type(aug).__name__)


def tile(images: np.ndarray, rows: int, cols: int) -> np.ndarray:
    """Images on one canvas, ``rows`` × ``cols``, scaled together to [0, 1] with a 1-pixel gap."""
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


def curve_grid(rows: list[list[np.ndarray]], titles: list[str], title: str, max_channels: int = 3) -> Figure:
    """Sequences as small line plots, one per cell (rows × columns), the first channels in
    colour; each row shares its y range, so that offspring read against their original."""
    n_r, n_c = len(rows), len(rows[0])
    fig = new_figure(1.25 * n_c + 0.6, 0.95 * n_r + 0.8)
    fig.set_layout_engine("constrained")  # the title above the columns' titles, whatever the rows
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
    return fig


def _axes(ax, w: float, h: float):
    """The caller's axes, or those of a new figure of ``w`` × ``h`` inches."""
    return ax if ax is not None else new_figure(w, h).add_subplot()


def history_figure(history: dict, ax=None) -> Figure:
    """Training and validation loss per epoch, and the best epoch."""
    ax = _axes(ax, 6, 3.5)
    ep = np.arange(1, len(history["train_loss"]) + 1)
    ax.plot(ep, history["train_loss"], label="training")
    ax.plot(ep, history["val_loss"], label="validation")
    b = history["best_epoch"] + 1
    ax.axvline(b, color="grey", ls="--", lw=1, label=f"best epoch ({b})")
    ax.set_xlabel("epoch")
    ax.set_ylabel("negative β-ELBO per sample")
    ax.set_title(f"VAE training (seed {history.get('seed', 0)})")
    ax.legend()
    return ax.figure


def principal_plane(Z: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The codes' mean, first two principal axes (2, d) and the spread of the codes along them."""
    mean = Z.mean(axis=0)
    _, _, Vt = np.linalg.svd(Z - mean, full_matrices=False)
    axes = Vt[:2] if len(Vt) >= 2 else np.vstack([Vt, np.zeros_like(Vt)])
    return mean, axes, ((Z - mean) @ axes.T).std(axis=0)


def latent_figure(Z: np.ndarray, y: np.ndarray, ax=None) -> Figure:
    """Codes projected on their first two principal axes, coloured by class."""
    mean, axes, _ = principal_plane(Z)
    P = (Z - mean) @ axes.T
    ax = _axes(ax, 6, 5)
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
    return ax.figure


def manifold_figure(aug, Z: np.ndarray, y: np.ndarray, n: int = 12, picture: Callable = as_images) -> Figure | None:
    """Decode a grid over the codes' principal plane (±2 std): the learned manifold (``None`` for
    samples that are no pictures). A conditional decoder labels each point as its nearest code."""
    mean, axes, std = principal_plane(Z)
    u = np.linspace(-2, 2, n)
    grid = np.array([mean + a * std[0] * axes[0] + b * std[1] * axes[1] for b in u[::-1] for a in u])
    labels = None
    if aug.config_.n_classes:
        # one grid point at a time: all at once held 144 × N × d values (0.9 GB for 50,000 codes)
        labels = y[[int(((g - Z) ** 2).sum(-1).argmin()) for g in grid]]
    imgs = picture(decode(aug, grid, labels))
    if imgs is None:
        return None
    fig = new_figure(6, 6)
    ax = fig.add_subplot()
    ax.imshow(tile(imgs, n, n), cmap="gray", interpolation="nearest")
    ax.set_axis_off()
    ax.set_title("Decoded grid over the latent plane (±2 std)")
    return fig


def best_scored(selection: dict, method: str) -> tuple[float, str]:
    """The (strength, decoding) of ``method`` that the harm check in ``fit`` estimated best, ties
    to the milder strength: what a figure shows for a method that makes nothing."""
    scored = [(r["gain"], -float(np.mean(r["strength"])), r["decoding"], r["strength"])
              for r in selection.get("candidates", []) if r["method"] == method and r["gain"] is not None]
    if not scored:
        return 0.5, "residual"
    *_, decoding, strength = max(scored)
    return strength, decoding


def offspring_panels(aug, X, y: np.ndarray, seed: int = 0, n_rows: int = 8) -> tuple[list[list], list[str]]:
    """Originals of up to ``n_rows`` classes, one each, and for each column of
    :data:`OFFSPRING_COLUMNS` the VAE's offspring (the paper's Figure 10), then, where the model
    composes a move (``compose_``), the moved copy ``generate`` adds beside them: panels (column →
    samples) and their titles. A method that makes nothing shows its best-scored setting, marked
    "not used"."""
    rng = np.random.default_rng(seed)
    pick_classes = rng.choice(np.unique(y), size=min(n_rows, len(np.unique(y))), replace=False)
    idx = np.array([rng.choice(np.flatnonzero(y == c)) for c in pick_classes])
    sel = np.flatnonzero(np.isin(y, pick_classes))  # neighbours come from the whole class
    panels, titles = [], []
    for j, (title, method) in enumerate(OFFSPRING_COLUMNS):
        titles.append(title)
        if method is None:
            panels.append([X[i] for i in idx])
            continue
        strength, decoding = None, None  # exactly what generate() makes, as chosen in fit
        if getattr(aug, "strength_", {}).get(method, 0) is None:
            strength, decoding = best_scored(aug.selection_, method)
            titles[-1] = f"{title} (not used)"
        # the VAE's own offspring: with a move composed, generate adds each source's moved copy after them
        Xn, _, codes = aug.generate(_take(X, sel), y[sel], method, 1, strength=strength, decoding=decoding,
                                    random_state=seed + j, small_classes="skip", return_codes=True, compose="none")
        pos = {s: k for k, s in enumerate(sel[codes.source])}
        panels.append([Xn[pos[i]] if i in pos else X[i] * 0 for i in idx])
    move = getattr(aug, "compose_", "none")
    if move != "none":
        Xn, _, codes = aug.generate(_take(X, sel), y[sel], aug.method_, 1, random_state=seed,
                                    small_classes="skip", return_codes=True)
        pos = {sel[codes.source[k]]: k for k in np.flatnonzero(codes.moved)}
        panels.append([Xn[pos[i]] if i in pos else X[i] * 0 for i in idx])
        titles.append(f"{move.replace('_', ' ')} copy")
    return panels, titles


def _take(X, rows: np.ndarray):
    return [X[i] for i in rows] if isinstance(X, list) else X[rows]


def offspring_figure(aug, X, y: np.ndarray, seed: int = 0, n_rows: int = 8, picture: Callable = as_images,
                     curves: bool = False) -> Figure | None:
    """Originals beside their reconstruction and noise / interpolation / extrapolation offspring;
    with ``curves``, samples that are no pictures (sequences) as curves; else ``None`` for them."""
    panels, titles = offspring_panels(aug, X, y, seed, n_rows)
    imgs = [picture(p) for p in panels]
    if any(im is None for im in imgs):
        if not curves:
            return None
        return curve_grid([[p[r] for p in panels] for r in range(len(panels[0]))], titles,
                          "Originals (left) and their offspring")
    stacked = np.stack(imgs, axis=1).reshape(-1, *imgs[0].shape[1:])
    fig = new_figure(0.95 * len(titles) + 0.4, 1.1 * len(panels[0]) + 0.6)  # 8 inches for 8 columns
    ax = fig.add_subplot()
    ax.imshow(tile(stacked, len(panels[0]), len(titles)), cmap="gray", interpolation="nearest")
    ax.set_xticks([(k + 0.5) * (imgs[0].shape[2] + 1) for k in range(len(titles))])
    ax.set_xticklabels(titles, rotation=30, fontsize=8)
    ax.set_yticks([])
    ax.set_title("Originals and their offspring")
    return fig


def strips_figure(aug, X, y: np.ndarray, seed: int = 0, n_rows: int = 6, steps: int = 9, picture: Callable = as_images,
                  curves: bool = False) -> Figure | None:
    """Interpolation strips z_i + λ (z_j − z_i), λ from 0 to 1, between same-class samples
    (Figure 14), decoded as the model's interpolation offspring are (``decoding_``: a warp moves
    sample i towards j's shape, a direct decode draws the decoder's path); with ``curves``, samples
    that are no pictures (sequences) as curves; ``None`` where no class holds two samples, or
    (without ``curves``) for samples that are no pictures."""
    from .latent import SyntheticCodes, interpolate, same_class_neighbours

    rng = np.random.default_rng(seed)
    Z = codes_of(aug, X)
    nb = same_class_neighbours(Z, y, k=1)[:, 0]
    ok = np.flatnonzero(nb >= 0)
    if len(ok) == 0:
        return None
    rows = rng.choice(ok, size=min(n_rows, len(ok)), replace=False)
    lam = np.linspace(0, 1, steps)
    codes = np.concatenate([interpolate(np.repeat(Z[[i]], steps, 0), np.repeat(Z[[nb[i]]], steps, 0), lam) for i in rows])
    labels = np.repeat(y[rows], steps) if aug.config_.n_classes else None
    decoding = getattr(aug, "decoding_", {}).get("interpolation") or "direct"
    if decoding == "direct":
        decoded = decode(aug, codes, labels)
    else:  # moved from each strip's source, as generate's offspring are
        from .decoding import decode_codes, sources_for

        vae, X_rows = aug.vae_, aug._model_form(aug._cases(_take(X, rows)))[0]
        strip = SyntheticCodes(codes.astype(np.float32), np.repeat(y[rows], steps),
                               np.repeat(np.arange(len(rows)), steps), np.full(len(codes), -1))
        decoded = decode_codes(vae, strip, (decoding,), sources_for(vae, X_rows, y[rows], Z[rows], (decoding,)),
                               aug.warp_settings_, aug.enforce_range)[decoding]  # the model's layout
    title = f"Interpolation between same-class neighbours, {decoding} decoding"
    imgs = picture(decoded)
    if imgs is None:
        if not curves:
            return None
        return curve_grid([list(decoded[r * steps:(r + 1) * steps]) for r in range(len(rows))],
                          [f"λ = {v:.2g}" for v in lam], title)
    fig = new_figure(8, 1.0 * len(rows) + 0.5)
    ax = fig.add_subplot()
    ax.imshow(tile(imgs, len(rows), steps), cmap="gray", interpolation="nearest")
    ax.set_axis_off()
    ax.set_title(f"{title} (λ = 0 … 1)")
    return fig


def scatter_figure(real: np.ndarray, sets: dict[str, np.ndarray]) -> Figure:
    """Real samples and each set of synthetic ones on the real samples' first two principal axes."""
    mean = real.mean(axis=0)
    _, _, Vt = np.linalg.svd(real - mean, full_matrices=False)
    ax2 = Vt[:2]
    n = len(sets)
    cols = min(n, 3)
    rows = math.ceil(n / cols)
    fig = new_figure(4 * cols, 3.5 * rows)
    R = (real - mean) @ ax2.T
    for k, (name, F) in enumerate(sets.items()):
        ax = fig.add_subplot(rows, cols, k + 1)
        ax.scatter(R[:, 0], R[:, 1], s=6, c="grey", alpha=0.5, label="real")
        if len(F):
            P = (F - mean) @ ax2.T
            ax.scatter(P[:, 0], P[:, 1], s=6, c="tab:red", alpha=0.5, label="synthetic")
        ax.set_title(name, fontsize=9)
        ax.legend(fontsize=7)
    return fig


# --- the public figures of a fitted augmenter and the caller's data ---------------------------------------------

def _model_samples(aug, X):
    """``X`` in a form the drawings and ``generate`` share: PIL images, frames and 1-D sequences read
    as the model reads them; a frame with category columns as its encoded numbers; a table's missing
    cells as the VAE reads them (``missing_fill_``), since a projection reads none."""
    from .frames import frame_numbers, is_frame
    from .missing import filled_table

    X = aug._cases(X)
    if aug._table() is not None and is_frame(X):
        return aug.table_encoder_.transform_frame(X)
    if getattr(aug, "missing_fill_", None) is not None:
        X = filled_table(X, aug.missing_fill_)
    return frame_numbers(X) if is_frame(X) else X


def _picture(aug) -> Callable:
    """How the model's samples are drawn as pictures: rows of pixels at the model's picture size;
    sequences are none (drawn as curves)."""
    if aug.vae_.kind == "sequence":
        return lambda A: None
    shape = getattr(aug, "image_shape_", ())
    return (lambda A: np.asarray(A).reshape(len(A), *shape)) if shape else as_images


def _fitted(aug, X, y):
    """``X`` and ``y`` as the drawings read them, once ``aug`` is known to be fitted."""
    from .polarsframes import to_pandas

    check_is_fitted(aug, "vae_")
    return _model_samples(aug, to_pandas(X)), np.asarray(to_pandas(y))


def plot_history(aug, ax=None) -> Figure:
    """The training and validation loss per epoch of ``aug``'s VAE, with its best epoch; drawn on
    ``ax`` when given."""
    check_is_fitted(aug, "vae_")
    return history_figure(aug.history_, ax)


def plot_latent(aug, X, y, ax=None) -> Figure:
    """``X``'s latent codes (``aug.transform``) on their first two principal axes, coloured by ``y``."""
    X, y = _fitted(aug, X, y)
    return latent_figure(codes_of(aug, X), y, ax)


def plot_offspring(aug, X, y, n_rows: int = 8, random_state: int = 0) -> Figure:
    """Originals of ``n_rows`` classes beside their reconstruction and two offspring of each method,
    at the settings ``fit`` chose: pictures for images, curves for sequences; for a table, the real
    rows and each method's offspring on the real rows' first two principal axes (standardised)."""
    from .proxy import FeatureScaler

    X, y = _fitted(aug, X, y)
    kind = aug.vae_.kind
    if kind == "vector" and not getattr(aug, "image_shape_", ()):
        sets = {}
        for method in ("reconstruction", "noise", "interpolation", "extrapolation"):
            extra = dict(zip(("strength", "decoding"), best_scored(aug.selection_, method))) if (
                getattr(aug, "strength_", {}).get(method, 0) is None) else {}
            sets[method] = aug.generate(X, y, method, 1, random_state=random_state, small_classes="skip", **extra)[0]
        scaler = FeatureScaler().fit(X, kind)
        return scatter_figure(scaler.transform(X), {k: scaler.transform(v) for k, v in sets.items()})
    return offspring_figure(aug, X, y, random_state, n_rows, _picture(aug), curves=True)


def plot_interpolation(aug, X, y, n_rows: int = 6, steps: int = 9, random_state: int = 0) -> Figure:
    """Decodings of z_i + λ (z_j − z_i), λ from 0 to 1, between ``n_rows`` samples and their nearest
    same-class neighbours: pictures for images, curves for sequences."""
    X, y = _fitted(aug, X, y)
    if aug.vae_.kind == "vector" and not getattr(aug, "image_shape_", ()):
        raise ValueError("plot_interpolation draws pictures and sequences; a table's offspring are drawn by "
                         "plot_offspring, as points beside the real rows")
    fig = strips_figure(aug, X, y, random_state, n_rows, steps, _picture(aug), curves=True)
    if fig is None:
        raise ValueError("no class of y holds two samples: there is no same-class neighbour to interpolate towards")
    return fig


def plot_manifold(aug, X, y, n: int = 12) -> Figure:
    """The decoder's pictures over a grid of the plane of ``X``'s codes (±2 std on their first two
    principal axes), each point labelled as its nearest code: what the latent space has learned."""
    X, y = _fitted(aug, X, y)
    if aug.vae_.kind != "image":
        raise ValueError("plot_manifold draws pictures, and this model's samples are "
                         f"{'table rows' if aug.vae_.kind == 'vector' else 'sequences'}")
    return manifold_figure(aug, codes_of(aug, X), y, n, _picture(aug))
