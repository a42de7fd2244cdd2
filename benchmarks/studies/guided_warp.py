"""Timing from real neighbours: can the VAE's latent neighbours supply the time warps its
decodes lack? On BasicMotions at 5 per class, same-class decodes D(z_i), D(z_j) align within
0.2 steps of the identity, where the real pairs differ by ~5 steps (and random time warp moves
~2): the time-warp decoding then has little to carry. This study moves each real source a share
λ along its DTW alignment onto a same-class neighbour in z (Iwana & Uchida's guided warping,
with the VAE choosing neighbours), λ towards (interpolation) or away (extrapolation), against
random time warp (Um et al. 2017) and the VAE's defaults, 3 copies per sample.

Same cut, classifiers and features as ``benchmarks/sequences.py``. Writes
``results/guided-warp.json`` and ``.md``.

    python benchmarks/studies/guided_warp.py --names BasicMotions GunPoint JapaneseVowels --seeds 0 1 2
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import sequences as bench  # noqa: E402

#: λ ranges: towards the neighbour, and away from it
RANGES = {"guided, λ ~ U(0, 1)": (0.0, 1.0), "guided, λ ~ U(0, 0.5)": (0.0, 0.5),
          "guided away, λ ~ U(-0.5, 0)": (-0.5, 0.0), "guided both, λ ~ U(-0.5, 1)": (-0.5, 1.0)}


def guided(X, y, Z, n: int, lam_range: tuple[float, float], seed: int, k: int = 3):
    """n offspring per sequence: the source read along λ of its DTW alignment onto one of its k
    nearest same-class neighbours in z (λ uniform in ``lam_range``), at its own length."""
    from vaeaug.latent import same_class_neighbours
    from vaeaug.sequences import resample
    from vaeaug.timewarp import dtw_alignment, shift_along

    rng = np.random.default_rng(seed)
    length = max(len(s) for s in X)
    F = np.stack([resample(s, length) for s in X]).transpose(0, 2, 1)  # (N, C, L)
    Fs = (F - F.mean((0, 2), keepdims=True)) / (F.std((0, 2), keepdims=True) + 1e-9)
    nb = same_class_neighbours(Z, y, k=k)
    src = np.repeat(np.arange(len(X)), n)
    pick = nb[src, rng.integers(0, k, len(src))]
    pick = np.where(pick >= 0, pick, src)  # a class of one: its own timing
    phi = dtw_alignment(Fs[src], Fs[pick])
    ident = np.arange(length)[None]
    lam = rng.uniform(*lam_range, (len(src), 1))
    steps = np.maximum.accumulate(np.clip(ident + lam * (phi - ident), 0, length - 1), axis=1)  # monotone clock
    out = shift_along(F[src], steps).transpose(0, 2, 1)
    return [resample(o, len(X[i])) for o, i in zip(out, src)], np.asarray(y)[src]


def displacement(aug, X, y, Z, seed: int) -> dict:
    """Mean |φ(j) − j| in steps of the model length: how far DTW moves time between the decodes of
    each code and its nearest same-class neighbour's (what the time-warp decoding can carry at
    λ = 1), between the real pairs, and under one random time warp of each sequence."""
    from vaeaug.experiment.baselines import time_warp
    from vaeaug.latent import same_class_neighbours
    from vaeaug.sequences import resample
    from vaeaug.timewarp import dtw_alignment

    nb = same_class_neighbours(Z, y, k=1)[:, 0]
    ok = np.flatnonzero(nb >= 0)
    length = aug.vae_.preprocessor.length

    def fixed(seqs):  # (N, C, L), standardised per channel as the model sees it
        A = np.stack([resample(np.asarray(s), length) for s in seqs]).transpose(0, 2, 1)
        return (A - A.mean((0, 2), keepdims=True)) / (A.std((0, 2), keepdims=True) + 1e-9)

    def moved(A, B):
        return float(np.abs(dtw_alignment(A, B) - np.arange(length)).mean())

    D = fixed(list(aug.inverse_transform(Z.astype(np.float32), y)))
    R = fixed(X)
    W = fixed(time_warp([resample(np.asarray(s), length) for s in X], y, 1, random_state=seed)[0])
    return {"decodes of neighbours": moved(D[ok], D[nb[ok]]), "real neighbours": moved(R[ok], R[nb[ok]]),
            "random time warp": moved(R, W), "length": int(length)}


def run_one(name: str, per_class: int, seed: int) -> dict:
    from vaeaug import VAEAugmenter
    from vaeaug.data.dataset import per_class_subsample
    from vaeaug.experiment.baselines import time_warp

    X_pool, y_pool, X_te, y_te = bench.load(name)
    idx = per_class_subsample(y_pool, per_class, seed)
    X, y = [X_pool[i] for i in idx], y_pool[idx]
    length = max(len(s) for s in X_pool + X_te)
    score = bench.scorer(X, y, X_te, y_te, length, seed, dtw=name != "ujipen-v1-trajectories")
    aug = VAEAugmenter(random_state=seed, verbose=0).fit(X, y)
    Z = aug.transform(X)
    rows = {"baseline": score([], y[:0]), "VAE (defaults)": score(*aug.generate(X, y)),
            "time warp": score(*time_warp(X, y, bench.AMOUNT, random_state=seed))}
    for label, r in RANGES.items():
        rows[label] = score(*guided(X, y, Z, bench.AMOUNT, r, seed))
    return {"name": name, "per_class": per_class, "seed": seed, "test_accuracy": rows,
            "displacement": displacement(aug, X, y, Z, seed)}


def table(records: list[dict]) -> tuple[dict, str]:
    cols = ["VAE (defaults)", "time warp", *RANGES]
    data, rows = bench.gain_section(records, cols)
    lines = ["# Timing from real neighbours (guided warping): test gain over real data alone (points)", "",
             "Scarce cut of `benchmarks/sequences.py` (5 per class), 3 copies per sample. Command: "
             "`python benchmarks/studies/guided_warp.py --seeds 0 1 2`.", ""]
    kinds = ("decodes of neighbours", "real neighbours", "random time warp")
    moves = ["## How far time moves (mean steps of the model length, mean over seeds)", "",
             "DTW between the VAE's decodes of each code and its nearest same-class neighbour's, between the "
             "real pairs, and between each sequence and one random time warp of it.", "",
             "| data set | model length | " + " | ".join(kinds) + " |", "|---|---|" + "---|" * len(kinds)]
    for name in dict.fromkeys(r["name"] for r in records):
        ds = [r["displacement"] for r in records if r["name"] == name]
        moves.append(f"| {name} | {ds[0]['length']} | " + " | ".join(f"{np.mean([d[k] for d in ds]):.2f}"
                                                                    for k in kinds) + " |")
    data["displacement"] = {r["name"]: r["displacement"] for r in records}
    return data, "\n".join(lines + rows + moves + [""])


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--names", nargs="+", default=["BasicMotions", "GunPoint", "JapaneseVowels"])
    p.add_argument("--per-class", type=int, default=5)
    p.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    a = p.parse_args()
    from vaeaug.fileio import atomic_write_json, atomic_write_text

    records = []
    for name in a.names:
        for seed in a.seeds:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                records.append(run_one(name, a.per_class, seed))
            print(f"{name} seed {seed}: done", flush=True)
            data, md = table(records)
            atomic_write_json(bench.RESULTS / "guided-warp.json", {**data, "records": records})
            atomic_write_text(bench.RESULTS / "guided-warp.md", md)


if __name__ == "__main__":
    main()
