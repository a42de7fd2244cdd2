"""Input checks shared by the public API: each raises ``ValueError`` (or ``TypeError``) naming the
problem and, where there is one, the index — before any expensive work is done."""

from __future__ import annotations

import numpy as np

from .errors import warn_caller


def data_kind(X: np.ndarray, name: str = "X") -> str:
    """``"vector"`` for (N, D), ``"image"`` for (N, H, W) or (N, C, H, W) (``name``: the argument, for the message)."""
    if X.ndim == 2:
        return "vector"
    if X.ndim in (3, 4):
        return "image"
    hint = (f"Reshape your data: {name}.reshape(-1, 1) if it has a single feature, {name}.reshape(1, -1) if a single "
            "sample" if X.ndim < 2 else "Fold the extra axes into channels, (N, C, H, W), or flatten each sample, "
            f"{name}.reshape(len({name}), -1); sequences come as a list of (T, C) arrays")
    raise ValueError(
        f"{name} must be 2-D (N, D) feature vectors or 3-/4-D (N, H, W) / (N, C, H, W) images; got shape {X.shape}. {hint}"
    )


def resolve_kind(X, data_kind: str = "auto") -> str | None:
    """The data kind named by ``data_kind``, or for ``"auto"`` a list of 2-D arrays, or of 1-D
    arrays of different lengths, taken as sequences, a list of PIL images as images (``None``:
    read it from the array's dimensions, :func:`data_kind`)."""
    if data_kind != "auto":
        return data_kind
    from .pictures import is_picture_list

    listlike = isinstance(X, (list, tuple)) or (isinstance(X, np.ndarray) and X.dtype == object and X.ndim == 1)
    if is_picture_list(list(X) if listlike else X):  # PIL images: pictures, two-dimensional to numpy as they are
        return "image"
    if listlike and is_picture_array_list(list(X)):  # grey pictures as numpy holds them: not (T, C) recordings
        return "image"
    if listlike and len(X) and np.ndim(X[0]) == 2:  # (T_i, C) arrays, or frames: a recording a frame
        return "sequence"
    if listlike and len(X) and all(np.ndim(x) == 1 for x in X) and len({len(x) for x in X}) > 1:
        return "sequence"  # 1-D arrays of many lengths: recordings of one channel (a table's rows share one)
    return None


#: Pictures with a side shorter than this are taken for misread sequences (8×8 digits are the smallest images).
MIN_IMAGE_SIDE = 8


def is_picture_array_list(X) -> bool:
    """A list of numpy pictures of one shape and dtype, as ``[np.asarray(Image.open(f)) for f in files]``
    holds them: (H, W, C) with 1, 3 or 4 channels last, or (H, W) bytes (uint8, uint16), sides of
    :data:`MIN_IMAGE_SIDE` or more. Other 2-D arrays are recordings, (T, C)."""
    if not isinstance(X, (list, tuple)) or not X or not isinstance(X[0], np.ndarray):
        return False
    first = X[0]
    grey = first.ndim == 2 and first.dtype in (np.uint8, np.uint16)
    colour = first.ndim == 3 and first.shape[2] in (1, 3, 4)
    return ((grey or colour) and min(first.shape[:2]) >= MIN_IMAGE_SIDE
            and all(isinstance(x, np.ndarray) and x.shape == first.shape and x.dtype == first.dtype for x in X))


def is_channels_last(X) -> bool:
    """Whether ``X`` is an array of (N, H, W, C) pictures, as PIL, Keras and OpenCV store them: four
    axes, 1, 3 or 4 channels last, and a height no sequence or channel count has."""
    return (isinstance(X, np.ndarray) and X.ndim == 4 and X.shape[3] in (1, 3, 4)
            and X.shape[1] >= MIN_IMAGE_SIDE)


