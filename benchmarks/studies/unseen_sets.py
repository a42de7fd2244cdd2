"""The issue's protocol on data sets the choice was never tuned on, read by scikit-learn's own
classifiers: ``VAEAugmenter(random_state=s).fit(X, y, X_val, y_val).generate(X, y, method=m,
n_per_sample=3)`` with no other argument, real + synthetic samples given to
``make_pipeline(StandardScaler(), SVC())``, a 1-NN and an ``MLPClassifier`` (the scaler fitted on
real + synthetic data, as a user's pipeline does). Splits: 10 training and 10 validation samples per
class (seeded), the rest test. Reports, per data set × method × classifier, the mean test gain over
seeds against real data alone, and how many cells fall below it.

Data sets: scikit-learn's wine, iris, digits (as 8×8 images) and a seeded ``make_classification``
problem (20 features, 4 classes); the OpenML CSVs in ``../shared/data/openml`` when present.

``--no-scaler`` gives the classifiers the raw features instead. Writes
``benchmarks/results/unseen-sets<tag>.json`` and ``.md``.

    python benchmarks/studies/unseen_sets.py --seeds 0 1 2
    python benchmarks/studies/unseen_sets.py --seeds 0 1 2 --no-scaler --tag=-raw
"""

from __future__ import annotations

import argparse
import json
import time
import warnings
from pathlib import Path

import numpy as np

from vaeaug import NoGainWarning, VAEAugmenter
from vaeaug.experiment.evaluation import _git_commit
from vaeaug.fileio import atomic_write_json, atomic_write_text

HERE = Path(__file__).resolve().parents[1]  # benchmarks/: results/ and the top-level benchmarks
SHARED = HERE.parent.parent / "shared" / "data" / "openml"
METHODS = ("noise", "interpolation", "extrapolation")
CLASSIFIERS = ("SVM", "1-NN", "MLP")


def load(name: str, data: Path) -> tuple[np.ndarray, np.ndarray] | None:
    """(X, y) of a data set by name; None when a CSV is absent here."""
    from sklearn import datasets

    if name == "wine":
        return datasets.load_wine(return_X_y=True)
    if name == "iris":
        return datasets.load_iris(return_X_y=True)
    if name == "digits-8x8":
        d = datasets.load_digits()
        return d.images, d.target
    if name == "make_classification":
        return datasets.make_classification(1500, 20, n_informative=8, n_classes=4, n_clusters_per_class=2,
                                            random_state=0)
    path = data / f"{name}.csv"
    if not path.is_file():
        return None
    from vaeaug.data import load_csv

    ds = load_csv(path)
    return ds.X, ds.y


def split(y: np.ndarray, n_train: int, n_val: int, seed: int):
    """n_train and n_val indices per class (seeded), the rest test."""
    rng = np.random.default_rng(seed)
    tr, va, te = [], [], []
    for c in np.unique(y):
        i = rng.permutation(np.flatnonzero(y == c))
        tr += list(i[:n_train])
        va += list(i[n_train : n_train + n_val])
        te += list(i[n_train + n_val :])
    return np.array(tr), np.array(va), np.array(te)


def classifiers(seed: int, scale: bool = True) -> dict:
    from sklearn.neighbors import KNeighborsClassifier
    from sklearn.neural_network import MLPClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    from sklearn.svm import SVC

    first = [StandardScaler()] if scale else []
    return {"SVM": make_pipeline(*first, SVC()),
            "1-NN": make_pipeline(*first, KNeighborsClassifier(1)),
            "MLP": make_pipeline(*first, MLPClassifier((100,), max_iter=1000, random_state=seed))}


