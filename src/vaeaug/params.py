"""The estimator's parameters: their constraints, checked the scikit-learn way
(``_parameter_constraints``), and the checks that a constraint table cannot express."""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np
from sklearn.utils._param_validation import HasMethods, Interval, InvalidParameterError, StrOptions

from .latent import METHODS
from .priors import MOVE_KIND

ARCHITECTURES = ("auto", "mlp", "conv", "tconv", "gru")
#: How synthetic codes become samples: decode z' itself, move the source sample by D(z') − D(z),
#: (images) warp the source by the motion that carries D(z) onto D(z'), or (sequences) move it
#: along the time alignment that carries D(z) onto D(z').
DECODINGS = ("direct", "residual", "warp", "timewarp")
#: What the samples are: ``"auto"`` reads it from the input (a list of 2-D arrays: sequences).
DATA_KINDS = ("auto", "image", "vector", "sequence")


class Number(Interval):
    """:class:`~sklearn.utils._param_validation.Interval` that refuses booleans: ``True`` is an
    ``int`` to Python, but ``n_per_sample=True`` is a mistake, not a count."""

    def is_satisfied_by(self, val) -> bool:
        return not isinstance(val, (bool, np.bool_)) and super().is_satisfied_by(val)


def positive_int() -> Number:
    return Number(Integral, 1, None, closed="left")


def non_negative(kind=Real) -> Number:
    return Number(kind, 0, None, closed="left")


#: A strength: "auto", a finite σ / λ ≥ 0, or a (low, high) pair (checked by :func:`check_strength`).
STRENGTH = [StrOptions({"auto"}), non_negative(), tuple, list]

PARAMETER_CONSTRAINTS: dict[str, list] = {
    "data_kind": [StrOptions(set(DATA_KINDS))],
    "architecture": [StrOptions(set(ARCHITECTURES))],
    "latent_dim": [positive_int()],
    "hidden_sizes": [None, tuple, list],
    "beta": [non_negative()],
    "kl_warmup": [non_negative(Integral)],
    "free_bits": [non_negative()],
    "epochs": [positive_int()],
    "batch_size": [positive_int()],
    "learning_rate": [Number(Real, 0, None, closed="neither")],
    "weight_decay": [non_negative()],
    "dropout": [Number(Real, 0, 1, closed="left")],
    "patience": [positive_int(), None],
    "on_collapse": [StrOptions({"retry", "warn"})],
    "conditional": ["boolean"],
    "validation_fraction": [Number(Real, 0, 1, closed="neither")],
    "n_neighbors": [positive_int()],
    "method": [StrOptions({"auto", *METHODS})],
    "n_per_sample": [StrOptions({"auto"}), positive_int()],
    "strength": STRENGTH,
    "decoding": [StrOptions({"auto", *DECODINGS})],
    "warp_smoothness": [non_negative()],
    "warp_gain": [non_negative()],
    "enforce_range": ["boolean"],
    "match_moments": [StrOptions({"auto"}), "boolean"],
    "on_no_gain": [StrOptions({"skip", "near_copies"})],
    "compose": [StrOptions({"auto", "none", *MOVE_KIND})],
    "cv": [StrOptions({"auto"}), Number(Integral, 2, None, closed="left")],
    "estimator": [HasMethods(["fit", "predict"]), None],
    "n_jobs": [Number(Integral, 1, None, closed="left"), Number(Integral, None, -1, closed="right"), None],
    "random_state": ["random_state"],  # an int, a RandomState or None, as scikit-learn takes it
    "device": [str],
    "verbose": ["verbose"],
}


def as_seed(random_state) -> int | None:
    """The seed a fit or a draw uses: an int as it is, ``None`` as ``None`` (fresh entropy), and a
    ``RandomState``'s next draw, so that each fit given one differs, as in scikit-learn."""
    if random_state is None or isinstance(random_state, Integral):
        return random_state if random_state is None else int(random_state)
    return int(random_state.randint(0, 2**32 - 1, dtype=np.int64))


def _refuse(name: str, owner: str, allowed: str, value) -> None:
    """Raise in scikit-learn's own message format, so every parameter error reads alike."""
    raise InvalidParameterError(f"The {name!r} parameter of {owner} must be {allowed}. Got {value!r} instead.")


def check_strength(value, name: str = "strength", owner: str = "VAEAugmenter") -> None:
    """A (low, high) strength pair must hold two finite numbers with 0 ≤ low ≤ high (a single
    number is checked by its constraint)."""
    if not isinstance(value, (tuple, list)):
        return
    ok = (len(value) == 2 and all(isinstance(v, Real) and not isinstance(v, (bool, np.bool_)) for v in value)
          and all(np.isfinite(v) for v in value) and 0 <= value[0] <= value[1])
    if not ok:
        _refuse(name, owner, "'auto', a finite number >= 0 or a (low, high) pair with 0 <= low <= high", value)


def check_hidden_sizes(value, owner: str = "VAEAugmenter") -> None:
    """Layer widths must be a non-empty sequence of positive integers."""
    if value is None:
        return
    if len(value) == 0 or not all(isinstance(v, Integral) and not isinstance(v, (bool, np.bool_)) and v >= 1
                                  for v in value):
        _refuse("hidden_sizes", owner, "None or a non-empty tuple of positive ints", value)


#: The arguments of :meth:`VAEAugmenter.generate` and :meth:`~VAEAugmenter.generate_batches`,
#: checked like the constructor's (``None``: the estimator's own value; ``"auto"`` as the
#: constructor reads it: fit's choice of method, strength and decoding, the kind's amount).
GENERATE_CONSTRAINTS = {
    "method": [StrOptions({"auto", *METHODS}), None],
    "n_per_sample": [positive_int(), StrOptions({"auto"}), None],
    "strength": [StrOptions({"auto"}), non_negative(), tuple, list, None],
    "random_state": ["random_state"],
    "small_classes": [StrOptions({"auto", "raise", "skip", "noise"})],
    "decoding": [StrOptions({"auto", *DECODINGS}), None],
    "return_codes": ["boolean"],
    "compose": [StrOptions({"auto", "none", *MOVE_KIND}), None],
    "batch_size": [positive_int()],
}
