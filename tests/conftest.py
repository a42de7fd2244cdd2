"""Shared fixtures: small real data (scikit-learn's bundled digits) and tiny, fast models."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import numpy as np
import pytest
from sklearn.datasets import load_digits

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def shared_data(*parts: str) -> Path:
    """A path under ../shared/data, or a skip with the reason when it is absent."""
    p = SHARED_DATA.joinpath(*parts)
    if not p.exists():
        pytest.skip(f"real data set not available here: {p} (see ../shared/data/README.md)")
    return p


def warned_here(record, match: str) -> bool:
    """The warnings in a ``pytest.warns`` record whose message matches ``match`` (a regex) name the
    calling test's file: the user's line, not the library line that found the problem."""
    caller = sys._getframe(1).f_code.co_filename
    hits = [w for w in record if re.search(match, str(w.message))]
    return bool(hits) and all(w.filename == caller for w in hits)


@pytest.fixture(scope="session")
def digits():
    X, y = load_digits(return_X_y=True)
    return X.astype(np.float32), y


@pytest.fixture(scope="session")
def digit_images():
    """Digits as uint8 (N, 8, 8) images in 0..255."""
    X, y = load_digits(return_X_y=True)
    return (X.reshape(-1, 8, 8) * 255 / 16).round().astype(np.uint8), y


FAST = dict(epochs=12, batch_size=32, latent_dim=8, hidden_sizes=(64, 32), conditional=False, verbose=0,
            data_kind="vector")  # the digits fixture is a table of 8×8 pixels: kept a table here


@pytest.fixture(scope="session")
def fitted_mlp(digits):
    from vaeaug import VAEAugmenter

    X, y = digits
    return VAEAugmenter(random_state=0, **FAST).fit(X[:700], y[:700], X[1200:1500], y[1200:1500])
