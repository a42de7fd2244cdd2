"""Sequences: the third data kind, ``(N, T, C)`` arrays or lists of ``(T_i, C)`` arrays.

Every sequence is resampled (linearly, per channel) to one model length L, so the VAE sees a
fixed ``(C, L)`` array and the latent operations are unchanged; each sample's length is kept, and
outputs are resampled back to it: ragged in, ragged out, an offspring as long as its source.
Resampling rather than padding with masks: a temporal-convolution VAE needs one length, and the
proxy and the caller's fixed-length classifiers read the same resampled form (``docs/method.md``).
"""

from __future__ import annotations

import numpy as np

from .errors import warn_caller
from .preprocess import CLIP, _cast_back

#: The longest model length: longer sequences are resampled down to it (and back up on output),
#: which bounds the conv stack's memory; the UCR/UEA sets shipped with aeon reach 1,460 steps.
MAX_MODEL_LENGTH = 512
#: The shortest model length: short sequences are resampled up, so that two stride-2 layers fit.
MIN_MODEL_LENGTH = 16
#: The longest length the harm check scores sequences at: past the model's, it reads the detail
#: the model's length drops, as the user's classifier does (``docs/choice.md``, long sequences).
MAX_SCORE_LENGTH = 4096


def resample(seq: np.ndarray, length: int) -> np.ndarray:
    """A (T, C) sequence linearly resampled to (length, C), first and last steps kept."""
    seq = np.asarray(seq, dtype=np.float64)
    t = len(seq)
    if t == length:
        return seq.copy()
    if t == 1:
        return np.repeat(seq, length, axis=0)
    src = np.linspace(0.0, 1.0, t)
    dst = np.linspace(0.0, 1.0, length)
    return np.stack([np.interp(dst, src, seq[:, c]) for c in range(seq.shape[1])], axis=1)


def resample_all(X: np.ndarray, length: int) -> np.ndarray:
    """(N, T, C) sequences of one length resampled to (N, length, C), all at once."""
    n, t, c = X.shape
    if t == length:
        return np.asarray(X, dtype=np.float64)
    pos = np.linspace(0.0, t - 1.0, length)
    lo = np.minimum(np.floor(pos).astype(int), t - 2) if t > 1 else np.zeros(length, int)
    frac = (pos - lo)[None, :, None]
    X = np.asarray(X, dtype=np.float64)
    if t == 1:
        return np.repeat(X, length, axis=1)
    return X[:, lo] * (1 - frac) + X[:, lo + 1] * frac


def residual_at_lengths(sources, X_new: np.ndarray, X_src: np.ndarray, lo, hi, dtype) -> list[np.ndarray]:
    """Residual offspring of sources longer than the model, at their sources' own lengths: each
    source (T_i, C) moved by its offspring's change at the model's length (``X_new − X_src``,
    (M, L, C) in the input's scale) resampled to T_i, each channel clipped to [``lo``, ``hi``]
    (``None``: not clipped). Moving the source, not resampling the decode, keeps its detail."""
    out = []
    for source, change in zip(sources, np.asarray(X_new, np.float64) - np.asarray(X_src, np.float64)):
        moved = np.asarray(source, np.float64) + resample(change, len(source))
        out.append(_cast_back(moved if lo is None else np.clip(moved, lo, hi), np.dtype(dtype)))
    return out


def offspring_at_lengths(pre, X_new: np.ndarray, source: np.ndarray, decoding: str, X: np.ndarray, X_in,
                         lengths: np.ndarray, enforce_range: bool):
    """Offspring ``X_new`` (M, L, C) of sources ``X[source]`` (the model's form) back in the caller's
    form, each as long as its source (``X_in``, ``lengths``); a residual offspring of a source
    longer than the model is that source moved at its own length (:func:`residual_at_lengths`),
    not the decode resampled up."""
    out = pre.to_caller(X_new, lengths[source])
    long = np.flatnonzero(lengths[source] > pre.length) if decoding == "residual" else ()
    if not len(long):
        return out
    lo, hi = (pre.min_, pre.max_) if enforce_range else (None, None)
    moved = residual_at_lengths([X_in[i] for i in source[long]], X_new[long], X[source[long]], lo, hi, X_new.dtype)
    if isinstance(out, list):
        for j, m in zip(long, moved):
            out[j] = m
        return out
    out = np.array(out, copy=True)
    out[long] = np.stack(moved)
    return out


