"""``VAEAugmenter``: fit a VAE on labelled data, alter codes in latent space, decode new samples.

A scikit-learn estimator: the constructor stores keyword-only hyper-parameters, ``fit`` validates
them and dispatches (split → train → choose), fitted attributes end in ``_``. The jobs live in
their own modules: :mod:`.fitting` (training), :mod:`.fitted` (encode / decode),
:mod:`.decoding`, :mod:`.generation`, :mod:`.selection` (the choice) and :mod:`.persistence`.
"""

from __future__ import annotations

import itertools
import os

import numpy as np
import torch
from sklearn.base import BaseEstimator, ClassNamePrefixFeaturesOutMixin, TransformerMixin, _fit_context
from sklearn.utils._param_validation import validate_params
from sklearn.utils.validation import check_is_fitted

from . import generation, persistence
from .decoding import allowed_decodings, warp_settings
from .fitting import COLLAPSE_SPREAD, build_vae, train
from .flatimages import pixel_layout
from .forms import as_arrays, channels_first, chunks_in_form, form_of, in_form
from .frames import (check_names, encode_table, frame_list_sequences, frame_names, frame_numbers, is_frame,
                     is_frame_list, is_long_frame, labels_like, like, long_frame, long_sequences, reads_as_cases,
                     warn_label_in_frame)
from .latent import SyntheticCodes, concat_codes
from .missing import fill_values, filled, filled_table, is_table, mask_of, restore_missing
from .params import GENERATE_CONSTRAINTS, PARAMETER_CONSTRAINTS, as_seed, check_hidden_sizes, check_strength
from .pictures import is_picture_list, picture_array
from .polarsframes import polars_in_out
from .priors import resolved_compose, resolved_n_per_sample
from .selection import check_scorer, choose
from .sequences import (fixed_sequences, is_one_channel, join_samples, join_sequences, offspring_at_lengths,
                        score_form, with_channel)
from .tensors import tensors_in_out
from .threads import work_threads
from .validation import (check_kind, check_labels_known, check_X, check_X_y, fit_arrays, is_channels_last,
                         is_picture_array_list, resolve_kind, split_validation, unlabeled_array,
                         warn_model_scale)
from .warp import WarpSettings


