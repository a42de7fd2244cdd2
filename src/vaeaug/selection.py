"""Choosing augmentation settings on the validation set, inside ``VAEAugmenter.fit``.

For each method, decoding and candidate strength, synthetic samples are made from the training set, a
fast proxy classifier (RBF kernel ridge, :class:`~vaeaug.proxy.KernelRidgeClassifier`) is
trained on real + synthetic samples, and scored on the validation set; the best candidate that
does no harm wins (ties go to the earlier, milder one). Nothing here sees a test set. How each
rule was found: ``docs/choice.md``.
"""

from __future__ import annotations

import numpy as np

from .decoding import auto_decodings
from .generation import OffspringMaker
from .latent import DEFAULT_STRENGTH, METHODS

#: Candidate strengths per method: σ for noise, λ for interpolation and extrapolation.
STRENGTH_GRID: dict[str, tuple] = {
    "noise": (0.25, 0.5, 1.0),
    "interpolation": (0.25, 0.5, 0.75),
    "extrapolation": (0.25, 0.5, 1.0),
}

#: Larger moves tried for warp decoding only: a warp carries just the smooth part of a decoded
#: change, so it needs a larger change in z (``benchmarks/results/ujipen-v1.md``).
WARP_EXTRA_STRENGTHS: dict[str, tuple] = {"noise": (2.0,), "interpolation": (1.0,), "extrapolation": (2.0,)}

#: The strength a method falls back to, with residual decoding, when no candidate beats real
#: data alone: near-copies, a fifth of the grid's mildest move (``results/fallback-strength.md``).
FALLBACK_STRENGTH: dict[str, float] = {"noise": 0.05, "interpolation": 0.05, "extrapolation": 0.05}

#: How many more validation samples than real data alone a candidate must classify correctly
#: (net) to be taken: one is within chance when twenty-odd candidates are tried on a small
#: validation set (``results/unseen-sets.md``).
MIN_GAIN_SAMPLES = 2

#: The 1-NN check of the choice reads at most this many real + synthetic training samples (a
#: seeded subsample beyond it), so that its cost stays bounded on large data sets.
NEAREST_MAX_SAMPLES = 20000


def _size(strength) -> float:
    """How far a strength moves a code: the value, or a (low, high) range's midpoint."""
    return float(np.mean(strength))