def score_form(X, X_val, length: int):
    """Training and validation sequences at the length the harm check scores them, the longest up
    to :data:`MAX_SCORE_LENGTH`, as (N, L_s, C) arrays; ``None`` when none is longer than the
    model's ``length`` (the model's form then loses nothing)."""
    X, _ = check_sequences(X)
    longest = int(lengths_of(X).max())
    if longest <= length:
        return None
    pre = SequencePreprocessor(min(longest, MAX_SCORE_LENGTH))
    return pre.to_fixed(X)[0], (None if X_val is None else pre.to_fixed(X_val, "X_val")[0])


def model_length(lengths: np.ndarray, cap: int | None = None) -> int:
    """L for sequences of these lengths: the longest, within [16, ``cap``] (``None``: 512,
    :data:`MAX_MODEL_LENGTH`), so that no sequence loses steps unless it is longer than the cap."""
    return int(np.clip(int(np.max(lengths)), MIN_MODEL_LENGTH, MAX_MODEL_LENGTH if cap is None else cap))


def is_one_channel(X) -> bool:
    """Whether sequences ``X`` come without a channel axis, one channel each: an (N, T) array, or
    a list of 1-D arrays (a waveform, a sensor's trace)."""
    if isinstance(X, np.ndarray) and X.dtype != object:
        return X.ndim == 2
    return isinstance(X, (list, tuple, np.ndarray)) and len(X) > 0 and all(np.ndim(s) == 1 for s in X)


def with_channel(X):
    """One-channel sequences with their channel axis, as the model reads them: (N, T, 1), or a
    list of (T_i, 1) arrays."""
    if isinstance(X, np.ndarray) and X.dtype != object:
        return X[:, :, None]
    return [np.asarray(s)[:, None] for s in X]


def without_channel(X):
    """Sequences (N, T, 1), or a list of (T_i, 1) arrays, back in the form they came: without the axis."""
    if isinstance(X, np.ndarray) and X.dtype != object:
        return X[:, :, 0]
    return [s[:, 0] for s in X]


def check_sequences(X, name: str = "X") -> tuple[list[np.ndarray] | np.ndarray, bool]:
    """``X`` as sequences: a list of (T_i, C) arrays (a 1-D array is one channel), or an array
    (N, T, C) (a 2-D array (N, T): one channel each). Returns (X, ragged) with a list of float
    arrays for ragged input and an (N, T, C) array otherwise; refuses empty, non-numeric,
    non-finite or channel-mismatched data, naming the sample."""
    if isinstance(X, np.ndarray) and X.dtype != object:
        if X.ndim == 2:
            X = X[:, :, None]
        if X.ndim != 3:
            raise ValueError(f"{name} as sequences must be (N, T, C) or (N, T), or a list of (T_i, C) arrays; "
                             f"got shape {X.shape}")
        if not np.issubdtype(X.dtype, np.number) or X.dtype == np.bool_:
            raise TypeError(f"{name} must be numeric, got dtype {X.dtype}")
        if len(X) == 0 or X.shape[1] == 0 or X.shape[2] == 0:
            raise ValueError(f"{name} is empty: got shape {X.shape}")
        _check_finite(X, name, None)
        return X, False
    if hasattr(X, "columns") and hasattr(X, "index"):  # a frame that is no (case, time) frame
        raise TypeError(f"{name} is a frame of one row per sample: as sequences, a frame is a (case, time) "
                        f"frame, a row per step, or one of a list of frames. A row per sequence, its columns the "
                        f"time steps (UCR's wide files), is an (N, T) array: pass {name}.to_numpy(), one channel each")
    if not isinstance(X, (list, tuple, np.ndarray)) or len(X) == 0:
        raise ValueError(f"{name} must be a non-empty list of (T_i, C) arrays or an (N, T, C) array")
    from .validation import refuse_pairs

    refuse_pairs(X, name)  # (sample, label) pairs, or an (X, y) tuple, are no sequences
    out = []
    for i, s in enumerate(X):
        a = np.asarray(s)
        if a.ndim == 1:
            a = a[:, None]
        if a.ndim != 2:
            raise ValueError(f"{name}[{i}] has shape {a.shape}: each sequence must be (T, C) or (T,)")
        if a.dtype == object or not np.issubdtype(a.dtype, np.number) or a.dtype == np.bool_:
            raise TypeError(f"{name}[{i}] holds non-numeric values (dtype {a.dtype})")
        if len(a) == 0 or a.shape[1] == 0:
            raise ValueError(f"{name}[{i}] is empty (shape {a.shape}): every sequence needs at least one step")
        if out and a.shape[1] != out[0].shape[1]:
            hint = (f"; if each is (channels, time), as aeon's and sktime's lists are, pass [s.T for s in {name}]"
                    if a.shape[0] == out[0].shape[0] else "")  # the same first axis, lengths in the second
            raise ValueError(f"{name} mixes shapes: sample 0 is {np.shape(X[0])} but sample {i} is {np.shape(s)}; "
                             f"sequences (T_i, C) must share C ({out[0].shape[1]} channels against {a.shape[1]}), "
                             f"images one shape{hint}")
        _check_finite(a, name, i)
        out.append(a)
    return out, True


