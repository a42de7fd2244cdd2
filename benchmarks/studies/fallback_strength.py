"""How gentle the do-no-harm fallback must be: residual offspring at small strengths on the scarce
OpenML splits (10 training + 10 validation samples per class, as ``openml_scarce.py``), scored by
the experiment's classifiers on test against real data alone. ``fit`` falls back to
:data:`vaeaug.priors.NEAR_COPY_STRENGTH` when the harm check rejects every setting of a method, so the
fallback's worst loss here bounds what a method can cost when validation cannot tell.

Writes ``benchmarks/results/fallback-strength.json`` and ``.md``.

    python benchmarks/studies/fallback_strength.py --seeds 0 1 2
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.base import clone

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from openml_scarce import NAMES, SHARED, scarce
from vaeaug import VAEAugmenter
from vaeaug.experiment.classifiers import FeatureScaler, make_classifiers
from vaeaug.data import load_csv
from vaeaug.experiment.evaluation import _git_commit
from vaeaug.fileio import atomic_write_json, atomic_write_text

HERE = Path(__file__).resolve().parents[1]  # benchmarks/: results/ and the top-level benchmarks
METHODS = ("noise", "interpolation", "extrapolation")


def gains(split: tuple, seed: int, strengths: tuple[float, ...], amounts: tuple[int, ...]) -> dict:
    """Test-accuracy gain (points) over real data alone, per (method, strength, amount) and
    classifier, for one data set's (train, validation, test) split and one seed; ``copies``
    duplicates the real samples."""
    tr, val, te = split
    scaler = FeatureScaler().fit(tr.X, "vector")
    F, F_test = scaler.transform(tr.X), scaler.transform(te.X)
    classifiers = make_classifiers(seed, n_real=len(tr))

    def accuracy(F_train, y_train) -> dict[str, float]:
        return {n: float(np.mean(clone(c).fit(F_train, y_train).predict(F_test) == te.y)) * 100
                for n, c in classifiers.items()}

    base = accuracy(F, tr.y)
    # strength and decoding fixed: fit trains the VAE and skips the choice on validation
    aug = VAEAugmenter(random_state=seed, verbose=0, strength=0.5, decoding="residual")
    aug.fit(tr.X, tr.y, val.X, val.y)
    out = {}
    for n_per in amounts:
        acc = accuracy(np.concatenate([F] * (n_per + 1)), np.concatenate([tr.y] * (n_per + 1)))
        out[f"copies ×{n_per}"] = {n: acc[n] - base[n] for n in acc}
        for m in METHODS:
            for s in strengths:
                X_new, y_new = aug.generate(tr.X, tr.y, m, n_per, strength=s, random_state=seed, decoding="residual",
                                            small_classes="skip")
                acc = accuracy(np.concatenate([F, scaler.transform(X_new)]), np.concatenate([tr.y, y_new]))
                out[f"{m} {s} ×{n_per}"] = {n: acc[n] - base[n] for n in acc}
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    p.add_argument("--names", nargs="+", default=list(NAMES), choices=NAMES)
    p.add_argument("--strengths", type=float, nargs="+", default=[0.05, 0.1, 0.25])
    p.add_argument("--amounts", type=int, nargs="+", default=[1, 3])
    p.add_argument("--data", default=str(SHARED))
    p.add_argument("--out", default=str(HERE / "results"))
    a = p.parse_args()
    t = time.perf_counter()
    splits = {name: scarce(load_csv(Path(a.data) / f"{name}.csv"), 10, 10, seed=0).train_val_test() for name in a.names}
    runs = {f"{name}/{seed}": gains(splits[name], seed, tuple(a.strengths), tuple(a.amounts))
            for name in a.names for seed in a.seeds}
    cells = next(iter(runs.values()))
    classifiers = list(next(iter(cells.values())))
    summary = {c: {n: {"mean": float(np.mean([r[c][n] for r in runs.values()])),
                       "min": float(np.min([r[c][n] for r in runs.values()]))} for n in classifiers} for c in cells}
    command = (f"python benchmarks/studies/fallback_strength.py --seeds {' '.join(map(str, a.seeds))}"
               + (f" --names {' '.join(a.names)}" if list(a.names) != list(NAMES) else ""))
    md = ["# Fallback strength: residual offspring at small strengths, scarce OpenML splits", "",
          f"{', '.join(a.names)} at 10 training samples per class; seeds {a.seeds}; test accuracy gain in points over "
          f"real data alone, mean and worst over the {len(runs)} data-set × seed runs; {time.perf_counter() - t:.0f} s.", "",
          "| residual offspring | " + " | ".join(f"{n} mean (worst)" for n in classifiers) + " |",
          "|---|" + "---|" * len(classifiers)]
    md += [f"| {c} | " + " | ".join(f"{summary[c][n]['mean']:+.2f} ({summary[c][n]['min']:+.1f})" for n in classifiers)
           + " |" for c in cells]
    md += ["", f"Command: `{command}`; commit {_git_commit()}."]
    out = Path(a.out)
    atomic_write_json(out / "fallback-strength.json", {"command": command, "commit": _git_commit(), "runs": runs,
                                                       "summary": summary})
    atomic_write_text(out / "fallback-strength.md", "\n".join(md) + "\n")
    print("\n".join(md))


if __name__ == "__main__":
    main()
