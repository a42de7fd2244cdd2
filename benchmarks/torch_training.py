"""A PyTorch network trained on ``AugmentedDataset``: real data alone, one draw of offspring for
every epoch (static), or a fresh draw each epoch (``set_epoch``), at the same number of steps.

The suite's splits (10 training + 2 validation samples per class, the rest test, per seed) and
the defaults as a new user meets them: ``VAEAugmenter(random_state=seed).fit(X, y, X_val, y_val)``.
The network is what a PyTorch user writes first: a small CNN for images, an MLP on standardised
features for tables; Adam, batches of 64, ``--steps`` steps for every arm, the same initial
weights, test accuracy at the end. One JSONL line per (data set, seed), resumable; the table
gives each arm's test accuracy and the gains over real data alone.

    python benchmarks/torch_training.py --seeds 0 1 2
    python benchmarks/torch_training.py --names digits-8x8 glass --seeds 0
    python benchmarks/torch_training.py --table
"""

from __future__ import annotations

import time

import defaults_suite as suite
import numpy as np

JSONL = suite.RESULTS / "torch-training.jsonl"
NAMES = (*suite.IMAGE_SETS[:2], *suite.table_names(), *suite.IMAGE_SETS[2:])  # UJI, the slowest, last
ARMS = ("real", "static", "fresh")
STEPS, BATCH = 2000, 64


