"""Reconstructions of moved copies (``generate(X, y, method="reconstruction")`` under ``compose``):
the VAE's rendering of each affine copy of a sample, then the copies. Beside them: the plain
reconstruction (one decode per sample), affine copies alone, the defaults (``generate(X, y)``:
the VAE's offspring and as many affine copies), and the defaults with the reconstructions added.

UJI v1 on the paper's writer split (W01–W07 train, W08 validation, W09–W11 test) with the
experiment's classifiers and features (as ``ujipen_table2.py``); the 8×8 image sets on the
suite's 10-per-class splits with its classifiers (as ``defaults_suite.py``). Test accuracy gain
over real data alone, points. Writes ``benchmarks/results/reconstructed-moves.json`` and ``.md``
after every run.

    python benchmarks/studies/reconstructed_moves.py --names ujipen-v1-writers --seeds 0 1
    python benchmarks/studies/reconstructed_moves.py --names digits-8x8 optdigits-8x8 --seeds 0 1 2
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
import defaults_suite as suite  # noqa: E402

WRITERS = "ujipen-v1-writers"
COLUMNS = ("affine", "reconstruction", "reconstructions of moves + moves", "defaults",
           "defaults + reconstructions of moves")
CLASSIFIERS = ("SVM", "1-NN", "NN")


def writer_split(seed: int):
    """UJI v1 by writers, scored as the paper's experiment scores it."""
    from sklearn.base import clone

    from vaeaug.data import load_ujipen_v1
    from vaeaug.experiment.classifiers import make_classifiers
    from vaeaug.proxy import FeatureScaler

    tr, va, te = load_ujipen_v1().train_val_test()
    scaler = FeatureScaler().fit(tr.X, "image")
    F_tr, F_te = scaler.transform(tr.X), scaler.transform(te.X)
    clfs = make_classifiers(seed, n_real=len(tr))
    names = dict(zip(("SVM", "k-NN", "NN"), CLASSIFIERS))

    def score(X_new, y_new) -> dict:
        F, Y = np.concatenate([F_tr, scaler.transform(X_new)]), np.concatenate([tr.y, y_new])
        return {names[k]: float(np.mean(clone(m).fit(F, Y).predict(F_te) == te.y)) for k, m in clfs.items()}

    return (tr.X, tr.y), (va.X, va.y), score


def suite_split(name: str, seed: int, per_class: int):
    X, y, kind = suite.load(name)
    tr, va, te = suite.split(y, per_class, seed)
    return (X[tr], y[tr]), (X[va], y[va]), suite.scorer_for(X, y, kind, tr, te, seed)


def run_one(name: str, seed: int, per_class: int) -> dict:
    from vaeaug import VAEAugmenter
    from vaeaug.experiment.baselines import affine

    (X, y), (X_val, y_val), score = writer_split(seed) if name == WRITERS else suite_split(name, seed, per_class)
    t = time.perf_counter()
    aug = VAEAugmenter(random_state=seed, verbose=0).fit(X, y, X_val, y_val)
    fit_s = time.perf_counter() - t
    n = aug.n_per_sample_
    rec_moves = aug.generate(X, y, method="reconstruction")  # n renderings of moved copies, then the copies
    defaults = aug.generate(X, y)
    renderings = (rec_moves[0][: n * len(y)], rec_moves[1][: n * len(y)])
    sets = {"baseline": (X[:0], y[:0]), "affine": affine(X, y, n, random_state=seed),
            "reconstruction": aug.generate(X, y, method="reconstruction", n_per_sample=1, compose="none"),
            "reconstructions of moves + moves": rec_moves, "defaults": defaults,
            "defaults + reconstructions of moves": tuple(np.concatenate(p) for p in zip(defaults, renderings))}
    return {"name": name, "seed": seed, "per_class": per_class, "fit_s": fit_s, "n_per_sample": n,
            "chosen": aug.selection_.get("chosen"), "test": {k: score(*v) for k, v in sets.items()}}


def gains(runs: list[dict], column: str, clf: str) -> float:
    return float(np.mean([100 * (r["test"][column][clf] - r["test"]["baseline"][clf]) for r in runs]))


def write(runs: list[dict], command: str) -> None:
    from vaeaug.fileio import atomic_write_json, atomic_write_text

    atomic_write_json(suite.RESULTS / "reconstructed-moves.json", {"command": command, "runs": runs})
    commands = "; ".join(f"`{c}`" for c in dict.fromkeys(r.get("command", command) for r in runs))
    md = ["# Reconstructions of moved copies (images)", "",
          f"Commands: {commands}. Test accuracy gain "
          "over real data alone, points, mean over seeds; `n_per_sample` of each kind per sample (the "
          "defaults' 3). UJI v1 by writers: W01–W07 train, W08 validation, W09–W11 test, with baselines "
          "(%) beside.", "",
          "| data set | seeds | baseline % SVM / 1-NN / NN | "
          + " | ".join(f"{c} (SVM / 1-NN / NN)" for c in COLUMNS) + " |", "|---|---|---|" + "---|" * len(COLUMNS)]
    for name in dict.fromkeys(r["name"] for r in runs):
        rs = [r for r in runs if r["name"] == name]
        base = " / ".join(f"{100 * np.mean([r['test']['baseline'][c] for r in rs]):.1f}" for c in CLASSIFIERS)
        cells = [" / ".join(f"{gains(rs, col, c):+.1f}" for c in CLASSIFIERS) for col in COLUMNS]
        md.append(f"| {name} | {','.join(str(r['seed']) for r in rs)} | {base} | " + " | ".join(cells) + " |")
    atomic_write_text(suite.RESULTS / "reconstructed-moves.md", "\n".join(md) + "\n")
    print("\n".join(md))


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--names", nargs="+", default=[WRITERS, "digits-8x8", "optdigits-8x8"])
    p.add_argument("--seeds", type=int, nargs="+", default=[0])
    p.add_argument("--per-class", type=int, default=10, help="the 8×8 sets' training samples per class")
    a = p.parse_args()
    command = (f"python benchmarks/studies/reconstructed_moves.py --names {' '.join(a.names)} "
               f"--seeds {' '.join(map(str, a.seeds))}")
    path = suite.RESULTS / "reconstructed-moves.json"
    runs = json.loads(path.read_text())["runs"] if path.exists() else []
    for name in a.names:
        for seed in a.seeds:
            runs = [r for r in runs if (r["name"], r["seed"]) != (name, seed)]
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                runs.append({**run_one(name, seed, a.per_class), "command": command})
            print(name, seed, "done", flush=True)
            write(runs, command)  # after every run: a long study keeps what it has


if __name__ == "__main__":
    main()