def check_kind(X: np.ndarray, kind: str | None) -> str:
    """``kind`` (or the one X's dimensions say) after checking that checked ``X`` has its form; a
    3-D array read as images with a side under :data:`MIN_IMAGE_SIDE` is warned about, since it
    is more likely sequences in aeon's (N, channels, time) layout or (N, time, channels)."""
    found = data_kind(X)
    if kind in (None, "image") and is_channels_last(X):  # the estimator turns them at its edge: this is a stray
        # read as (C, H, W), an (H, W, C) picture is H channels of W × C pixels: a model of nothing, without a word
        raise ValueError(f"X's samples of shape {X.shape[1:]} are (height, width, channels) pictures, as PIL, Keras and "
                         "OpenCV store them; vaeaug reads images channels first, (N, C, H, W), as PyTorch does: pass "
                         "X.transpose(0, 3, 1, 2), and turn the offspring back with X_new.transpose(0, 2, 3, 1)")
    if kind is None and X.ndim == 3 and min(X.shape[1:]) < MIN_IMAGE_SIDE:
        short, long_ = sorted(X.shape[1:])
        aeon = ": X.transpose(0, 2, 1) for aeon's and sktime's (N, channels, time)" if X.shape[1] < X.shape[2] else ""
        warn_caller(f"X's samples of shape {X.shape[1:]} are read as images of {X.shape[1]}×{X.shape[2]} pixels; if "
                    f"each is a series of {long_} steps over {short} channel(s), pass data_kind='sequence' with X "
                    f"as (N, time, channels){aeon}", UserWarning)
    if kind is None or kind == "sequence" or kind == found:
        return found if kind is None else kind
    raise ValueError(f"data_kind={kind!r} needs {'(N, D) arrays' if kind == 'vector' else '(N, H, W) or (N, C, H, W) arrays'}"
                     f", got shape {X.shape}")


def _is_pair(item) -> bool:
    """Whether ``item`` is a (sample, label) pair, as a PyTorch dataset serves: a sample that is no
    number, then a lone label (a 2-column table's row of numbers is no pair)."""
    if not isinstance(item, (tuple, list)) or len(item) != 2:
        return False
    x, t = item
    return (hasattr(x, "getbands") or np.ndim(x) > 0) and np.ndim(t) == 0


def _is_samples_and_labels(X) -> bool:
    """Whether ``X`` is an (X, y) tuple: an array of N samples of 1 or more axes, then N labels."""
    if not (isinstance(X, tuple) and len(X) == 2 and all(hasattr(a, "shape") for a in X)):
        return False
    first, second = X[0].shape, X[1].shape
    return len(first) >= 2 and len(second) == 1 and first[0] == second[0]


def refuse_pairs(X, name: str = "X") -> None:
    """A PyTorch dataset, or a list of (sample, label) pairs, is told to come as samples and labels
    apart: numpy read its items as ragged rows of two."""
    from torch.utils.data import Dataset

    if isinstance(X, Dataset):
        what = f"{name} is a PyTorch dataset ({type(X).__name__})"
    elif isinstance(X, (list, tuple)) and len(X) and _is_pair(X[0]):
        what = f"{name} is a list of (sample, label) pairs"
    elif _is_samples_and_labels(X):  # load_*(return_X_y=True) passed whole
        raise TypeError(f"{name} is a tuple of two arrays, samples {np.shape(X[0])} and labels {np.shape(X[1])}, as "
                        f"return_X_y=True gives them: pass the samples alone as {name}"
                        + ("" if name == "X_unlabeled" else f" and the labels as {name.replace('X', 'y', 1)}"))
    else:
        return
    raise TypeError(f"{what}: pass the samples and the labels apart, {name} = [x for x, _ in data], "
                    f"{name.replace('X', 'y', 1)} = [t for _, t in data] (torchvision's datasets also hold them "
                    "as data.data and data.targets)")


