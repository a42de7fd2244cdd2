"""PyTorch tensors at the public edges: a tensor is read as the numpy array of its values (from any
device, detached), and the samples and labels that come back are given back as tensors of their
dtype on the input's device, so that torch users get tensors back as pandas users get frames and
``torch.cat([X, X_new])`` works. torch is only looked up once a caller has given a tensor."""

from __future__ import annotations

import inspect
import sys

import numpy as np

from .edges import at_edges


def is_tensor(obj) -> bool:
    """Whether ``obj`` is a torch Tensor (none can be before torch is imported)."""
    torch = sys.modules.get("torch")
    return torch is not None and isinstance(obj, torch.Tensor)


def to_numpy(obj):
    """A tensor's values as a numpy array (detached, on the CPU); anything else as it is."""
    return obj.detach().cpu().numpy() if is_tensor(obj) else obj


def _tensor(a, like):
    """An array of numbers as a tensor on ``like``'s device; anything else (strings, lists) as it is."""
    if like is None or not isinstance(a, np.ndarray) or a.dtype.kind not in "biuf":
        return a
    import torch

    return torch.from_numpy(np.ascontiguousarray(a)).to(like.device)


def to_tensors(out, like_X, like_y):
    """What a method gave back with its samples (an array, or a tuple's first item) as a tensor
    like ``like_X`` and its labels (a tuple's second item) like ``like_y``; ``None``: that input
    was no tensor. Generators (``generate_batches``) item by item; other items as they are."""
    if inspect.isgenerator(out):
        return (to_tensors(o, like_X, like_y) for o in out)
    if isinstance(out, tuple):
        return tuple(_tensor(o, (like_X, like_y)[k]) if k < 2 else o for k, o in enumerate(out))
    return _tensor(out, like_X)


def _tensors_back(out, given: dict):
    """``out`` as tensors where the caller's ``X`` (or ``Z``) or ``y`` was one."""
    X, y = given.get("X", given.get("Z")), given.get("y")
    return to_tensors(out, X if is_tensor(X) else None, y if is_tensor(y) else None)


#: Decorate a public method so that tensor inputs are read as arrays and its samples and labels are
#: given back as tensors (:func:`to_numpy`, :func:`to_tensors`); without a tensor, a plain call.
tensors_in_out = at_edges(is_tensor, to_numpy, _tensors_back)