def _check_finite(a: np.ndarray, name: str, i: int | None) -> None:
    if np.issubdtype(a.dtype, np.floating) and not np.isfinite(a).all():
        idx = tuple(int(j) for j in np.argwhere(~np.isfinite(a))[0])
        if i is not None:  # one (T, C) or (T,) sequence: its step, and its channel where it has channels
            where = f"{name}[{i}] at step {idx[0]}" + (f", channel {idx[1]}" if len(idx) > 1 else "")
        else:
            where = f"{name} at index {idx}"
        if is_nan_padded(a):  # tslearn's to_time_series_dataset pads unequal lengths so: say how to pass them
            raise ValueError(f"{where} holds NaN in every channel to the end, as tslearn pads sequences of "
                             f"unequal lengths: pass them as a list of (T_i, C) arrays, {unpadded(name)}, and each "
                             "offspring comes back as long as its source")
        raise ValueError(f"{where} holds a non-finite value: impute or drop it first (resampling would spread it)")


def unpadded(name: str) -> str:
    """The expression that turns NaN-padded sequences ``name`` into the list vaeaug reads."""
    return f"[s[~np.isnan(s).all(axis=1)] for s in {name}]"


def is_nan_padded(a: np.ndarray) -> bool:
    """Whether the non-finite values of sequences ``a`` ((T, C) or (N, T, C)) are all steps of NaN
    in every channel at the end of their sequence: padding, not missing values."""
    gone = np.isnan(a).all(axis=-1)  # steps that are NaN in every channel
    tail = np.flip(np.logical_and.accumulate(np.flip(gone, -1), axis=-1), -1)  # each sequence's last run of them
    return bool(np.isfinite(a[~tail]).all())


def object_array(seqs) -> np.ndarray:
    """Sequences as a 1-D object array (one (T_i, C) array per cell): NumPy's own constructor
    would stack equal-length sequences into one 3-D array instead."""
    out = np.empty(len(seqs), dtype=object)
    out[:] = list(seqs)
    return out


def lengths_of(X) -> np.ndarray:
    """Each sequence's length: (N,) ints (of an (N, T, C) array, a list or an object array)."""
    if isinstance(X, np.ndarray) and X.dtype != object:
        return np.full(len(X), X.shape[1], dtype=np.int64)
    return np.array([len(s) for s in X], dtype=np.int64)