def choose_strengths(make_sets, X: np.ndarray, y: np.ndarray, X_val: np.ndarray, y_val: np.ndarray,
                     random_state: int | None, grid: dict[str, tuple] | None = None,
                     decodings: tuple[str, ...] = ("direct",),
                     warp_extra: dict[str, tuple] | None = None,
                     fallback: dict[str, float] | None = None) -> tuple[dict[str, float], dict[str, str], dict]:
    """Best (strength, decoding) per method by proxy validation accuracy, among those that do no harm.

    ``make_sets(method, strength, decodings)`` returns ``{decoding: (X_new, y_new)}`` for those
    decodings (:func:`choose` makes it: one decode of the codes serves every decoding). ``warp_extra``: further strengths per method scored for warp decoding only
    (:data:`WARP_EXTRA_STRENGTHS`). ``fallback``: the strength per method when nothing helps
    (:data:`FALLBACK_STRENGTH`); ``None`` falls back to the grid's mildest. Returns (strengths,
    decodings, scores): ``scores`` holds ``baseline`` (real data only) and, per method and
    decoding, every candidate strength's accuracy; ``scores["wins_losses"]`` the validation
    samples each candidate gets right where real data alone errs, and the reverse (the paired
    counts a significance test would read).

    Do no harm: a candidate must classify at least :data:`MIN_GAIN_SAMPLES` more validation
    samples correctly than real data alone, and must not cost a 1-nearest-neighbour classifier,
    a second and very different reader of the same data, more than one validation sample
    (``scores["1-NN"]``): the best of many candidates on a small validation set wins a sample or
    so by chance alone, and a lucky gain of the proxy is not taken for a real one. Where no
    candidate passes, the method falls back to its most conservative setting (residual decoding
    where allowed, the ``fallback`` strength): samples close to the real ones, which
    :class:`~vaeaug.VAEAugmenter` then gives or withholds as its ``on_no_gain`` says.
    ``scores["fallback"]`` lists the methods that fell back.
    """
    from sklearn.neighbors import KNeighborsClassifier

    from .proxy import FeatureScaler, KernelRidgeClassifier

    grid = grid or STRENGTH_GRID
    # the classifiers' own scaling (images by range, vectors by z-score), fitted once on real data
    scaler = FeatureScaler().fit(X, "image" if X.ndim > 2 else "vector")
    F, F_val = scaler.transform(X), scaler.transform(X_val)

    def right(F_train, y_train) -> np.ndarray:  # which validation samples the proxy gets right
        return KernelRidgeClassifier(random_state=random_state).fit(F_train, y_train).predict(F_val) == y_val

    def nearest_score(F_train, y_train) -> float:
        if len(F_train) > NEAREST_MAX_SAMPLES:  # a seeded subsample bounds the cost on large sets
            idx = np.random.default_rng(random_state).choice(len(F_train), NEAREST_MAX_SAMPLES, replace=False)
            F_train, y_train = F_train[idx], y_train[idx]
        return float(np.mean(KNeighborsClassifier(n_neighbors=1).fit(F_train, y_train).predict(F_val) == y_val))

    base_right = right(F, y)
    scores: dict = {"baseline": float(base_right.mean()), "fallback": [], "1-NN": {"baseline": nearest_score(F, y)},
                    "wins_losses": {}}
    needed = scores["baseline"] + MIN_GAIN_SAMPLES / len(y_val) - 1e-9  # that many more correct samples
    allowed = scores["1-NN"]["baseline"] - 1.0 / len(y_val) - 1e-9  # at most one fewer for the 1-NN
    conservative = "residual" if "residual" in decodings else decodings[0]
    strengths: dict[str, float] = {}
    chosen_decoding: dict[str, str] = {}
    extra = warp_extra if "warp" in decodings and warp_extra else {}
    for method, candidates in grid.items():
        if not candidates:  # nothing to try for this method
            continue
        scores[method] = {d: {} for d in decodings}
        scores["1-NN"][method] = {d: {} for d in decodings}
        scores["wins_losses"][method] = {d: {} for d in decodings}
        best = None
        for s in (*candidates, *extra.get(method, ())):
            wanted = decodings if s in candidates else ("warp",)
            sets = make_sets(method, s, wanted)
            for decoding in wanted:
                X_new, y_new = sets[decoding]
                F_aug, y_aug = np.concatenate([F, scaler.transform(X_new)]), np.concatenate([y, y_new])
                cand_right = right(F_aug, y_aug)
                acc, nearest = float(cand_right.mean()), nearest_score(F_aug, y_aug)
                scores[method][decoding][str(s)] = acc
                # validation samples the candidate gets right and real data alone wrong, and the reverse
                scores["wins_losses"][method][decoding][str(s)] = [int((cand_right & ~base_right).sum()),
                                                                   int((~cand_right & base_right).sum())]
                scores["1-NN"][method][decoding][str(s)] = nearest
                if acc < needed or nearest < allowed:  # do no harm
                    continue
                # ties go to the earlier decoding, then the milder strength
                key = (acc, -decodings.index(decoding), -_size(s))
                if best is None or key > best[0]:
                    best = (key, s, decoding)
        if best is None:
            mildest = fallback[method] if fallback and method in fallback else min(candidates, key=_size)
            best = (None, mildest, conservative)
            scores["fallback"].append(method)
        strengths[method], chosen_decoding[method] = best[1], best[2]
    return strengths, chosen_decoding, scores


def choose(aug, X: np.ndarray, y: np.ndarray, X_val: np.ndarray, y_val: np.ndarray) -> tuple[dict, dict, dict]:
    """``strength_``, ``decoding_`` and ``selection_`` of a fitted augmenter: the constructor's fixed
    values, or (``"auto"``) those :func:`choose_strengths` picks on validation for ``aug.n_per_sample``
    offspring per sample. A method that falls back gets no strength under ``on_no_gain="skip"``."""
    auto_strength, auto_decoding = isinstance(aug.strength, str), aug.decoding == "auto"
    fixed_decoding = "direct" if auto_decoding else aug.decoding
    strengths = dict(DEFAULT_STRENGTH) if auto_strength else {m: aug.strength for m in METHODS}
    decodings = {m: fixed_decoding for m in METHODS}
    decodings["reconstruction"] = "direct"  # residual decoding of z' = z is the sample itself
    if not (auto_strength or auto_decoding):
        return strengths, decodings, {}
    grid = None if auto_strength else {m: (aug.strength,) for m in STRENGTH_GRID}
    candidates = auto_decodings(aug.vae_.kind) if auto_decoding else (fixed_decoding,)
    maker = OffspringMaker(aug, X, y, candidates)

    def make_sets(method: str, strength, wanted: tuple[str, ...] = candidates) -> dict:
        rng = np.random.default_rng(aug.random_state)  # every candidate from the same draws
        codes, samples = maker.make(method, int(aug.n_per_sample), strength, rng, "skip", wanted)
        return {d: (samples[d], codes.y) for d in wanted}

    chosen, chosen_decodings, selection = choose_strengths(
        make_sets, X, y, X_val, y_val, aug.random_state, grid=grid, decodings=candidates,
        warp_extra=WARP_EXTRA_STRENGTHS if auto_strength else None,
        fallback=FALLBACK_STRENGTH if auto_strength else None)  # a fixed strength stays the user's
    strengths.update(chosen)
    decodings.update(chosen_decodings)
    if auto_strength and aug.on_no_gain == "skip":
        for method in selection["fallback"]:
            strengths[method] = None  # generate() makes nothing unless given a strength
    return strengths, decodings, selection
