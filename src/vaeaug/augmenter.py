"""``VAEAugmenter``: fit a VAE on labelled data, alter codes in latent space, decode new samples.

A scikit-learn estimator: the constructor stores hyper-parameters only, ``fit`` learns, fitted
attributes end in ``_``. ``transform`` encodes, ``inverse_transform`` decodes, ``generate`` makes
labelled synthetic samples, ``fit_resample`` returns originals plus synthetic samples.
"""

from __future__ import annotations

import hashlib
import json
import os
import warnings
from dataclasses import replace
from pathlib import Path

import numpy as np
import torch
from sklearn.base import BaseEstimator, clone
from sklearn.model_selection import train_test_split
from sklearn.utils.validation import check_is_fitted

from . import __version__
from .checkpoint import Checkpointer
from .fileio import atomic_write_bytes, atomic_write_json, sha256_file, to_jsonable
from .latent import DEFAULT_STRENGTH, METHODS, SyntheticCodes, latent_spread, residual_decode, synthesize
from .models import VAE, VAEConfig
from .preprocess import make_preprocessor, preprocessor_from_state
from .selection import FALLBACK_STRENGTH, STRENGTH_GRID, WARP_EXTRA_STRENGTHS, choose_strengths
from .training import History, TrainSettings, resolve_device, seeded, train_vae
from .validation import check_labels_known, check_X, check_X_y, data_kind
from .warp import WarpSettings, warp_decode

MODEL_FORMAT = "vaeaug-model"
MODEL_FORMAT_VERSION = 1
WEIGHTS_FILE = "model.safetensors"
CONFIG_FILE = "config.json"

#: How synthetic codes become samples: decode z' itself, move the source sample by D(z') − D(z),
#: or (images only) warp the source sample by the motion that carries D(z) onto D(z').
DECODINGS = ("direct", "residual", "warp")

DEFAULT_HIDDEN = {"mlp": (512, 256), "conv": (32, 64, 128, 256)}


def retry_warmup(kl_warmup: int) -> int:
    """The KL warm-up (epochs) of the one retry after a posterior collapse: three times as long,
    and at least 30 epochs."""
    return max(3 * kl_warmup, 30)


#: Below this spread of the training codes' means on every latent dimension (the prior's is 1),
#: the decoder is taken to ignore z: see :class:`PosteriorCollapseWarning`.
COLLAPSE_SPREAD = 0.05


class PosteriorCollapseWarning(UserWarning):
    """The codes of the training set barely differ (posterior collapse): the decoder ignores z,
    so noise, interpolation and extrapolation all decode a class to (nearly) the same sample."""


class NoGainWarning(UserWarning):
    """Validation found no setting of a method that helps, so ``generate`` made no samples for it
    (``on_no_gain="skip"``): adding them could only risk accuracy. Pass a ``strength`` to
    generate anyway."""


class ModelFileError(ValueError):
    """A model directory is missing files, truncated, tampered with or of an unknown format."""


