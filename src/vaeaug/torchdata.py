"""``AugmentedDataset``: a fitted augmenter's offspring as a PyTorch dataset, drawn afresh each epoch.

For users who train their own network in PyTorch: the real samples plus ``n_per_sample``
offspring of each, as ``(x, y)`` items for a ``DataLoader``. ``set_epoch(e)`` draws the epoch's
offspring, as ``DistributedSampler.set_epoch`` orders the epoch's indices: from ``(seed, e)``
alone, so every process of a distributed run, and every rerun, holds the same items for an epoch.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable

import numpy as np
import torch
from sklearn.utils.validation import check_is_fitted
from torch.utils.data import Dataset

from .frames import categorical_columns, frame_numbers, is_frame, long_sequences
from .params import as_seed
from .pictures import is_picture
from .polarsframes import to_pandas


def epoch_seed(seed: int, epoch: int) -> int:
    """The generation seed of an epoch: independent streams per (seed, epoch), the same on every rank."""
    return int(np.random.SeedSequence([seed, epoch]).generate_state(1)[0])


def _samples(X, cases: bool = False) -> list | np.ndarray:
    """Samples as the dataset serves them: an array (a frame's values) or a list of sequences
    (``cases``: a (case, time) frame's, one (T_i, C) array per case)."""
    if cases:
        return long_sequences(X, dtype=None)
    if is_frame(X):  # numbers only (a frame of categories is refused): nullable columns as floats
        return frame_numbers(X)
    return list(X) if isinstance(X, list) else np.asarray(X)


def _stacked(X_new):
    """A list of arrays of one shape and dtype (numpy pictures, sequences of one length) as their stack,
    which serves the same items; anything else as it is."""
    if isinstance(X_new, list) and X_new and all(isinstance(x, np.ndarray) and x.shape == X_new[0].shape
                                                 and x.dtype == X_new[0].dtype for x in X_new):
        return np.stack(X_new)
    return X_new


def _shared(X_new):
    """An epoch's offspring as the dataset holds them: an array of numbers as a tensor in shared memory,
    which set_epoch rewrites in place, so that a DataLoader's persistent workers (forked or spawned
    before the draw) read each epoch's offspring. Sequences of many lengths, PIL images, or a machine
    whose shared memory is full: as they are, each worker keeping the copy it started with."""
    if not isinstance(X_new, np.ndarray) or X_new.dtype.kind not in "biuf":
        return X_new
    try:
        tensor = torch.from_numpy(np.ascontiguousarray(X_new))
    except TypeError:  # a dtype torch lacks
        return X_new
    shared = _share(tensor)
    return shared if shared.is_shared() else X_new


def _share(tensor: torch.Tensor) -> torch.Tensor:
    """``tensor`` moved to shared memory where there is some left (a container's small /dev/shm may
    have none): then as it is."""
    try:
        return tensor.share_memory_()
    except RuntimeError:
        return tensor


def _fits(held, X_new) -> bool:
    """Whether an epoch's offspring ``X_new`` can be written into the shared tensor ``held``."""
    return (torch.is_tensor(held) and isinstance(X_new, np.ndarray) and X_new.shape == tuple(held.shape)
            and torch.from_numpy(X_new[:0]).dtype == held.dtype)


class AugmentedDataset(Dataset):
    """The real samples and their VAE offspring, one ``(x, y)`` item each (a map-style dataset).

    Items ``0 .. len(X) - 1`` are the real samples in order; the rest are the offspring that
    ``augmenter.generate(X, y, **generate_args)`` makes, redrawn by :meth:`set_epoch`. Call it at
    the start of every epoch, as with ``DistributedSampler``; without it every epoch sees the
    first draw (a static augmentation). ``DataLoader(..., persistent_workers=True)`` works: the
    offspring live in shared memory that ``set_epoch`` rewrites (not for sequences of many lengths
    or PIL images: there a persistent worker that holds an earlier epoch's offspring says so).

    Parameters
    ----------
    augmenter : a fitted :class:`~vaeaug.VAEAugmenter` (fitted on ``X``'s kind of data).
    X : samples as ``generate`` takes them: (N, ...) array, a numbers-only DataFrame, or a list
        of (T_i, C) sequences or a (case, time) frame of them, served one (T_i, C) tensor per case
        (then batch them with your own ``collate_fn``, e.g. padding); a list of PIL images,
        served as PIL images, as torchvision's datasets serve them (give a ``transform``).
    y : (N,) labels.
    include_real : bool, default True. False serves only the offspring.
    transform, target_transform : callables applied to each x (a tensor of the input's dtype and
        sample shape, or a PIL image) and y (a 0-d tensor for numeric labels, else the label), as in torchvision.
    random_state : int, RandomState or None. The draws' seed; ``None``: the augmenter's seed, or
        one drawn at construction when that is ``None`` too.
    **generate_args : ``method``, ``n_per_sample``, ``strength``, ``decoding``, ``compose``,
        ``small_classes``, passed on to :meth:`~vaeaug.VAEAugmenter.generate`; none: ``fit``'s choice.
    """

    def __init__(self, augmenter, X, y, *, include_real: bool = True, transform: Callable | None = None,
                 target_transform: Callable | None = None, random_state=None, **generate_args):
        check_is_fitted(augmenter, "vae_")
        X, y = to_pandas(X), to_pandas(y)  # polars: read as pandas
        if "random_state" in generate_args or "return_codes" in generate_args:
            raise TypeError("AugmentedDataset takes the seed as random_state and serves samples, not codes")
        if is_frame(X) and categorical_columns(X):
            raise ValueError(f"X has columns that are not numbers {categorical_columns(X)[:5]}: a dataset serves numbers. "
                             "Encode them for your network first, or take the frame's offspring from "
                             "augmenter.generate(X, y)")
        self._cases = augmenter._is_cases(X)  # a (case, time) frame: its cases are the samples
        n = X.index.get_level_values(0).nunique() if self._cases else len(X)
        if n != len(y):
            raise ValueError(f"X has {n} samples but y has {len(y)} labels")
        random_state = as_seed(random_state)  # a RandomState: one draw, the seed of every epoch's
        if random_state is None:
            random_state = getattr(augmenter, "seed_", augmenter.random_state)
        if random_state is None:
            random_state = int(np.random.SeedSequence().generate_state(1)[0])
        self.augmenter = augmenter
        self.X, self.y = X, y
        self.include_real = include_real
        self.transform, self.target_transform = transform, target_transform
        self.random_state = int(random_state)
        self.generate_args = generate_args
        self._real_X = _samples(X, self._cases) if include_real else []
        self._real_y = np.asarray(y) if include_real else np.empty(0)
        self.epoch = None
        self._epoch_drawn = _share(torch.zeros((), dtype=torch.int64))  # the epoch drawn, read by persistent workers
        self.set_epoch(0)

    def set_epoch(self, epoch: int) -> None:
        """Draw the offspring of ``epoch`` (0 at construction); the same epoch gives the same offspring."""
        if epoch == self.epoch:
            return
        seed = epoch_seed(self.random_state, int(epoch))
        with warnings.catch_warnings():
            if self.epoch is not None:  # a warning (no gain, ...) is said once, at the first draw
                warnings.simplefilter("ignore")
            X_new, y_new = self.augmenter.generate(self.X, self.y, random_state=seed, **self.generate_args)
        X_new, y_new = _stacked(_samples(X_new, self._cases)), np.asarray(y_new)
        if self.epoch is not None and _fits(self._new_X, X_new) and np.array_equal(self._new_y, y_new):
            self._new_X.copy_(torch.from_numpy(X_new))  # in place: a persistent worker reads this epoch's too
        else:
            self._new_X, self._new_y = _shared(X_new), y_new
        self.epoch = int(epoch)
        self._epoch_drawn.fill_(self.epoch)

    def __len__(self) -> int:
        return len(self._real_y) + len(self._new_y)

    def __getitem__(self, index: int):
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(f"index {index} out of range for {len(self)} items")
        n_real = len(self._real_y)
        if index >= n_real and not torch.is_tensor(self._new_X) and int(self._epoch_drawn) != self.epoch:
            raise RuntimeError(  # a persistent worker's own copy, of an earlier epoch: not served as this one's
                f"this DataLoader worker holds epoch {self.epoch}'s offspring, but epoch {int(self._epoch_drawn)} was "
                "drawn: its workers persist (persistent_workers=True), and offspring of many lengths or PIL images "
                "cannot be shared with them; leave persistent_workers off")
        x, y = ((self._real_X[index], self._real_y[index]) if index < n_real
                else (self._new_X[index - n_real], self._new_y[index - n_real]))
        # a copy: a network's in-place step must not alter the data; a PIL image is served as one,
        # as torchvision's datasets serve them, for the transform (ToTensor, ...) that makes tensors
        x = x.copy() if is_picture(x) else x.clone() if torch.is_tensor(x) else torch.as_tensor(np.array(x))
        y = torch.as_tensor(y) if np.asarray(y).dtype.kind in "biuf" else y
        if self.transform is not None:
            x = self.transform(x)
        if self.target_transform is not None:
            y = self.target_transform(y)
        return x, y