class VAEAugmenter(ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseEstimator):
    """Data augmentation with a variational autoencoder (Jorge et al., VISAPP 2018).

    Parameters
    ----------
    data_kind : {"auto", "image", "vector", "sequence"}
        What the samples are. ``"auto"``: (N, D) arrays are vectors, unless their features are
        recognised as the pixels of H × W pictures (``image_shape_``; :mod:`vaeaug.flatimages`),
        (N, H, W) and (N, C, H, W) images, a list of (T_i, C) arrays sequences; name
        ``"sequence"`` for an (N, T, C) array, ``"vector"`` to keep a table of pixels a table;
        ``"image"`` reads an (N, D) table as its recognised layout, or as the one near-square
        picture of D pixels (two, as 15×16 and 16×15, are refused: reshape X).
    architecture : {"auto", "mlp", "conv", "tconv", "gru"}
        Encoder/decoder type; ``"auto"``: conv for images, MLP for feature vectors, temporal
        convolutions (``"tconv"``) for sequences.
    latent_dim : int
        Size of the latent code z.
    hidden_sizes : tuple of int or None
        MLP layer widths (the decoder mirrors them) or conv channels per stride-2 layer;
        ``None``: (512, 256) for MLP, (32, 64, 128, 256) for conv.
    beta : float
        Weight of the KL term (β-VAE); 1 is the plain VAE.
    kl_warmup : int
        Epochs over which β rises from 0 (Bowman et al. 2016); early stopping waits for them.
    free_bits : float
        KL floor per latent dimension in nats (Kingma et al. 2016), so z stays in use; 0: off
        (``benchmarks/results/levers.md``).
    epochs : int
        Most epochs to train; early stopping usually ends sooner.
    batch_size : int
        Training mini-batch size.
    learning_rate : float
        Adam's step size.
    weight_decay : float
        Adam's L2 penalty.
    dropout : float
        Dropout rate inside the encoder and decoder.
    patience : int or None
        Stop after this many epochs without a better validation loss; ``None``: never. The best
        epoch's weights are kept.
    on_collapse : {"retry", "warn"}
        After a posterior collapse (every code dimension's spread < 0.05): train once more with a
        longer KL warm-up, or only warn (:class:`~vaeaug.PosteriorCollapseWarning`).
    conditional : bool
        Condition the decoder on the class, so synthetic codes decode as their class.
    validation_fraction : float
        Share of the training set held out (stratified) when ``fit`` gets no validation set.
    n_neighbors : int
        Interpolation/extrapolation partners are drawn among this many nearest same-class codes.
    method : {"auto", "noise", "interpolation", "extrapolation", "mixed", "reconstruction"}
        What :meth:`generate` and :meth:`fit_resample` make by default; ``"auto"``: the method
        of the setting the choice in ``fit`` ranks first (``method_``).
    n_per_sample : "auto" or int
        Synthetic samples per real one that :meth:`generate` makes by default, and that the
        choice in ``fit`` scores; ``"auto"``: 6 for feature vectors, 3 for images and sequences
        (:data:`vaeaug.priors.AMOUNT`, chosen on the suite).
    strength : "auto", float or (low, high)
        σ (noise) or λ (interpolation, extrapolation); a pair draws it per sample. ``"auto"``:
        the prior's ranked settings for the data kind (:data:`vaeaug.priors.PORTFOLIO`), the
        first that the harm check does not reject (``strength_``, ``selection_``).
    decoding : {"auto", "direct", "residual", "warp"}
        How an altered code becomes a sample: decode it, move the source by D(z') − D(z), or
        (images) warp the source by the motion from D(z) to D(z'); ``"auto"``: chosen in ``fit``.
    warp_smoothness : float
        Warp decoding: how strongly the fitted motion is kept smooth.
    warp_gain : float
        Warp decoding: how many times over the fitted motion is applied.
    enforce_range : bool
        Keep every generated feature (pixel) within the range it spans in the training set. Under
        ``match_moments`` the range is kept before the match, whose per-feature shift and stretch
        may carry a value a little past it (a clip after it would pile the tails up at the bounds).
    match_moments : "auto" or bool
        Give each request's offspring the per-feature mean and standard deviation of the samples
        they came from (:mod:`vaeaug.moments`), so that a scaler fitted on real + synthetic data
        scales as on real data alone; ``"auto"``: for feature vectors, where the suite measured
        it (:data:`vaeaug.priors.MATCH_MOMENTS`).
    on_no_gain : {"near_copies", "skip"}
        What a method gives where the harm check rejects every setting of it: near-copies
        (residual, strength 0.05), or nothing (with a :class:`~vaeaug.NoGainWarning`).
    compose : {"auto", "none", "affine", "blur", "affine_blur", "time_warp"}
        Input-space moves (:mod:`vaeaug.moves`) that :meth:`generate` adds beside the VAE's
        offspring, ``n_per_sample`` of each real sample, and that the harm check counts in;
        ``"auto"``: ``"affine_blur"`` for images (affine copies, each Gaussian-blurred until its
        smoothness reaches 6 % of the side), time warp for sequences, none for vectors, where the
        suite found the two together beat either alone (:data:`vaeaug.priors.COMPOSE`), unless
        the harm check finds the move itself hurts (``selection_["move"]``: then none);
        ``"affine"`` and ``"blur"``: one of the image moves alone.
    cv : "auto" or int
        Folds of the harm check over train ∪ validation; each fold's generator is a VAE trained
        on that fold's training part alone. ``"auto"``: 3, or 2 from 512 pooled samples on
        (:func:`vaeaug.priors.n_folds`).
    estimator : classifier or None
        What the harm check scores with (cloned; fed samples flattened to (N, n_features) in
        X's scale, so put scaling in a pipeline); ``None``: a fast RBF kernel-ridge proxy.
    n_jobs : int or None
        Threads for torch and the BLAS pools during ``fit`` and generation (−1: every core);
        ``None``: one thread for samples under 1,024 features, every core for larger ones
        (:mod:`vaeaug.threads`; never the machine's load, so a seed gives the same bits anywhere).
        The caller's own settings are restored afterwards.
    random_state : int, RandomState instance or None
        Seeds weights, batch order, the validation hold-out and generation. A ``RandomState``
        gives each ``fit`` one draw of it (``seed_``), as scikit-learn's estimators take one.
    device : str
        ``"auto"`` (CUDA when present), ``"cpu"``, ``"cuda"``, ``"cuda:1"``, ...
    verbose : int
        0: silent; 1: a progress bar while training.

    Attributes
    ----------
    vae_ : FittedVAE — the trained model with its preprocessing (``model_``, ``preprocessor_``,
        ``config_`` and ``device_`` read from it)
    classes_ : ndarray of shape (n_classes,)
    history_ : dict — per-epoch ``train_loss``, ``val_loss``, and ``best_epoch``
    latent_spread_ : ndarray of shape (latent_dim,) — per-dimension std of the training codes
    collapse_retried_ : bool — the first training collapsed and was retried
    seed_ : int or None — the seed this fit used (``random_state``, or a ``RandomState``'s draw);
        ``generate`` draws from it when not given its own
    method_ : str — what ``generate`` makes when not told (chosen or fixed)
    compose_ : str — the input-space move ``generate`` adds ("none": no move, or one the check dropped)
    image_shape_ : tuple — (H, W) when (N, D) samples were recognised as flattened pictures:
        the model, moves and decodings are the image ones, and outputs come back as rows; ()
        otherwise
    layout_ : str or None — ``"channels_last"`` where X came as (N, H, W, C) pictures (modelled
        channels first), ``"one_channel"`` where it came as 1-D recordings (or (N, T) with
        ``data_kind="sequence"``): ``inverse_transform`` decodes to that layout (``generate`` and
        ``reconstruct`` follow their X)
    missing_fill_ : ndarray of shape (n_features,) or None — for a table of numbers, each feature's
        median over the training samples: a missing cell (NaN, pd.NA, a polars null) is read at it,
        and whatever is made from its row (offspring, reconstructions) misses that cell again
        (:mod:`vaeaug.missing`); a table of pixels is read as the pictures it holds once filled, and
        its offspring are whole pictures; ``None`` for images and sequences, which refuse a NaN, and
        for a frame with category columns, whose ``table_encoder_`` fills its cells alike
    table_encoder_ : TableEncoder or None — for a DataFrame with category, string or boolean
        columns, the encoder of its columns (one-hot); offspring come back decoded to them, so
        ``n_features_in_`` counts the encoded columns and ``feature_names_in_`` the frame's
    strength_, decoding_ : dict — what ``generate`` uses per method (chosen or fixed)
    selection_ : dict — every setting the choice scored: estimated gain (points) with a 95 %
        interval, wins, losses, harm p-value; the folds; ``reason``, the one-line verdict
    """

    _parameter_constraints: dict = PARAMETER_CONSTRAINTS

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.required = True  # labels pick neighbours and condition the decoder
        tags.non_deterministic = self.device != "cpu"  # CUDA kernels need not be bit-reproducible
        tags.transformer_tags.preserves_dtype = ["float32"]  # codes are float32 whatever the input
        tags.input_tags.allow_nan = True  # a table's missing cells (vaeaug.missing)
        return tags

    def _table(self):
        """The :class:`~vaeaug.data.TableEncoder` of a frame fitted with category columns, else ``None``."""
        return getattr(self, "table_encoder_", None)

    def _form(self, X) -> str | None:
        """The caller's form of ``X`` for this model (:func:`~vaeaug.forms.form_of`)."""
        return form_of(X, self._vae().kind)

    def _is_cases(self, X) -> bool:
        """Whether ``X`` is a (case, time) frame for this model: two index levels, and a sequence model."""
        return self._form(X) == "cases"

    def _cases(self, X):
        """``X`` as the model's arrays where it came in another form (:func:`~vaeaug.forms.as_arrays`):
        sequences of a (case, time) frame, a list of frames or 1-D arrays; pictures of PIL images."""
        return as_arrays(X, self._form(X), getattr(self, "feature_names_in_", None), self.vae_.preprocessor,
                         type(self).__name__)

    def _model_form(self, X, name: str = "X"):
        """``X`` as the model's arrays, with each sample's length (sequences; ``None`` otherwise);
        tables of pixels (``image_shape_``) as the pictures they hold; a frame with category
        columns encoded as at fit."""
        vae = self._vae()
        if self._table() is not None and is_frame(X):
            check_names(X, self.feature_names_in_, type(self).__name__, categories_ok=True)
            return self._table().transform_frame(X), None
        if self._table() is not None:
            self._check_encoded(X, name)
        if vae.kind == "sequence":
            return vae.preprocessor.to_fixed(X, name)
        fill = getattr(self, "missing_fill_", None)
        full = X if fill is None else filled_table(X, fill)  # a table's missing cells, at fit's medians
        if full is not X:  # an array from here on: the frame's names checked first
            check_names(X, getattr(self, "feature_names_in_", None), type(self).__name__)
            X = full
        shape = getattr(self, "image_shape_", ())
        if shape:
            A = frame_numbers(X) if is_frame(X) else np.asarray(X)
            if A.ndim == 2 and A.shape[1] == int(np.prod(shape)) and len(A):  # none: refused as the caller's shape
                return A.reshape(len(A), *shape), None
        return X, None

    def _check_encoded(self, X, name: str) -> None:
        """A model fitted on a frame with category or date columns reads such a frame, or its encoded
        numbers (``n_features_in_`` wide); other arrays are told to come as the frame, not a width count."""
        A = X if isinstance(X, np.ndarray) else np.asarray(X, dtype=object) if isinstance(X, (list, tuple)) else None
        width = int(np.prod(A.shape[1:])) if A is not None and A.ndim > 1 else -1
        if width != self.n_features_in_ or A.dtype.kind not in "biuf":
            coded = [f"{c} as {how}" for c, how in self._table().encoded_columns.items()]
            got = f"an array of {width} columns" if width >= 0 and A.dtype.kind in "biuf" else (
                f"{type(X).__name__} of dtype {A.dtype}" if A is not None else type(X).__name__)
            raise ValueError(f"{type(self).__name__} was fitted on a DataFrame with columns {list(self.feature_names_in_)}, "
                             f"encoded as {self.n_features_in_} numbers ({', '.join(coded)}): pass {name} as such a "
                             f"frame, not {got}")

    def _flat(self, X_new):
        """Images back as the rows of pixels they came as, where the model recognised a table of them."""
        return X_new.reshape(len(X_new), -1) if getattr(self, "image_shape_", ()) else X_new

    def _caller_form(self, X_new, lengths=None):
        """Fixed-length outputs back in the caller's form (sequences: ragged in, ragged out)."""
        vae = self._vae()
        return vae.preprocessor.to_caller(X_new, lengths) if vae.kind == "sequence" else X_new

    def _at_source_lengths(self, X_new, source, decoding: str, X, X_in, lengths):
        """Offspring ``X_new`` (M, L, C) of sources ``X[source]`` in the caller's form, each as long as
        its source (:func:`~vaeaug.sequences.offspring_at_lengths`)."""
        return offspring_at_lengths(self.vae_.preprocessor, X_new, source, decoding, X, X_in, lengths,
                                    self.enforce_range)

    def _check_features(self, X: np.ndarray) -> np.ndarray:
        """Samples must have the shape (images, sequences) or as many features (vectors) as those fitted on."""
        if self._vae().kind in ("image", "sequence"):
            self.vae_.preprocessor.check(X)
        elif int(np.prod(X.shape[1:])) != self.n_features_in_:
            raise ValueError(f"X has {int(np.prod(X.shape[1:]))} features, but {type(self).__name__} is expecting "
                             f"{self.n_features_in_} features as input")
        return X

    def __init__(self, *, data_kind="auto", architecture="auto", latent_dim=16, hidden_sizes=None, beta=1.0, kl_warmup=10,
                 free_bits=0.25, epochs=300, batch_size=32, learning_rate=1e-3, weight_decay=0.0, dropout=0.0,
                 patience=10, on_collapse="retry", conditional=True, validation_fraction=0.1, n_neighbors=5,
                 method="auto", n_per_sample="auto", strength="auto", decoding="auto",
                 warp_smoothness=WarpSettings.smoothness, warp_gain=WarpSettings.gain, enforce_range=True,
                 match_moments="auto", on_no_gain="near_copies", compose="auto", cv="auto", estimator=None, n_jobs=None,
                 random_state=None, device="auto", verbose=1):
        self.data_kind = data_kind
        self.architecture = architecture
        self.latent_dim = latent_dim
        self.hidden_sizes = hidden_sizes
        self.beta = beta
        self.kl_warmup = kl_warmup
        self.free_bits = free_bits
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.weight_decay = weight_decay
        self.dropout = dropout
        self.patience = patience
        self.on_collapse = on_collapse
        self.conditional = conditional
        self.validation_fraction = validation_fraction
        self.n_neighbors = n_neighbors
        self.method = method
        self.n_per_sample = n_per_sample
        self.strength = strength
        self.decoding = decoding
        self.warp_smoothness = warp_smoothness
        self.warp_gain = warp_gain
        self.enforce_range = enforce_range
        self.match_moments = match_moments
        self.on_no_gain = on_no_gain
        self.compose = compose
        self.cv = cv
        self.estimator = estimator
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.device = device
        self.verbose = verbose

    # ------------------------------------------------------------------ fitting
    def _validate_params(self) -> None:
        """The constraint table, then what it cannot express (pairs, layer widths)."""
        super()._validate_params()
        check_strength(self.strength)
        check_hidden_sizes(self.hidden_sizes)

    def _split_validation(self, X: np.ndarray, y: np.ndarray):
        """Hold out ``validation_fraction`` of the training set (:func:`~vaeaug.validation.split_validation`)."""
        return split_validation(X, y, self.validation_fraction, self.seed_)

    @tensors_in_out
    @polars_in_out
    def fit(self, X, y, X_val=None, y_val=None, checkpoint_dir: str | os.PathLike | None = None,
            resume: bool = False, *, X_unlabeled=None, estimator=None) -> "VAEAugmenter":
        """Train the VAE on ``X`` (N, D) vectors or (N, H, W) / (N, C, H, W) images (or a list of
        PIL images, or (N, H, W, C) pictures, given back so), labels ``y`` (N,), watched by
        (X_val, y_val), then fix ``method_``, ``strength_`` and ``decoding_``.

        A table may miss cells (NaN): the VAE reads each at its feature's median, and the
        offspring of a row miss the cells it misses (``missing_fill_``). Without a validation set,
        ``validation_fraction`` of ``X`` is held out (none where every class
        holds one sample: the VAE then trains for all its ``epochs`` and is not checked). Validation labels
        must occur in ``y``. ``X_unlabeled``: more samples of the same kind, without labels, that
        also train the VAE (a conditional decoder gets "class unknown" for them). ``estimator``:
        the classifier the choice scores with (overrides the constructor's). ``checkpoint_dir``:
        save the training state there every epoch; with ``resume=True`` continue from it (a
        checkpoint of other data or settings is refused).
        """
        return self._fit(X, y, X_val, y_val, checkpoint_dir, resume, X_unlabeled, estimator)

    @_fit_context(prefer_skip_nested_validation=True)
    def _fit(self, X, y, X_val, y_val, checkpoint_dir, resume, X_unlabeled, scorer) -> "VAEAugmenter":
        """:meth:`fit` under scikit-learn's parameter validation (whose wrapper takes the name
        ``estimator`` for the instance itself)."""
        check_scorer(self.estimator if scorer is None else scorer)
        self.seed_ = as_seed(self.random_state)  # every seeded step of this fit, and later draws, from it
        names = frame_names(X, categories_ok=True)
        warn_label_in_frame(X, y)
        for A, name in ((X_val, "X_val"), (X_unlabeled, "X_unlabeled")):  # read by position from here on
            check_names(A, names, f"fit ({name})", categories_ok=True, fix=f"{name}[X.columns]")
        if is_picture_list(X):  # PIL images (torchvision's datasets): read as image folders are
            X = picture_array(X)
        if self.data_kind in ("auto", "image"):  # a list of numpy pictures: stacked, channels last turned below
            X, X_val, X_unlabeled = (np.stack(A) if is_picture_array_list(A) else A for A in (X, X_val, X_unlabeled))
        # (N, H, W, C), as Keras and PIL hold them: channels first, and inverse_transform gives them back so
        self.layout_ = "channels_last" if self.data_kind in ("auto", "image") and is_channels_last(X) else None
        if self.data_kind in ("auto", "image"):
            X, X_val, X_unlabeled = (channels_first(A) if is_channels_last(A) else A for A in (X, X_val, X_unlabeled))
        like_X = (X.shape[1:], X.dtype) if isinstance(X, np.ndarray) else (None, None)  # the others at X's size
        X_val, X_unlabeled = (picture_array(A, *like_X, name=n) if is_picture_list(A) else A
                              for A, n in ((X_val, "X_val"), (X_unlabeled, "X_unlabeled")))
        if is_frame_list(X) and self.data_kind in ("auto", "sequence"):  # a frame a sequence: columns are channels
            names = np.asarray(X[0].columns, dtype=object)
            X, X_val, X_unlabeled = (frame_list_sequences(A, names, "fit", n, "X[0].columns") if is_frame_list(A)
                                     else A for A, n in ((X, "X"), (X_val, "X_val"), (X_unlabeled, "X_unlabeled")))
        if reads_as_cases(X, y, self.data_kind):  # a (case, time) frame: cases are sequences, columns channels
            X, X_val, X_unlabeled = (long_sequences(A, n) if is_long_frame(A) else A
                                     for A, n in ((X, "X"), (X_val, "X_val"), (X_unlabeled, "X_unlabeled")))
        # a frame with category columns: encoded here, and offspring decoded back to its columns
        self.table_encoder_, X, X_val, X_unlabeled = encode_table(X, X_val, X_unlabeled, self.data_kind)
        kind, seq, scored = resolve_kind(X, self.data_kind), None, None
        if kind == "sequence":  # resampled to one length at the edge: arrays (N, L, C) from here on
            self.layout_ = "one_channel" if is_one_channel(X) else None  # 1-D recordings: given back so
            X, X_val, X_unlabeled = (with_channel(A) if A is not None and is_one_channel(A) else A
                                     for A in (X, X_val, X_unlabeled))
            X_in, X_val_in = X, X_val
            X, X_val, X_unlabeled, seq = fixed_sequences(X, X_val, X_unlabeled)
            scored = score_form(X_in, X_val_in, seq.length)
            if scored is not None:  # longer than the model: the check reads them as the user's classifier does
                S, _, S_val, _ = fit_arrays(scored[0], y, scored[1], y_val, self._split_validation)
                scored = np.concatenate([S, S_val])
        table = kind in (None, "vector") and self._table() is None and is_table(X)  # may miss cells
        X, y, X_val, y_val = fit_arrays(X, y, X_val, y_val, self._split_validation, said=scored is not None,
                                        allow_nan=table)
        X_unlabeled = unlabeled_array(X_unlabeled, X, allow_nan=table)
        # a table's missing cells read at each feature's median (vaeaug.missing); offspring miss them again
        self.missing_fill_ = fill_values(X) if table else None
        if table:  # each set as it is where it misses nothing
            X, X_val, X_unlabeled = (None if A is None else filled(A, self.missing_fill_)
                                     for A in (X, X_val, X_unlabeled))
        # a table whose features are the pixels of one picture size gets the image model; its
        # outputs come back as rows (flatimages: tables of pixels lose under the table defaults)
        self.image_shape_ = pixel_layout(X, self.data_kind, X_val) if X.ndim == 2 and not self._table() else ()
        if self.image_shape_:
            kind = "image"
            X, X_val, X_unlabeled = (None if A is None else A.reshape(len(A), *self.image_shape_)
                                     for A in (X, X_val, X_unlabeled))
        kind = check_kind(X, kind)
        # training needs autograd: a fit called under the user's torch.no_grad() or inference_mode() gets it
        with work_threads(self.n_jobs, int(np.prod(X.shape[1:]))), torch.inference_mode(False), torch.enable_grad():
            return self._fit_checked(names, X, y, X_val, y_val, checkpoint_dir, resume, X_unlabeled, scorer,
                                     kind, seq, scored)

    def _fit_checked(self, names, X, y, X_val, y_val, checkpoint_dir, resume, X_unlabeled, scorer, kind, seq,
                     scored=None):
        if self.decoding in ("warp", "timewarp") and self.decoding not in allowed_decodings(kind):
            what = "images" if self.decoding == "warp" else "sequences"
            raise ValueError(f"decoding={self.decoding!r} moves {what}; {kind} data takes one of "
                             f"{allowed_decodings(kind)} or 'auto'")
        self.classes_ = np.unique(y)
        check_labels_known(y_val, self.classes_, "y_val")
        self.n_features_in_ = int(np.prod(X.shape[1:]))
        if names is not None:
            self.feature_names_in_ = names
        elif hasattr(self, "feature_names_in_"):
            del self.feature_names_in_
        self.compose_ = resolved_compose(self.compose, kind)
        self.vae_ = build_vae(self, X, kind, self.classes_, seq)
        self.history_, self.latent_spread_, self.collapse_retried_ = train(
            self, self.vae_, X, y, X_val, y_val, checkpoint_dir, resume, X_unlabeled)
        self.method_, self.strength_, self.decoding_, self.selection_ = choose(
            self, X, y, X_val, y_val, self.estimator if scorer is None else scorer, X_unlabeled, scored)
        self.compose_ = self.selection_.get("compose", self.compose_)  # the check may drop a move that hurts
        return self

    # ------------------------------------------------------------------ the fitted model
    model_ = property(lambda self: self._vae().model, doc="The trained :class:`~vaeaug.models.VAE`.")
    preprocessor_ = property(lambda self: self._vae().preprocessor, doc="Maps samples to the model's space.")
    config_ = property(lambda self: self._vae().config, doc="The VAE's :class:`~vaeaug.models.VAEConfig`.")
    device_ = property(lambda self: self._vae().device, doc="Where the model runs.")
    best_epoch_ = property(lambda self: self.history_["best_epoch"], doc="The kept epoch (0-based).")
    n_per_sample_ = property(lambda self: resolved_n_per_sample(self.n_per_sample, self._vae().kind),
                             doc="``n_per_sample`` for this model's data kind (``\"auto\"`` resolved).")

    def _vae(self):
        check_is_fitted(self, "vae_")
        return self.vae_

    @property
    def collapsed_(self) -> bool:
        """The training codes do not spread (posterior collapse): see :class:`~vaeaug.PosteriorCollapseWarning`."""
        check_is_fitted(self, "latent_spread_")
        return bool(self.latent_spread_.max() < COLLAPSE_SPREAD)

    @property
    def warp_settings_(self) -> WarpSettings | None:
        """The warp fit for this model's image size (``None`` for vectors)."""
        vae = self._vae()
        return warp_settings(vae.preprocessor.model_shape, self.warp_smoothness, self.warp_gain) \
            if vae.kind == "image" else None

    @property
    def _n_features_out(self) -> int:
        """``transform``'s width, which names its columns (``get_feature_names_out``, ``set_output``)."""
        return self._vae().config.latent_dim

    @tensors_in_out
    @polars_in_out
    def transform(self, X) -> np.ndarray:
        """Encode ``X`` (N, ...) to the posterior means μ(x): (N, latent_dim) float32; columns
        ``vaeaugmenter0``, ... under ``set_output(transform="pandas")``."""
        vae = self._vae()
        check_names(X, getattr(self, "feature_names_in_", None), "transform", self._table() is not None)
        X = self._check_features(check_X(self._model_form(self._cases(X))[0]))
        warn_model_scale(X, vae.preprocessor)
        with work_threads(self.n_jobs, self.n_features_in_):
            return vae.encode(X)

    @tensors_in_out
    def inverse_transform(self, Z, y=None, lengths=None) -> np.ndarray:
        """Decode codes ``Z`` (M, latent_dim) to samples in the input's scale, dtype and shape (the
        likelihood's mean); ``y`` (M,) is needed by a class-conditional decoder. Sequences fitted
        ragged come back as a list, each ``lengths[i]`` steps long (default: the model length). A
        model fitted on a frame with category columns gives a frame of those columns (its encoding
        is internal); one of numbers alone, an array, as scikit-learn's ``inverse_transform`` does.
        A model fitted on (N, H, W, C) pictures or on 1-D recordings decodes to that layout (``layout_``)."""
        X = self._decoded(Z, y, lengths)
        if getattr(self, "layout_", None):  # no X to follow: the layout fit read
            return in_form(X, None, self.layout_, None)
        return X if self._table() is None else self._table().inverse_frame(X)

    def _decoded(self, Z, y=None, lengths=None) -> np.ndarray:
        """:meth:`inverse_transform` in the model's own columns (a table's encoded ones)."""
        vae = self._vae()
        with work_threads(self.n_jobs, self.n_features_in_):
            return self._flat(self._caller_form(vae.to_input(vae.decode(Z, y), self.enforce_range), lengths))

    @tensors_in_out
    @polars_in_out
    def reconstruct(self, X, y=None) -> np.ndarray:
        """Decode the posterior mean of each sample: what the VAE makes of ``X`` (sequences at
        their own lengths; a frame in, a frame out)."""
        frame, X = X, self._cases(X)
        lengths = self._model_form(X)[1]
        X_rec = like(self._decoded(self.transform(X), y, lengths), X, table=self._table())[0]
        if self._is_cases(frame):  # the cases keep their own ids
            return long_frame(X_rec, frame, frame.index.unique(0))
        return self._long_out(X_rec, frame, np.arange(len(X_rec)))

    # ------------------------------------------------------------------ generation
    @tensors_in_out
    @polars_in_out
    @validate_params(GENERATE_CONSTRAINTS, prefer_skip_nested_validation=True)
    def generate(self, X, y, method=None, n_per_sample=None, strength=None, random_state=None,
                 small_classes="auto", decoding=None, return_codes=False, compose=None):
        """Make ``n_per_sample`` synthetic samples from each sample of ``X`` (N, ...), labels ``y`` (N,).

        method : ``"noise"`` z' = z + σ s⊙ε; ``"interpolation"`` z' = z_i + λ(z_j − z_i);
            ``"extrapolation"`` z' = z_i + λ(z_i − z_j); ``"mixed"``: of every three offspring two
            interpolate at λ and one extrapolates at min(λ, 1 − λ); ``"reconstruction"`` z' = z (a control;
            under ``compose``, the codes of the moved copies, so that ``n_per_sample`` decodes
            differ); z_j is one of the ``n_neighbors`` nearest same-class codes. ``None`` or ``"auto"``:
            ``method_``, what ``fit`` chose (or the constructor's ``method``).
        n_per_sample : ``None``: ``self.n_per_sample``, the amount the choice in ``fit`` scored;
            ``"auto"``: the amount for the data kind, as the constructor's ``"auto"``.
        strength : σ or λ, or a (low, high) pair drawn per sample; ``None`` or ``"auto"``: ``strength_[method]``,
            which is ``None`` only where the harm check rejected every setting under
            ``on_no_gain="skip"``: then nothing is made (a :class:`~vaeaug.NoGainWarning`).
        small_classes : what a neighbour method does with a sample alone in its class:
            ``"raise"`` refuses, ``"skip"`` makes it no offspring, ``"noise"`` makes them by noise
            (σ 0.5); ``"auto"``: ``"noise"`` where the method is ``fit``'s choice, else ``"raise"``.
        decoding : ``"direct"``, ``"residual"`` or ``"warp"`` (images); ``None`` or ``"auto"``: ``decoding_[method]``.
        compose : ``"none"``, ``"affine"``, ``"blur"`` or ``"affine_blur"`` (images), or
            ``"time_warp"`` (sequences): also ``n_per_sample`` input-space moves of each sample;
            ``None``: ``compose_``.

        Returns ``(X_new, y_new)``, X_new (M, ...) in the input's dtype and shape (PIL images for
        PIL images) and y_new (M,) the sources' labels: the VAE's offspring ordered by source,
        then the moved copies ordered by source; with ``return_codes=True`` also the
        :class:`~vaeaug.latent.SyntheticCodes` behind them (``moved`` marks the copies). The same
        seed gives the same samples as :meth:`generate_batches`, whatever its ``batch_size``.
        """
        frame, X = X, self._cases(X)  # a (case, time) frame in: one out, the new cases numbered after its own
        X_in, y_in = X, y
        X, lengths = self._model_form(X)
        compose = self._compose(compose)
        small_classes = generation.small_class_rule(small_classes, method)
        random_state = as_seed(random_state)  # a RandomState: one draw, for the codes and the moves alike
        X, y, method, n, strength, rng, decoding = generation.request(
            self, X, y, method, n_per_sample, strength, random_state, decoding, "VAEAugmenter.generate")
        seed = self.seed_ if random_state is None else random_state
        if method == "reconstruction" and compose != "none":  # the VAE's rendering of each moved copy, then the copies
            rec, mv = generation.reconstructed_moves(self, compose, X, X if lengths is None else X_in, y, n, seed,
                                                     None)
            codes = concat_codes([rec[2], mv[2]], self.vae_.config.latent_dim, y.dtype)
            X_new, y_new = like(self._flat(join_samples(rec[0], mv[0])), X_in, codes.y, y_in, self._table())
            X_new = self._long_out(X_new, frame, codes.source)
            return (X_new, y_new, codes) if return_codes else (X_new, y_new)
        if strength is None:
            codes = generation.no_codes(self, y)
            with work_threads(self.n_jobs, self.n_features_in_):
                X_new = self.vae_.to_input(self.vae_.decode(codes.Z, codes.y), self.enforce_range)
        else:
            with work_threads(self.n_jobs, self.n_features_in_):
                maker = generation.OffspringMaker(self, X, y, (decoding,))
                codes, samples = maker.make(method, n, strength, rng, small_classes)
            X_new = samples[decoding]
        if lengths is not None:  # each offspring as long as its source
            X_new = self._at_source_lengths(X_new, codes.source, decoding, X, X_in, lengths)
        if strength is not None and compose != "none":  # the moved copies follow the offspring
            X_mv, _ = next(generation.moved_copies(self, compose, X if lengths is None else X_in, y, n,
                                                   generation.moves_rng(seed)))
            X_new = join_samples(X_new, X_mv)
            codes = concat_codes([codes, generation.moved_codes(maker.Z, y, n)], codes.Z.shape[1], y.dtype)
        X_new, y_new = like(self._flat(X_new), X_in, codes.y, y_in, self._table())
        X_new = self._long_out(X_new, frame, codes.source)
        return (X_new, y_new, codes) if return_codes else (X_new, y_new)

    @tensors_in_out
    @polars_in_out
    @validate_params(GENERATE_CONSTRAINTS, prefer_skip_nested_validation=True)
    def generate_batches(self, X, y, method=None, n_per_sample=None, strength=None, batch_size=8192,
                         random_state=None, small_classes="auto", decoding=None, compose=None):
        """:meth:`generate`'s samples as ``(X_chunk, y_chunk)`` of at most ``batch_size``, for
        millions of samples in bounded memory: one block of codes is held at a time. The
        arguments are checked at the call, before the first chunk; a frame in gives frame chunks."""
        frame, X = X, self._cases(X)
        X_in, y_in = X, y
        X, lengths = self._model_form(X)
        compose = self._compose(compose)
        small_classes = generation.small_class_rule(small_classes, method)
        random_state = as_seed(random_state)
        X, y, method, n, strength, rng, decoding = generation.request(
            self, X, y, method, n_per_sample, strength, random_state, decoding, "VAEAugmenter.generate_batches",
            streaming=True)
        if strength is None:
            return iter(())
        seed = self.seed_ if random_state is None else random_state
        if method == "reconstruction" and compose != "none":  # as generate(): renderings of the copies, then the copies
            parts = generation.reconstructed_moves(self, compose, X, X if lengths is None else X_in, y, n, seed,
                                                   batch_size)
            return self._long(self._in_threads((like(self._flat(x), X_in, y_chunk, y_in, self._table()), codes.source)
                                               for x, y_chunk, codes in parts), frame)
        with work_threads(self.n_jobs, self.n_features_in_):  # the sources' codes, as generate() finds them
            maker = generation.OffspringMaker(self, X, y, (decoding,))
        parts = maker.blocks(method, n, strength, rng, small_classes)
        if lengths is not None:  # each offspring as long as its source
            parts = ((b, {d: self._at_source_lengths(v, b.source, d, X, X_in, lengths) for d, v in out.items()})
                     for b, out in parts)
        stream = generation.chunks(parts, decoding, batch_size)
        if compose != "none":  # then the moved copies, from their own stream as in generate()
            stream = itertools.chain(stream, generation.with_sources(generation.moved_copies(
                self, compose, X if lengths is None else X_in, y, n, generation.moves_rng(seed), batch_size), n))
        return self._long(self._in_threads((like(self._flat(x), X_in, y_chunk, y_in, self._table()), source)
                                           for x, y_chunk, source in stream), frame)

    def _missing(self, X) -> np.ndarray | None:
        """Where the table ``X`` misses cells, for a table model (:func:`~vaeaug.missing.mask_of`). A
        table of pixels' offspring are whole pictures: moves and warps carry a pixel elsewhere, so a
        hole has no place in them (kept, they cost optdigits a point a classifier, results/missing-cells.md)."""
        return mask_of(X) if self._vae().kind == "vector" else None

    def _long_out(self, X_new, frame, source):
        """Offspring of the samples ``source`` in the form ``frame`` came in (:func:`~vaeaug.forms.in_form`),
        each table cell missing where its source's is."""
        return restore_missing(in_form(X_new, frame, self._form(frame), source), self._missing(frame), source)

    def _long(self, stream, frame):
        """A stream of ``((X_chunk, y_chunk), source_chunk)`` as ``(X_chunk, y_chunk)`` in the form
        ``frame`` came in (:func:`~vaeaug.forms.chunks_in_form`), missing cells as :meth:`_long_out`."""
        mask = self._missing(frame)
        if mask is not None:
            stream = (((restore_missing(X, mask, source), y), source) for (X, y), source in stream)
        return chunks_in_form(stream, frame, self._form(frame))

    def _compose(self, compose) -> str:
        """The move a generation call adds: its own ``compose``, else the fitted ``compose_``."""
        vae = self._vae()
        if compose is None:
            return getattr(self, "compose_", "none")
        return resolved_compose(compose, vae.kind)

    def _in_threads(self, items):
        """Each item of a lazy stream computed under the thread rule, as :meth:`generate` is (the
        same bits); the caller's settings stand between items."""
        items = iter(items)
        while True:
            with work_threads(self.n_jobs, self.n_features_in_):
                item = next(items, None)
            if item is None:
                return
            yield item

    @tensors_in_out
    @polars_in_out
    @validate_params({k: GENERATE_CONSTRAINTS[k] for k in ("method", "n_per_sample", "strength", "random_state",
                                                          "small_classes")}, prefer_skip_nested_validation=True)
    def generate_codes(self, X, y, method=None, n_per_sample=None, strength=None, random_state=None,
                       small_classes="auto") -> SyntheticCodes:
        """The synthetic latent codes behind :meth:`generate`, with their sources and partners."""
        X = self._model_form(self._cases(X))[0]
        small_classes = generation.small_class_rule(small_classes, method)
        X, y, method, n, strength, rng, _ = generation.request(
            self, X, y, method, n_per_sample, strength, as_seed(random_state), None, "VAEAugmenter.generate_codes")
        if strength is None:
            return generation.no_codes(self, y)
        with work_threads(self.n_jobs, self.n_features_in_):
            return generation.codes(self, X, y, method, n, strength, rng, small_classes)

    @tensors_in_out
    @polars_in_out
    def fit_resample(self, X, y):
        """Fit on (X, y), then return originals plus :meth:`generate`'s default offspring.

        The validation slice is cut from ``X`` itself, so inside cross-validation nothing from
        the held-out fold is seen. Returns ``(X_res, y_res)``.
        """
        self.fit(X, y)
        X_new, y_new = self.generate(X, y)
        if self._is_cases(X):  # the caller's cases as given, then the offspring, numbered after them
            import pandas as pd

            return pd.concat([X, X_new]), labels_like(np.concatenate([np.asarray(y), np.asarray(y_new)]), y)
        if self._form(X) in ("frames", "pictures", "array_list"):  # the caller's frames or pictures, then offspring
            return [*X, *X_new], labels_like(np.concatenate([np.asarray(y), np.asarray(y_new)]), y)
        if self.vae_.kind == "sequence":  # the caller's form: a list stays a list
            return join_sequences(X, y, X_new, y_new)
        if self._table() is not None and is_frame(X):  # the caller's rows as they are, then the decoded offspring
            import pandas as pd

            y_res = np.concatenate([np.asarray(y), np.asarray(y_new)])
            return pd.concat([X.reset_index(drop=True), X_new], ignore_index=True), labels_like(y_res, y)
        X_arr, y_arr = check_X_y(X, y, allow_nan=getattr(self, "missing_fill_", None) is not None)
        X_res = np.concatenate([X_arr, np.asarray(X_new).reshape(len(X_new), *X_arr.shape[1:])])
        return like(X_res, X, np.concatenate([y_arr, np.asarray(y_new)]), y)  # a frame in, a frame out

    # ------------------------------------------------------------------ persistence
    def save(self, path: str | os.PathLike):
        """Save to directory ``path``: ``model.safetensors`` and ``config.json``; no pickle anywhere."""
        self._vae()
        return persistence.save(self, path)

    @classmethod
    def load(cls, path: str | os.PathLike, device: str = "auto") -> "VAEAugmenter":
        """Load a model saved by :meth:`save`, checking its checksum and parameters; never unpickles."""
        return persistence.load(cls, path, device)
