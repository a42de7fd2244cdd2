"""``AugmentedDataset``: the real samples then ``generate``'s offspring as PyTorch items, redrawn
by ``set_epoch`` from (seed, epoch) alone, so that ranks, workers and reruns agree."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.exceptions import NotFittedError
from torch.utils.data import DataLoader

from vaeaug import AugmentedDataset, VAEAugmenter
from vaeaug.torchdata import epoch_seed

from .conftest import FAST
from .test_sequences import SMALL as SEQUENCE_SMALL
from .test_sequences import waves

ARGS = {"method": "noise", "n_per_sample": 2, "strength": 0.5}


@pytest.fixture(scope="module")
def part(fitted_mlp, digits):
    X, y = digits
    return fitted_mlp, X[:40], y[:40]


def items(ds) -> tuple[np.ndarray, np.ndarray]:
    xs, ys = zip(*(ds[i] for i in range(len(ds))))
    return torch.stack(xs).numpy(), torch.stack(ys).numpy()


def test_the_items_are_the_real_samples_then_generates_offspring_of_the_epoch(part):
    aug, X, y = part
    ds = AugmentedDataset(aug, X, y, random_state=7, **ARGS)
    assert len(ds) == 40 * 3
    X_items, y_items = items(ds)
    X_new, y_new = aug.generate(X, y, random_state=epoch_seed(7, 0), **ARGS)
    np.testing.assert_array_equal(X_items[:40], X)
    np.testing.assert_array_equal(y_items[:40], y)
    np.testing.assert_array_equal(X_items[40:], X_new)
    np.testing.assert_array_equal(y_items[40:], y_new)
    assert ds[0][0].dtype == torch.float32 and ds[0][1].dtype == torch.int64  # the input's dtypes
    ds[0][0].zero_()  # an item is a copy: a step in place leaves the data as it was
    np.testing.assert_array_equal(ds[0][0].numpy(), X[0])


def test_set_epoch_redraws_the_offspring_the_same_for_every_copy(part):
    aug, X, y = part
    ds, twin = AugmentedDataset(aug, X, y, random_state=7, **ARGS), AugmentedDataset(aug, X, y, random_state=7, **ARGS)
    first = items(ds)[0]
    ds.set_epoch(1)
    second = items(ds)[0]
    np.testing.assert_array_equal(second[:40], first[:40])  # the real samples stay
    assert np.abs(second[40:] - first[40:]).mean() > 1e-3  # the offspring are new
    twin.set_epoch(1)
    np.testing.assert_array_equal(items(twin)[0], second)  # another rank, or a rerun, holds the same epoch
    ds.set_epoch(0)
    np.testing.assert_array_equal(items(ds)[0], first)


def test_a_data_loaders_workers_serve_the_epoch_drawn_in_the_main_process(part):
    aug, X, y = part
    ds = AugmentedDataset(aug, X, y, random_state=7, **ARGS)
    ds.set_epoch(3)
    served = torch.cat([xb for xb, _ in DataLoader(ds, batch_size=16, num_workers=2)]).numpy()
    np.testing.assert_array_equal(served, items(ds)[0])


@pytest.mark.parametrize("context", ["fork", "spawn"])
def test_persistent_workers_serve_each_epochs_offspring(part, digit_images, context):
    """Workers that live across epochs (persistent_workers=True) kept the offspring they started
    with, so every epoch after the first was served the first draw; the offspring now live in
    shared memory that set_epoch rewrites. Images keep their uint8 dtype on the way."""
    aug, X, y = part
    forms = (X, digit_images[0][:40], list(digit_images[0][:40]))  # a table, images, a list of pictures
    for data in forms if context == "fork" else forms[:1]:  # a spawned worker starts slowly: one form
        model = aug if data is X else VAEAugmenter(random_state=0, **{**FAST, "data_kind": "auto"}).fit(data, y)
        ds = AugmentedDataset(model, data, y, random_state=7, **ARGS)
        loader = DataLoader(ds, batch_size=len(ds), num_workers=1, persistent_workers=True,
                            multiprocessing_context=context)
        for epoch in (0, 1, 2):
            ds.set_epoch(epoch)
            (served, _), = list(loader)
            np.testing.assert_array_equal(served.numpy(), items(ds)[0])
            assert served.dtype == torch.from_numpy(np.asarray(data[:1])).dtype


def test_only_offspring_transforms_and_string_labels(part):
    _, X, y = part
    names = np.array([f"digit {v}" for v in y])
    fitted = VAEAugmenter(random_state=0, **{**FAST, "epochs": 2}).fit(X, names)
    ds = AugmentedDataset(fitted, X, names, include_real=False, transform=lambda x: 2 * x,
                          target_transform=str.upper, **ARGS)
    assert len(ds) == 80
    X_new, y_new = fitted.generate(X, names, random_state=epoch_seed(0, 0), **ARGS)
    x, label = ds[-1]
    np.testing.assert_allclose(x.numpy(), 2 * X_new[-1])
    assert label == y_new[-1].upper()
    xb, yb = next(iter(DataLoader(ds, batch_size=4)))
    assert xb.shape == (4, 64) and list(yb) == [v.upper() for v in y_new[:4]]


def test_sequences_are_served_at_their_own_lengths():
    X, y = waves(6)
    aug = VAEAugmenter(**{**SEQUENCE_SMALL, "epochs": 3}, strength=0.5, decoding="residual").fit(X, y)
    ds = AugmentedDataset(aug, X, y, n_per_sample=1)
    assert len(ds) == 24
    assert [tuple(ds[i][0].shape) for i in range(12)] == [s.shape for s in X]
    assert [len(ds[12 + i][0]) for i in range(12)] == [len(s) for s in X]  # each offspring as long as its source
    from .test_sequences import long_waves

    frame = long_waves(X)[["hr"]].astype(float)  # a (case, time) frame: one item per case, as the list gives
    as_list = [s[:, :1] for s in X]
    aug = VAEAugmenter(**{**SEQUENCE_SMALL, "epochs": 3}, strength=0.5, decoding="residual").fit(frame, y)
    by_case, listed = AugmentedDataset(aug, frame, y, n_per_sample=1), AugmentedDataset(aug, as_list, y, n_per_sample=1)
    assert len(by_case) == len(listed) == 24  # it was refused: "X has 360 samples but y has 12 labels"
    for i in (0, 11, 12, 23):
        torch.testing.assert_close(by_case[i][0], listed[i][0])


def test_bad_input_is_refused_in_one_line(part):
    aug, X, y = part
    with pytest.raises(NotFittedError):
        AugmentedDataset(VAEAugmenter(), X, y)
    with pytest.raises(ValueError, match="40 samples but y has 39"):
        AugmentedDataset(aug, X, y[:39])
    with pytest.raises(TypeError, match="random_state"):
        AugmentedDataset(aug, X, y, return_codes=True)
    frame = pd.DataFrame({"a": np.arange(6.0), "kind": list("xyxyxy")})
    with pytest.raises(ValueError, match="columns that are not numbers"):
        AugmentedDataset(aug, frame, np.arange(6) % 2)
    with pytest.raises(IndexError):
        AugmentedDataset(aug, X, y, **ARGS)[120]


@pytest.mark.filterwarnings("ignore::vaeaug.PosteriorCollapseWarning")  # two epochs: expected
def test_pil_images_are_served_as_pil_images_for_a_torchvision_transform(digit_images):
    """A list of PIL images was served as tensors, so a torchvision transform (ToTensor, which
    takes PIL images) failed on every item; real and offspring items are now PIL images."""
    from PIL import Image

    X, y = digit_images[0][:40], digit_images[1][:40]
    grey = [Image.fromarray(x) for x in X]
    aug = VAEAugmenter(random_state=0, **{**FAST, "data_kind": "auto", "epochs": 2}).fit(grey, y)

    def to_tensor(im):  # torchvision.transforms.ToTensor: a PIL image in, a (C, H, W) float tensor out
        assert isinstance(im, Image.Image)
        return torch.as_tensor(np.array(im), dtype=torch.float32)[None] / 255

    ds = AugmentedDataset(aug, grey, y, transform=to_tensor, **ARGS)
    xb, _ = next(iter(DataLoader(ds, batch_size=len(ds))))
    X_new, _ = aug.generate(grey, y, random_state=epoch_seed(aug.seed_, 0), **ARGS)
    assert xb.shape == (40 + len(X_new), 1, 8, 8)
    served = (xb[:, 0] * 255).round().numpy()
    np.testing.assert_array_equal(served, np.concatenate([X, [np.asarray(im) for im in X_new]]))
    assert isinstance(AugmentedDataset(aug, grey, y, **ARGS)[-1][0], Image.Image)


def test_persistent_workers_that_cannot_share_ragged_offspring_say_so():
    """Sequences of many lengths cannot sit in one shared tensor: a persistent worker that holds an
    earlier epoch's offspring refuses to serve them as this epoch's, where it served them silently."""
    X, y = waves(6)
    aug = VAEAugmenter(**{**SEQUENCE_SMALL, "epochs": 2}).fit(X, y)
    ds = AugmentedDataset(aug, X, y, random_state=7, method="noise", n_per_sample=1, strength=0.5)
    loader = DataLoader(ds, batch_size=len(ds), num_workers=1, persistent_workers=True, collate_fn=list)
    (batch,) = list(loader)
    assert len(batch) == len(ds)  # epoch 0, as drawn
    ds.set_epoch(1)
    with pytest.raises(RuntimeError, match="holds epoch 0's offspring, but epoch 1 was drawn"):
        list(loader)
    ds.set_epoch(0)
    (batch,) = list(loader)
    assert len(batch) == len(ds)  # the epoch it holds again
