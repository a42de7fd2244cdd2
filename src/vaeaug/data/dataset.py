"""The ``Dataset`` type every loader returns, and how it splits into train / validation / test."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from sklearn.model_selection import train_test_split


class DataFormatError(ValueError):
    """A data file is malformed; the message names the file and, where known, the line."""

    def __init__(self, message: str, path: str | None = None, line: int | None = None):
        where = ""
        if path is not None:
            where = f"{path}" + (f", line {line}" if line is not None else "") + ": "
        super().__init__(where + message)
        self.path, self.line = path, line


#: The data kinds a :class:`Dataset` holds.
KINDS = ("image", "vector", "sequence")


def _filled(X, names: list[str] | None) -> tuple[Any, dict[str, int]]:
    """A table's missing cells (NaN) at each column's median, said per column as a CSV's imputed
    cells are (:class:`~vaeaug.data.TableEncoder`): a data set is what the experiment's classifiers
    read, and they read no NaN. Also the count per column filled, as a CSV's ``meta["imputed"]``."""
    from ..errors import warn_caller
    from ..missing import fill_values, filled, mask_of

    mask = mask_of(X) if isinstance(X, np.ndarray) else None
    if mask is None:
        return X, {}
    counts = {str(names[j] if names else j): int(n) for j, n in enumerate(mask.sum(axis=0)) if n}
    warn_caller("missing values imputed (each column's median): " + ", ".join(
        f"{name}: {n}" for name, n in counts.items()), UserWarning)
    return filled(X, fill_values(X)), counts


