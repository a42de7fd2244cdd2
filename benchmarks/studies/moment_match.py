"""Moment matching on tables: does giving the offspring their sources' per-feature mean and
spread pay, end to end, as a user gets it? Interpolation narrows each feature's spread, and the
scaler in a user's pipeline, fitted on real + synthetic data, then stretches the real samples.

Per table and seed (the suite's 16 OpenML tables at 10 per class): ``VAEAugmenter`` with its
defaults, fitted with the choice (harm check included), then ``generate(X, y)`` with moment
matching (the default for vectors) and without (``match_moments=False``), at the default amount
and at 6 and 9 offspring per sample; scored by the suite's classifiers (scaler pipelines) on
test. Gains in points over real data alone. One JSONL line per run
(``results/moment-match.jsonl``, resumable), and ``moment-match.{json,md}``.

    python benchmarks/studies/moment_match.py --seeds 0 1 2
    python benchmarks/studies/moment_match.py --table
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import defaults_suite as suite  # noqa: E402

JSONL = suite.RESULTS / "moment-match.jsonl"
CLASSIFIERS = ("SVM", "1-NN", "NN")
#: variant: (match_moments, offspring per sample; None: the estimator's default)
VARIANTS = {"matched": ("auto", None), "matched x6": ("auto", 6), "matched x9": ("auto", 9),
            "unmatched": (False, None), "unmatched x6": (False, 6)}


def run_one(name: str, seed: int) -> dict:
    from sklearn.base import clone

    from vaeaug import VAEAugmenter

    X, y, _ = suite.load(name)
    tr, va, te = suite.split(y, 10, seed)
    clfs = suite.classifiers("vector", seed)
    # the table path (optdigits' pixels too, as when this study was run): data_kind="vector"
    aug = VAEAugmenter(random_state=seed, verbose=0, data_kind="vector").fit(X[tr], y[tr], X[va], y[va])
    rec = {"name": name, "seed": seed, "chosen": aug.selection_["chosen"], "n_per_sample": aug.n_per_sample_}
    for c, p in clfs.items():
        rec[f"none|{c}"] = float(np.mean(clone(p).fit(X[tr], y[tr]).predict(X[te]) == y[te]))
    for v, (match, n) in VARIANTS.items():
        aug.set_params(match_moments=match)
        X_new, y_new = aug.generate(X[tr], y[tr], n_per_sample=n)
        F, Y = np.concatenate([X[tr], X_new]), np.concatenate([y[tr], y_new])
        for c, p in clfs.items():
            rec[f"{v}|{c}"] = float(np.mean(clone(p).fit(F, Y).predict(X[te]) == y[te]))
    return rec


def table(records: list[dict]) -> tuple[dict, str]:
    cells = suite.variant_cells(records, VARIANTS, CLASSIFIERS)
    summary = {v: suite.cell_summary(by) for v, by in cells.items()}
    seeds = sorted({r["seed"] for r in records})
    picks: dict[str, int] = {}
    for r in records:
        label = "{method} {decoding} {strength}".format(**r["chosen"])
        picks[label] = picks.get(label, 0) + 1
    lines = ["# Moment matching on tables", "",
             f"The suite's {len({r['name'] for r in records})} OpenML tables at 10 per class, seeds "
             f"{', '.join(map(str, seeds))}. `VAEAugmenter(random_state=seed).fit(X, y, X_val, y_val)` "
             "(the choice included), then `generate(X, y)` with the offspring moment-matched (the default "
             "for vectors) or not (`match_moments=False`), at the default 3 offspring per sample and at "
             "6 and 9. Cells: table × classifier (SVM, 1-NN, NN, scaler pipelines), test gain in points "
             "over real data alone, mean over seeds. Command: `python benchmarks/studies/moment_match.py "
             f"--seeds {' '.join(map(str, seeds))}`. What the choice picked, runs: "
             + ", ".join(f"{k} ({v})" for k, v in sorted(picks.items())) + ".", "",
             "| variant | mean gain | worst cell | cells < −1 | cells | worst three |", "|---|---|---|---|---|---|"]
    lines += [f"| {v} | {s['mean']:+.2f} | {s['worst']:+.1f} | {s['below_minus_1']} | {s['cells']} | "
              + ", ".join(f"{k.replace('|', ' ')} {g:+.1f}" for k, g in s["worst_cells"].items()) + " |"
              for v, s in summary.items()]
    data = {"summary": summary, "cells": {v: {k: float(np.mean(g)) for k, g in by.items()} for v, by in cells.items()}}
    return data, "\n".join(lines) + "\n"


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--names", nargs="+", default=None)
    p.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    p.add_argument("--table", action="store_true")
    a = p.parse_args()
    from vaeaug.fileio import atomic_write_json, atomic_write_text

    if not a.table:
        suite.run_resumable(JSONL, [(n, s) for s in a.seeds for n in a.names or suite.table_names()], run_one)
    data, md = table(suite.read_jsonl(JSONL))
    atomic_write_json(suite.RESULTS / "moment-match.json", data)
    atomic_write_text(suite.RESULTS / "moment-match.md", md)


if __name__ == "__main__":
    main()
