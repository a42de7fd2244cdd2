"""Sequences: does VAE augmentation help a classifier of speech, motion and pen trajectories?

The scarce cut: ``--per-class`` samples of each class from the official training split (seeded),
scored on the official test split; UJI v1 trajectories: writers 1-7 for the cut, 9-11 for test.
The augmenter runs with its defaults, as a user would: ``VAEAugmenter(random_state=seed,
verbose=0).fit(X, y)`` then ``generate(X, y)``. Beside it: SMOTE on the fixed-length form and the
field's input-space augmenters (jitter, scaling, magnitude warp, time warp; Um et al. 2017) at 3
copies per sample. Classifiers: ``SVC(C=10)``, 1-NN and ``MLPClassifier((512,))`` behind a
``StandardScaler`` on each sequence resampled (linearly) to the data set's longest length and
flattened; and the field's own standard, 1-NN with DTW (aeon), on the same resampled form.
Each finished run is appended to ``results/sequences.jsonl`` at once; runs already there are
skipped. Writes ``results/sequences.json`` and ``results/sequences.md``.

    python benchmarks/sequences.py --seeds 0 1 2                      # JapaneseVowels, BasicMotions, GunPoint, UJI v1
    python benchmarks/sequences.py --per-class 0 --seeds 0 1 2       # the official splits whole
    python benchmarks/sequences.py --names GunPoint --seeds 0 --table  # the table from the JSONL only
    python benchmarks/sequences.py --harm-alpha 0.05 --tag sign-0.05   # the check at another level
"""

from __future__ import annotations

import argparse
import json
import time
import warnings
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
JSONL = RESULTS / "sequences.jsonl"
NAMES = ("JapaneseVowels", "BasicMotions", "GunPoint", "ujipen-v1-trajectories")
CLASSIFIERS = ("SVM", "1-NN", "NN", "1-NN DTW")
AMOUNT = 3


def load(name: str):
    """(X train pool, y, X test, y test) as lists of (T, C) arrays."""
    from vaeaug.data import load_dataset

    ds = load_dataset(name)
    tr, te = ds.split["train"], ds.split["test"]
    return list(ds.X[tr]), ds.y[tr], list(ds.X[te]), ds.y[te]


def fixed(X, length: int) -> np.ndarray:
    from vaeaug.sequences import resample

    return np.stack([resample(np.asarray(s), length) for s in X])


def scorer(X_tr, y_tr, X_te, y_te, length: int, seed: int, dtw: bool):
    from sklearn.base import clone
    from sklearn.neighbors import KNeighborsClassifier
    from sklearn.neural_network import MLPClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    from sklearn.svm import SVC

    clfs = {"SVM": SVC(C=10), "1-NN": KNeighborsClassifier(1),
            "NN": MLPClassifier((512,), max_iter=300, random_state=seed)}
    clfs = {k: make_pipeline(StandardScaler(), c) for k, c in clfs.items()}
    A_tr, A_te = fixed(X_tr, length), fixed(X_te, length)

    def score(X_new, y_new) -> dict:
        A = np.concatenate([A_tr, fixed(X_new, length)]) if len(X_new) else A_tr
        Y = np.concatenate([y_tr, y_new])
        F, F_te = A.reshape(len(A), -1), A_te.reshape(len(A_te), -1)
        out = {c: float(np.mean(clone(m).fit(F, Y).predict(F_te) == y_te)) for c, m in clfs.items()}
        if dtw:
            from aeon.classification.distance_based import KNeighborsTimeSeriesClassifier

            knn = KNeighborsTimeSeriesClassifier(n_neighbors=1, distance="dtw", n_jobs=1)
            out["1-NN DTW"] = float(np.mean(knn.fit(A.transpose(0, 2, 1), Y).predict(A_te.transpose(0, 2, 1)) == y_te))
        return out

    return score