@dataclass
class Dataset:
    """Samples ``X`` (N, ...) with labels ``y`` (N,), of one ``kind`` ("image", "vector" or "sequence");
    a DataFrame ``X`` is read as a CSV table is (its category columns encoded, ``encoder``), a list
    as the model reads it, and (N, H, W, C) pictures channels first.

    ``groups`` (N,) names who or what produced each sample (a writer); splits keep groups
    apart. ``split`` optionally fixes the partition: a dict of index arrays under "train",
    "val", "test". ``extras`` holds per-sample side data (e.g. the original pen strokes) and
    ``meta`` describes the source (name, citation, licence, how the split was made).
    """

    name: str
    X: Any  # an array; given as a frame, a list of (T_i, C) sequences or of PIL images, read as the docstring says
    y: Any  # labels (N,): an array once read, given as any array-like
    kind: str
    groups: np.ndarray | None = None
    split: dict[str, np.ndarray] | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    extras: dict[str, Any] = field(default_factory=dict)
    encoder: Any = None  # a TableEncoder for CSV data: decodes rows back to their columns

    def __post_init__(self) -> None:
        """Check the kind and the lengths; read a DataFrame as a CSV is read (category, string,
        boolean and date columns encoded, kept in ``encoder``) and a Series of labels as an array."""
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, got {self.kind!r}")
        from ..frames import categorical_columns, frame_numbers, is_frame
        from ..polarsframes import to_pandas

        self.X, self.y = to_pandas(self.X), to_pandas(self.y)  # polars: read as pandas
        names = None  # a frame's column names, for the message about its missing cells
        if is_frame(self.X):
            if self.kind != "vector":
                raise ValueError(f"X is a DataFrame, a table: kind='vector' reads it, not {self.kind!r} (sequences "
                                 "come as a list of (T_i, C) arrays, or from load_long_csv)")
            if categorical_columns(self.X):
                from .tabular import TableEncoder

                self.encoder = TableEncoder().fit_frame(self.X)
                self.X = self.encoder.transform_frame(self.X)
                if self.encoder.report_ and "imputed" not in self.meta:  # the report names what was filled
                    self.meta = {**self.meta, "imputed": dict(self.encoder.report_)}
            else:
                names = [str(c) for c in self.X.columns]
                self.X = frame_numbers(self.X)
        elif isinstance(self.X, (list, tuple)):  # splits index X by arrays of rows: a list is made one
            self.X = _samples_array(self.X, self.kind)
        if self.kind == "vector":  # as a CSV's: the experiment's classifiers read no NaN
            self.X, imputed = _filled(self.X, names)
            if imputed and "imputed" not in self.meta:
                self.meta = {**self.meta, "imputed": imputed}
        from ..validation import is_channels_last

        if self.kind == "image" and is_channels_last(self.X):  # (N, H, W, C): the moves read channels first
            from ..forms import channels_first

            self.X = channels_first(self.X)
        if hasattr(self.y, "to_numpy"):
            self.y = self.y.to_numpy()
        elif isinstance(self.y, (list, tuple)):
            self.y = np.asarray(self.y)
        if self.y is not None and np.ndim(self.y) != 1:  # a column vector read as fit reads it; one-hot refused
            from ..validation import check_y

            self.y = check_y(self.y, len(self.X))
        if self.y is not None and len(self.X) != len(self.y):  # (a file read without labels has none)
            raise ValueError(f"X and y have different lengths: {len(self.X)} samples but {len(self.y)} labels")

    def __len__(self) -> int:
        return len(self.X)

    @property
    def classes(self) -> np.ndarray:
        return np.unique(self.y)

    def subset(self, idx: np.ndarray, name: str | None = None) -> "Dataset":
        """The samples at ``idx``, with their groups and per-sample extras; no split."""
        idx = np.asarray(idx)
        extras = {k: ([v[i] for i in idx] if isinstance(v, list) else v[idx]) for k, v in self.extras.items()}
        return replace(
            self, name=name or self.name, X=self.X[idx], y=self.y[idx],
            groups=None if self.groups is None else self.groups[idx], split=None, extras=extras,
        )

    def with_test(self, X_test, y_test, source: str, extras: dict[str, Any] | None = None,
                  imputed: dict[str, int] | None = None) -> Dataset:
        """This data set with ``(X_test, y_test)`` (samples read as these were: the same columns,
        size or channels) appended as its fixed test split, which the experiment only scores;
        validation is carved from the rest, or kept where the data set fixes it. ``extras``: the
        test samples' own (image files); ``imputed``: their missing cells per column, filled as
        the training part's were (``meta["imputed"]`` counts both)."""
        if self.split is not None and "test" in self.split:
            raise ValueError(f"{self.name} already holds a test split ({self.meta.get('source', 'its source')}); "
                             "give a test set once")
        if len(X_test) == 0:
            raise DataFormatError("holds no samples to test on", source)
        from ..frames import frame_numbers, is_frame
        from ..polarsframes import to_pandas

        X_test, y_test = to_pandas(X_test), to_pandas(y_test)
        names = [str(c) for c in X_test.columns] if is_frame(X_test) else None
        if is_frame(X_test) and self.kind == "vector":  # a frame's columns, encoded as the training frame's were
            X_test = self.encoder.transform_frame(X_test) if getattr(self.encoder, "frame_columns_", None) \
                else frame_numbers(X_test)
        y_test = y_test.to_numpy() if hasattr(y_test, "to_numpy") else y_test
        if self.kind == "sequence":
            X_test = _samples_array(list(X_test), "sequence")
            width, test_width = self.X[0].shape[1:], X_test[0].shape[1:]
            X = _samples_array([*self.X, *X_test], "sequence")
        else:
            X_test = np.asarray(X_test)
            width, test_width = self.X.shape[1:], X_test.shape[1:]
            X = None
        if width != test_width:
            what = {"vector": "features", "image": "pixels (channels, height, width)", "sequence": "channels"}[self.kind]
            raise DataFormatError(f"its samples have {list(test_width)} {what}, the training data's {list(width)}", source)
        if X is None and self.kind == "vector":  # missing cells at the training medians (which filling them kept)
            from ..missing import filled, mask_of

            mask = mask_of(X_test)
            if mask is not None:
                X_test = filled(X_test.astype(np.float64), np.median(self.X, axis=0))
                counts = {(names[j] if names else str(j)): int(n) for j, n in enumerate(mask.sum(axis=0)) if n}
                imputed = {**(imputed or {}), **counts}
        if X is None:
            X = np.concatenate([self.X, X_test])
        y_test = np.asarray(y_test)
        unseen = np.setdiff1d(y_test.astype(str), self.y.astype(str))
        if len(unseen):
            from ..errors import warn_caller

            warn_caller(f"{source}: label(s) {unseen[:5].tolist()} are in the test set but not in the training data: "
                        "no classifier can predict them, so every such sample counts as an error", UserWarning)
        y = np.concatenate([self.y, _labels_as(y_test, self.y)])
        n = len(self.y)
        split = {**(self.split or {"train": np.arange(n)}), "test": np.arange(n, len(y))}
        extras = {k: list(v) + list((extras or {})[k]) for k, v in self.extras.items() if k in (extras or {})}
        counts = dict(self.meta.get("imputed", {}))
        for k, v in (imputed or {}).items():
            counts[k] = counts.get(k, 0) + int(v)
        meta = {**self.meta, "test_source": source, "split": f"tested on {source}, which training never sees",
                **({"imputed": counts} if counts else {})}
        # a fixed split: validation is carved from training by class, not by groups
        return replace(self, X=X, y=y, groups=None, split=split, meta=meta, extras=extras)

    def summary(self) -> str:
        if self.kind == "sequence":
            span = sorted({str(f(len(s) for s in self.X)) for f in (min, max)}, key=int)
            shape = "(T, C) sequences of " + "–".join(span) + " steps"
        else:
            shape = "×".join(str(s) for s in self.X.shape[1:])
        g = f", {len(np.unique(self.groups))} groups" if self.groups is not None else ""
        return f"{self.name}: {len(self)} samples of {shape} ({self.kind}), {len(self.classes)} classes{g}"

    def train_val_test(self, val_size: float = 0.1, test_size: float = 0.3,
                       random_state: int | None = 0) -> tuple["Dataset", "Dataset", "Dataset"]:
        """Split into (train, val, test): the fixed ``split`` when the data set has one, else by
        whole groups when it has groups, else stratified at random. A fixed split that lacks its
        validation or test part gets it carved from its training part only, so that rows given
        as test (or validation) are never trained on."""
        if self.split is not None:
            idx = dict(self.split)
            for part, size in (("test", test_size), ("val", val_size)):
                if part not in idx:
                    tr = idx["train"]
                    sub = stratified_split(self.y[tr], size, 0.0, random_state, two_way=True)
                    idx["train"], idx[part] = tr[sub["train"]], tr[sub["val"]]
        elif self.groups is not None:
            idx = group_split(self.groups, val_size, test_size, random_state)
        else:
            idx = stratified_split(self.y, val_size, test_size, random_state)
        return tuple(self.subset(idx[k], f"{self.name}[{k}]") for k in ("train", "val", "test"))  # type: ignore[return-value]


