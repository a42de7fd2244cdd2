"""The choice inside ``VAEAugmenter.fit``: the prior's ranked settings (:mod:`.priors`), checked
for harm by cross-validation over every labelled sample (train ∪ validation).

Honesty: each fold's offspring come from a generator trained from scratch on that fold's
training part alone (:func:`~vaeaug.fitting.train_fold`, preprocessing included), for the epoch
count the main model's early stopping found; the held-out part is only ever predicted. Each
candidate is scored against real data alone on the same fold (with the input-space moves that
``compose`` adds on both sides, so the check asks whether the VAE's offspring hurt on top of
them), sample by sample, with the user's classifier (``estimator``) or the fast proxy. The
prior's first setting stands unless a sign test on the pooled wins and losses says it hurts, at
the kind's level (:data:`~vaeaug.priors.HARM_ALPHA`).
The move is put to the same test against real data alone: under ``compose="auto"`` a move judged
harmful is dropped, and the candidates are then read without it. How the rule was found:
``docs/choice.md``.
"""

from __future__ import annotations

import logging
import warnings

import numpy as np

from .decoding import allowed_decodings, auto_decodings, warp_settings
from .errors import warn_caller
from .generation import OffspringMaker, moved_copies, moves_rng
from .latent import DEFAULT_STRENGTH, METHODS, NEIGHBOUR_METHODS
from .priors import HARM_ALPHA, NEAR_COPY_STRENGTH, Setting, candidates, n_folds, resolved_n_per_sample

logger = logging.getLogger("vaeaug")

class _FoldAugmenter:
    """What :class:`~vaeaug.generation.OffspringMaker` reads of an augmenter, with a fold's model."""

    def __init__(self, aug, vae, spread):
        self.vae_, self.latent_spread_ = vae, spread
        self.n_neighbors, self.enforce_range = aug.n_neighbors, aug.enforce_range
        self.match_moments = aug.match_moments
        self.warp_settings_ = (warp_settings(vae.preprocessor.model_shape, aug.warp_smoothness, aug.warp_gain)
                               if vae.kind == "image" else None)


def harm_test(wins: int, losses: int) -> float:
    """One-sided sign test: the chance of at least ``losses`` losses among ``wins + losses``
    decided samples if the setting did neither good nor harm (1.0 when none is decided)."""
    from scipy.stats import binomtest

    n = wins + losses
    return 1.0 if n == 0 else float(binomtest(losses, n, 0.5, alternative="greater").pvalue)


def harm_row(diff: np.ndarray, alpha: float) -> dict:
    """What the check reads from per-sample differences (−1, 0, 1): the estimated gain with its
    interval, wins, losses, the sign test's p-value, and whether that says harm at ``alpha``."""
    wins, losses = int((diff > 0).sum()), int((diff < 0).sum())
    gain, low, high = gain_interval(diff.astype(np.float64))
    p = harm_test(wins, losses)
    return {"gain": gain, "interval": [low, high], "wins": wins, "losses": losses, "p_harm": p,
            "harmful": p < alpha}


def gain_interval(diff: np.ndarray, z: float = 1.96) -> tuple[float, float, float]:
    """Estimated accuracy gain (points) from per-sample differences in {−1, 0, 1}, with a normal
    95 % interval: (gain, low, high)."""
    n = max(len(diff), 1)
    g = float(diff.mean()) if len(diff) else 0.0
    half = z * float(diff.std(ddof=1)) / np.sqrt(n) if len(diff) > 1 else 0.0
    return 100 * g, float(100 * (g - half)), float(100 * (g + half))


