"""Tables with missing cells: give vaeaug the holes, or fill them first?

Since 3e87683 ``fit`` reads a table's missing cells at each feature's median and ``generate``
gives each offspring its source's missing cells back, so the user's own imputer sees real and
synthetic rows alike. Before, a user had to fill the table first, and the offspring then never
missed a cell. This study measures both, on the suite's 16 OpenML tables read as pandas frames
(category columns as categories): a fifth of each table's feature cells removed at random
(seeded; soybean keeps its own missing cells, a tenth of them, not at random, and gets none
more), 10 + 2 samples per class (the suite's splits), the suite's classifiers behind the pipeline
such a user has (median / most-frequent imputer, scaler, one-hot), and test rows with their holes.

- ``none``: the real training rows alone;
- ``holes``: ``VAEAugmenter(random_state=seed).fit(X, y, X_val, y_val).generate(X, y)`` on the
  frames with their holes, then real + offspring (which miss their source's cells; a table of
  pixels, optdigits, gets whole pictures);
- ``filled``: each frame filled first (the training rows' median or most frequent value), the
  same two calls, then filled real rows + offspring.

One JSON line per run (``results/missing-cells.jsonl``, resumable), then ``missing-cells.{json,md}``.

    python benchmarks/studies/missing_cells.py --seeds 0 1 2
    python benchmarks/studies/missing_cells.py --table
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import defaults_suite as suite

JSONL = suite.RESULTS / "missing-cells.jsonl"
CLASSIFIERS = ("SVM", "1-NN", "NN")
VARIANTS = ("holes", "filled")
#: the share of feature cells removed; soybean keeps its own (OWN_HOLES) and gets none more
MISSING_RATE = 0.2
OWN_HOLES = ("soybean",)


def load_frame(name: str):
    """A suite table as pandas reads it: (features frame, labels); ``?`` and empty cells missing,
    other strings (credit-g's ``none``) categories."""
    import pandas as pd

    df = pd.read_csv(suite.SHARED / "openml" / f"{name}.csv", na_values=["?", ""], keep_default_na=False,
                     skipinitialspace=True)
    X, y = df.iloc[:, :-1], df.iloc[:, -1].to_numpy()
    cats = [c for c in X.columns if not pd.api.types.is_numeric_dtype(X[c])]
    return X.astype({c: "category" for c in cats}), y


def holed(X, seed: int):
    """``X`` with MISSING_RATE of its cells removed at random (seeded)."""
    mask = np.random.default_rng([seed, 7]).random(X.shape) < MISSING_RATE
    return X.mask(mask)


def pipeline(X, clf):
    """The user's pipeline: numbers imputed at the median and scaled, categories at the most
    frequent and one-hot encoded, then ``clf``."""
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    cats = [c for c in X.columns if str(X[c].dtype) == "category"]
    nums = [c for c in X.columns if c not in cats]
    steps = [("num", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), nums)]
    if cats:
        steps.append(("cat", make_pipeline(SimpleImputer(strategy="most_frequent"),
                                           OneHotEncoder(handle_unknown="ignore")), cats))
    return make_pipeline(ColumnTransformer(steps), clf)


def filled_like(X, train):
    """``X`` with each missing cell at ``train``'s median (numbers) or most frequent value (categories)."""
    values = {c: (train[c].mode(dropna=True).iloc[0] if str(train[c].dtype) == "category" else train[c].median())
              for c in X.columns}
    return X.fillna(values)