def _labels_as(y: np.ndarray, like: np.ndarray) -> np.ndarray:
    """Labels ``y`` in the type of labels ``like`` where their text is the same: a test file's 1
    is the training's "1", and its "1" the training's 1 (a .ts file reads labels as text)."""
    if like.dtype.kind == "U" and y.dtype.kind != "U":
        return y.astype(str)
    by_text = {str(v): v for v in np.unique(like)}
    if y.dtype.kind == "U" and like.dtype.kind != "U" and all(t in by_text for t in y):
        return np.array([by_text[t] for t in y], dtype=like.dtype)
    return y


def _samples_array(X: list, kind: str) -> np.ndarray:
    """A list of samples as the array a :class:`Dataset` holds: PIL images as an image folder reads
    them, sequences (1-D ones as one channel) as an object array of (T_i, C) arrays, else stacked."""
    from ..pictures import is_picture_list, picture_array

    if kind == "sequence":
        from ..sequences import is_one_channel, object_array, with_channel

        return object_array(with_channel(list(X)) if is_one_channel(list(X)) else [np.asarray(s) for s in X])
    if is_picture_list(X):
        return picture_array(X)
    return np.asarray(X)


def stratified_split(y: np.ndarray, val_size: float, test_size: float, random_state: int | None,
                     two_way: bool = False) -> dict[str, np.ndarray]:
    """Index arrays for a stratified train / val / test split; ``two_way``: only train / val,
    ``val_size`` of the samples held out. A class too small to be in every part (under 3 samples,
    2 for ``two_way``) is trained on: its first sample goes to train, a second to test, so that no
    label is held out that the model never saw. A part smaller than the number of classes takes
    one sample of each (scikit-learn's stratified split refuses it)."""
    _, inverse, counts = np.unique(y, return_inverse=True, return_counts=True)
    small = counts[inverse] < (2 if two_way else 3)
    idx = np.flatnonzero(~small)
    k = len(np.unique(inverse[idx]))  # the classes split by stratum
    parts = {"train": [], "val": [], "test": []}
    if len(idx) and two_way:
        train, val = train_test_split(idx, test_size=_at_least(val_size, len(idx), k), stratify=y[idx],
                                      random_state=random_state)
        parts["train"], parts["val"] = [train], [val]
    elif len(idx):
        rest, test = train_test_split(idx, test_size=_at_least(test_size, len(idx), k), stratify=y[idx],
                                      random_state=random_state)
        train, val = train_test_split(rest, test_size=_at_least(val_size / (1 - test_size), len(rest), k),
                                      stratify=y[rest], random_state=random_state)
        parts["train"], parts["val"], parts["test"] = [train], [val], [test]
    rng = np.random.default_rng(random_state)
    for c in np.unique(inverse[small]):
        members = rng.permutation(np.flatnonzero(inverse == c))
        parts["train"].append(members[:1])
        parts["test"].append(members[1:])
    out = {k: np.sort(np.concatenate(v)).astype(np.intp) if v else np.zeros(0, np.intp) for k, v in parts.items()}
    return {k: out[k] for k in (("train", "val") if two_way else ("train", "val", "test"))}


