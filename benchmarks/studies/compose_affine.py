"""Composing the VAE with affine moves on images: the VAE's offspring alone, affine moves alone,
affine moves applied to the VAE's offspring (the same amount), both sets together (twice
the amount), and affine moves alone at that doubled amount (so that the VAE's share of the
composed gain is read apart from the amount's), all with the defaults (``fit`` then
``generate(X, y)``).

Same splits, classifiers and features as ``defaults_suite.py``. Writes
``benchmarks/results/compose-affine.json`` and ``.md``.

    python benchmarks/studies/compose_affine.py --names digits-8x8 optdigits-8x8 ujipen-v1 --seeds 0
    python benchmarks/studies/compose_affine.py --names ujipen-v1 --seeds 0 1 2 --tag ujipen   # its own file
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import defaults_suite as suite  # noqa: E402

COLUMNS = ("VAE", "affine", "affine on VAE offspring", "VAE + affine", "affine x2")


def run_one(name: str, n: int, seed: int) -> dict:
    from vaeaug import VAEAugmenter
    from vaeaug.experiment.baselines import affine

    X, y, kind = suite.load(name)
    tr, va, te = suite.split(y, n, seed)
    score = suite.scorer_for(X, y, kind, tr, te, seed)

    aug = VAEAugmenter(random_state=seed, verbose=0, compose="none").fit(X[tr], y[tr], X[va], y[va])
    X_vae, y_vae = aug.generate(X[tr], y[tr])
    X_aff, y_aff = affine(X[tr], y[tr], aug.n_per_sample_, random_state=seed)
    X_on, y_on = affine(X_vae, y_vae, 1, random_state=seed)
    sets = {"baseline": (X[tr][:0], y[tr][:0]), "VAE": (X_vae, y_vae), "affine": (X_aff, y_aff),
            "affine on VAE offspring": (X_on, y_on),
            "VAE + affine": (np.concatenate([X_vae, X_aff]), np.concatenate([y_vae, y_aff])),
            "affine x2": affine(X[tr], y[tr], 2 * aug.n_per_sample_, random_state=seed)}
    return {"name": name, "per_class": n, "seed": seed, "chosen": aug.selection_.get("chosen"),
            "test": {k: score(*v) for k, v in sets.items()}}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--names", nargs="+", default=list(suite.IMAGE_SETS))
    p.add_argument("--seeds", type=int, nargs="+", default=[0])
    p.add_argument("--per-class", type=int, default=10)
    p.add_argument("--tag", default="", help="write compose-affine-TAG.json/.md instead")
    a = p.parse_args()

    command = (f"python benchmarks/studies/compose_affine.py --names {' '.join(a.names)} "
               f"--seeds {' '.join(map(str, a.seeds))} --per-class {a.per_class}" + (f" --tag {a.tag}" if a.tag else ""))
    stem = "compose-affine" + (f"-{a.tag}" if a.tag else "")
    runs: list[dict] = []
    for name in a.names:
        for seed in a.seeds:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                runs.append(run_one(name, a.per_class, seed))
            print(name, seed, "done", flush=True)
            write(runs, command, stem, a.names)  # after every run: a long study keeps what it has


def write(runs: list[dict], command: str, stem: str, names: list[str]) -> None:
    from vaeaug.fileio import atomic_write_json, atomic_write_text

    atomic_write_json(suite.RESULTS / f"{stem}.json", {"command": command, "runs": runs})
    md = ["# Composing the VAE with affine moves (images)", "", f"Command: `{command}`. Test accuracy gain over "
          "real data alone, points, mean over seeds; the defaults chose the VAE's setting.", "",
          "| data set | seeds | " + " | ".join(f"{clf} {c}" for clf in ("SVM", "1-NN", "NN") for c in COLUMNS) + " |",
          "|---|---|" + "---|" * (3 * len(COLUMNS))]
    for name in names:
        rs = [r for r in runs if r["name"] == name]
        if not rs:
            continue
        vals = [f"{np.mean([100 * (r['test'][c][clf] - r['test']['baseline'][clf]) for r in rs]):+.1f}"
                for clf in ("SVM", "1-NN", "NN") for c in COLUMNS]
        md.append(f"| {name} | {','.join(str(r['seed']) for r in rs)} | " + " | ".join(vals) + " |")
    atomic_write_text(suite.RESULTS / f"{stem}.md", "\n".join(md) + "\n")
    print("\n".join(md))

if __name__ == "__main__":
    main()
