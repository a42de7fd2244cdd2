"""``VAESampler``: an imbalanced-learn oversampler whose new samples are a VAE's offspring.

Built on imbalanced-learn's ``BaseOverSampler`` (needs ``imbalanced-learn``, which the core of
vaeaug does not): ``sampling_strategy`` says how many samples each class is filled up to, and
each class's shortfall is made by a :class:`VAEAugmenter` fitted on the training fold only. A
DataFrame with category, string, boolean or date columns is encoded by the augmenter, and its
offspring come back as rows of those columns.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import clone

try:
    from imblearn.over_sampling.base import BaseOverSampler
except ImportError as e:  # pragma: no cover - exercised only without the extra, or with a stale one
    from .errors import extra_import_error

    raise extra_import_error(e, "imbalanced-learn", "VAESampler",
                             "pip install imbalanced-learn (or vaeaug[experiment])") from e

from .augmenter import VAEAugmenter
from .frames import categorical_columns, is_frame_list, reads_as_cases, warn_label_in_frame
from .missing import is_table
from .params import GENERATE_CONSTRAINTS, STRENGTH, check_strength
from .pictures import is_picture_list
from .polarsframes import polars_in_out
from .priors import NEAR_COPY_STRENGTH
from .sequences import check_sequences, is_one_channel, join_sequences, object_array
from .validation import check_X_y, check_y, is_picture_array_list, refuse_pairs, resolve_kind


def _for_imblearn(X):
    """Samples as imbalanced-learn hands them back: it returns a list input by ``.tolist()`` of
    the output, so a list of sequences travels as an object array."""
    return object_array(X) if isinstance(X, list) else X


class VAESampler(BaseOverSampler):
    """Oversample with a VAE's offspring, for imbalanced-learn's ``Pipeline``.

    Parameters
    ----------
    augmenter : VAEAugmenter or None
        The augmenter to clone and fit on each ``fit_resample``'s data (default: ``VAEAugmenter(verbose=0)``).
        Nested parameters reach it (``augmenter__beta``), so grid search works.
    sampling_strategy : float, str, dict or callable
        How many samples each class is filled up to, as imbalanced-learn's oversamplers read it
        (``"auto"``: every class up to the majority's count).
    method : str or None
        How codes are altered; ``None``: the augmenter's own ``method``.
    strength : "auto", float, (low, high) or None
        σ or λ; ``None``: the augmenter's own ``strength``.
    random_state : int, RandomState instance or None
        Seeds the augmenter and which offspring fill each class; ``None``: the augmenter's own.

    Attributes
    ----------
    augmenter_ : VAEAugmenter — the fitted clone
    sampling_strategy_ : dict — samples added per class
    sample_indices_ : ndarray — for each returned sample, the row of the input it comes from
        (its own row for originals, its source's for offspring)
    """

    _parameter_constraints: dict = {
        **BaseOverSampler._parameter_constraints,
        "augmenter": [VAEAugmenter, None],
        "method": GENERATE_CONSTRAINTS["method"],
        "strength": [*STRENGTH, None],
        "random_state": GENERATE_CONSTRAINTS["random_state"],
    }

    def __init__(self, augmenter: VAEAugmenter | None = None, *, sampling_strategy="auto", method=None,
                 strength=None, random_state=None):
        super().__init__(sampling_strategy=sampling_strategy)
        self.augmenter = augmenter
        self.method = method
        self.strength = strength
        self.random_state = random_state

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = False  # a VAE reads every feature: sparse input is refused
        tags.input_tags.allow_nan = True  # a table's missing cells (vaeaug.missing)
        tags.input_tags.three_d_array = True  # images (N, H, W)
        tags.sampler_tags.sample_indices = True  # each sample's source row, as RandomOverSampler gives
        return tags

    @polars_in_out
    def fit(self, X, y, **params):
        """imbalanced-learn's ``fit``: checks ``X`` and ``y`` and the sampling strategy."""
        return super().fit(X, y, **params)

    @polars_in_out
    def fit_resample(self, X, y, **params):
        """imbalanced-learn's ``fit_resample``: the data with each class filled up by offspring (a
        polars frame in, a polars frame back)."""
        return super().fit_resample(X, y, **params)

    def _sequences(self, X) -> bool:
        aug = self.augmenter if self.augmenter is not None else VAEAugmenter()
        return resolve_kind(X, aug.data_kind) == "sequence"

    def _check_X_y(self, X, y, accept_sparse=None):
        """The augmenter's own checks (images stay images, a list of sequences stays a list); names
        and counts as scikit-learn keeps them."""
        from imblearn.utils import check_target_type

        refuse_pairs(X)
        if reads_as_cases(X, y, (self.augmenter or VAEAugmenter()).data_kind):  # here a row is a step
            raise TypeError("X is a (case, time) frame, a row per time step, and imbalanced-learn's samplers "
                            "take a row per sample: pass the sequences as a list of (T, C) arrays, "
                            "[g.to_numpy() for _, g in X.groupby(level=0, sort=False)], or use "
                            "VAEAugmenter.fit_resample, which gives such a frame back")
        warn_label_in_frame(X, y)
        if hasattr(X, "columns"):
            self.feature_names_in_ = np.asarray(X.columns, dtype=object)
        y, binarize_y = check_target_type(y, indicate_one_vs_all=True)  # one-hot labels: back to classes
        if categorical_columns(X):  # categories, strings, dates: the augmenter encodes the frame itself
            y = check_y(y, len(X))
            self.n_features_in_ = X.shape[1]
            return X.reset_index(drop=True), y, binarize_y
        if is_frame_list(X) and self._sequences(X):  # a recording a frame: the augmenter reads their columns
            y = check_y(y, len(X))
            self.feature_names_in_ = np.asarray(X[0].columns, dtype=object)
        elif is_picture_list(X) or is_picture_array_list(X):  # PIL or numpy pictures: read, and given back, so
            y = check_y(y, len(X))
        elif self._sequences(X):
            checked, _ = check_sequences(X)
            X = X if is_one_channel(X) else checked  # the augmenter adds a lone channel's axis, and takes it off
            y = check_y(y, len(X))
        else:  # a table's missing cells pass: the augmenter reads them, and its offspring miss them too
            table = is_table(X) and (self.augmenter or VAEAugmenter()).data_kind in ("auto", "vector")
            X, y = check_X_y(X, y, allow_nan=table)
            self.n_features_in_ = int(np.prod(X.shape[1:]))
        return X, y, binarize_y

    def _fit_resample(self, X, y):
        check_strength(self.strength, owner=type(self).__name__)
        base = self.augmenter if self.augmenter is not None else VAEAugmenter(verbose=0)
        overrides = {k: v for k, v in (("method", self.method), ("strength", self.strength),
                                       ("random_state", self.random_state)) if v is not None}
        self.augmenter_ = clone(base).set_params(**overrides)
        need = {c: int(n) for c, n in self.sampling_strategy_.items() if n > 0}
        if not need:  # already balanced as asked: nothing to learn or make
            self.sample_indices_ = np.arange(len(X))
            return _for_imblearn(X), y
        self.augmenter_.fit(X, y)
        rng = np.random.default_rng(self.augmenter_.seed_)
        ragged, frame = isinstance(X, list), hasattr(X, "iloc")
        take = (lambda A, i: [A[k] for k in i]) if ragged else (  # noqa: E731
            lambda A, i: A.iloc[i].reset_index(drop=True)) if frame else (lambda A, i: A[i])
        X_res, y_res, idx_parts = X, y, [np.arange(len(X))]
        for c, n in need.items():
            rows = np.flatnonzero(y == c)
            per = -(-n // len(rows))  # offspring per sample that cover the shortfall, then a seeded n of them
            X_new, y_new, codes = self._offspring(take(X, rows), y[rows], per)
            keep = np.sort(rng.choice(len(X_new), n, replace=False))
            if ragged or isinstance(X_new, list):
                X_res, y_res = join_sequences(X_res, y_res, take(X_new, keep), y_new[keep])
            elif frame:  # pandas is there: the frame came from it
                import pandas as pd

                X_res = pd.concat([X_res, take(X_new, keep)], ignore_index=True)
                y_res = np.concatenate([y_res, np.asarray(y_new)[keep]])
            else:
                X_res, y_res = np.concatenate([X_res, X_new[keep]]), np.concatenate([y_res, y_new[keep]])
            idx_parts.append(rows[codes.source[keep]])
        self.sample_indices_ = np.concatenate(idx_parts)
        return _for_imblearn(X_res), y_res

    def _offspring(self, X: np.ndarray, y: np.ndarray, per: int):
        """``per`` offspring of each sample of one class, always: a lone sample takes noise (it has
        no partner), and a method the choice found no gain for gives near-copies (residual, as
        ``on_no_gain="near_copies"``), since a sampler's job is to fill the class."""
        aug = self.augmenter_
        method = aug.method_ if len(X) > 1 or aug.method_ in ("noise", "reconstruction") else "noise"
        extra = {}
        if aug.strength_.get(method) is None:
            extra = {"strength": NEAR_COPY_STRENGTH, "decoding": "residual"}
        return aug.generate(X, y, method, per, return_codes=True, **extra)