class SequencePreprocessor:
    """Sequences to (N, C, L) float32, standardised per channel and clipped to ±5; back again to
    the caller's form: each output resampled to its length and cast to the input dtype.

    ``length`` is L, ``ragged`` whether the caller gave a list; ``caller_length`` the common
    length of array input (``None`` for ragged input).
    """

    kind = "sequence"

    def __init__(self, length: int | None = None, ragged: bool = False, caller_length: int | None = None):
        self.length, self.ragged, self.caller_length = length, ragged, caller_length

    @classmethod
    def for_input(cls, X, ragged: bool) -> "SequencePreprocessor":
        """An unfitted preprocessor whose model length suits the checked sequences ``X``."""
        lengths = lengths_of(X)
        p = cls(model_length(lengths), ragged, None if ragged else int(lengths[0]))
        p.dtype_ = (X.dtype if isinstance(X, np.ndarray) else np.result_type(*[s.dtype for s in X])).str
        p.n_channels_ = X.shape[2] if isinstance(X, np.ndarray) else X[0].shape[1]  # validation data is checked on it
        return p

    def fresh(self) -> "SequencePreprocessor":
        """An unfitted preprocessor with this one's layout (for a fold's generator)."""
        p = SequencePreprocessor(self.length, self.ragged, self.caller_length)
        p.dtype_ = self.dtype_
        return p

    # ---- the edge: the caller's form <-> fixed-length arrays (N, L, C)
    def to_fixed(self, X, name: str = "X") -> tuple[np.ndarray, np.ndarray]:
        """Checked sequences in the caller's form → ((N, L, C) float64 at the model length, lengths)."""
        X, _ = check_sequences(X, name)
        c = X.shape[2] if isinstance(X, np.ndarray) else X[0].shape[1]
        if hasattr(self, "n_channels_") and c != self.n_channels_:
            raise ValueError(f"{name} has {c} channel(s), but the model was fitted on {self.n_channels_}")
        lengths = lengths_of(X)
        if isinstance(X, np.ndarray):
            return resample_all(X, self.length), lengths
        return np.stack([resample(s, self.length) for s in X]), lengths

    def to_caller(self, A: np.ndarray, lengths: np.ndarray | None = None):
        """(M, L, C) fixed-length sequences → the caller's form: a list of (T_i, C) arrays (ragged
        input; ``lengths`` or L each) or an (M, T, C) array at the input's length."""
        if self.ragged:
            lengths = np.full(len(A), self.length) if lengths is None else lengths
            return [resample(a, int(n)).astype(A.dtype) if int(n) != self.length else a for a, n in zip(A, lengths)]
        # arrays come back at the sources' common length (that of the fit when none is given)
        t = int(lengths[0]) if lengths is not None and len(lengths) else (self.caller_length or self.length)
        return A if t == self.length else resample_all(A, t).astype(A.dtype)

    # ---- the model's side: (N, L, C) <-> (N, C, L) standardised
    def fit(self, X: np.ndarray) -> "SequencePreprocessor":
        """Per-channel statistics of fixed-length sequences (N, L, C)."""
        X = np.asarray(X, dtype=np.float64)
        self.n_channels_ = X.shape[2]
        self.dtype_ = getattr(self, "dtype_", np.dtype(np.float64).str)  # the caller's, set by for_input
        flat = X.reshape(-1, self.n_channels_)
        self.mean_ = flat.mean(axis=0)
        sd = flat.std(axis=0)
        self.scale_ = np.where(sd > 1e-12, sd, 1.0)
        self.min_, self.max_ = flat.min(axis=0), flat.max(axis=0)
        return self

    @property
    def model_shape(self) -> tuple[int, int]:
        """(C, L) as the network sees it."""
        return (self.n_channels_, self.length)

    def check(self, X: np.ndarray) -> None:
        if X.ndim != 3 or tuple(X.shape[1:]) != (self.length, self.n_channels_):
            raise ValueError(f"sequences of shape {tuple(X.shape[1:])} given to a model of (L, C) = "
                             f"{(self.length, self.n_channels_)}")

    def transform(self, X: np.ndarray) -> np.ndarray:
        X = np.asarray(X)
        self.check(X)
        T = (X.astype(np.float64) - self.mean_) / self.scale_
        return np.clip(T, -CLIP, CLIP).astype(np.float32).transpose(0, 2, 1).copy()

    def inverse_transform(self, T: np.ndarray, clip_to_range: bool = True) -> np.ndarray:
        """Model-space rows (M, C·L) or (M, C, L) → fixed-length sequences (M, L, C) in the
        input's scale, each channel within its training range (``clip_to_range``)."""
        x = np.asarray(T, dtype=np.float64).reshape(len(T), self.n_channels_, self.length).transpose(0, 2, 1)
        x = x * self.scale_ + self.mean_
        if clip_to_range:
            np.clip(x, self.min_, self.max_, out=x)
        return _cast_back(x, np.dtype(self.dtype_))

    def state(self) -> tuple[dict, dict[str, np.ndarray]]:
        return (
            {"kind": self.kind, "length": self.length, "ragged": self.ragged, "caller_length": self.caller_length,
             "n_channels": self.n_channels_, "dtype": self.dtype_},
            {"mean": self.mean_, "scale": self.scale_, "min": self.min_, "max": self.max_},
        )

    @classmethod
    def from_state(cls, meta: dict, arrays: dict[str, np.ndarray]) -> "SequencePreprocessor":
        p = cls(int(meta["length"]), bool(meta["ragged"]),
                None if meta["caller_length"] is None else int(meta["caller_length"]))
        p.n_channels_, p.dtype_ = int(meta["n_channels"]), str(meta["dtype"])
        p.mean_, p.scale_, p.min_, p.max_ = arrays["mean"], arrays["scale"], arrays["min"], arrays["max"]
        return p


