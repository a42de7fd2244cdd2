"""Images given as tables: recognise (N, D) samples that are flattened H × W pictures, so that
``data_kind="auto"`` gives them the image model, moves and decodings (tables of pixels lose
under the table defaults: ``benchmarks/results/defaults-check-pixel-tables.md``).

The test is the one thing that sets pixels apart from other features: in the right layout,
a feature correlates with its neighbours *above and beside it* far more than with a feature
half a row away, or with the one that follows it across the end of its row. A spectrum, a
histogram or a time series (neighbours along one axis only) fails it, as does a table whose
features share no layout. Pixels standardised column by column pass it but stay a table: each
sits on its own scale, which moves and warps would mix. Pure functions of the data;
``docs/choice.md`` says how the thresholds were set.
"""

from __future__ import annotations

import logging

import numpy as np

logger = logging.getLogger("vaeaug")

#: The smallest side a layout may have, and how far from square it may be: digit benchmarks
#: are 8×8 to 28×28, and 16×15 ones exist; a 6×6 table (satimage's 3×3 pixels × 4 bands) is not.
MIN_SIDE, MAX_ASPECT = 8, 4 / 3
#: Neighbours above and beside must each correlate this much more than features half a row
#: apart and than a row's last and the next row's first, and the neighbours above at least
#: ``MIN_NEIGHBOUR`` (mean Pearson r over the pairs).
MARGIN, MIN_NEIGHBOUR = 0.2, 0.3
#: Below this many samples, correlations are too noisy to read a layout from; above
#: ``MAX_VALUES`` values, evenly spaced rows are read (a layout shows in a few thousand).
MIN_SAMPLES, MAX_VALUES = 20, 2**22


