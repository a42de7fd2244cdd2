"""Which part of the moment match pays on tables, and which costs: the shift of each feature's
mean, or the stretch of its spread?

Per data set and seed (the suite's tables and the unseen ones read as tables, 10 training + 2
validation samples per class): ``VAEAugmenter(random_state=seed).fit(X, y, X_val, y_val)`` as a
user calls it, then ``generate(X, y)`` five ways from the same fit and draws: matched (the
default), unmatched, the mean alone (stretch 1), the spread alone (no shift), and matched then
clipped to the training range. Scored on test by the suite's classifiers (scaler pipelines);
gains in points over real data alone. A table of pixels read as images is skipped (no match).

Study code: it swaps ``vaeaug.moments.fit_match`` (and, for the clip, the maker's last step) for
the variant's; the library is untouched. One JSON line per run (``results/match-parts.jsonl``,
resumable), then ``match-parts.{json,md}``.

    python benchmarks/studies/match_parts.py --seeds 0 1 2 3 4 5
    python benchmarks/studies/match_parts.py --table
"""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
import defaults_suite as suite  # noqa: E402
import harm_rule  # noqa: E402
import unseen_tables  # noqa: E402

JSONL = suite.RESULTS / "match-parts.jsonl"
CLASSIFIERS = ("SVM", "1-NN", "NN")
VARIANTS = ("matched", "unmatched", "mean only", "spread only", "clip after")


@contextlib.contextmanager
def match_variant(variant: str):
    """The library's match as ``variant`` makes it, for the duration of the block."""
    import vaeaug.generation as generation
    import vaeaug.moments as moments

    fit, matched = moments.fit_match, generation.OffspringMaker._matched
    if variant == "mean only":
        moments.fit_match = lambda o, s: (lambda m: moments.MomentMatch(m.mean, m.target_mean,
                                                                        np.ones_like(m.stretch)))(fit(o, s))
    elif variant == "spread only":
        moments.fit_match = lambda o, s: (lambda m: moments.MomentMatch(m.mean, m.mean, m.stretch))(fit(o, s))
    elif variant == "clip after":
        generation.OffspringMaker._matched = lambda self, T, matches: {
            d: self.aug.vae_.to_input(matches[d].apply(t), True) for d, t in T.items()}
    try:
        yield
    finally:
        moments.fit_match, generation.OffspringMaker._matched = fit, matched


def run_one(name: str, seed: int) -> dict:
    from sklearn.base import clone

    from vaeaug import VAEAugmenter

    X, y, _ = harm_rule.load(name)
    tr, va, te = suite.split(y, 10, seed)
    clfs = suite.classifiers("vector", seed)
    aug = VAEAugmenter(random_state=seed, verbose=0).fit(X[tr], y[tr], X[va], y[va])
    rec = {"name": name, "seed": seed, "read_as": aug.vae_.kind}
    if aug.vae_.kind != "vector":
        return rec
    for c, p in clfs.items():
        rec[f"none|{c}"] = float(np.mean(clone(p).fit(X[tr], y[tr]).predict(X[te]) == y[te]))
    for v in VARIANTS:
        aug.set_params(match_moments=v != "unmatched")
        with match_variant(v):
            X_new, y_new = aug.generate(X[tr], y[tr])
        F, Y = np.concatenate([X[tr], X_new]), np.concatenate([y[tr], y_new])
        for c, p in clfs.items():
            rec[f"{v}|{c}"] = float(np.mean(clone(p).fit(F, Y).predict(X[te]) == y[te]))
    return rec


def table(records: list[dict]) -> tuple[dict, str]:
    records = [r for r in records if r["read_as"] == "vector"]
    cells = suite.variant_cells(records, VARIANTS, CLASSIFIERS)
    names = list(dict.fromkeys(r["name"] for r in records))
    seeds = sorted({r["seed"] for r in records})
    lines = ["# The moment match in parts: the mean's shift, the spread's stretch", "",
             f"{len(names)} tables read as tables (the suite's and the unseen ones), 10 + 2 per class, seeds "
             f"{', '.join(map(str, seeds))}: `VAEAugmenter(random_state=seed).fit`, then `generate(X, y)` from the "
             "same fit matched (the default), unmatched, with the mean's shift alone, the spread's stretch alone, "
             "and matched then clipped to the training range. Test gain in points over real data alone, mean over "
             "seeds, scaler pipelines. Command: `python benchmarks/studies/match_parts.py --seeds "
             f"{' '.join(map(str, seeds))}`.", "",
             "| data set | " + " | ".join(f"{c} {v}" for c in CLASSIFIERS for v in VARIANTS) + " |",
             "|---|" + "---|" * (len(CLASSIFIERS) * len(VARIANTS))]
    for n in names:
        lines.append(f"| {n} | " + " | ".join(f"{np.mean(cells[v][f'{n}|{c}']):+.1f}" for c in CLASSIFIERS
                                              for v in VARIANTS) + " |")
    summary = {v: suite.cell_summary(cells[v]) for v in VARIANTS}
    lines += ["", "| variant | mean gain | worst cell | cells < −1 | cells | worst three |", "|---|---|---|---|---|---|"]
    lines += [f"| {v} | {s['mean']:+.2f} | {s['worst']:+.1f} | {s['below_minus_1']} | {s['cells']} | "
              + ", ".join(f"{k.replace('|', ' ')} {g:+.1f}" for k, g in s["worst_cells"].items()) + " |"
              for v, s in summary.items()]
    data = {"summary": summary, "cells": {v: {k: float(np.mean(g)) for k, g in by.items()} for v, by in cells.items()}}
    return data, "\n".join(lines) + "\n"


def main() -> None:
    names = [*suite.table_names(), *unseen_tables.NAMES]
    suite.study_main(__doc__, JSONL, names, run_one, table, "match-parts", choices=names)


if __name__ == "__main__":
    main()
