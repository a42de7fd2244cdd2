"""How much of a table's gain or loss comes from the number of rows, not from what they hold?

A classifier with a fixed regularisation sees more rows as less regularisation: an SVM trained on
every sample k + 1 times is the same SVM at k + 1 times its C, and a network with a fixed
``max_iter`` takes k + 1 times the steps. Offspring inherit that effect whatever they hold. This
control trains the suite's classifiers on the real training samples repeated (1 + k times, k =
the defaults' offspring per sample) on the same splits as ``defaults_check.py`` and
``studies/unseen_tables.py`` (10 + 2 per class, seeds as given), and sets the gain beside the
defaults' gain from those runs' records: what the defaults add over exact copies is what their
content is worth.

One JSON line per run (``results/count-effect.jsonl``, resumable), then ``count-effect.{json,md}``.

    python benchmarks/studies/count_effect.py --seeds 0 1 2 3 4 5
    python benchmarks/studies/count_effect.py --table
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
import defaults_suite as suite  # noqa: E402
import harm_rule  # noqa: E402
import unseen_tables  # noqa: E402

JSONL = suite.RESULTS / "count-effect.jsonl"
CLASSIFIERS = ("SVM", "1-NN", "NN")
#: rows per real sample the defaults add, every kind: 6 offspring for tables
#: (``vaeaug.priors.AMOUNT["vector"]``), 3 offspring and 3 moved copies for images and sequences
AMOUNT = 6
KIND_TITLES = {"vector": "tables", "image": "images", "sequence": "sequences"}


def run_one(name: str, seed: int) -> dict:
    X, y, kind = harm_rule.load(name)
    tr, _, te = suite.split(y, 10, seed)
    score = suite.scorer_for(X, y, kind, tr, te, seed)
    rec = {"name": name, "seed": seed, "kind": kind, "none": score(X[tr][:0], y[tr][:0])}
    rec["copies"] = score(np.repeat(X[tr], AMOUNT, axis=0), np.repeat(y[tr], AMOUNT))
    return rec


def defaults_gains() -> dict[tuple, dict]:
    """(name, seed) → the defaults' test gain per classifier (points), from the defaults' own runs."""
    out = {}
    for r in suite.read_jsonl(suite.RESULTS / "defaults-check.jsonl"):
        if r["per_class"] == 10 and not r.get("params"):
            t = r["test"]
            out[(r["name"], r["seed"])] = {c: 100 * (t["defaults"][c] - t["baseline"][c]) for c in CLASSIFIERS}
    for r in suite.read_jsonl(suite.RESULTS / "unseen-tables.jsonl"):
        out[(r["name"], r["seed"])] = {c: 100 * (r[f"defaults|{c}"] - r[f"none|{c}"]) for c in CLASSIFIERS}
    return out


def table(records: list[dict]) -> tuple[dict, str]:
    dflt = defaults_gains()
    seeds = sorted({r["seed"] for r in records})
    lines = ["# The count effect: real samples repeated, beside the defaults", "",
             f"Each real training sample {AMOUNT} times more (as many rows as the defaults add: 6 offspring on "
             "tables, 3 offspring and 3 moved copies on images and sequences), trained with the suite's classifiers "
             "on the splits of `defaults_check.py` / `studies/unseen_tables.py` (10 + 2 per class, seeds "
             f"{', '.join(map(str, seeds))}); test gain in points over real data alone, mean over seeds, beside the "
             "defaults' gain from those runs' records and the difference: what the offspring's content adds over "
             "exact copies. 1-NN is blind to copies; an SVM at C = 10 trained on 7 copies is the SVM at C = 70. "
             "Command: `python benchmarks/studies/count_effect.py --names <sets> --seeds "
             f"{' '.join(map(str, seeds))}`.", ""]
    data = {}
    for kind, title in KIND_TITLES.items():
        mine = [r for r in records if r.get("kind", "vector") == kind and (r["name"], r["seed"]) in dflt]
        if not mine:
            continue
        cells: dict[str, dict[str, list]] = {"copies": {}, "defaults": {}, "defaults − copies": {}}
        for r in mine:
            d = dflt[(r["name"], r["seed"])]
            for c in CLASSIFIERS:
                copies = 100 * (r["copies"][c] - r["none"][c])
                for v, g in (("copies", copies), ("defaults", d[c]), ("defaults − copies", d[c] - copies)):
                    cells[v].setdefault(f"{r['name']}|{c}", []).append(g)
        lines += [f"## {title}", "", "| data set | " + " | ".join(f"{c} {v}" for c in CLASSIFIERS for v in cells)
                  + " |", "|---|" + "---|" * (len(CLASSIFIERS) * len(cells))]
        for n in dict.fromkeys(r["name"] for r in mine):
            lines.append(f"| {n} | " + " | ".join(f"{np.mean(cells[v][f'{n}|{c}']):+.1f}" for c in CLASSIFIERS
                                                  for v in cells) + " |")
        summary = {v: suite.cell_summary(by) for v, by in cells.items()}
        lines += ["", "| rows | mean gain | worst cell | cells < −1 | cells | worst cells |",
                  "|---|---|---|---|---|---|"]
        for v, s in summary.items():
            worst = ", ".join(f"{k.replace('|', ' ')} {g:+.1f}" for k, g in s["worst_cells"].items())
            lines.append(f"| {v} | {s['mean']:+.2f} | {s['worst']:+.1f} | {s['below_minus_1']} | {s['cells']} | "
                         f"{worst} |")
        lines.append("")
        data[title] = {"summary": summary,
                       "cells": {v: {k: float(np.mean(g)) for k, g in by.items()} for v, by in cells.items()}}
    return data, "\n".join(lines)


def main() -> None:
    suite.study_main(__doc__, JSONL, [*suite.table_names(), *unseen_tables.NAMES], run_one, table, "count-effect")


if __name__ == "__main__":
    main()