def check_X(X, name: str = "X", min_samples: int = 1, allow_nan: bool = False) -> np.ndarray:
    """A numeric, finite, non-empty array of 2 to 4 dimensions, with at least one feature;
    ``allow_nan``: a table's missing cells (NaN) pass (:mod:`vaeaug.missing`), infinities do not."""
    if hasattr(X, "toarray") or type(X).__module__.startswith("scipy.sparse"):
        raise TypeError(f"{name} is a sparse matrix, and sparse input is not supported: pass X.toarray() "
                        "(a VAE reads every feature of every sample)")
    refuse_pairs(X, name)
    index = getattr(X, "index", None)  # a frame's row labels, for the messages
    if hasattr(X, "to_numpy"):  # pandas
        from .frames import categorical_columns, frame_numbers, is_frame

        X = frame_numbers(X) if is_frame(X) and not categorical_columns(X) else X.to_numpy()
    if isinstance(X, list) and X and hasattr(X[0], "shape"):
        shapes = {np.shape(x) for x in X}
        if len(shapes) > 1:
            first = np.shape(X[0])
            bad = next(i for i, x in enumerate(X) if np.shape(x) != first)
            raise ValueError(
                f"{name} mixes shapes: sample 0 is {first} but sample {bad} is {np.shape(X[bad])}; "
                "resize them to one shape first"
            )
        X = [np.asarray(x) for x in X]  # each its own array first: numpy 1.x reads a list of tensors as ragged
    try:
        X = np.asarray(X)
    except ValueError as e:
        raise ValueError(f"{name} is ragged (samples of different shapes): {e}") from None
    if X.dtype == object:
        try:
            X = X.astype(np.float64)
        except (TypeError, ValueError) as e:
            raise TypeError(f"{name} holds non-numeric values ({e})") from None
    if np.issubdtype(X.dtype, np.complexfloating):
        raise ValueError(f"Complex data not supported: {name} is {X.dtype}, and a VAE models real values; pass "
                         "X.real, np.abs(X), or the real and imaginary parts as separate features")
    if X.dtype == np.bool_:
        raise TypeError(f"{name} is boolean: convert it explicitly, e.g. X.astype(np.uint8) for 0/1 "
                        "features or images; offspring are then decoded as numbers")
    if not np.issubdtype(X.dtype, np.number):
        raise TypeError(f"{name} must be numeric, got dtype {X.dtype}")
    if X.ndim == 0 or len(X) < min_samples:
        raise ValueError(f"{name} is empty: need at least {min_samples} sample(s), got shape {X.shape}")
    data_kind(X, name)
    if X[0].size == 0:
        raise ValueError(f"{name} has 0 feature(s) (shape={X.shape}) while a minimum of 1 is required.")
    if np.issubdtype(X.dtype, np.floating):
        bad = np.isinf(X) if allow_nan and X.ndim == 2 else ~np.isfinite(X)
        if bad.any():
            idx = np.argwhere(bad)[0]
            from .sequences import is_nan_padded, unpadded

            what = "NaN" if np.isnan(X[tuple(idx)]) else "an infinite value"
            padded = X.ndim == 3 and is_nan_padded(X)  # tslearn's (N, T, C) of unequal lengths, padded with NaN
            raise ValueError(
                f"{name} holds {what} at index {tuple(int(i) for i in idx)}{row_label(index, int(idx[0]))} "
                f"({int(bad.sum())} non-finite value(s) in all); impute or drop them first" + (
                    "; if these are sequences padded with NaN at the end, as tslearn pads unequal lengths, "
                    f"pass a list of (T_i, C) arrays, {unpadded(name)}, with data_kind='sequence'" if padded else "")
            )
    _check_magnitude(X, name)
    return X


#: Integers beyond this are not held exactly by float64 (2**53), in which samples are scaled and
#: scaled back: the model's float32 sees only the scaled values, so epoch seconds or counts in the
#: billions are fine, and only 64-bit integers past 2**53 (hashes, ids near the limits) would round.
MAX_EXACT_INT = 2**53
#: Beyond this magnitude the preprocessing's differences and variances overflow float32 / float64
#: and scaling would turn the data into zeros: such data must be rescaled first.
MAX_MAGNITUDE = 1e30


def _check_magnitude(X: np.ndarray, name: str) -> None:
    """Values the model can represent: integers float64 holds exactly, floats within ±1e30."""
    if X.size == 0:
        return
    if np.issubdtype(X.dtype, np.integer) and X.dtype.itemsize >= 4:
        big = max(abs(int(X.min())), abs(int(X.max())))
        if big > MAX_EXACT_INT:
            raise ValueError(f"{name} holds integers up to {big}, beyond the ±2**53 that float64, in which vaeaug "
                             "scales samples, holds exactly (decoded values would round): subtract an offset, or "
                             "convert to float and rescale")
    elif np.issubdtype(X.dtype, np.floating):
        big = float(np.abs(X).max())
        if np.isnan(big):  # a table's missing cells aside
            big = float(np.nanmax(np.abs(X))) if not np.isnan(X).all() else 0.0
        if big > MAX_MAGNITUDE:
            raise ValueError(f"{name} holds values up to {big:.3g} in magnitude; beyond ±{MAX_MAGNITUDE:g} scaling "
                             "would lose them: rescale the data (e.g. divide by its largest value) first")