def run_one(name: str, seed: int) -> dict:
    import pandas as pd

    from vaeaug import VAEAugmenter

    X, y = load_frame(name)
    if name not in OWN_HOLES:
        X = holed(X, seed)
    tr, va, te = suite.split(y, 10, seed)
    X_tr, X_va, X_te = (X.iloc[i].reset_index(drop=True) for i in (tr, va, te))
    clfs = suite.classifiers("image", seed)  # the suite's three, without its scaler: the pipeline scales

    def score(X_fit, y_fit) -> dict:
        return {c: float(pipeline(X, p).fit(X_fit, y_fit).score(X_te, y[te])) for c, p in clfs.items()}

    rec = {"name": name, "seed": seed, "missing": float(X.isna().to_numpy().mean()),
           "none": score(X_tr, y[tr])}
    for variant in VARIANTS:
        A_tr, A_va = (X_tr, X_va) if variant == "holes" else (filled_like(X_tr, X_tr), filled_like(X_va, X_tr))
        t = time.perf_counter()
        aug = VAEAugmenter(random_state=seed, verbose=0).fit(A_tr, y[tr], A_va, y[va])
        X_new, y_new = aug.generate(A_tr, y[tr])
        rec[f"{variant}_seconds"] = time.perf_counter() - t
        rec[f"{variant}_made"] = len(X_new)
        rec[f"{variant}_offspring_missing"] = float(X_new.isna().to_numpy().mean())
        rec[variant] = score(pd.concat([A_tr, X_new], ignore_index=True), np.concatenate([y[tr], np.asarray(y_new)]))
    return rec


def table(records: list[dict]) -> tuple[dict, str]:
    seeds = sorted({r["seed"] for r in records})
    names = sorted({r["name"] for r in records})
    gains = {v: {c: [] for c in CLASSIFIERS} for v in VARIANTS}
    rows = []
    for name in names:
        mine = [r for r in records if r["name"] == name]
        cells = {v: {c: 100 * float(np.mean([r[v][c] - r["none"][c] for r in mine])) for c in CLASSIFIERS}
                 for v in VARIANTS}
        for v in VARIANTS:
            for c in CLASSIFIERS:
                gains[v][c].append(cells[v][c])
        base = " / ".join(f"{100 * np.mean([r['none'][c] for r in mine]):.1f}" for c in CLASSIFIERS)
        rows.append(f"| {name} | {100 * np.mean([r['missing'] for r in mine]):.0f} % | {base} | "
                    + " | ".join(" / ".join(f"{cells[v][c]:+.1f}" for c in CLASSIFIERS) for v in VARIANTS) + " |")
    summary = {v: {"mean": float(np.mean([g for c in CLASSIFIERS for g in gains[v][c]])),
                   "worst": float(np.min([g for c in CLASSIFIERS for g in gains[v][c]])),
                   "per_classifier": {c: float(np.mean(gains[v][c])) for c in CLASSIFIERS}} for v in VARIANTS}
    lines = ["# Tables with missing cells: holes given to vaeaug, or filled first", "",
             (f"The suite's {len(names)} OpenML tables as pandas frames, {int(100 * MISSING_RATE)} % of their feature "
             "cells removed at random (soybean: its own missing cells), 10 + 2 per class, seeds "
             f"{', '.join(map(str, seeds))}; test accuracy of the suite's classifiers (SVM / 1-NN / NN) behind an "
             "imputer, scaler and one-hot pipeline. `holes`: the defaults fitted and generating on the frames with "
             "their holes (offspring miss their source's cells; optdigits, read as 8×8 pictures, gets whole "
             "pictures); `filled`: the frames filled first (training medians, most frequent categories). Gains in "
             "points over the real rows alone, mean over seeds. With its sources' holes kept, optdigits read "
             "+0.9 / +2.0 / +0.9 (`missing-cells-optdigits-holes-kept.jsonl`). "
             "Command: `python benchmarks/studies/missing_cells.py --seeds "
             f"{' '.join(map(str, seeds))}`."), "",
             "| table | missing | baseline | holes | filled |", "|---|---|---|---|---|", *rows, "",
             "| | mean gain | worst cell | SVM / 1-NN / NN |", "|---|---|---|---|"]
    for v in VARIANTS:
        s = summary[v]
        lines.append(f"| {v} | {s['mean']:+.2f} | {s['worst']:+.1f} | "
                     + " / ".join(f"{s['per_classifier'][c]:+.2f}" for c in CLASSIFIERS) + " |")
    return {"seeds": seeds, "summary": summary, "records": len(records)}, "\n".join(lines) + "\n"


if __name__ == "__main__":
    suite.study_main(__doc__, JSONL, suite.table_names(), run_one, table, "missing-cells")