def layouts(n_features: int) -> list[tuple[int, int]]:
    """Every (H, W) with H·W = ``n_features``, both sides ≥ ``MIN_SIDE``, at most ``MAX_ASPECT`` from square."""
    out = []
    for h in range(MIN_SIDE, n_features // MIN_SIDE + 1):
        w, rest = divmod(n_features, h)
        if not rest and w >= MIN_SIDE and max(h, w) <= MAX_ASPECT * min(h, w):
            out.append((h, w))
    return out


def neighbour_correlations(X: np.ndarray, h: int, w: int) -> tuple[float, float, float, float]:
    """Mean correlation of (above, beside, half a row apart, across a row's end) feature pairs in
    the H × W layout; features that never vary are left out (a mean over no pair is 0)."""
    F = X.reshape(len(X), h, w).astype(np.float64)
    F = F - F.mean(axis=0)
    sd = np.sqrt((F ** 2).mean(axis=0))
    live = sd > 1e-12 * max(float(sd.max()), 1e-300)
    Z = np.divide(F, sd, out=np.zeros_like(F), where=live)

    def mean_r(a: np.ndarray, b: np.ndarray, ok: np.ndarray) -> float:
        return float((a * b).mean(axis=0)[ok].mean()) if ok.any() else 0.0

    half = w // 2
    return (mean_r(Z[:, 1:], Z[:, :-1], live[1:] & live[:-1]),
            mean_r(Z[:, :, 1:], Z[:, :, :-1], live[:, 1:] & live[:, :-1]),
            mean_r(Z[:, :, half:], Z[:, :, :w - half], live[:, half:] & live[:, :w - half]),
            mean_r(Z[:, :-1, -1], Z[:, 1:, 0], live[:-1, -1] & live[1:, 0]))


def image_shape(X: np.ndarray) -> tuple[int, int] | None:
    """The (H, W) that (N, D) samples ``X`` are flattened pictures of, or ``None``: among the
    layouts whose neighbours above and beside both stand out (above), the one whose neighbours
    above correlate most (16×15 against 15×16: only the true width puts a pixel's neighbour
    above it one row on)."""
    if X.ndim != 2 or len(X) < MIN_SAMPLES or not layouts(X.shape[1]):
        return None
    rows = max(MIN_SAMPLES, MAX_VALUES // X.shape[1])
    if len(X) > rows:
        X = X[np.linspace(0, len(X) - 1, rows).astype(int)]
    best, best_r = None, -np.inf
    for h, w in layouts(X.shape[1]):
        above, beside, far, wrap = neighbour_correlations(X, h, w)
        # a series cut into rows reads as a picture where its period matches the width, but its
        # samples run on across a row's end, where a picture's opposite edges do not meet
        if (above >= MIN_NEIGHBOUR and min(above, beside) >= max(far, wrap) + MARGIN) and above > best_r:
            best, best_r = (h, w), above
    return best


#: How closely every varying column must sit at mean 0 and one common spread (relative) to read
#: as standardised one by one, as a ``StandardScaler`` in front of a sampler leaves the rows it
#: was fitted on; real pixels' spreads differ by place (ink is rarer at the edges).
STANDARDISED_TOL = 1e-3


def standardised(*parts: np.ndarray) -> bool:
    """Whether every varying column of the rows of ``parts`` (each (N_i, D)) has mean 0 and one
    common spread: columns rescaled one by one, whose pixels no longer share an intensity scale
    that moves and warps could carry from one place to another. Read in blocks of rows, without
    a float64 copy of the table."""
    n, total, squares = 0, 0.0, 0.0
    for part in parts:
        for start in range(0, len(part), 65536):
            block = np.asarray(part[start:start + 65536], dtype=np.float64)
            n, total, squares = n + len(block), total + block.sum(axis=0), squares + (block * block).sum(axis=0)
    if n == 0:
        return False
    mean = total / n
    sd = np.sqrt(np.maximum(squares / n - mean * mean, 0.0))
    live = sd > 1e-6 * max(float(np.max(sd)), 1e-300)
    if live.sum() < 2:
        return False
    sd, mean = sd[live], mean[live]
    return bool(sd.max() <= (1 + STANDARDISED_TOL) * sd.min() and np.abs(mean).max() <= STANDARDISED_TOL * sd.min())


#: The widest column range may be this many times the median one (columns that vary): real
#: pixels share one intensity scale (the suite's pixel tables: 1.0; its other tables: 1 to 18,000).
MAX_RANGE_RATIO = 20.0


def shared_scale(X: np.ndarray) -> bool:
    """Whether the varying columns of ``X`` share one scale, as pixels do: the image model scales
    all by one minimum and maximum, so a column of time stamps beside 0..16 counts would leave
    the counts a billionth of the range, and their offspring flat."""
    span = np.ptp(X, axis=0).astype(np.float64)  # no NaN here: a table with one has no layout (image_shape)
    live = span[span > 0]
    return live.size == 0 or float(live.max()) <= MAX_RANGE_RATIO * float(np.median(live))


def pixel_layout(X: np.ndarray, data_kind: str, X_val: np.ndarray | None = None) -> tuple[int, int] | tuple[()]:
    """The (H, W) a table ``X`` (N, D) is read as, () for a table: under ``"auto"`` the recognised
    layout, unless its columns were standardised one by one (``X``, or ``X`` with ``X_val``: the
    rows the user gave when the validation part was held out of them); under ``"image"`` that,
    else the one near-square layout D has (none, or two: refused, since only the user knows which)."""
    if data_kind not in ("auto", "image"):
        return ()
    found = image_shape(X)
    # a scaler ran first (on X, or on X with the validation part fit held out): each pixel on its own scale
    if found and data_kind == "auto" and (standardised(X) or X_val is not None and standardised(X, X_val)):
        logger.info("the %d columns look like %d×%d images standardised column by column: read as a table "
                    "(moves need one intensity scale; scale after augmenting, or data_kind='image')",
                    X.shape[1], *found)
        return ()
    if found and data_kind == "auto" and not shared_scale(X):
        logger.info("the %d columns correlate as %d×%d images do, but their ranges differ up to %g-fold: read as "
                    "a table (data_kind='image' reads them as images)", X.shape[1], *found, MAX_RANGE_RATIO)
        return ()
    if found:  # said once, as the choice's line is: the table is no longer read as a table
        logger.info("read the %d columns as %d×%d images (image_shape_; data_kind='vector' keeps a table)",
                    X.shape[1], *found)
    if found or data_kind == "auto":
        return found or ()
    options = layouts(X.shape[1])
    if len(options) != 1:
        raise ValueError(f"data_kind='image' with {X.shape[1]} columns per sample: "
                         + (f"they could be {' or '.join(f'{h}×{w}' for h, w in options)} pixels"
                            if options else "no near-square picture of sides ≥ 8 has that many pixels")
                         + "; reshape X to (N, H, W) or (N, C, H, W)")
    return options[0]