def check_y(y, n: int, name: str = "y") -> np.ndarray:
    """Labels as a 1-D array of length ``n``, without missing values."""
    if y is None:
        raise ValueError(f"this estimator requires y to be passed, but the target {name} is None: the labels "
                         "pick same-class neighbours and condition the decoder")
    index = getattr(y, "index", None)  # a Series' row labels, for the messages
    if hasattr(y, "to_numpy"):
        y = y.to_numpy()
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] == 1:  # read, and said, as scikit-learn's column_or_1d does
        from sklearn.exceptions import DataConversionWarning

        warn_caller(f"a column-vector {name} was passed where a 1-D array was expected; it is read as "
                    f"{name}.ravel(): pass shape (n_samples,)", DataConversionWarning)
        y = y.ravel()
    if y.ndim == 2 and y.dtype.kind in "biuf" and len(y) and np.isin(y, (0, 1)).all():
        if (y.sum(axis=1) == 1).all():  # Keras' to_categorical, LabelBinarizer: one class a row
            raise ValueError(f"{name} is one-hot, shape {y.shape}: pass the class of each row, {name}.argmax(axis=1)")
        raise ValueError(f"{name} is a 0/1 matrix of shape {y.shape} whose rows are not one class each (multi-label "
                         "targets): here each sample takes one class, and its offspring that label")
    if y.ndim != 1:
        raise ValueError(f"{name} must be 1-D labels, got shape {y.shape}")
    if len(y) != n:
        raise ValueError(f"X and {name} have different lengths: {n} samples but {len(y)} labels")
    if y.dtype.kind == "f" and not np.isfinite(y).all():
        i = int(np.flatnonzero(~np.isfinite(y))[0])
        raise ValueError(f"{name} holds {'NaN' if np.isnan(y[i]) else 'an infinite value'} at index "
                         f"{i}{row_label(index, i)}: "
                         "labels must be finite")
    if y.dtype.kind == "c":
        raise ValueError(f"{name} is complex: labels must be integers or strings")
    if y.dtype == object:
        missing = [i for i, v in enumerate(y) if v is None or (isinstance(v, float) and not np.isfinite(v))]
        if missing:
            raise ValueError(f"{name} holds a missing or infinite label at index {missing[0]}"
                             f"{row_label(index, missing[0])}")
        kinds = {"string" if isinstance(v, (str, np.str_)) else "number" for v in y}
        if len(kinds) > 1:
            i = next(i for i, v in enumerate(y) if isinstance(v, (str, np.str_)) != isinstance(y[0], (str, np.str_)))
            raise ValueError(f"{name} mixes numbers and strings (index 0 is {y[0]!r}, index {i} is {y[i]!r}): "
                             "give labels of one type")
        y = np.asarray(y.tolist())  # one type: numbers become a numeric array, strings a str array
    return y


#: Numeric labels read as a quantity (a regression target stored as whole numbers), not classes,
#: where half the classes hold QUANTITY_CLASS_SIZE samples or fewer and the values are no run of
#: consecutive codes (LabelEncoder's 0..K-1); sets under QUANTITY_MIN_SAMPLES are not judged.
QUANTITY_CLASS_SIZE = 2
QUANTITY_MIN_SAMPLES = 20


