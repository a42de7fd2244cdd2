"""Unlabeled data for the generator: ``fit(..., X_unlabeled=U)`` against the same fit without it,
and against scikit-learn's ``SelfTrainingClassifier`` on the same labels and pool, which is what a
user with unlabeled data would otherwise try.

Per data set and seed: the suite's split (10 labelled + 2 validation per class), its remaining
samples cut in half at random: one half is the test set, the other the unlabeled pool (at most
``--pool`` samples). Classifiers as in the suite (SVM with ``probability=True`` for self-training).
One JSONL line per run (``benchmarks/results/unlabeled.jsonl``, resumable) and ``unlabeled.md``.

    python benchmarks/unlabeled.py --seeds 0 1 2
    python benchmarks/unlabeled.py --names glass vehicle --seeds 0
"""

from __future__ import annotations

import argparse
import json
import time
import warnings

import defaults_suite as suite
import numpy as np

JSONL = suite.RESULTS / "unlabeled.jsonl"
COLUMNS = ("VAE", "VAE + unlabeled", "self-training")


def run_one(name: str, n: int, seed: int, pool: int) -> dict:
    from sklearn.base import clone
    from sklearn.pipeline import Pipeline
    from sklearn.semi_supervised import SelfTrainingClassifier

    from vaeaug import VAEAugmenter

    X, y, kind = suite.load(name)
    tr, va, rest = suite.split(y, n, seed)
    rest = np.random.default_rng(seed).permutation(rest)
    te, un = rest[: len(rest) // 2], rest[len(rest) // 2:][:pool]
    clfs = suite.classifiers(kind, seed)
    F = {k: suite.features(X[i], kind) for k, i in (("tr", tr), ("te", te), ("un", un))}

    def fit_score(proto, F_train, y_train) -> float:
        return float(np.mean(clone(proto).fit(F_train, y_train).predict(F["te"]) == y[te]))

    def augmented(aug) -> dict:
        X_new, y_new = aug.generate(X[tr], y[tr])
        F_aug, y_aug = np.concatenate([F["tr"], suite.features(X_new, kind)]), np.concatenate([y[tr], y_new])
        return {c: fit_score(p, F_aug, y_aug) for c, p in clfs.items()}

    out = {"baseline": {c: fit_score(p, F["tr"], y[tr]) for c, p in clfs.items()}}
    t = time.perf_counter()
    plain = VAEAugmenter(random_state=seed, verbose=0).fit(X[tr], y[tr], X[va], y[va])
    out["VAE"] = augmented(plain)
    t_plain = time.perf_counter() - t
    t = time.perf_counter()
    with_pool = VAEAugmenter(random_state=seed, verbose=0).fit(X[tr], y[tr], X[va], y[va], X_unlabeled=X[un])
    out["VAE + unlabeled"] = augmented(with_pool)
    t_unlabeled = time.perf_counter() - t
    F_semi = np.concatenate([F["tr"], F["un"]])
    # scikit-learn's mark for "no label" is -1 (string labels: as objects beside it)
    y_semi = np.concatenate([y[tr].astype(object), np.full(len(un), -1, dtype=object)]) if y.dtype.kind in "OUS" \
        else np.concatenate([y[tr], np.full(len(un), -1)])
    out["self-training"] = {}
    for c, proto in clfs.items():
        base = clone(proto)
        if c == "SVM":  # self-training reads predict_proba
            base.set_params(**({"svc__probability": True} if isinstance(base, Pipeline) else {"probability": True}))
        out["self-training"][c] = fit_score(SelfTrainingClassifier(base), F_semi, y_semi)
    return {"name": name, "kind": kind, "per_class": n, "seed": seed,
            "sizes": [len(tr), len(va), len(te), len(un)], "fit_seconds": [t_plain, t_unlabeled], "test": out,
            "chosen": [plain.selection_.get("chosen"), with_pool.selection_.get("chosen")]}


def read() -> list[dict]:
    return [json.loads(x) for x in JSONL.read_text().splitlines() if x.strip()] if JSONL.exists() else []


def table(records: list[dict]) -> str:
    lines = ["# Unlabeled data: the generator with it, without it, and self-training", "",
             "Test accuracy gain over real labelled data alone, points, mean over seeds (10 labelled + 2 validation "
             "per class; the unlabeled pool is half of the rest, the test set the other half). From "
             "`benchmarks/results/unlabeled.jsonl`; command: `python benchmarks/unlabeled.py --table`. optdigits was "
             "rerun after 19af936 and cdd3e31 (a table of pixels, now read as 8×8 images with as many affine copies; "
             "its records from before in `unlabeled-optdigits-as-table.jsonl`).", "",
             "| data set | seeds | " + " | ".join(f"{clf} {c}" for clf in ("SVM", "1-NN", "NN") for c in COLUMNS)
             + " | fit s (without / with) |", "|---|---|" + "---|" * (3 * len(COLUMNS)) + "---|"]
    cells = {c: [] for c in COLUMNS}
    for name in sorted({r["name"] for r in records}):
        rs = [r for r in records if r["name"] == name]
        vals = []
        for clf in ("SVM", "1-NN", "NN"):
            for c in COLUMNS:
                g = float(np.mean([100 * (r["test"][c][clf] - r["test"]["baseline"][clf]) for r in rs]))
                cells[c].append(g)
                vals.append(f"{g:+.1f}")
        fs = np.mean([r["fit_seconds"] for r in rs], axis=0)
        lines.append(f"| {name} | {len(rs)} | " + " | ".join(vals) + f" | {fs[0]:.1f} / {fs[1]:.1f} |")
    lines += ["", "| column | mean gain | worst cell | cells |", "|---|---|---|---|"]
    lines += [f"| {c} | {np.mean(v):+.2f} | {min(v):+.1f} | {len(v)} |" for c, v in cells.items() if v]
    return "\n".join(lines)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--names", nargs="+", default=None, help="data sets (default: every table)")
    p.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    p.add_argument("--pool", type=int, default=2000, help="most unlabeled samples")
    p.add_argument("--table", action="store_true")
    a = p.parse_args()
    from vaeaug.fileio import atomic_write_text

    if not a.table:
        done = {(r["name"], r["seed"]) for r in read()}
        for name in a.names or suite.table_names():
            for seed in a.seeds:
                if (name, seed) in done:
                    continue
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    rec = run_one(name, 10, seed, a.pool)
                with open(JSONL, "a") as f:
                    f.write(json.dumps(rec) + "\n")
                print(f"{name} seed {seed}: done", flush=True)
    atomic_write_text(suite.RESULTS / "unlabeled.md", table(read()) + "\n")


if __name__ == "__main__":
    main()