def check_scorer(estimator) -> None:
    """Refuse, before any training, a scorer the harm check cannot use: it fits on samples and
    compares its predictions with their labels, so it needs ``fit`` and ``predict``, and one that
    does not declare itself a classifier (a regressor, a clusterer) is warned about."""
    from sklearn.base import is_classifier

    if estimator is None:
        return
    if isinstance(estimator, type):
        raise TypeError(f"estimator must be an instance, e.g. {estimator.__name__}(), not the class itself")
    if not (callable(getattr(estimator, "fit", None)) and callable(getattr(estimator, "predict", None))):
        raise TypeError(f"estimator must be a classifier with fit and predict (the one the harm check scores "
                        f"with), got {estimator!r}")
    if not is_classifier(estimator):
        warn_caller(f"estimator {type(estimator).__name__} is not a classifier (scikit-learn's is_classifier); "
                    "the harm check compares its predictions with the labels", UserWarning)


class Scorer:
    """Which held-out samples a classifier trained on given samples gets right: the user's
    estimator (cloned, on samples flattened to (N, n_features) in the input's scale) or the
    proxy (:class:`~vaeaug.proxy.KernelRidgeClassifier` on the library's feature scaling)."""

    def __init__(self, estimator, kind: str, random_state):
        self.estimator, self.kind, self.random_state = estimator, kind, random_state

    @property
    def name(self) -> str:
        return "proxy (RBF kernel ridge)" if self.estimator is None else type(self.estimator).__name__

    def fitted(self, X_train, y_train, X_test, scaler, n_real: int = 0):
        """The scorer trained on ``X_train``, and ``X_test`` as it reads them; ``n_real``: the
        leading rows of ``X_train`` that are real, which the proxy keeps whenever it subsamples."""
        from sklearn.base import clone

        from .proxy import KernelRidgeClassifier

        if self.estimator is None:
            model = KernelRidgeClassifier(random_state=self.random_state)
            F, F_test = scaler.transform(X_train), scaler.transform(X_test)
            return model.fit(F, y_train, keep_first=n_real), F_test
        F = X_train.reshape(len(X_train), -1).astype(np.float64)
        return clone(self.estimator).fit(F, y_train), X_test.reshape(len(X_test), -1).astype(np.float64)

    def right(self, X_train, y_train, X_test, y_test, scaler, n_real: int = 0) -> np.ndarray:
        """Whether each test sample is predicted right by the scorer trained on the given samples."""
        model, F_test = self.fitted(X_train, y_train, X_test, scaler, n_real)
        return model.predict(F_test) == y_test