def channels_first_hint(X: np.ndarray | list[np.ndarray]) -> str | None:
    """A warning for sequences that look stored (channels, time), aeon's and sktime's layout, which
    vaeaug would read the other way round: every sample has fewer steps than channels (a series
    rarely does). ``X`` as :func:`check_sequences` gives it; ``None`` when nothing looks wrong."""
    steps, channels = ((X.shape[1],), X.shape[2]) if isinstance(X, np.ndarray) else \
        ({len(s) for s in X}, X[0].shape[1])
    if max(steps) >= channels:
        return None
    axes = "X.transpose(0, 2, 1)" if isinstance(X, np.ndarray) else "[s.T for s in X]"
    return (f"X is read as sequences of {max(steps)} step(s) over {channels} channels (time first: (N, T, C)); "
            f"if it holds {channels} steps of {max(steps)} channel(s) each, as aeon's and sktime's (N, channels, "
            f"time) layout does, pass {axes}")


def fixed_sequences(X, X_val=None, X_unlabeled=None):
    """Training, validation and unlabeled sequences at one model length, chosen from the training
    set's: ((N, L, C), (N_val, L, C) or None, (N_u, L, C) or None, the unfitted preprocessor); warns
    where the training set looks stored channels first (:func:`channels_first_hint`)."""
    X, ragged = check_sequences(X)
    hint = channels_first_hint(X)
    if hint:
        warn_caller(hint, UserWarning)
    pre = SequencePreprocessor.for_input(X, ragged)
    out = [pre.to_fixed(X)[0]]
    for arr, name in ((X_val, "X_val"), (X_unlabeled, "X_unlabeled")):
        out.append(None if arr is None else pre.to_fixed(arr, name)[0])
    return (*out, pre)


def join_sequences(X, y, X_new, y_new):
    """Real sequences then their offspring, in the caller's form (a list for a list, a list of
    frames, PIL images, numpy pictures or 1-D arrays as they are, an (N, T) array stacked): (X_res, y_res)."""
    from .frames import is_frame_list
    from .pictures import is_picture_list
    from .validation import check_y, is_picture_array_list

    if is_frame_list(X) or is_picture_list(X) or is_picture_array_list(X) or is_one_channel(X):  # as they came
        joined = np.concatenate([X, X_new]) if isinstance(X, np.ndarray) and X.dtype != object else [*X, *X_new]
        return joined, np.concatenate([check_y(y, len(X)), np.asarray(y_new)])
    X, _ = check_sequences(X)
    y_res = np.concatenate([check_y(y, len(X)), np.asarray(y_new)])
    return (list(X) + list(X_new) if isinstance(X_new, list) else np.concatenate([X, X_new])), y_res


def join_samples(a, b):
    """Two sets of samples in one caller's form: arrays stacked, sequences (lists) chained as a list."""
    if isinstance(a, np.ndarray) and a.dtype != object and isinstance(b, np.ndarray) and b.dtype != object:
        return np.concatenate([a, b])
    return [*a, *b]