def run_one(name: str, per_class: int, seed: int) -> dict:
    from vaeaug import VAEAugmenter
    from vaeaug.data.dataset import per_class_subsample
    from vaeaug.experiment.baselines import SEQUENCE_AUGMENTERS, smote, time_warp

    X_pool, y_pool, X_te, y_te = load(name)
    # per_class 0: the official training split whole (the seed then varies only the augmenters)
    idx = per_class_subsample(y_pool, per_class, seed) if per_class else np.arange(len(y_pool))
    X, y = [X_pool[i] for i in idx], y_pool[idx]
    length = max(len(s) for s in X_pool + X_te)
    dtw = name != "ujipen-v1-trajectories"  # 1,860 test × 1,240 training DTWs of up to 512 steps: too slow here
    score = scorer(X, y, X_te, y_te, length, seed, dtw)
    t0 = time.perf_counter()
    rows = {"baseline": score([], y[:0])}
    t = time.perf_counter()
    aug = VAEAugmenter(random_state=seed, verbose=0).fit(X, y)
    X_new, y_new = aug.generate(X, y)  # as a user gets them: the VAE's offspring, then the default move's copies
    vae_s = time.perf_counter() - t
    rows["defaults"] = score(X_new, y_new)
    # the VAE alone; time warp at twice the amount is the control for the defaults' doubled amount;
    # and time warp applied to the VAE's own offspring
    X_vae, y_vae = aug.generate(X, y, compose="none")
    rows["VAE alone"] = score(X_vae, y_vae)
    rows["SMOTE"] = score(*smote(fixed(X, length), y, AMOUNT, random_state=seed))
    for aname, f in SEQUENCE_AUGMENTERS.items():
        rows[aname] = score(*f(X, y, AMOUNT, random_state=seed))
    rows["time warp x6"] = score(*time_warp(X, y, 2 * AMOUNT, random_state=seed))
    rows["time warp of VAE"] = score(*time_warp(list(X_vae), y_vae, 1, random_state=seed))
    return {"name": name, "per_class": per_class, "seed": seed, "defaults": defaults_label(),
            "n_train": len(X), "n_test": len(X_te),
            "length": length, "vae_seconds": vae_s, "seconds": time.perf_counter() - t0,
            "architecture": aug.config_.architecture, "chosen": aug.selection_.get("chosen"),
            "reason": aug.selection_.get("reason"), "n_synthetic": len(X_new), "test_accuracy": rows}


def defaults_label() -> str:
    """What ``generate(X, y)`` does by default on sequences: the portfolio's first setting and the move."""
    from vaeaug import priors

    return f"{priors.PORTFOLIO['sequence'][0].label()} + {priors.COMPOSE['sequence']}"


#: Runs made before records carried ``defaults``: interpolation residual 0.25, the VAE's offspring alone.
EARLIER_DEFAULTS = "interpolation|residual|0.25 + none"


def read() -> list[dict]:
    return [json.loads(line) for line in JSONL.read_text().splitlines() if line.strip()] if JSONL.exists() else []


COLUMNS = ("defaults", "VAE alone", "VAE (defaults)", "SMOTE", "jitter", "scaling", "magnitude warp", "time warp",
           "VAE + time warp", "time warp x6", "time warp of VAE")


def gain_section(records: list[dict], columns=COLUMNS) -> tuple[dict, list[str]]:
    """Per data set and classifier, the mean test gain over seeds (points) of each column that
    every record has, and the mean and worst over all cells; also for the studies."""
    cols = [k for k in columns if all(k in r["test_accuracy"] for r in records)]
    out: dict = {}
    for r in records:
        base = r["test_accuracy"]["baseline"]
        for c, acc in base.items():
            cell = out.setdefault(r["name"], {}).setdefault(c, {"baseline": [], **{k: [] for k in cols}})
            cell["baseline"].append(100 * acc)
            for k in cols:
                cell[k].append(100 * (r["test_accuracy"][k][c] - acc))
    lines = ["| data set | classifier | seeds | baseline % | " + " | ".join(cols) + " |",
             "|---|---|---|---|" + "---|" * len(cols)]
    summary = {k: [] for k in cols}
    for name, by in out.items():
        for c, cell in by.items():
            means = {k: float(np.mean(v)) for k, v in cell.items()}
            for k in cols:
                summary[k].append(means[k])
            lines.append(f"| {name} | {c} | {len(cell['baseline'])} | {means['baseline']:.1f} | "
                         + " | ".join(f"{means[k]:+.1f}" for k in cols) + " |")
    lines += ["", "| over all cells | " + " | ".join(cols) + " |", "|---|" + "---|" * len(cols),
              "| mean gain | " + " | ".join(f"{np.mean(v):+.2f}" if v else "" for v in summary.values()) + " |",
              "| worst cell | " + " | ".join(f"{min(v):+.1f}" if v else "" for v in summary.values()) + " |", ""]
    return {"cells": out, "mean_gain": {k: float(np.mean(v)) for k, v in summary.items() if v}}, lines


