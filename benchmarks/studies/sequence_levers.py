"""Levers for the sequence VAE on the scarce cut of ``benchmarks/sequences.py``: the recurrent
architecture against the temporal-convolution auto, the VAE trained on its training set plus
time-warped copies (so that its codes carry timing variation), and the VAE given the rest of the
training split as unlabeled data (``X_unlabeled``), each alone and beside as many time-warped
copies; time warp at the same amounts is the control. All with ``generate(X,
y)`` at the defaults otherwise.

Same cut, classifiers and features as ``benchmarks/sequences.py``. Each finished run is appended
to ``results/sequence-levers.jsonl`` at once (a variant added later is run and merged into the
runs already there); writes ``results/sequence-levers.json`` and ``.md``.

    python benchmarks/studies/sequence_levers.py --names JapaneseVowels BasicMotions GunPoint --seeds 0 1 2
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import sequences as bench  # noqa: E402

RESULTS = bench.RESULTS
JSONL = RESULTS / "sequence-levers.jsonl"
VARIANTS = ("tconv", "gru", "tconv on time-warped", "gru on time-warped", "tconv with unlabeled pool")


def run_one(name: str, per_class: int, seed: int, variants=VARIANTS) -> dict:
    from vaeaug import VAEAugmenter
    from vaeaug.data.dataset import per_class_subsample
    from vaeaug.experiment.baselines import time_warp

    X_pool, y_pool, X_te, y_te = bench.load(name)
    idx = per_class_subsample(y_pool, per_class, seed)
    X, y = [X_pool[i] for i in idx], y_pool[idx]
    length = max(len(s) for s in X_pool + X_te)
    score = bench.scorer(X, y, X_te, y_te, length, seed, dtw=name != "ujipen-v1-trajectories")
    n = bench.AMOUNT
    X_tw, y_tw = time_warp(X, y, n, random_state=seed)
    rows = {"baseline": score([], y[:0]), "time warp": score(X_tw, y_tw),
            "time warp x6": score(*time_warp(X, y, 2 * n, random_state=seed))}
    info = {}
    for v in variants:
        t = time.perf_counter()
        arch = v.split()[0]
        aug = VAEAugmenter(architecture=arch, random_state=seed, verbose=0)
        if v.endswith("time-warped"):  # the VAE sees the warped copies as labelled samples too
            X_w, y_w = time_warp(X, y, n, random_state=seed + 1000)
            aug.fit(X + X_w, np.concatenate([y, y_w]))
        elif v.endswith("unlabeled pool"):  # the rest of the training split, without its labels
            aug.fit(X, y, X_unlabeled=[X_pool[i] for i in np.setdiff1d(np.arange(len(X_pool)), idx)])
        else:
            aug.fit(X, y)
        X_new, y_new = aug.generate(X, y)
        rows[v] = score(X_new, y_new)
        rows[f"{v} + time warp"] = score(list(X_new) + list(X_tw), np.concatenate([y_new, y_tw]))
        info[v] = {"seconds": time.perf_counter() - t, "reason": aug.selection_.get("reason"),
                   "n_synthetic": len(X_new)}
    return {"name": name, "per_class": per_class, "seed": seed, "test_accuracy": rows, "variants": info}


def read() -> list[dict]:
    return [json.loads(line) for line in JSONL.read_text().splitlines() if line.strip()] if JSONL.exists() else []


def table(records: list[dict]) -> tuple[dict, str]:
    cols = ["time warp", "time warp x6", *[c for v in VARIANTS for c in (v, f"{v} + time warp")]]
    data, rows = bench.gain_section(records, cols)
    lines = ["# Sequence VAE levers: test gain over real data alone (points)", "",
             "Scarce cut of `benchmarks/sequences.py` (5 per class); defaults but the architecture; \"on "
             "time-warped\": the VAE fitted on the cut plus 3 time-warped copies of each sample; \"+ time warp\": "
             "beside 3 time-warped copies of each real sample (twice the amount: compare with time warp x6). "
             "Command: `python benchmarks/studies/sequence_levers.py --seeds 0 1 2`.", ""]
    return data, "\n".join(lines + rows)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--names", nargs="+", default=["JapaneseVowels", "BasicMotions", "GunPoint"])
    p.add_argument("--per-class", type=int, default=5)
    p.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    a = p.parse_args()
    from vaeaug.fileio import atomic_write_json, atomic_write_text

    for seed in a.seeds:
        for name in a.names:
            records = read()
            old = next((r for r in records if (r["name"], r["per_class"], r["seed"]) == (name, a.per_class, seed)), None)
            todo = [v for v in VARIANTS if old is None or v not in old["variants"]]
            if not todo:
                continue
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                rec = run_one(name, a.per_class, seed, todo)
            if old is not None:  # a variant added since: merged into its run (same cut, same seed)
                rec = {**old, "test_accuracy": {**old["test_accuracy"], **rec["test_accuracy"]},
                       "variants": {**old["variants"], **rec["variants"]}}
            keep = [r for r in records if r is not old]
            atomic_write_text(JSONL, "".join(json.dumps(r) + "\n" for r in keep + [rec]))
            print(f"{name} seed {seed}: done", flush=True)
            data, md = table(read())
            atomic_write_json(RESULTS / "sequence-levers.json", data)
            atomic_write_text(RESULTS / "sequence-levers.md", md)


if __name__ == "__main__":
    main()