def folds(y: np.ndarray, n_folds: int, random_state) -> list[tuple[np.ndarray, np.ndarray]]:
    """Stratified (train, held-out) index pairs; a class with fewer samples than folds is spread
    over as many as it fills. No more folds than the largest class has samples (stratification
    needs it); where every class is a single sample, plain shuffled folds (which :func:`choose`
    does not run: a held-out sample's class would never be trained on)."""
    from sklearn.model_selection import KFold, StratifiedKFold

    largest = int(np.unique(y, return_counts=True)[1].max())
    n_folds = int(min(n_folds, len(y), max(largest, 2)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "the least populated class has only ... members"
        cv = StratifiedKFold if largest >= 2 else KFold
        return list(cv(n_folds, shuffle=True, random_state=random_state).split(np.zeros(len(y)), y))


def _fixed(aug) -> tuple[dict, dict]:
    """strength_ and decoding_ when the user fixed both: no choice to make."""
    strengths = {m: aug.strength for m in METHODS}
    decodings = {m: aug.decoding for m in METHODS}
    decodings["reconstruction"] = "direct"  # residual decoding of z' = z is the sample itself
    return strengths, decodings


def cross_validate(aug, settings: list[Setting], X: np.ndarray, y: np.ndarray, X_unlabeled, scorer: Scorer,
                   split: list[tuple[np.ndarray, np.ndarray]], bar=None, X_score: np.ndarray | None = None
                   ) -> tuple[np.ndarray, dict[Setting, np.ndarray], dict, tuple | None]:
    """Per pooled sample, over the folds of ``split`` (train, held-out indices): whether real data
    alone (with the moves, under ``compose``) gets it right, and per setting the difference (−1, 0,
    1) offspring make; what the folds were (sizes, epochs); and under ``compose`` the same without the moves, (right, {setting: difference}),
    its differences only where the move may be dropped (``compose="auto"``), else ``{}``.
    ``X_score``: the same sequences at a length past the model's, which the scorer then reads (real
    samples, moves and offspring, residual ones moved at that length), as the user's classifier would."""
    from .fitting import train_fold
    from .proxy import FeatureScaler

    hist = aug.history_
    epochs = max(hist["best_epoch"] + 1, 1)
    kl_warmup = int(hist.get("kl_warmup", aug.kl_warmup))
    base = np.zeros(len(y), bool)
    diff = {s: np.zeros(len(y), np.int8) for s in settings}
    decodings = tuple(dict.fromkeys(s.decoding for s in settings))
    compose = getattr(aug, "compose_", "none")
    # the move's own trial: real data alone beside real + moves; the candidates read both ways if it may go
    alone = np.zeros(len(y), bool) if compose != "none" else None
    droppable = compose != "none" and aug.compose == "auto"
    diff_alone = {s: np.zeros(len(y), np.int8) for s in settings} if droppable else {}
    amount = resolved_n_per_sample(aug.n_per_sample, aug.vae_.kind)
    S = X if X_score is None else X_score  # the real samples as the scorer reads them
    for k, (tr, te) in enumerate(split):
        vae, spread = train_fold(aug, aug.vae_, X[tr], y[tr], X_unlabeled, epochs, kl_warmup)
        fold_aug = _FoldAugmenter(aug, vae, spread)
        maker = OffspringMaker(fold_aug, X[tr], y[tr], decodings)
        scaler = FeatureScaler(None if X_score is None else S.shape[1]).fit(S[tr], vae.kind)
        X_fold, y_fold = S[tr], y[tr]
        if compose != "none":  # the moves generate() adds stand on both sides of the comparison
            alone[te] = scorer.right(S[tr], y[tr], S[te], y[te], scaler, n_real=len(tr))
            X_mv, y_mv = next(moved_copies(fold_aug, compose, S[tr], y[tr], amount,
                                           moves_rng(aug.seed_)))
            X_fold, y_fold = np.concatenate([X_fold, X_mv]), np.concatenate([y_fold, y_mv])
        base[te] = scorer.right(X_fold, y_fold, S[te], y[te], scaler, n_real=len(tr))
        by_draw: dict[tuple, list[Setting]] = {}
        for s in settings:  # one decode serves every decoding of a (method, strength)
            by_draw.setdefault((s.method, s.strength), []).append(s)
        for (method, strength), group in by_draw.items():
            rng = np.random.default_rng(aug.seed_)
            codes, samples = maker.make(method, amount, strength, rng, "noise",  # as generate(X, y) makes them
                                        tuple(dict.fromkeys(s.decoding for s in group)))
            for s in group:
                made = samples[s.decoding] if X_score is None else at_score_length(
                    samples[s.decoding], codes.source, s.decoding, X[tr], S[tr], vae, aug.enforce_range)
                X_aug = np.concatenate([X_fold, made])
                right = scorer.right(X_aug, np.concatenate([y_fold, codes.y]), S[te], y[te], scaler, n_real=len(tr))
                diff[s][te] = right.astype(np.int8) - base[te]
                if droppable:
                    right = scorer.right(np.concatenate([S[tr], made]), np.concatenate([y[tr], codes.y]),
                                         S[te], y[te], scaler, n_real=len(tr))
                    diff_alone[s][te] = right.astype(np.int8) - alone[te]
        if bar is not None:
            bar.update(1)
    info = {"folds": len(split), "fold_epochs": epochs, "fold_sizes": [int(len(te)) for _, te in split],
            "compose": compose}
    return base, diff, info, (None if alone is None else (alone, diff_alone))


def at_score_length(made: np.ndarray, source: np.ndarray, decoding: str, X: np.ndarray, S: np.ndarray, vae,
                    enforce_range: bool) -> np.ndarray:
    """A fold's offspring (M, L, C), made from ``X`` at the model's length, at the length of ``S``
    (the same sources, longer) as ``generate`` returns them: residual ones each source moved at that
    length (:func:`~vaeaug.sequences.residual_at_lengths`), the others resampled."""
    from .sequences import resample_all, residual_at_lengths

    if decoding != "residual":
        return resample_all(made, S.shape[1])
    pre = vae.preprocessor
    lo, hi = (pre.min_, pre.max_) if enforce_range else (None, None)
    return np.stack(residual_at_lengths(S[source], made, X[source], lo, hi, made.dtype))


def choose(aug, X: np.ndarray, y: np.ndarray, X_val: np.ndarray, y_val: np.ndarray, estimator=None,
           X_unlabeled: np.ndarray | None = None, X_score: np.ndarray | None = None) -> tuple[str, dict, dict, dict]:
    """``method_``, ``strength_``, ``decoding_`` and ``selection_`` of an augmenter fitted on (X, y)
    and watched by (X_val, y_val): the user's fixed values, or the prior's ranked settings with
    those the harm check rejects struck out. A method whose every setting is rejected gives
    near-copies (``on_no_gain="near_copies"``) or nothing (``"skip"``)."""
    from tqdm.auto import tqdm

    auto_method = aug.method == "auto"
    auto_strength, auto_decoding = isinstance(aug.strength, str), aug.decoding == "auto"
    if not (auto_method or auto_strength or auto_decoding):
        return (aug.method, *_fixed(aug), {})
    kind = aug.vae_.kind
    allowed = auto_decodings(kind) if auto_decoding else allowed_decodings(kind)
    strength = tuple(aug.strength) if isinstance(aug.strength, list) else aug.strength
    settings = candidates(kind, aug.method, strength, aug.decoding, allowed)
    X_all, y_all = np.concatenate([X, X_val]), np.concatenate([y, y_val])
    scorer = Scorer(estimator, kind, aug.seed_)
    k = n_folds(aug.cv, len(y_all))
    alpha = HARM_ALPHA[kind]
    split = folds(y_all, k, aug.seed_)
    one_class = len(np.unique(y_all)) < 2  # any classifier is right on every sample: nothing to judge by
    one_each = np.unique(y_all, return_counts=True)[1].max() < 2  # a held-out sample's class is never trained on
    checked = not one_class and not one_each and not proxy_blind(scorer, split)
    bar = tqdm(total=k if checked else 0, desc="choosing settings", unit="fold", disable=aug.verbose <= 0,
               leave=aug.verbose > 1)
    if checked:
        base, diff, info, plain = cross_validate(aug, settings, X_all, y_all, X_unlabeled, scorer, split, bar,
                                                 X_score)
    else:  # every setting stands unscored, in the prior's order
        base, diff, info, plain = None, {}, {"folds": 0, "compose": getattr(aug, "compose_", "none")}, None
    if X_score is not None:
        info["scored_length"] = int(X_score.shape[1])
    if plain is not None:  # the move itself against real data alone: dropped where it hurts, if "auto"
        alone, diff_alone = plain
        move = {"compose": info["compose"], **harm_row(base.astype(np.int8) - alone, alpha)}
        move["dropped"] = bool(move["harmful"] and diff_alone)
        info["move"] = move
        if move["dropped"]:
            base, diff, info["compose"] = alone, diff_alone, "none"
    unscored = {"gain": None, "interval": None, "wins": 0, "losses": 0, "p_harm": None, "harmful": False}
    rows = [{"method": s.method, "decoding": s.decoding, "strength": s.strength,
             **(harm_row(diff[s], alpha) if checked else unscored)} for s in settings]
    kept = [r for r in rows if not r["harmful"]]
    strengths, decodings = dict(DEFAULT_STRENGTH), {m: "direct" for m in METHODS}
    fallback = []
    for m in ("noise", *NEIGHBOUR_METHODS):
        mine = [r for r in rows if r["method"] == m]
        first = next((r for r in kept if r["method"] == m), None)
        if first is not None:
            strengths[m], decodings[m] = first["strength"], first["decoding"]
        elif mine:  # every setting of the method was judged harmful
            fallback.append(m)
            strengths[m] = None if aug.on_no_gain == "skip" else NEAR_COPY_STRENGTH
            decodings[m] = "residual" if "residual" in allowed_decodings(kind) else allowed[0]
        elif not auto_strength:
            strengths[m] = strength
        if not auto_decoding and not mine:
            decodings[m] = aug.decoding
    decodings["reconstruction"] = "direct"
    top = kept[0] if kept else rows[0]
    method = top["method"] if auto_method else aug.method
    if checked:
        reason = _reason(rows, top, method, strengths[method], decodings[method], scorer.name, info, len(y_all),
                         alpha)
    else:
        from .proxy import PROXY_MAX_SAMPLES

        if one_class:
            why = "the data hold one class, which any classifier gets right, so no offspring could be judged"
        elif one_each:
            why = "every class holds one sample, so a held-out sample's class is never trained on"
        else:
            why = (f"each of {k} folds of {len(y_all)} samples would train the {scorer.name} on "
                   f"{PROXY_MAX_SAMPLES:,} or more real samples, all it reads, so it would score no offspring; "
                   "fit(..., estimator=clf) checks with your classifier")
        reason = (f"chose {method} (σ/λ {strengths[method]}, {decodings[method]} decoding), the prior's first, "
                  f"unchecked: {why}")
    bar.set_postfix_str(reason)
    bar.close()
    logger.info(reason)
    selection = {"scorer": scorer.name, "n_scored": int(len(y_all)), "checked": checked,
                 "baseline_accuracy": None if base is None else float(base.mean()),
                 "harm_alpha": alpha, **info, "candidates": rows, "fallback": fallback,
                 "chosen": {"method": method, "strength": strengths[method], "decoding": decodings[method]},
                 "reason": reason}
    return method, strengths, decodings, selection


def proxy_blind(scorer: Scorer, split: list[tuple[np.ndarray, np.ndarray]]) -> bool:
    """Whether every fold would train the proxy on as many real samples as it reads: it keeps the
    real ones when it subsamples, so offspring would never be scored and the check would find
    nothing at the cost of a generator per fold. Then it is not run (the user's classifier reads all)."""
    from .proxy import PROXY_MAX_SAMPLES

    return scorer.estimator is None and min(len(tr) for tr, _ in split) >= PROXY_MAX_SAMPLES


def _reason(rows: list[dict], top: dict, method: str, strength, decoding: str, scorer: str, info: dict,
            n: int, alpha: float) -> str:
    """One line: what was chosen and why."""
    rejected = [r for r in rows if r["harmful"]]
    head = f"chose {method} (σ/λ {strength}, {decoding} decoding)"
    if strength == NEAR_COPY_STRENGTH and top["harmful"]:
        head = f"chose {method} near-copies: every setting tried hurt"
    elif strength is None:
        head = f"{method} makes nothing: every setting tried hurt"
    est = next((r for r in rows if r["method"] == method and r["strength"] == strength
                and r["decoding"] == decoding), None)
    over = "" if info.get("compose", "none") == "none" else f" over {info['compose'].replace('_', ' ')} copies"
    evidence = (f", estimated gain {est['gain']:+.1f} points [{est['interval'][0]:+.1f}, {est['interval'][1]:+.1f}]{over}"
                if est else "")
    move = info.get("move", {})
    dropped = (f"; {move['compose'].replace('_', ' ')} copies rejected as harmful ({move['gain']:+.1f} points "
               "against real data alone), so none are added" if move.get("dropped") else "")
    return (f"{head}{evidence} by {info['folds']}-fold cross-validation of {n} samples with {scorer}; "
            f"{len(rejected)} of {len(rows)} settings rejected as harmful (sign test, p < {alpha:g}){dropped}")
