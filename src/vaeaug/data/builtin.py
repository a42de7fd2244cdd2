"""The embedded default: scikit-learn's bundled handwritten digits, offline, as 8×8 images."""

from __future__ import annotations

import numpy as np

from .dataset import Dataset, per_class_subsample


def load_digits_dataset(n_train_per_class: int = 20, n_val_per_class: int = 10, random_state: int = 0) -> Dataset:
    """1,797 digits (UCI optdigits test set, bundled with scikit-learn) as (N, 8, 8) uint8 images.

    A scarce-data split, the case augmentation is for: ``n_train_per_class`` samples of each
    digit to train, ``n_val_per_class`` to validate, the remaining ~1,500 to test (seeded).
    """
    from sklearn.datasets import load_digits

    X, y = load_digits(return_X_y=True)
    X = np.rint(X.reshape(-1, 8, 8) * (255 / 16)).astype(np.uint8)
    train = per_class_subsample(y, n_train_per_class, random_state)
    rest = np.setdiff1d(np.arange(len(y)), train)
    val = rest[per_class_subsample(y[rest], n_val_per_class, random_state + 1)]
    test = np.setdiff1d(rest, val)
    meta = {"source": "scikit-learn load_digits (UCI Optical Recognition of Handwritten Digits, test part)",
            "licence": "CC BY 4.0 (UCI)",
            "split": f"{n_train_per_class} train + {n_val_per_class} validation per class, the rest test (seed {random_state})"}
    return Dataset(name="digits", X=X, y=y, kind="image", split={"train": train, "val": val, "test": test}, meta=meta)
