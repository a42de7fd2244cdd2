"""Moment matching on tables: does giving the offspring their sources' per-feature mean and
spread pay, end to end, as a user gets it? Interpolation narrows each feature's spread, and the
scaler in a user's pipeline, fitted on real + synthetic data, then stretches the real samples.

Per table and seed (the suite's 16 OpenML tables at 10 per class): ``VAEAugmenter`` with its
defaults, fitted with the choice (harm check included), then ``generate(X, y)`` with moment
matching (the default for vectors) and without (``match_moments=False``), at the default amount
and at 6 and 9 offspring per sample; scored by the suite's classifiers (scaler pipelines) on
test. Gains in points over real data alone. One JSONL line per run
(``results/moment-match.jsonl``, resumable), and ``moment-match.{json,md}``; ``--tag`` keeps
another run in ``moment-match-<tag>.*``.

    python benchmarks/studies/moment_match.py --seeds 0 1 2    # at e00b041: interpolation 0.75, 3 per sample
    python benchmarks/studies/moment_match.py --table
    # the defaults of today (mixed, 6 per sample), on the suite's tables and the unseen ones read as tables:
    python benchmarks/studies/moment_match.py --tag mixed --data-kind auto --unseen \
        --variants matched unmatched "matched x3" "unmatched x3" --seeds 0 1 2 3 4 5
"""

from __future__ import annotations

import argparse
import functools
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
import defaults_suite as suite  # noqa: E402
import harm_rule  # noqa: E402
import unseen_tables  # noqa: E402

JSONL = suite.RESULTS / "moment-match.jsonl"
CLASSIFIERS = ("SVM", "1-NN", "NN")
#: variant: (match_moments, offspring per sample; None: the estimator's default)
VARIANTS = {"matched": ("auto", None), "matched x6": ("auto", 6), "matched x9": ("auto", 9),
            "unmatched": (False, None), "unmatched x6": (False, 6), "matched x3": ("auto", 3),
            "unmatched x3": (False, 3)}
FIRST_RUN = ("matched", "matched x6", "matched x9", "unmatched", "unmatched x6")


def run_one(name: str, seed: int, variants=FIRST_RUN, data_kind: str = "vector") -> dict:
    from sklearn.base import clone

    from vaeaug import VAEAugmenter

    X, y, _ = harm_rule.load(name)
    tr, va, te = suite.split(y, 10, seed)
    clfs = suite.classifiers("vector", seed)
    # data_kind="vector": the table path for optdigits' pixels too, as when this study was first run
    aug = VAEAugmenter(random_state=seed, verbose=0, data_kind=data_kind).fit(X[tr], y[tr], X[va], y[va])
    rec = {"name": name, "seed": seed, "chosen": aug.selection_["chosen"], "n_per_sample": aug.n_per_sample_,
           "data_kind": data_kind, "read_as": aug.vae_.kind}
    for c, p in clfs.items():
        rec[f"none|{c}"] = float(np.mean(clone(p).fit(X[tr], y[tr]).predict(X[te]) == y[te]))
    for v in variants:
        match, n = VARIANTS[v]
        aug.set_params(match_moments=match)
        X_new, y_new = aug.generate(X[tr], y[tr], n_per_sample=n)
        F, Y = np.concatenate([X[tr], X_new]), np.concatenate([y[tr], y_new])
        for c, p in clfs.items():
            rec[f"{v}|{c}"] = float(np.mean(clone(p).fit(F, Y).predict(X[te]) == y[te]))
    return rec


def summary_rows(summary: dict) -> list[str]:
    return [f"| {v} | {s['mean']:+.2f} | {s['worst']:+.1f} | {s['below_minus_1']} | {s['cells']} | "
            + ", ".join(f"{k.replace('|', ' ')} {g:+.1f}" for k, g in s["worst_cells"].items()) + " |"
            for v, s in summary.items()]