def _at_least(fraction: float, n: int, k: int) -> float | int:
    """A part of ``n`` samples as :func:`train_test_split` takes it: ``fraction`` (it rounds up), or
    ``k`` samples, one per class, where that fraction would hold fewer than the ``k`` classes."""
    return fraction if math.ceil(fraction * n) >= k else k


def group_split(groups: np.ndarray, val_size: float, test_size: float, random_state: int | None) -> dict[str, np.ndarray]:
    """Whole groups to each part, at least one group each, in the proportions asked."""
    uniq = np.unique(groups)
    if len(uniq) < 3:
        raise ValueError(f"a group split needs at least 3 groups, got {len(uniq)}")
    rng = np.random.default_rng(random_state)
    order = rng.permutation(uniq)
    n_test = max(1, int(round(test_size * len(uniq))))
    n_val = max(1, int(round(val_size * len(uniq))))
    test_g, val_g, train_g = order[:n_test], order[n_test : n_test + n_val], order[n_test + n_val :]
    return {k: np.flatnonzero(np.isin(groups, g)) for k, g in (("train", train_g), ("val", val_g), ("test", test_g))}


def per_class_subsample(y: np.ndarray, n_per_class: int, random_state: int | None) -> np.ndarray:
    """Indices of ``n_per_class`` samples of every class (all of a smaller class), seeded."""
    rng = np.random.default_rng(random_state)
    out = []
    for c in np.unique(y):
        idx = np.flatnonzero(y == c)
        out.append(rng.choice(idx, size=min(n_per_class, len(idx)), replace=False))
    return np.sort(np.concatenate(out))