def network(kind: str, shape: tuple[int, ...], n_classes: int):
    """A small CNN for (H, W) images (its first layer strided above 32 pixels a side), an MLP for feature vectors."""
    from torch import nn

    if kind == "image":
        return nn.Sequential(nn.Conv2d(1, 32, 3, stride=2 if min(shape) > 32 else 1, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                             nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(4), nn.Flatten(),
                             nn.Linear(64 * 16, 128), nn.ReLU(), nn.Dropout(0.3), nn.Linear(128, n_classes))
    return nn.Sequential(nn.Linear(int(np.prod(shape)), 256), nn.ReLU(), nn.Dropout(0.3), nn.Linear(256, n_classes))


def inputs(kind: str, bytes_: bool, mean: np.ndarray | None, std: np.ndarray | None):
    """The network's input from a batch of samples: images with a channel axis (bytes on [0, 1]),
    tables standardised by the real training samples' mean and spread."""
    import torch

    def form(xb):
        xb = xb.double()
        if kind == "image":
            return (xb / 255.0 if bytes_ else xb).unsqueeze(1).float()
        return ((xb - torch.from_numpy(mean)) / torch.from_numpy(std)).float()

    return form


def train_and_score(dataset, kind, shape, n_classes, form, X_te, t_te, seed: int, fresh: bool) -> float:
    """Test accuracy of the network after ``STEPS`` steps on ``dataset`` (items: sample, class index),
    with a fresh draw of offspring each epoch if ``fresh``."""
    import torch
    from torch.utils.data import DataLoader

    torch.manual_seed(seed)
    net = network(kind, shape, n_classes)
    opt = torch.optim.Adam(net.parameters(), lr=1e-3, weight_decay=1e-4)
    loader = DataLoader(dataset, batch_size=BATCH, shuffle=True, generator=torch.Generator().manual_seed(seed))
    step, epoch = 0, 0
    net.train()
    while step < STEPS:
        if fresh:
            dataset.set_epoch(epoch)
        for xb, tb in loader:
            loss = torch.nn.functional.cross_entropy(net(form(xb)), tb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            step += 1
            if step == STEPS:
                break
        epoch += 1
    net.eval()
    with torch.no_grad():
        pred = net(form(torch.as_tensor(X_te))).argmax(1).numpy()
    return float(np.mean(pred == t_te))


def run_one(name: str, seed: int) -> dict:
    import torch
    from torch.utils.data import TensorDataset

    from vaeaug import AugmentedDataset, VAEAugmenter

    torch.set_num_threads(1)
    X, y, kind = suite.load(name)
    tr, va, te = suite.split(y, 10, seed)
    t0 = time.perf_counter()
    aug = VAEAugmenter(random_state=seed, verbose=0).fit(X[tr], y[tr], X[va], y[va])
    fit_s = time.perf_counter() - t0
    classes = np.unique(y[tr])
    index = {c: i for i, c in enumerate(classes.tolist())}
    flat = X[tr].reshape(len(tr), -1).astype(np.float64)
    mean, std = (flat.mean(0), flat.std(0) + 1e-6) if kind == "vector" else (None, None)
    form = inputs(kind, X.dtype == np.uint8, mean, std)
    args = (kind, X.shape[1:], len(classes), form, X[te], np.searchsorted(classes, y[te]), seed)
    acc = {"real": train_and_score(TensorDataset(torch.as_tensor(X[tr]), torch.as_tensor(np.searchsorted(classes, y[tr]))),
                                   *args, False)}
    for arm in ("static", "fresh"):  # labels to class indices as a torchvision user would: target_transform
        ds = AugmentedDataset(aug, X[tr], y[tr], random_state=seed,
                              target_transform=lambda v: index[v.item() if hasattr(v, "item") else v])
        t0 = time.perf_counter()
        acc[arm] = train_and_score(ds, *args, arm == "fresh")
        train_s = round(time.perf_counter() - t0, 1)
    return {"name": name, "seed": seed, "kind": kind, "n_train": len(tr), "n_items": len(ds),
            "accuracy": acc, "fit_s": round(fit_s, 1), "fresh_train_s": train_s,
            "method": aug.method_, "compose": getattr(aug, "compose_", "none"), "steps": STEPS}


def table(records: list[dict]) -> tuple[dict, str]:
    """Per data set: mean test accuracy of each arm over seeds, and the gains over real data alone."""
    by_name: dict[str, list[dict]] = {}
    for r in records:
        by_name.setdefault(r["name"], []).append(r)
    rows, data = [], {}
    for name, recs in by_name.items():
        acc = {a: 100 * np.array([r["accuracy"][a] for r in recs]) for a in ARMS}
        chose = sorted({r["method"] + ("" if r["compose"] == "none" else f" + {r['compose']}") for r in recs})
        cell = {"seeds": sorted(r["seed"] for r in recs), "kind": recs[0]["kind"], "chose": ", ".join(chose),
                **{a: round(float(acc[a].mean()), 2) for a in ARMS},
                "static_gain": round(float((acc["static"] - acc["real"]).mean()), 2),
                "fresh_gain": round(float((acc["fresh"] - acc["real"]).mean()), 2),
                "fresh_over_static": round(float((acc["fresh"] - acc["static"]).mean()), 2),
                "fresh_over_static_std": round(float((acc["fresh"] - acc["static"]).std()), 2)}
        data[name] = cell
        rows.append(f"| {name} | {cell['kind']} | {cell['chose']} | {len(recs)} | {cell['real']:.1f} | {cell['static']:.1f} | "
                    f"{cell['fresh']:.1f} | {cell['static_gain']:+.1f} | {cell['fresh_gain']:+.1f} | "
                    f"{cell['fresh_over_static']:+.1f} ± {cell['fresh_over_static_std']:.1f} |")
    summary = {}
    for kind in ("image", "vector"):
        cells = [c for c in data.values() if c["kind"] == kind]
        if cells:
            summary[kind] = {k: round(float(np.mean([c[k] for c in cells])), 2)
                             for k in ("static_gain", "fresh_gain", "fresh_over_static")}
            summary[kind]["fresh_over_static_wins"] = sum(c["fresh_over_static"] > 0 for c in cells)
            summary[kind]["data_sets"] = len(cells)
    lines = ["# A PyTorch network on `AugmentedDataset`: real data alone, one draw, or a fresh draw each epoch", "",
             (f"10 + 2 per class (`defaults_suite.split`), `VAEAugmenter(random_state=seed).fit`, then a small CNN "
              f"(images) or an MLP (tables) trained {STEPS} steps of {BATCH} with Adam from the same initial weights; "
              "test accuracy in %, mean over seeds; fresh − static with its standard deviation over seeds. A table of "
              "pixels (optdigits) is read by the augmenter as 8×8 images (`fit` chose). "
              "Command: `python benchmarks/torch_training.py --seeds 0 1 2`."), "",
             "| data set | kind | `fit` chose | seeds | real | static | fresh | static − real | fresh − real | fresh − static |",
             "|---|---|---|---|---|---|---|---|---|---|", *rows, ""]
    for kind, s in summary.items():
        lines.append(f"- {kind}s ({s['data_sets']} sets): static {s['static_gain']:+.2f}, fresh "
                     f"{s['fresh_gain']:+.2f}, fresh over static {s['fresh_over_static']:+.2f} points "
                     f"(fresh ahead on {s['fresh_over_static_wins']}).")
    return {"cells": data, "summary": summary}, "\n".join(lines) + "\n"


if __name__ == "__main__":
    suite.study_main(__doc__, JSONL, NAMES, run_one, table, "torch-training")