def table(records: list[dict]) -> tuple[dict, str]:
    variants = [v for v in VARIANTS if all(f"{v}|SVM" in r for r in records)]
    cells = suite.variant_cells(records, variants, CLASSIFIERS)
    summary = {v: suite.cell_summary(by) for v, by in cells.items()}
    seeds = sorted({r["seed"] for r in records})
    picks: dict[str, int] = {}
    for r in records:
        label = "{method} {decoding} {strength}".format(**r["chosen"]) + ("" if r.get("read_as", "vector") == "vector"
                                                                          else f" (read as {r['read_as']}s)")
        picks[label] = picks.get(label, 0) + 1
    names = {r["name"] for r in records}
    unseen = sorted(names & set(unseen_tables.NAMES))
    lines = ["# Moment matching on tables", "",
             f"The suite's {len(names) - len(unseen)} OpenML tables"
             + (f" and {len(unseen)} unseen ones ({', '.join(unseen)})" if unseen else "")
             + f" at 10 per class, seeds {', '.join(map(str, seeds))}. `VAEAugmenter(random_state=seed"
             + ("" if records[0].get("data_kind", "vector") == "auto" else ", data_kind='vector'")
             + ").fit(X, y, X_val, y_val)` (the choice included), then `generate(X, y)` with the offspring "
             "moment-matched (the default for vectors) or not (`match_moments=False`), at the default "
             f"{records[0]['n_per_sample']} offspring per sample and at the amounts named (x k). Cells: table × "
             "classifier (SVM, 1-NN, NN, scaler pipelines), test gain in points over real data alone, mean over "
             "seeds. What the choice picked, runs: "
             + ", ".join(f"{k} ({v})" for k, v in sorted(picks.items())) + ".", "",
             "| variant | mean gain | worst cell | cells < −1 | cells | worst three |", "|---|---|---|---|---|---|"]
    lines += summary_rows(summary)
    data = {"summary": summary, "cells": {v: {k: float(np.mean(g)) for k, g in by.items()} for v, by in cells.items()}}
    if unseen:  # each group on its own as well: the suite's tables, then the unseen ones by source
        groups = {"the suite's tables": sorted(names - set(unseen)), **unseen_tables.GROUPS}
        for group, members in groups.items():
            recs = [r for r in records if r["name"] in members]
            if recs:
                by = {v: suite.cell_summary(g) for v, g in suite.variant_cells(recs, variants, CLASSIFIERS).items()}
                lines += ["", f"## {group} ({len({r['name'] for r in recs})})", "",
                          "| variant | mean gain | worst cell | cells < −1 | cells | worst three |",
                          "|---|---|---|---|---|---|", *summary_rows(by)]
                data[group] = by
    return data, "\n".join(lines) + "\n"


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--names", nargs="+", default=None)
    p.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    p.add_argument("--table", action="store_true")
    p.add_argument("--tag", default="", help="another run's files: moment-match-<tag>.*")
    p.add_argument("--variants", nargs="+", default=list(FIRST_RUN), choices=list(VARIANTS))
    p.add_argument("--data-kind", default="vector", choices=("vector", "auto"),
                   help="auto: as a user gets it (a table of pixels read as images is then left as it comes)")
    p.add_argument("--unseen", action="store_true", help="the unseen tables too (studies/unseen_tables.py)")
    a = p.parse_args()
    from vaeaug.fileio import atomic_write_json, atomic_write_text

    stem = f"moment-match-{a.tag}" if a.tag else "moment-match"
    jsonl = suite.RESULTS / f"{stem}.jsonl"
    if not a.table:
        names = a.names or [*suite.table_names(), *(unseen_tables.NAMES if a.unseen else ())]
        run = functools.partial(run_one, variants=tuple(a.variants), data_kind=a.data_kind)
        suite.run_resumable(jsonl, [(n, s) for s in a.seeds for n in names], run)
    records = suite.read_jsonl(jsonl)
    data, md = table(records)
    variants = [v for v in VARIANTS if all(f"{v}|SVM" in r for r in records)]
    command = ("python benchmarks/studies/moment_match.py" + (f" --tag {a.tag}" if a.tag else "")
               + (" --data-kind auto" if records[0].get("data_kind") == "auto" else "")
               + (" --unseen" if any(r["name"] in unseen_tables.NAMES for r in records) else "")
               + ("" if tuple(variants) == FIRST_RUN else " --variants " + " ".join(
                   v if " " not in v else f'"{v}"' for v in variants))
               + " --seeds " + " ".join(map(str, sorted({r['seed'] for r in records}))))
    atomic_write_json(suite.RESULTS / f"{stem}.json", data)
    atomic_write_text(suite.RESULTS / f"{stem}.md", md.replace("\n\n|", f" Command: `{command}`.\n\n|", 1))


if __name__ == "__main__":
    main()