def table(records: list[dict]) -> tuple[dict, str]:
    """A section per cut (per class, then the official training split whole)."""
    from vaeaug.priors import HARM_ALPHA

    lines = ["# Sequences: test gain over real data alone (points)", "",
             "Official test split (UJI v1 trajectories: writers 9-11); the augmenter with its defaults, the others "
             "at 3 copies per sample (time warp x6: 6; VAE + time warp: the VAE's offspring and 3 time-warped "
             "copies of each real sample; time warp of VAE: the VAE's offspring, each time-warped once); mean over "
             "seeds; defaults: the VAE's offspring then as many time-warped copies, VAE alone: the offspring only; "
             "earlier sections come from runs under earlier defaults. Command: `python benchmarks/sequences.py "
             "--seeds 0 1 2` (scarce cut), `--per-class 0` (whole training split); the harm check on sequences "
             f"at sign {HARM_ALPHA['sequence']} (`vaeaug.priors.HARM_ALPHA`, `--harm-alpha`; 0.05 before 6b8a46b, "
             "whose records are `sequences-before-6b8a46b.jsonl`).", ""]
    data = {}
    current = defaults_label()
    versions = sorted({r.get("defaults", EARLIER_DEFAULTS) for r in records}, key=lambda v: v != current)
    for version in versions:
        recs = [r for r in records if r.get("defaults", EARLIER_DEFAULTS) == version]
        for pc in sorted({r["per_class"] for r in recs}, key=lambda p: (p == 0, p)):
            part, rows = gain_section([r for r in recs if r["per_class"] == pc])
            data.setdefault(version, {})[str(pc)] = part
            cut = "the official training split, whole" if pc == 0 else f"scarce cut: {pc} per class"
            lines += [f"## {cut}: defaults {version}{'' if version == current else ' (earlier)'}", "", *rows]
    return data, "\n".join(lines)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--names", nargs="+", default=list(NAMES))
    p.add_argument("--per-class", type=int, default=5, help="0: the official training split whole")
    p.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    p.add_argument("--table", action="store_true", help="only write the table from the JSONL")
    p.add_argument("--harm-alpha", type=float, default=None,
                   help="the harm check's sign-test level on sequences for this run (default: the library's)")
    p.add_argument("--tag", default="", help="results in sequences-TAG.{jsonl,json,md}")
    a = p.parse_args()
    from vaeaug.fileio import atomic_write_json, atomic_write_text

    global JSONL
    stem = f"sequences-{a.tag}" if a.tag else "sequences"
    JSONL = RESULTS / f"{stem}.jsonl"
    if a.harm_alpha is not None:
        from vaeaug.priors import HARM_ALPHA

        HARM_ALPHA["sequence"] = a.harm_alpha

    RESULTS.mkdir(exist_ok=True)
    if not a.table:
        done = {(r["name"], r["per_class"], r["seed"]) for r in read()
                if r.get("defaults", EARLIER_DEFAULTS) == defaults_label()}
        for name in a.names:
            for seed in a.seeds:
                if (name, a.per_class, seed) in done:
                    continue
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    rec = run_one(name, a.per_class, seed)
                with open(JSONL, "a") as f:
                    f.write(json.dumps(rec) + "\n")
                print(f"{name} seed {seed}: {rec['seconds']:.0f} s ({rec['reason']})", flush=True)
                data, md = table(read())
                atomic_write_json(RESULTS / f"{stem}.json", data)
                atomic_write_text(RESULTS / f"{stem}.md", md)
    data, md = table(read())
    atomic_write_json(RESULTS / f"{stem}.json", data)
    atomic_write_text(RESULTS / f"{stem}.md", md)


if __name__ == "__main__":
    main()
