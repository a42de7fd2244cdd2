"""Training the augmenter's VAE: the architecture for the data, the seeded loop, and the one
retry after a posterior collapse."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import torch

from .checkpoint import Checkpointer
from .errors import PosteriorCollapseWarning, warn_caller
from .fileio import to_jsonable
from .fitted import FittedVAE
from .latent import latent_spread
from .models import VAE, VAEConfig
from .preprocess import make_preprocessor
from .training import History, TrainSettings, resolve_device, seeded, train_vae

DEFAULT_HIDDEN = {"mlp": (512, 256), "conv": (32, 64, 128, 256), "tconv": (32, 64, 128), "gru": (128,)}
#: ``architecture="auto"`` per data kind (sequences: ``benchmarks/results/sequence-architecture.md``).
AUTO_ARCHITECTURE = {"image": "conv", "vector": "mlp", "sequence": "tconv"}
#: The data kind each specialised architecture needs (an MLP takes any, flattened).
NEEDS_KIND = {"conv": "image", "tconv": "sequence", "gru": "sequence"}

#: Below this spread of the training codes' means on every latent dimension (the prior's is 1),
#: the decoder is taken to ignore z: see :class:`~vaeaug.PosteriorCollapseWarning`.
COLLAPSE_SPREAD = 0.05


def retry_warmup(kl_warmup: int) -> int:
    """The KL warm-up (epochs) of the one retry after a posterior collapse: three times as long,
    and at least 30 epochs (a slower warm-up is the standard remedy, Bowman et al. 2016)."""
    return max(3 * kl_warmup, 30)


def resolve_architecture(architecture: str, kind: str) -> str:
    """``"auto"`` → :data:`AUTO_ARCHITECTURE` for the kind; an architecture made for another kind
    (conv on vectors, a GRU on images) is refused."""
    arch = AUTO_ARCHITECTURE[kind] if architecture == "auto" else architecture
    if NEEDS_KIND.get(arch, kind) != kind:
        forms = {"image": "images (N, H, W) or (N, C, H, W)",
                 "sequence": "sequences (a list of (T, C) arrays, or data_kind='sequence')"}
        raise ValueError(f"architecture={arch!r} needs {forms[NEEDS_KIND[arch]]}; got {kind} data")
    return arch


def fingerprint(params: dict, *arrays: np.ndarray) -> str:
    """Identifies the data and hyper-parameters a checkpoint belongs to."""
    h = hashlib.sha256()
    params = {k: v for k, v in params.items() if k not in ("verbose", "device")}
    h.update(json.dumps(to_jsonable(params), sort_keys=True).encode())
    for a in arrays:
        a = np.ascontiguousarray(a)
        h.update(str((a.shape, a.dtype.str)).encode())
        h.update(a.tobytes() if a.dtype != object else str(a.tolist()).encode())
    return h.hexdigest()


def build_vae(aug, X: np.ndarray, kind: str, classes: np.ndarray, preprocessor=None) -> FittedVAE:
    """A :class:`FittedVAE` without weights yet for data ``X`` of ``kind``, sized by ``aug``'s
    parameters; ``preprocessor``: an unfitted one to fit (sequences bring theirs, sized for them)."""
    arch = resolve_architecture(aug.architecture, kind)
    preprocessor = (make_preprocessor(kind) if preprocessor is None else preprocessor).fit(X)
    shape = preprocessor.model_shape
    config = VAEConfig(
        architecture=arch,
        input_shape=shape if arch != "mlp" else (int(np.prod(shape)),),
        latent_dim=int(aug.latent_dim),
        hidden_sizes=tuple(aug.hidden_sizes or DEFAULT_HIDDEN[arch]),
        n_classes=len(classes) if aug.conditional else 0,
        likelihood="bernoulli" if kind == "image" else "gaussian",
        dropout=float(aug.dropout),
    )
    # the weights are made in train(), under the seed
    return FittedVAE(None, config, preprocessor, classes, resolve_device(aug.device))


def train_settings(aug) -> TrainSettings:
    """The training loop's settings, read from the augmenter's parameters."""
    return TrainSettings(
        epochs=int(aug.epochs), batch_size=int(aug.batch_size), learning_rate=float(aug.learning_rate),
        weight_decay=float(aug.weight_decay), beta=float(aug.beta), kl_warmup=int(aug.kl_warmup),
        free_bits=float(aug.free_bits), patience=aug.patience, verbose=int(aug.verbose),
    )


def _train_once(vae: FittedVAE, data: tuple, settings: TrainSettings, seed: int | None,
                ckpt: Checkpointer | None, resume: bool) -> tuple[History, np.ndarray]:
    """Fresh weights, trained (seeded) on ``data`` = (X, Y, X_val, Y_val) tensors; returns the
    history and the per-dimension spread of the training codes."""
    with seeded(seed, vae.device):
        gen = torch.Generator()
        gen.manual_seed(int(torch.randint(0, 2**62, (1,))))
        vae.model = VAE(vae.config).to(vae.device)
        hist = train_vae(vae.model, *data, settings, gen, checkpoint=ckpt, resume=resume)
    T = data[0]
    return hist, latent_spread(vae.encode_tensors(T[s : s + 1024] for s in range(0, len(T), 1024)))


def training_tensors(vae: FittedVAE, X: np.ndarray, y: np.ndarray, X_unlabeled: np.ndarray | None = None):
    """(samples, one-hot labels) tensors to train on: labelled samples with their class, unlabeled
    ones with an all-zero label vector, which a conditional decoder reads as "class unknown"."""
    T, Y = vae.to_tensor(X), vae.onehot(y)
    if X_unlabeled is None or len(X_unlabeled) == 0:
        return T, Y
    U = vae.to_tensor(X_unlabeled)
    if Y is not None:
        Y = torch.cat([Y, torch.zeros(len(U), Y.shape[1], dtype=Y.dtype, device=Y.device)])
    return torch.cat([T, U]), Y


def train_fold(aug, vae: FittedVAE, X: np.ndarray, y: np.ndarray, X_unlabeled: np.ndarray | None,
               epochs: int, kl_warmup: int) -> tuple[FittedVAE, np.ndarray]:
    """A generator for one fold of the choice: a fresh model shaped like ``vae``, its preprocessing
    fitted on ``X`` alone, trained (seeded) on ``X`` (and ``X_unlabeled``) for a fixed ``epochs``
    with no validation set, so that it never sees the fold's held-out samples. Returns the model
    and the spread of its training codes."""
    fold = FittedVAE(None, vae.config, vae.preprocessor.fresh().fit(X), vae.classes, vae.device)
    settings = train_settings(aug)
    settings.epochs, settings.kl_warmup, settings.patience, settings.verbose = int(epochs), int(kl_warmup), None, 0
    T, Y = training_tensors(fold, X, y, X_unlabeled)
    _, spread = _train_once(fold, (T, Y, None, None), settings, aug.seed_, None, False)
    return fold, spread


def train(aug, vae: FittedVAE, X, y, X_val, y_val, checkpoint_dir=None, resume: bool = False,
          X_unlabeled: np.ndarray | None = None):
    """Train ``vae`` in place on ``X`` (and ``X_unlabeled``, label unknown), watched by the
    validation set; returns (history dict, latent spread, whether a collapse was retried).

    After a posterior collapse (every dimension's spread < :data:`COLLAPSE_SPREAD`) with
    ``on_collapse="retry"`` it trains once more from the same seed with a longer KL warm-up
    (:func:`retry_warmup`), so a model that never collapses is unchanged by the rule. A run
    already collapsed when its warm-up ends stops there (UJI v1: collapsed from epoch 2, never
    recovering), which saves the epochs early stopping would have spent on it.
    """
    settings = train_settings(aug)
    settings.desc = f"training the VAE ({vae.config.architecture})"
    unlabeled = () if X_unlabeled is None else (X_unlabeled,)
    params = {**aug.get_params(), "random_state": aug.seed_}  # a RandomState as the seed it gave
    key = fingerprint(params, X, y, X_val, y_val, *unlabeled) if checkpoint_dir is not None else ""
    ckpt = Checkpointer(checkpoint_dir, key) if checkpoint_dir is not None else None
    # no validation sample (one sample a class): its epochs, the last weights kept
    watch = (vae.to_tensor(X_val), vae.onehot(y_val)) if len(X_val) else (None, None)
    data = (*training_tensors(vae, X, y, X_unlabeled), *watch)
    will_retry = aug.on_collapse == "retry" and aug.beta > 0
    # a run collapsed when β reaches its final value is stopped there, not trained to early stopping first
    settings.collapse_spread = COLLAPSE_SPREAD if will_retry else 0.0
    hist, spread = _train_once(vae, data, settings, aug.seed_, ckpt, resume)
    retried, stopped_at = False, hist.collapsed_at
    if will_retry and (hist.collapsed_at is not None or spread.max() < COLLAPSE_SPREAD):
        settings.kl_warmup, settings.collapse_spread = retry_warmup(int(aug.kl_warmup)), 0.0
        if ckpt is not None:
            ckpt = Checkpointer(Path(checkpoint_dir) / "collapse-retry", key)
        hist, spread = _train_once(vae, data, settings, aug.seed_, ckpt, resume)
        retried = True
    if spread.max() < COLLAPSE_SPREAD:
        again = " even after a retry with a longer KL warm-up" if retried else ""
        warn_caller(
            f"posterior collapse{again}: the training codes spread at most {spread.max():.3g} on "
            "any latent dimension (the prior's is 1), so the decoder ignores z. Every method will decode a "
            "class to (nearly) its prototype; methods and strengths will not differ. A lower beta, a longer "
            "kl_warmup, no free_bits or an unconditional decoder keep z in use (at some cost in label fidelity).",
            PosteriorCollapseWarning)
    # collapse_stopped_at: the epoch (0-based) the collapsed first run was stopped at, if it was
    return {**hist.to_dict(), "kl_warmup": settings.kl_warmup, "collapse_stopped_at": stopped_at}, spread, retried
