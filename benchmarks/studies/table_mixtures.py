"""Mixtures of methods on tables: do offspring made partly towards and partly away from
same-class neighbours hold up better than one method? On the suite's 16 OpenML tables at 10 per
class, the interpolation default's worst cells (SVM and the network) are where extrapolation
gains, and the other way round, so a mixture might bound the worst case.

One VAE per table and seed, fitted as the defaults fit it; each variant makes 3 offspring per
sample (residual decoding), scored by the suite's classifiers (scaler pipelines) on test. Gains
in points over real data alone. One JSONL line per run (``results/table-mixtures.jsonl``,
resumable), and ``table-mixtures.md``.

    python benchmarks/studies/table_mixtures.py --seeds 0 1 2
    python benchmarks/studies/table_mixtures.py --table
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import defaults_suite as suite  # noqa: E402

JSONL = suite.RESULTS / "table-mixtures.jsonl"
CLASSIFIERS = ("SVM", "1-NN", "NN")
#: variant: the (method, strength, amount) parts whose offspring are pooled; a (low, high) strength
#: is drawn per offspring
VARIANTS = {
    "i75x3": (("interpolation", 0.75, 3),),
    "e25x3": (("extrapolation", 0.25, 3),),
    "i75x2+e25x1": (("interpolation", 0.75, 2), ("extrapolation", 0.25, 1)),
    "i75x1+e25x2": (("interpolation", 0.75, 1), ("extrapolation", 0.25, 2)),
    "i50x1+e25x2": (("interpolation", 0.5, 1), ("extrapolation", 0.25, 2)),
    "i25-75x3": (("interpolation", (0.25, 0.75), 3),),
    "e10-50x3": (("extrapolation", (0.1, 0.5), 3),),
    "e50x3": (("extrapolation", 0.5, 3),),
}


def run_one(name: str, seed: int) -> dict:
    from sklearn.base import clone

    from vaeaug import VAEAugmenter

    X, y, _ = suite.load(name)
    tr, va, te = suite.split(y, 10, seed)
    clfs = suite.classifiers("vector", seed)
    # the table path (optdigits' pixels too, as when this study was run): data_kind="vector"
    aug = VAEAugmenter(random_state=seed, verbose=0, method="interpolation", strength=0.75,
                       decoding="residual", data_kind="vector").fit(X[tr], y[tr], X[va], y[va])
    rec = {"name": name, "seed": seed}
    for v, parts in {"none": (), **VARIANTS}.items():
        made = [aug.generate(X[tr], y[tr], method=m, strength=s, n_per_sample=n, small_classes="skip",
                             random_state=seed + 100 * k) for k, (m, s, n) in enumerate(parts)]
        F = np.concatenate([X[tr], *(a for a, _ in made)])
        Y = np.concatenate([y[tr], *(b for _, b in made)])
        for c, p in clfs.items():
            rec[f"{v}|{c}"] = float(np.mean(clone(p).fit(F, Y).predict(X[te]) == y[te]))
    return rec


def table(records: list[dict]) -> tuple[dict, str]:
    cells = suite.variant_cells(records, VARIANTS, CLASSIFIERS)
    summary = {v: {k: x for k, x in suite.cell_summary(by).items() if k != "worst_cells"} for v, by in cells.items()}
    seeds = sorted({r["seed"] for r in records})
    lines = ["# Mixtures of methods on tables", "",
             f"The suite's {len({r['name'] for r in records})} OpenML tables at 10 per class, seeds "
             f"{', '.join(map(str, seeds))}; 3 offspring per sample, residual decoding; i = interpolation, "
             "e = extrapolation, the number after it λ (a range: drawn per offspring), xN the offspring per "
             "sample. Cells: table × classifier (SVM, 1-NN, NN), mean over seeds. Command: "
             "`python benchmarks/studies/table_mixtures.py --seeds 0 1 2`.", "",
             "| variant | mean gain | worst cell | cells < −1 | cells |", "|---|---|---|---|---|"]
    lines += [f"| {v} | {s['mean']:+.2f} | {s['worst']:+.1f} | {s['below_minus_1']} | {s['cells']} |"
              for v, s in summary.items()]
    return {"summary": summary, "cells": {v: {k: float(np.mean(g)) for k, g in by.items()} for v, by in cells.items()}}, \
        "\n".join(lines) + "\n"


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--names", nargs="+", default=None)
    p.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    p.add_argument("--table", action="store_true")
    a = p.parse_args()
    from vaeaug.fileio import atomic_write_json, atomic_write_text

    if not a.table:
        suite.run_resumable(JSONL, [(n, s) for n in a.names or suite.table_names() for s in a.seeds], run_one)
    data, md = table(suite.read_jsonl(JSONL))
    atomic_write_json(suite.RESULTS / "table-mixtures.json", data)
    atomic_write_text(suite.RESULTS / "table-mixtures.md", md)


if __name__ == "__main__":
    main()