class VAEAugmenter(BaseEstimator):
    """Data augmentation with a variational autoencoder (Jorge et al., VISAPP 2018).

    Parameters
    ----------
    architecture : {"auto", "mlp", "conv"}
        Encoder/decoder type. ``"auto"``: conv for images, MLP for feature vectors.
    latent_dim : int
        Size of the latent code z.
    hidden_sizes : tuple of int or None
        MLP: hidden layer widths (encoder order; the decoder mirrors them). Conv: channels of
        each stride-2 convolution. ``None``: (512, 256) for MLP, (32, 64, 128, 256) for conv.
    beta : float
        Weight of the KL term (β-VAE); 1 (the default) is the plain VAE, with ``free_bits``
        keeping the KL term from switching z off.
    kl_warmup : int
        Epochs over which β rises linearly from 0 to ``beta`` (Bowman et al. 2016); 0 disables
        it. Early stopping only counts epochs after the warm-up.
    free_bits : float
        KL floor per latent dimension in nats ("free bits", Kingma et al. 2016); 0 disables it.
        The default 0.25 with β = 1: on UJI Pen Characters v1 (3 seeds, two runs) it gave 1-NN
        +17 to +19 points against +16.5 for β = 0.5 without it, with SVM and NN gains within
        run-to-run noise of it (``benchmarks/results/levers.md``).
    epochs, batch_size, learning_rate, weight_decay, dropout : training settings (Adam). ``epochs``
        is a ceiling: early stopping (``patience``) usually ends training well before it.
    patience : int or None
        Stop after this many epochs without a better validation loss; ``None`` never stops early.
        The weights of the best validation epoch are kept either way.
    on_collapse : {"retry", "warn"}
        What ``fit`` does when the codes collapse (every latent dimension's spread < 0.05, see
        :class:`PosteriorCollapseWarning`). ``"retry"`` (the default) trains once more from the same
        seed with a KL warm-up three times as long (at least 30 epochs), which keeps the model the
        same wherever no collapse happens; it warns only if the retry collapses too. ``"warn"``:
        warn at once. On UJI Pen Characters v1 one seed in three collapses under the defaults.
    conditional : bool
        Condition the decoder on the class, so synthetic codes decode as their class (label
        fidelity 0.86 → 1.00 on 20-per-class digits). ``inverse_transform`` then needs labels.
    validation_fraction : float
        Share of the training set held out (stratified) when ``fit`` gets no validation set.
    n_neighbors : int
        k: interpolation/extrapolation partners are drawn among the k nearest same-class codes.
    method, n_per_sample :
        What ``fit_resample`` generates (see :meth:`generate`).
    strength : "auto", float or (low, high)
        σ (noise) or λ (interpolation, extrapolation) used when :meth:`generate` gets none.
        ``"auto"``: chosen per method in ``fit`` on the validation set — a fast proxy classifier
        (RBF kernel ridge) is trained on real + ``n_per_sample`` synthetic samples per candidate
        in :data:`vaeaug.selection.STRENGTH_GRID`; see ``strength_`` and ``selection_``. Where no
        candidate beats real data alone (costing a 1-NN at most one validation sample), the
        method makes nothing (see ``on_no_gain``).
    decoding : {"auto", "direct", "residual", "warp"}
        How an altered code z' becomes a sample. ``"direct"``: decode z' (the paper's way; the
        decoder's mean, blurred by its uncertainty). ``"residual"``: the source sample plus
        D(z') − D(z), which keeps the real sample's detail. ``"warp"`` (images only): the source
        sample moved by the smooth deformation that carries D(z) onto D(z') (:mod:`vaeaug.warp`),
        which keeps its strokes sharp and takes the VAE's change of shape. ``"auto"``: chosen per
        method in ``fit`` on the validation set, together with the strength; see ``decoding_``.
    warp_smoothness, warp_gain : float
        Warp decoding only (:class:`vaeaug.warp.WarpSettings`): how strongly the fitted motion is
        kept smooth, and how many times over it is applied to the source. The defaults were
        chosen on UJI Pen Characters; larger gains move strokes further.
    enforce_range : bool
        Keep every generated or decoded feature (every pixel) within the range it spans in the
        training set, as SDV's ``enforce_min_max_values``. Chiefly, a feature constant in the
        training data stays constant: faint decoder noise there would get a tiny spread that a
        ``StandardScaler`` fitted on real + synthetic data inflates until it dominates distances.
        ``False`` lets extrapolations leave the observed range.
    on_no_gain : {"skip", "near_copies"}
        What a method gives when ``fit`` finds none of its settings helping on validation (with
        ``strength="auto"``; listed in ``selection_["fallback"]``). ``"skip"`` (the default):
        ``generate`` returns no samples for it, with a :class:`NoGainWarning`, and its
        ``strength_`` is ``None``: real data alone is what validation supports, and even
        near-copies change a classifier (an SVM's C=1 on 4× replicated data acts as C=4: up to
        ±4 test points on 10-per-class iris). ``"near_copies"``: residual decoding at
        :data:`vaeaug.selection.FALLBACK_STRENGTH`. A strength passed to ``generate`` always
        generates.
    random_state : int or None
        Seeds weight initialisation, batch order, the validation hold-out and generation.
    device : str
        ``"auto"`` (CUDA when present, else CPU), ``"cpu"``, ``"cuda"``, ``"cuda:1"``, ...
    verbose : int
        0: silent; 1: a progress bar while training.

    Attributes
    ----------
    model_ : VAE
    preprocessor_ : ImagePreprocessor or VectorPreprocessor
    classes_ : ndarray of shape (n_classes,)
    history_ : dict — per-epoch ``train_loss``, ``val_loss`` and ``best_epoch``
    latent_spread_ : ndarray of shape (latent_dim,) — per-dimension std of the training codes
    collapsed_ : bool — the codes collapsed (all spreads < 0.05): a :class:`PosteriorCollapseWarning`
        was raised, and offspring are class prototypes whatever the method
    collapse_retried_ : bool — the first training collapsed and ``fit`` trained again with a longer
        KL warm-up (``history_["kl_warmup"]`` gives the warm-up the kept model had)
    strength_ : dict — the strength ``generate`` uses per method (chosen or fixed)
    decoding_ : dict — the decoding ``generate`` uses per method (chosen or fixed)
    selection_ : dict — proxy validation accuracy of every candidate, per method and decoding
    """

    def __init__(
        self,
        architecture: str = "auto",
        latent_dim: int = 16,
        hidden_sizes: tuple[int, ...] | None = None,
        beta: float = 1.0,
        kl_warmup: int = 10,
        free_bits: float = 0.25,
        epochs: int = 300,
        batch_size: int = 32,
        learning_rate: float = 1e-3,
        weight_decay: float = 0.0,
        dropout: float = 0.0,
        patience: int | None = 10,
        on_collapse: str = "retry",
        conditional: bool = True,
        validation_fraction: float = 0.1,
        n_neighbors: int = 5,
        method: str = "interpolation",
        n_per_sample: int = 3,
        strength: float | tuple[float, float] | str = "auto",
        decoding: str = "auto",
        warp_smoothness: float = WarpSettings.smoothness,
        warp_gain: float = WarpSettings.gain,
        enforce_range: bool = True,
        on_no_gain: str = "skip",
        random_state: int | None = None,
        device: str = "auto",
        verbose: int = 1,
    ):
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
        self.on_no_gain = on_no_gain
        self.random_state = random_state
        self.device = device
        self.verbose = verbose

    # ------------------------------------------------------------------ fitting
    def _check_params(self) -> None:
        if self.architecture not in ("auto", "mlp", "conv"):
            raise ValueError(f"architecture must be 'auto', 'mlp' or 'conv', got {self.architecture!r}")
        for name in ("latent_dim", "epochs", "batch_size", "n_neighbors", "n_per_sample"):
            v = getattr(self, name)
            if not isinstance(v, (int, np.integer)) or v < 1:
                raise ValueError(f"{name} must be a positive integer, got {v!r}")
        if not 0.0 < self.validation_fraction < 1.0:
            raise ValueError(f"validation_fraction must be in (0, 1), got {self.validation_fraction}")
        if self.beta < 0 or self.learning_rate <= 0 or not 0 <= self.dropout < 1:
            raise ValueError("beta must be >= 0, learning_rate > 0 and dropout in [0, 1)")
        if self.method not in METHODS:
            raise ValueError(f"method must be one of {METHODS}, got {self.method!r}")
        if isinstance(self.strength, str) and self.strength != "auto":
            raise ValueError(f"strength must be 'auto', a number or a (low, high) pair, got {self.strength!r}")
        if self.on_collapse not in ("retry", "warn"):
            raise ValueError(f"on_collapse must be 'retry' or 'warn', got {self.on_collapse!r}")
        if self.decoding not in ("auto", *DECODINGS):
            raise ValueError(f"decoding must be 'auto' or one of {DECODINGS}, got {self.decoding!r}")
        if self.on_no_gain not in ("skip", "near_copies"):
            raise ValueError(f"on_no_gain must be 'skip' or 'near_copies', got {self.on_no_gain!r}")
        if not isinstance(self.enforce_range, (bool, np.bool_)):
            raise ValueError(f"enforce_range must be True or False, got {self.enforce_range!r}")
        for name in ("warp_smoothness", "warp_gain"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, (int, float, np.number)) or not 0 <= v < np.inf:
                raise ValueError(f"{name} must be a finite number >= 0, got {v!r}")

    def _split_validation(self, X: np.ndarray, y: np.ndarray):
        """Hold out a stratified slice of the training set (plain random where a class is a singleton)."""
        n_val = max(1, int(round(self.validation_fraction * len(X))))
        if len(X) < 2:
            raise ValueError("fit needs at least 2 samples when no validation set is given")
        _, counts = np.unique(y, return_counts=True)
        stratify = y if counts.min() >= 2 and n_val >= len(counts) else None
        return train_test_split(X, y, test_size=n_val, stratify=stratify, random_state=self.random_state)

    def fit(self, X, y, X_val=None, y_val=None, checkpoint_dir: str | os.PathLike | None = None,
            resume: bool = False) -> "VAEAugmenter":
        """Train the VAE on ``X`` (N, ...) with labels ``y`` (N,), watched by (X_val, y_val).

        ``X``: (N, D) feature vectors or (N, H, W) / (N, C, H, W) images. Without a validation
        set, ``validation_fraction`` of ``X`` is held out (stratified) to pick the best epoch.
        ``checkpoint_dir``: save the training state there after every epoch (it stays after fit;
        the CLI removes it once the model is saved); with ``resume=True`` continue from it after
        an interruption. A checkpoint made for other data or hyper-parameters is refused.
        """
        self._check_params()
        X, y = check_X_y(X, y)
        if X_val is None:
            if y_val is not None:
                raise ValueError("y_val was given without X_val")
            X, X_val, y, y_val = self._split_validation(X, y)
        else:
            if y_val is None:
                raise ValueError("X_val was given without y_val")
            X_val, y_val = check_X_y(X_val, y_val, name="X_val")
            if X_val.shape[1:] != X.shape[1:]:
                raise ValueError(f"X_val samples have shape {X_val.shape[1:]}, X samples {X.shape[1:]}")
        kind = data_kind(X)
        arch = self.architecture
        if arch == "auto":
            arch = "conv" if kind == "image" else "mlp"
        if arch == "conv" and kind != "image":
            raise ValueError("architecture='conv' needs images (N, H, W) or (N, C, H, W); got feature vectors")
        if self.decoding == "warp" and kind != "image":
            raise ValueError("decoding='warp' moves images; feature vectors take 'direct', 'residual' or 'auto'")
        self.classes_ = np.unique(np.concatenate([y, y_val]) if self.conditional else y)
        if self.conditional:
            check_labels_known(y_val, self.classes_, "y_val")
        self.preprocessor_ = make_preprocessor(kind).fit(X)
        self.device_ = resolve_device(self.device)
        model_shape = self.preprocessor_.model_shape
        self.config_ = VAEConfig(
            architecture=arch,
            input_shape=model_shape if arch == "conv" else (int(np.prod(model_shape)),),
            latent_dim=int(self.latent_dim),
            hidden_sizes=tuple(self.hidden_sizes or DEFAULT_HIDDEN[arch]),
            n_classes=len(self.classes_) if self.conditional else 0,
            likelihood="bernoulli" if kind == "image" else "gaussian",
            dropout=float(self.dropout),
        )
        settings = TrainSettings(
            epochs=self.epochs, batch_size=self.batch_size, learning_rate=self.learning_rate,
            weight_decay=self.weight_decay, beta=self.beta, kl_warmup=self.kl_warmup, free_bits=float(self.free_bits),
            patience=self.patience, verbose=self.verbose, desc=f"VAE ({arch})",
        )
        fingerprint = self._fingerprint(X, y, X_val, y_val) if checkpoint_dir is not None else ""
        ckpt = Checkpointer(checkpoint_dir, fingerprint) if checkpoint_dir is not None else None
        data = (self._to_tensor(X), self._onehot(y), self._to_tensor(X_val), self._onehot(y_val))
        hist = self._train(data, settings, ckpt, resume)
        self.collapse_retried_ = False
        if self.collapsed_ and self.on_collapse == "retry" and self.beta > 0:
            # Posterior collapse is an optimisation failure (the KL term wins before the decoder has
            # learnt to use z); a slower KL warm-up is the standard remedy (Bowman et al. 2016). On
            # UJI Pen Characters v1 one seed in three collapses with 10 epochs and none with 30.
            settings.kl_warmup = retry_warmup(int(self.kl_warmup))
            if ckpt is not None:
                ckpt = Checkpointer(Path(checkpoint_dir) / "collapse-retry", fingerprint)
            hist = self._train(data, settings, ckpt, resume)
            self.collapse_retried_ = True
        del data
        self.history_ = {**hist.to_dict(), "kl_warmup": settings.kl_warmup}
        self.best_epoch_ = hist.best_epoch
        if self.collapsed_:
            retried = " even after a retry with a longer KL warm-up" if self.collapse_retried_ else ""
            warnings.warn(
                f"posterior collapse{retried}: the training codes spread at most {self.latent_spread_.max():.3g} on "
                "any latent dimension (the prior's is 1), so the decoder ignores z. Every method will decode a "
                "class to (nearly) its prototype; methods and strengths will not differ. A lower beta, a longer "
                "kl_warmup, no free_bits or an unconditional decoder keep z in use (at some cost in label fidelity).",
                PosteriorCollapseWarning, stacklevel=2)
        self.selection_ = {}
        auto_strength, auto_decoding = isinstance(self.strength, str), self.decoding == "auto"
        fixed_decoding = "direct" if auto_decoding else self.decoding
        self.strength_ = {m: self.strength for m in METHODS} if not auto_strength else dict(DEFAULT_STRENGTH)
        self.decoding_ = {m: fixed_decoding for m in METHODS}
        self.decoding_["reconstruction"] = "direct"  # residual decoding of z' = z is the sample itself
        if auto_strength or auto_decoding:  # choose on the validation set
            grid = None if auto_strength else {m: (self.strength,) for m in STRENGTH_GRID}
            candidates = self._auto_decodings() if auto_decoding else (fixed_decoding,)
            make_sets = self._candidate_sets(X, y, int(self.n_per_sample), self.random_state, candidates)
            strengths, decodings, self.selection_ = choose_strengths(
                make_sets, X, y, X_val, y_val, self.random_state, grid=grid, decodings=candidates,
                warp_extra=WARP_EXTRA_STRENGTHS if auto_strength else None,
                fallback=FALLBACK_STRENGTH if auto_strength else None)  # a fixed strength stays the user's
            self.strength_.update(strengths)
            self.decoding_.update(decodings)
            if auto_strength and self.on_no_gain == "skip":
                for method in self.selection_["fallback"]:
                    self.strength_[method] = None  # generate() makes nothing unless given a strength
        return self

    def _train(self, data: tuple, settings: TrainSettings, ckpt: Checkpointer | None, resume: bool) -> History:
        """Build a fresh VAE, train it (seeded) on ``data`` = (X, Y, X_val, Y_val) as model-space
        tensors and one-hot labels (or None), and set ``model_`` and ``latent_spread_``."""
        with seeded(self.random_state, self.device_):
            gen = torch.Generator()
            gen.manual_seed(int(torch.randint(0, 2**62, (1,))))
            self.model_ = VAE(self.config_).to(self.device_)
            hist = train_vae(self.model_, *data, settings, gen, checkpoint=ckpt, resume=resume)
        T = data[0]  # the training tensor is at hand: encode it rather than preprocess X a second time
        self.latent_spread_ = latent_spread(self._encode_batches(T[s : s + 1024] for s in range(0, len(T), 1024)))
        return hist

    @property
    def collapsed_(self) -> bool:
        """The training codes do not spread (posterior collapse): see :class:`PosteriorCollapseWarning`."""
        check_is_fitted(self, "latent_spread_")
        return bool(self.latent_spread_.max() < COLLAPSE_SPREAD)

    def _fingerprint(self, *arrays) -> str:
        """Identifies the data and hyper-parameters a checkpoint belongs to."""
        h = hashlib.sha256()
        params = {k: v for k, v in self.get_params().items() if k not in ("verbose", "device")}
        h.update(json.dumps(to_jsonable(params), sort_keys=True).encode())
        for a in arrays:
            a = np.ascontiguousarray(a)
            h.update(str((a.shape, a.dtype.str)).encode())
            h.update(a.tobytes() if a.dtype != object else str(a.tolist()).encode())
        return h.hexdigest()

    # ------------------------------------------------------------------ tensors
    def _to_tensor(self, X: np.ndarray) -> torch.Tensor:
        T = self.preprocessor_.transform(X)
        return torch.from_numpy(T.reshape(len(T), *self.config_.input_shape)).to(self.device_)

    def _onehot(self, y: np.ndarray | None) -> torch.Tensor | None:
        if not self.config_.n_classes or y is None:
            return None
        idx = np.searchsorted(self.classes_, y)
        out = torch.zeros(len(y), len(self.classes_), device=self.device_)
        out[torch.arange(len(y)), torch.from_numpy(idx).to(self.device_)] = 1.0
        return out

    # ------------------------------------------------------------------ encode / decode
    def transform(self, X, batch_size: int = 1024) -> np.ndarray:
        """Encode ``X`` (N, ...) to the posterior means μ(x): an (N, latent_dim) float32 array."""
        check_is_fitted(self, "model_")
        X = check_X(X)
        self.preprocessor_.check(X)
        return self._encode_batches(self._to_tensor(X[s : s + batch_size]) for s in range(0, len(X), batch_size))

    def _encode_batches(self, batches) -> np.ndarray:
        """Posterior means of model-space tensors, batch by batch: an (N, latent_dim) float32 array."""
        self.model_.eval()
        with torch.no_grad():
            return np.concatenate([self.model_.encode(t)[0].float().cpu().numpy() for t in batches])

    def inverse_transform(self, Z, y=None, batch_size: int = 1024) -> np.ndarray:
        """Decode codes ``Z`` (M, latent_dim) into samples in the input's scale, dtype and shape.

        ``y`` (M,) is needed when the VAE is class-conditional. The decoded value is the
        likelihood's mean (pixel probabilities for images), not a random draw.
        """
        return self.preprocessor_.inverse_transform(self._decode(Z, y, batch_size), bool(self.enforce_range))

    def _decode(self, Z, y=None, batch_size: int = 1024) -> np.ndarray:
        """Decode codes to the model's space: an (M, D) float32 array (D: flattened input size).
        ``y`` is used by a class-conditional decoder and ignored otherwise."""
        check_is_fitted(self, "model_")
        Z = np.asarray(Z, dtype=np.float32)
        if Z.ndim != 2 or Z.shape[1] != self.config_.latent_dim:
            raise ValueError(f"Z must have shape (M, {self.config_.latent_dim}), got {Z.shape}")
        if self.config_.n_classes:
            if y is None:
                raise ValueError("this augmenter is class-conditional: inverse_transform needs y")
            y = np.asarray(y)
            if len(y) != len(Z):
                raise ValueError(f"Z and y have different lengths: {len(Z)} and {len(y)}")
            check_labels_known(y, self.classes_)
        else:
            y = None
        self.model_.eval()
        out = []
        with torch.no_grad():
            for s in range(0, len(Z), batch_size):
                z = torch.from_numpy(Z[s : s + batch_size]).to(self.device_)
                yy = None if y is None else self._onehot(y[s : s + batch_size])
                out.append(self.model_.output(self.model_.decode(z, yy)).float().cpu().numpy())
        T = np.concatenate(out) if out else np.zeros((0, *self.config_.input_shape), np.float32)
        return T.reshape(len(T), -1)

    def _model_bounds(self) -> tuple[float, float]:
        """The valid range of the model's space: [0, 1] for images, ±CLIP for standardised vectors."""
        from .preprocess import CLIP

        return (0.0, 1.0) if self.config_.likelihood == "bernoulli" else (-CLIP, CLIP)

    def reconstruct(self, X, y=None) -> np.ndarray:
        """Decode the posterior mean of each sample: what the VAE makes of ``X``."""
        return self.inverse_transform(self.transform(X), y)

    # ------------------------------------------------------------------ generation
    def _generation_inputs(self, X, y, method: str, strength, random_state, decoding=None):
        """Checked (X, y), the seeded generator, and the strength and decoding to use (the
        chosen ones by default)."""
        check_is_fitted(self, "model_")
        X, y = check_X_y(X, y)
        if self.config_.n_classes:
            check_labels_known(y, self.classes_)
        rng = np.random.default_rng(self.random_state if random_state is None else random_state)
        if decoding is None:
            decoding = getattr(self, "decoding_", {}).get(method, "direct")
        if decoding not in self._decodings():
            raise ValueError(f"decoding must be one of {self._decodings()} for this model, got {decoding!r}")
        if strength is None:
            strength = getattr(self, "strength_", DEFAULT_STRENGTH).get(method, DEFAULT_STRENGTH[method])
            if strength is None:  # fit found no setting that helps: nothing to make
                warnings.warn(
                    f"validation found no setting of {method!r} that beats real data alone "
                    "(selection_['fallback']), so no samples are made for it; pass a strength to generate "
                    "anyway, or fit with on_no_gain='near_copies'", NoGainWarning, stacklevel=3)
        return X, y, rng, strength, decoding

    def _decodings(self) -> tuple[str, ...]:
        """The decodings this model's data allows: warp moves images, so vectors lack it."""
        return DECODINGS if self.preprocessor_.kind == "image" else tuple(d for d in DECODINGS if d != "warp")

    def _auto_decodings(self) -> tuple[str, ...]:
        """The decodings ``decoding="auto"`` chooses among. Feature vectors take residual decoding
        only: a direct decode of a small tabular set is the gaussian decoder's mean, pulled toward
        its class's centre. Where validation picked one on 10-per-class tables, scikit-learn's
        classifiers lost 1.4 test points on average (14 picks × 3 classifiers, up to 8.9 in one
        seed), its 8 residual picks gained 0.3 (``results/unseen-sets-before.json``); the residual keeps
        each real sample's own values and adds the decoder's change. ``decoding="direct"`` still
        asks for it."""
        return self._decodings() if self.preprocessor_.kind == "image" else ("residual",)

    def generate_codes(self, X, y, method: str, n_per_sample: int = 1, strength=None,
                       random_state=None, small_classes: str = "raise") -> SyntheticCodes:
        """The synthetic latent codes behind :meth:`generate`, with their sources and partners."""
        X, y, rng, strength, _ = self._generation_inputs(X, y, method, strength, random_state)
        if strength is None:
            return self._no_codes(y)
        return synthesize(
            self.transform(X), y, method, n_per_sample=n_per_sample, strength=strength,
            k=self.n_neighbors, rng=rng, spread=self.latent_spread_, small_classes=small_classes,
        )

    def _no_codes(self, y: np.ndarray) -> SyntheticCodes:
        """No synthetic codes: what a method skipped by ``on_no_gain="skip"`` makes."""
        none = np.zeros(0, dtype=np.intp)
        return SyntheticCodes(np.zeros((0, self.config_.latent_dim), np.float32), y[:0], none, none.copy())

    def _decode_codes(self, codes: SyntheticCodes, decoding: str, T_src: np.ndarray | None,
                      D_src: np.ndarray | None, D_new: np.ndarray | None = None) -> np.ndarray:
        """Synthetic samples in the input's form. ``"direct"``: decode z'. ``"residual"``: the
        source sample plus D(z') − D(z) (:func:`~vaeaug.latent.residual_decode`). ``"warp"``: the
        source sample moved by the motion from D(z) to D(z') (:func:`~vaeaug.warp.warp_decode`).
        ``T_src`` and ``D_src`` are the sources in model space and their decoded codes. ``D_new``:
        the codes' decode when the caller already has it."""
        if D_new is None:
            D_new = self._decode(codes.Z, codes.y)
        if decoding == "residual":
            D_new = residual_decode(T_src[codes.source], D_new, D_src[codes.source], *self._model_bounds())
        elif decoding == "warp":
            D_new = warp_decode(T_src[codes.source], D_new, D_src[codes.source], self.preprocessor_.model_shape,
                                settings=self._warp_settings(), device=self.device_)
        return self.preprocessor_.inverse_transform(D_new, bool(self.enforce_range))

    def _warp_settings(self) -> WarpSettings:
        """The warp fit for this model's image size, with the user's smoothness and gain."""
        _, h, w = self.preprocessor_.model_shape
        return replace(WarpSettings.for_size(h, w), smoothness=float(self.warp_smoothness), gain=float(self.warp_gain))

    def _sources(self, X: np.ndarray, y: np.ndarray, Z: np.ndarray, decoding: str):
        """What residual and warp decoding need about the source samples: the samples in model
        space and their decoded codes (nothing for direct decoding)."""
        if decoding == "direct":
            return None, None
        T = self.preprocessor_.transform(X)
        return T.reshape(len(T), -1), self._decode(Z, y)

    def _candidate_sets(self, X: np.ndarray, y: np.ndarray, n_per_sample: int, random_state,
                        decodings: tuple[str, ...]):
        """For the choice in ``fit``: a function (method, strength) → {decoding: (X_new, y_new)},
        equal to :meth:`generate` with those arguments and ``small_classes="skip"``, but encoding
        ``X`` and decoding its codes once, and decoding each candidate's codes once for every
        decoding (a residual sample is the direct one moved by the source's own residual)."""
        Z = self.transform(X)
        sources = self._sources(X, y, Z, "direct" if decodings == ("direct",) else "residual")
        seed = self.random_state if random_state is None else random_state

        def make_sets(method: str, strength, wanted: tuple[str, ...] = decodings) -> dict[str, tuple[np.ndarray, np.ndarray]]:
            codes = synthesize(Z, y, method, n_per_sample=n_per_sample, strength=strength, k=self.n_neighbors,
                               rng=np.random.default_rng(seed), spread=self.latent_spread_, small_classes="skip")
            D_new = self._decode(codes.Z, codes.y)
            return {d: (self._decode_codes(codes, d, *sources, D_new=D_new), codes.y) for d in wanted}

        return make_sets

    def generate(self, X, y, method: str = "interpolation", n_per_sample: int = 1, strength=None,
                 random_state=None, small_classes: str = "raise", decoding: str | None = None,
                 return_codes: bool = False):
        """Make ``n_per_sample`` synthetic samples from each sample of ``X`` (N, ...), labels ``y`` (N,).

        method : ``"noise"`` z' = z + σ s⊙ε; ``"interpolation"`` z' = z_i + λ(z_j − z_i);
            ``"extrapolation"`` z' = z_i + λ(z_i − z_j); ``"reconstruction"`` z' = z (a control).
            z_j is drawn among the ``n_neighbors`` nearest same-class codes of z_i.
        strength : σ or λ; a (low, high) pair draws it uniformly per sample; ``None`` uses
            ``strength_[method]``: the value chosen on validation in ``fit`` (``strength="auto"``)
            or the constructor's fixed strength. Where ``fit`` found no setting that helps, that is
            ``None`` and no samples are made (a :class:`NoGainWarning`; see ``on_no_gain``).
        small_classes : ``"raise"`` (default) refuses a neighbour method on a class with a single
            sample; ``"skip"`` gives such samples no offspring.
        decoding : ``"direct"`` decodes z'; ``"residual"`` returns x + D(z') − D(z), the source
            sample moved by the change the decoder sees (sharper, see
            :func:`~vaeaug.latent.residual_decode`); ``"warp"`` (images) returns x deformed by the
            motion that carries D(z) onto D(z') (:func:`~vaeaug.warp.warp_decode`); ``None`` uses
            ``decoding_[method]``.

        Returns ``(X_new, y_new)``: X_new (N·n_per_sample, ...) in the input's dtype and shape,
        y_new (N·n_per_sample,) the labels of the source samples; with ``return_codes=True`` also
        the :class:`~vaeaug.latent.SyntheticCodes` behind them (codes, sources, partners).
        """
        X, y, rng, strength, decoding = self._generation_inputs(X, y, method, strength, random_state, decoding)
        if strength is None:
            codes = self._no_codes(y)
            X_new = self.preprocessor_.inverse_transform(np.zeros((0, int(np.prod(self.preprocessor_.model_shape))),
                                                                  np.float32))
            return (X_new, codes.y, codes) if return_codes else (X_new, codes.y)
        Z = self.transform(X)
        codes = synthesize(Z, y, method, n_per_sample=n_per_sample, strength=strength, k=self.n_neighbors,
                           rng=rng, spread=self.latent_spread_, small_classes=small_classes)
        X_new = self._decode_codes(codes, decoding, *self._sources(X, y, Z, decoding))
        return (X_new, codes.y, codes) if return_codes else (X_new, codes.y)

    def generate_batches(self, X, y, method: str = "interpolation", n_per_sample: int = 1, strength=None,
                         batch_size: int = 8192, random_state=None, small_classes: str = "raise",
                         decoding: str | None = None):
        """Like :meth:`generate`, but yields ``(X_chunk, y_chunk)`` of at most ``batch_size``
        samples, so that millions of samples can be written out with bounded memory.

        Codes are made one round at a time (each source sample once per round, neighbours found
        once); only one round's codes and one decoded chunk are held at any moment.
        """
        from .latent import same_class_neighbours

        X, y, rng, strength, decoding = self._generation_inputs(X, y, method, strength, random_state, decoding)
        if strength is None:
            return
        Z = self.transform(X)
        sources = self._sources(X, y, Z, decoding)
        nbrs = same_class_neighbours(Z, y, self.n_neighbors) if method in ("interpolation", "extrapolation") else None
        for _ in range(n_per_sample):
            codes = synthesize(Z, y, method, 1, strength, k=self.n_neighbors, rng=rng, spread=self.latent_spread_,
                               small_classes=small_classes, neighbours=nbrs)
            for s in range(0, len(codes.Z), batch_size):
                part = slice(s, s + batch_size)
                chunk = SyntheticCodes(codes.Z[part], codes.y[part], codes.source[part], codes.partner[part])
                yield self._decode_codes(chunk, decoding, *sources), chunk.y

    def fit_resample(self, X, y):
        """Fit on (X, y), then return originals plus ``n_per_sample`` synthetic samples each.

        The validation slice is cut from ``X`` itself, so inside cross-validation nothing from
        the held-out fold is seen. Returns ``(X_res, y_res)`` of length N·(1 + n_per_sample).
        """
        self.fit(X, y)
        X, y = check_X_y(X, y)
        X_new, y_new = self.generate(X, y, self.method, self.n_per_sample)
        return np.concatenate([X, X_new]), np.concatenate([y, y_new])

    # ------------------------------------------------------------------ persistence
    def save(self, path: str | os.PathLike) -> Path:
        """Save to directory ``path``: ``model.safetensors`` (weights and preprocessing arrays)
        and ``config.json`` (hyper-parameters, architecture, classes, history, the weights'
        sha256). No pickle anywhere. The config is written last, so a directory whose config is
        missing or whose checksum does not match is known to be incomplete."""
        from safetensors.torch import save as st_save

        check_is_fitted(self, "model_")
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        tensors = {f"model.{k}": v.detach().cpu().contiguous() for k, v in self.model_.state_dict().items()}
        pmeta, parrays = self.preprocessor_.state()
        for k, a in parrays.items():
            tensors[f"preprocess.{k}"] = torch.from_numpy(np.ascontiguousarray(a))
        tensors["latent_spread"] = torch.from_numpy(np.ascontiguousarray(self.latent_spread_))
        atomic_write_bytes(path / WEIGHTS_FILE, st_save(tensors))
        params = self.get_params()
        config = {
            "format": MODEL_FORMAT,
            "format_version": MODEL_FORMAT_VERSION,
            "vaeaug_version": __version__,
            "params": to_jsonable(params),
            "vae": self.config_.to_dict(),
            "preprocessor": to_jsonable(pmeta),
            "classes": {"dtype": self.classes_.dtype.str, "values": self.classes_.tolist()},
            "history": to_jsonable(self.history_),
            "collapse_retried": bool(self.collapse_retried_),
            "strength": to_jsonable(self.strength_),
            "decoding": dict(self.decoding_),
            "selection": to_jsonable(self.selection_),
            "weights_sha256": sha256_file(path / WEIGHTS_FILE),
        }
        atomic_write_json(path / CONFIG_FILE, config)
        return path

    @classmethod
    def load(cls, path: str | os.PathLike, device: str = "auto") -> "VAEAugmenter":
        """Load a model saved by :meth:`save`, checking the weights' checksum; never unpickles."""
        from safetensors.torch import load as st_load

        path = Path(path)
        cfg_path, w_path = path / CONFIG_FILE, path / WEIGHTS_FILE
        for p in (cfg_path, w_path):
            if not p.is_file():
                raise ModelFileError(f"{path} is not a complete vaeaug model: {p.name} is missing")
        try:
            config = json.loads(cfg_path.read_text("utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as e:
            raise ModelFileError(f"{cfg_path} is not valid JSON ({e}); the file is damaged") from None
        if not isinstance(config, dict) or config.get("format") != MODEL_FORMAT:
            raise ModelFileError(f"{cfg_path} is not a vaeaug model config")
        if config.get("format_version", 0) > MODEL_FORMAT_VERSION:
            raise ModelFileError(
                f"{path} was saved by a newer vaeaug (format {config['format_version']}); upgrade vaeaug"
            )
        raw = w_path.read_bytes()
        digest = hashlib.sha256(raw).hexdigest()
        if digest != config.get("weights_sha256"):
            raise ModelFileError(
                f"{w_path} does not match the checksum in {CONFIG_FILE} (truncated or modified): "
                f"expected {config.get('weights_sha256')}, got {digest}"
            )
        try:
            tensors = st_load(raw)
        except Exception as e:  # SafetensorError and friends: never trust the bytes
            raise ModelFileError(f"{w_path} is not a valid safetensors file: {e}") from None
        params = dict(config["params"])
        for k in ("hidden_sizes", "strength"):
            if isinstance(params.get(k), list):
                params[k] = tuple(params[k])
        params["device"] = device
        self = cls(**params)
        self.config_ = VAEConfig.from_dict(config["vae"])
        self.device_ = resolve_device(device)
        self.model_ = VAE(self.config_)
        state = {k[len("model."):]: v for k, v in tensors.items() if k.startswith("model.")}
        try:
            self.model_.load_state_dict(state, strict=True)
        except RuntimeError as e:
            raise ModelFileError(f"{w_path} does not fit the architecture in {CONFIG_FILE}: {e}") from None
        self.model_.to(self.device_).eval()
        parrays = {k[len("preprocess."):]: v.numpy() for k, v in tensors.items() if k.startswith("preprocess.")}
        self.preprocessor_ = preprocessor_from_state(config["preprocessor"], parrays)
        cl = config["classes"]
        self.classes_ = np.array(cl["values"], dtype=np.dtype(cl["dtype"]))
        self.history_ = config["history"]
        self.best_epoch_ = self.history_.get("best_epoch", -1)
        self.collapse_retried_ = bool(config.get("collapse_retried", False))
        self.latent_spread_ = tensors["latent_spread"].numpy()
        self.strength_ = {m: (tuple(v) if isinstance(v, list) else v) for m, v in config.get("strength", DEFAULT_STRENGTH).items()}
        self.decoding_ = dict(config.get("decoding", {m: "direct" for m in METHODS}))
        self.selection_ = config.get("selection", {})
        return self


class VAESampler(BaseEstimator):
    """An imbalanced-learn sampler around a :class:`VAEAugmenter`, for use inside a ``Pipeline``.

    imbalanced-learn refuses a pipeline step that has both ``transform`` and ``fit_resample``;
    ``VAEAugmenter`` needs ``transform`` (encoding), so this wrapper exposes ``fit_resample``
    alone. Nested parameters reach the augmenter (``augmenter__beta``), so grid search works.
    Each ``fit_resample`` fits a fresh clone (``augmenter_``) on the training fold only.
    """

    def __init__(self, augmenter: VAEAugmenter | None = None, method: str = "interpolation",
                 n_per_sample: int = 3, strength="auto"):
        self.augmenter = augmenter
        self.method = method
        self.n_per_sample = n_per_sample
        self.strength = strength

    def fit_resample(self, X, y):
        """Fit a clone of the augmenter on (X, y); return X, y plus the synthetic samples."""
        base = self.augmenter if self.augmenter is not None else VAEAugmenter(verbose=0)
        self.augmenter_ = clone(base).set_params(
            method=self.method, n_per_sample=self.n_per_sample, strength=self.strength
        )
        return self.augmenter_.fit_resample(X, y)

    def fit(self, X, y):
        self.fit_resample(X, y)
        return self
