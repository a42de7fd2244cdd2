"""UJI v1: offspring of a VAE on pen trajectories, rendered at 70×70, for image classifiers.

Writers 1-7 train, 8 validates, 9-11 test (the image experiment's split). The trajectory VAE runs
with its defaults (``VAEAugmenter(random_state=seed, verbose=0).fit(X, y, X_val, y_val)``, then
``generate(X, y)``); its offspring are drawn as the data set draws real strokes. Beside it: affine
moves of the real renders at the same amount, and time warp of the real trajectories (Um et al.
2017), alone and beside the VAE's offspring, rendered likewise. Classifiers: the experiment's SVM, k-NN and NN on
pixels in [0, 1]. Writes ``results/uji-trajectories.json`` and ``.md``.

    python benchmarks/studies/uji_trajectories.py --seeds 0 1 2
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

RESULTS = Path(__file__).resolve().parents[1] / "results"


def run(seed: int) -> dict:
    from sklearn.base import clone

    from vaeaug import VAEAugmenter
    from vaeaug.data import load_dataset
    from vaeaug.data.trajectories import render_trajectories
    from vaeaug.experiment.baselines import affine, time_warp
    from vaeaug.experiment.classifiers import make_classifiers

    ds = load_dataset("ujipen-v1-trajectories")
    tr, va, te = (ds.split[k] for k in ("train", "val", "test"))
    images = ds.extras["images"]
    X, y = list(ds.X[tr]), ds.y[tr]
    t = time.perf_counter()
    aug = VAEAugmenter(random_state=seed, verbose=0).fit(X, y, list(ds.X[va]), ds.y[va])
    X_new, y_new = aug.generate(X, y)
    img_new = render_trajectories(X_new)
    vae_s = time.perf_counter() - t
    img_aff, y_aff = affine(images[tr], y, aug.n_per_sample_, random_state=seed)
    X_tw, y_tw = time_warp(X, y, aug.n_per_sample_, random_state=seed)
    img_tw = render_trajectories(X_tw)
    feats = lambda A: A.reshape(len(A), -1).astype(np.float32) / 255.0  # noqa: E731
    F_tr, F_te = feats(images[tr]), feats(images[te])
    clfs = make_classifiers(seed, n_real=len(tr))
    rows = {}
    for name, (F_add, y_add) in {"baseline": (F_tr[:0], y[:0]), "trajectory VAE": (feats(img_new), y_new),
                                 "affine": (feats(img_aff), y_aff), "time warp": (feats(img_tw), y_tw),
                                 "trajectory VAE + time warp": (feats(np.concatenate([img_new, img_tw])),
                                                                np.concatenate([y_new, y_tw]))}.items():
        F, Y = np.concatenate([F_tr, F_add]), np.concatenate([y, y_add])
        rows[name] = {c: float(np.mean(clone(m).fit(F, Y).predict(F_te) == ds.y[te])) for c, m in clfs.items()}
    return {"seed": seed, "vae_seconds": vae_s, "n_synthetic": len(X_new), "reason": aug.selection_["reason"],
            "length": aug.vae_.preprocessor.length, "test_accuracy": rows}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--seeds", type=int, nargs="+", default=[0])
    a = p.parse_args()
    from vaeaug.fileio import atomic_write_json, atomic_write_text

    recs = [run(s) for s in a.seeds]
    cols = ["baseline", "trajectory VAE", "affine", "time warp", "trajectory VAE + time warp"]
    clfs = list(recs[0]["test_accuracy"]["baseline"])
    lines = ["# UJI v1: trajectory-VAE offspring rendered at 70×70", "",
             f"Writers 1-7 / 8 / 9-11; test accuracy %, mean over seeds {a.seeds}; command: "
             f"`python benchmarks/studies/uji_trajectories.py --seeds {' '.join(map(str, a.seeds))}`.", "",
             "| classifier | " + " | ".join(cols) + " |", "|---|" + "---|" * len(cols)]
    for c in clfs:
        lines.append(f"| {c} | " + " | ".join(
            f"{100 * np.mean([r['test_accuracy'][k][c] for r in recs]):.1f}" for k in cols) + " |")
    lines += ["", f"The VAE's choice (seed {recs[0]['seed']}): {recs[0]['reason']}; model length "
              f"{recs[0]['length']}; fit and generation {recs[0]['vae_seconds']:.0f} s.", ""]
    atomic_write_json(RESULTS / "uji-trajectories.json", recs)
    atomic_write_text(RESULTS / "uji-trajectories.md", "\n".join(lines))


if __name__ == "__main__":
    main()