def check_class_labels(y: np.ndarray, name: str = "y") -> None:
    """Refuse continuous ``y``, as scikit-learn's classifiers do, and warn where whole numbers look
    like a quantity: offspring take their source's label and move towards same-class neighbours,
    which the samples of a regression target do not have."""
    fix = (f"vaeaug makes samples of classes: each offspring takes its source's label and moves towards "
           f"same-class neighbours. To augment by ranges of a quantity, bin it first, e.g. "
           f"pd.qcut({name}, 5, labels=False)")
    if y.dtype.kind == "f" and not np.array_equal(y, np.round(y)):
        value = y[np.flatnonzero(y != np.round(y))[0]]
        raise ValueError(f"{name} holds continuous values (e.g. {value:g}), as a regression target does. {fix}")
    if y.dtype.kind not in "iuf" or len(y) < QUANTITY_MIN_SAMPLES:
        return
    values, counts = np.unique(y, return_counts=True)
    codes = values.max() - values.min() + 1 == len(values)
    if np.median(counts) <= QUANTITY_CLASS_SIZE and not codes:
        warn_caller(f"{name} holds {len(values)} distinct numbers for {len(y)} samples, from {values.min():g} to "
                    f"{values.max():g} with gaps, and half its classes have {QUANTITY_CLASS_SIZE} samples or "
                    f"fewer: is {name} a quantity rather than class labels? {fix}", UserWarning)


def check_X_y(X, y, name: str = "X", min_samples: int = 1, allow_nan: bool = False) -> tuple[np.ndarray, np.ndarray]:
    X = check_X(X, name, min_samples, allow_nan)
    return X, check_y(y, len(X), "y" if name == "X" else f"y for {name}")


def row_label(index, i: int, before: str = " (", after: str = ")") -> str:
    """``" (row L of its index)"`` where a pandas object's index labels position ``i`` as L, not i,
    else nothing: ``.loc`` takes the label, and after ``train_test_split`` a frame's labels are
    not its positions."""
    if index is None or len(index) <= i:
        return ""
    label = index[i]
    label = label.item() if hasattr(label, "item") else label
    if isinstance(label, int) and label == i:
        return ""
    return f"{before}row {label!r} of its index{after}"


def check_labels_known(y: np.ndarray, classes: np.ndarray, name: str = "y", index=None) -> None:
    """Every label in ``y`` must be one seen at fit time; ``index``: the row labels of the Series
    ``y`` came as, for the message."""
    unseen = np.setdiff1d(np.unique(y), classes)
    if len(unseen):
        idx = int(np.flatnonzero(np.isin(y, unseen))[0])
        theirs, ours = type(unseen.tolist()[0]).__name__, type(classes.tolist()[0]).__name__
        as_text = {str(c) for c in classes.tolist()}  # '3' against 3: labels read from a file as text, or typed
        typed = (f"; these are the known labels as {theirs}, and the model's are {ours}: pass {name}.astype({ours})"
                 if theirs != ours and all(str(u) in as_text for u in unseen.tolist()) else "")
        raise ValueError(
            f"{name} holds label(s) {unseen.tolist()[:5]} not seen at fit time (first at index "
            f"{idx}{row_label(index, idx, '; ', '')}); "
            f"known labels: {classes.tolist()[:10]}{' …' if len(classes) > 10 else ''}{typed}"
        )


def split_validation(X: np.ndarray, y: np.ndarray, fraction: float, random_state: int | None):
    """(X_train, X_val, y_train, y_val): ``fraction`` of the samples held out, stratified where every
    class can spare one, else at random among the samples that are not their class's last, so
    that no class leaves training; none where every class holds one sample (an empty X_val)."""
    from sklearn.model_selection import train_test_split

    if len(X) < 2:
        raise ValueError(f"fit got {len(X)} sample; it needs at least 2 when no validation set is given")
    n_val = max(1, int(round(fraction * len(X))))
    labels, counts = np.unique(y, return_counts=True)
    if counts.min() >= 2 and n_val >= len(counts):
        return train_test_split(X, y, test_size=n_val, stratify=y, random_state=random_state)
    rng = np.random.default_rng(random_state)
    keep = [rng.choice(np.flatnonzero(y == label)) for label in labels]  # one sample per class stays
    spare = np.setdiff1d(np.arange(len(X)), keep)
    if len(spare) == 0:  # one sample a class (one-shot): none can leave training, so none watches it
        import logging

        logging.getLogger("vaeaug").info(
            "every class holds one sample, so none is held out: the VAE trains for all its epochs and keeps the "
            "last weights (a validation set, X_val and y_val, would watch it)")
        return X, X[:0], y, y[:0]
    val = np.sort(rng.choice(spare, min(n_val, len(spare)), replace=False))
    train = np.setdiff1d(np.arange(len(X)), val)
    return X[train], X[val], y[train], y[val]