def run(name: str, X: np.ndarray, y: np.ndarray, seed: int, params: dict, per_class: int, scale: bool = True) -> dict:
    tr, va, te = split(y, per_class, per_class, seed)
    flat = lambda A: A.reshape(len(A), -1)  # noqa: E731
    t = time.perf_counter()
    aug = VAEAugmenter(**{"random_state": seed, "verbose": 0, **params}).fit(X[tr], y[tr], X[va], y[va])
    fit_s = time.perf_counter() - t
    acc: dict[str, dict[str, float]] = {c: {} for c in CLASSIFIERS}
    n_new = {}
    for m in ("baseline", *METHODS):
        Xa, ya = X[tr], y[tr]
        if m != "baseline":
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", NoGainWarning)  # recorded below as "made nothing"
                X_new, y_new = aug.generate(X[tr], y[tr], method=m, n_per_sample=3)
            n_new[m] = len(X_new)
            Xa, ya = np.concatenate([Xa, X_new]), np.concatenate([ya, y_new])
        for c, clf in classifiers(seed, scale).items():
            clf.fit(flat(Xa), ya)
            acc[c][m] = float(np.mean(clf.predict(flat(X[te])) == y[te]))
    return {"seed": seed, "fit_seconds": fit_s, "accuracy": acc, "n_synthetic": n_new,
            "chosen": {m: [aug.strength_[m], aug.decoding_[m]] for m in METHODS},
            "split": {"train": len(tr), "val": len(va), "test": len(te)}}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    p.add_argument("--names", nargs="+",
                   default=["wine", "iris", "digits-8x8", "make_classification", "wdbc", "optdigits", "pendigits"])
    p.add_argument("--per-class", type=int, default=10)
    p.add_argument("--data", default=str(SHARED))
    p.add_argument("--out", default=str(HERE / "results"))
    p.add_argument("--set", nargs="*", default=[], metavar="PARAM=VALUE",
                   help="VAEAugmenter parameters to change (JSON values), e.g. on_no_gain='\"near_copies\"'")
    p.add_argument("--tag", default="", help="suffix for the output names")
    p.add_argument("--no-scaler", action="store_true", help="classifiers on the raw features, no StandardScaler")
    a = p.parse_args()
    params = {k: json.loads(v) for k, v in (kv.split("=", 1) for kv in a.set)}
    results, skipped = {}, []
    t0 = time.perf_counter()
    for name in a.names:
        data = load(name, Path(a.data))
        if data is None:
            skipped.append(name)
            continue
        X, y = data
        if np.unique(y, return_counts=True)[1].min() <= 2 * a.per_class:  # no test samples left in a class
            skipped.append(f"{name} (a class has at most {2 * a.per_class} samples)")
            continue
        results[name] = [run(name, X, y, s, params, a.per_class, not a.no_scaler) for s in a.seeds]
        print(f"{name}: {time.perf_counter() - t0:.0f} s", flush=True)
    gains = {n: {m: {c: float(np.mean([100 * (r["accuracy"][c][m] - r["accuracy"][c]["baseline"]) for r in rs]))
                     for c in CLASSIFIERS} for m in METHODS} for n, rs in results.items()}
    cells = [g for per_m in gains.values() for per_c in per_m.values() for g in per_c.values()]
    summary = {"cells": len(cells), "below": int(sum(g < -0.05 for g in cells)),
               "above": int(sum(g > 0.05 for g in cells)), "worst": float(min(cells)), "mean": float(np.mean(cells))}
    flags = " ".join([*([f"--per-class {a.per_class}"] if a.per_class != 10 else []),
                      *(f"--set {kv}" for kv in a.set), *(["--no-scaler"] if a.no_scaler else []),
                      *([f"--tag={a.tag}"] if a.tag else [])])
    command = f"python benchmarks/studies/unseen_sets.py --seeds {' '.join(map(str, a.seeds))} {flags}".rstrip()
    out = Path(a.out)
    atomic_write_json(out / f"unseen-sets{a.tag}.json", {
        "command": command, "commit": _git_commit(), "params": params, "per_class": a.per_class,
        "scaler": not a.no_scaler,
        "seeds": a.seeds, "summary": summary, "gains": gains, "runs": results, "skipped": skipped,
        "seconds": time.perf_counter() - t0})
    md = [f"# Data sets the choice never saw, read by scikit-learn's classifiers ({a.per_class} train + "
          f"{a.per_class} validation per class, seeds {', '.join(map(str, a.seeds))})", "",
          "Mean test gain over seeds (points) of real + 3 synthetic per real sample over real data alone; "
          + ("SVC() / 1-NN / MLPClassifier(100) on the raw features" if a.no_scaler else
             "StandardScaler + SVC() / 1-NN / MLPClassifier(100)") + ". A method that validation found no gain for "
          "makes no samples (gain 0 by construction); `made nothing` counts those seeds.", "",
          "| data set | method | SVM | 1-NN | MLP | made nothing |", "|---|---|---|---|---|---|"]
    for n, per_m in gains.items():
        for m in METHODS:
            none = sum(r["n_synthetic"][m] == 0 for r in results[n])
            md.append(f"| {n} | {m} | " + " | ".join(f"{per_m[m][c]:+.1f}" for c in CLASSIFIERS)
                      + f" | {none}/{len(results[n])} |")
    md += ["", f"{summary['cells']} cells: {summary['below']} below the baseline, {summary['above']} above; worst "
           f"{summary['worst']:+.1f}, mean {summary['mean']:+.2f}."
           + (f" Not here (skipped): {', '.join(skipped)}." if skipped else ""), "",
           f"Command: `{command}`; commit {_git_commit()}; {time.perf_counter() - t0:.0f} s."]
    atomic_write_text(out / f"unseen-sets{a.tag}.md", "\n".join(md) + "\n")
    print("\n".join(md))


if __name__ == "__main__":
    main()