def fit_arrays(X, y, X_val, y_val, split, said: bool = False, allow_nan: bool = False):
    """Checked training and validation arrays; the validation set cut from X by ``split(X, y)``
    (which returns X, X_val, y, y_val) when not given; ``said``: labels already checked as classes
    (:func:`check_class_labels`) by an earlier call; ``allow_nan``: a table's missing cells pass."""
    X, y = check_X_y(X, y, allow_nan=allow_nan)
    if not said:
        check_class_labels(y)
    if (X_val is None) != (y_val is None):
        raise ValueError("X_val was given without y_val" if y_val is None else "y_val was given without X_val")
    if X_val is None:
        X, X_val, y, y_val = split(X, y)
    else:
        X_val, y_val = check_X_y(X_val, y_val, name="X_val", allow_nan=allow_nan)
        if X_val.shape[1:] != X.shape[1:]:
            raise ValueError(f"X_val samples have shape {X_val.shape[1:]}, X samples {X.shape[1:]}")
        warn_other_scale(X, X_val, "X_val")
    return X, y, X_val, y_val


#: How many times wider or narrower than X's range of values another set's may be before it is
#: taken for another scale (images in [0, 1] beside 0-255 ones differ 255 times); a set of fewer
#: values than SCALE_MIN_VALUES is not judged (two samples of one feature may lie close).
SCALE_RATIO = 20.0
SCALE_MIN_VALUES = 100


def _span(A: np.ndarray) -> float:
    """The range of ``A``'s values, a table's missing cells (NaN) aside."""
    span = float(np.ptp(A))
    if np.isnan(span):
        present = A[~np.isnan(A)]
        span = float(np.ptp(present)) if present.size else 0.0
    return span


def _other_scale(span: float, other_span: float) -> bool:
    """Whether two ranges of values differ more than :data:`SCALE_RATIO`-fold (either one empty: not judged)."""
    return span > 0 and other_span > 0 and not 1 / SCALE_RATIO <= other_span / span <= SCALE_RATIO


def warn_other_scale(X: np.ndarray, other: np.ndarray, name: str) -> None:
    """Warn where ``other`` spans a range of values far from ``X``'s: the same model scales both
    alike, so a set in other units (divided by 255, say) is read as other data."""
    if other.size < SCALE_MIN_VALUES:
        return
    span, other_span = _span(X), _span(other)
    if _other_scale(span, other_span):
        warn_caller(f"{name}'s values span {other_span:.3g} and X's {span:.3g}: are they on the same scale? "
                    f"(the model scales {name} as it scales X)", UserWarning)


def warn_model_scale(X: np.ndarray, pre, name: str = "X") -> None:
    """Warn where pictures handed to a fitted image model span a range of values far from its
    training pictures' (floats in [0, 1], as torchvision's ``ToTensor`` gives, to a model of
    bytes): it scales them as it scaled those, so they read as other, near-black pictures. Images
    only: a table's rows of one class (as a sampler hands them) may rightly span far less."""
    if getattr(pre, "kind", None) != "image" or X.size < SCALE_MIN_VALUES:
        return
    low, high = getattr(pre, "pixel_min_", None), getattr(pre, "pixel_max_", None)
    trained = float(np.max(high) - np.min(low)) if low is not None else pre.high_ - pre.low_
    given = _span(X)
    if _other_scale(trained, given):
        warn_caller(f"{name}'s values span {given:.3g} and the training pictures' {trained:.3g}: are they on the "
                    f"same scale? (the model scales {name} as it scaled those)", UserWarning)


def unlabeled_array(X_unlabeled, X: np.ndarray, allow_nan: bool = False) -> np.ndarray | None:
    """Checked unlabeled samples, shaped like ``X``'s (``None`` when there are none)."""
    if X_unlabeled is None:
        return None
    U = check_X(X_unlabeled, name="X_unlabeled", allow_nan=allow_nan)
    if U.shape[1:] != X.shape[1:]:
        raise ValueError(f"X_unlabeled samples have shape {U.shape[1:]}, X samples {X.shape[1:]}")
    if len(U):
        warn_other_scale(X, U, "X_unlabeled")
    return U if len(U) else None
