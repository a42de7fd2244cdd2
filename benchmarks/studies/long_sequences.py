"""Sequences longer than the model: what does passing through its length cost?

The sequence model works at one length, the training set's longest within [16, 512]
(``vaeaug.sequences.model_length``); offspring come back resampled to their sources' lengths.
A set of longer series (aeon's ACSF1: 1,460 steps) reaches the model smoothed, so every
offspring is smooth whatever it holds. Per seed (the suite's protocol: 10 training + 2
validation samples per class): the defaults (``VAEAugmenter(random_state=seed).fit``, then
``generate(X, y)``), near-copies (noise σ 0.05, residual decoding, no move), exact copies of each
real sample (×3), the same copies passed through the model's length and back (×3), and the
defaults with the model at the series' full length (``vaeaug.sequences.MAX_MODEL_LENGTH`` raised
for the run, with what ``fit`` then costs), scored on test by the suite's classifiers. Gains in
points over real data alone. One JSON line per run (``results/long-sequences.jsonl``,
resumable), then ``long-sequences.{json,md}``.

    python benchmarks/studies/long_sequences.py --seeds 0 1 2
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import defaults_suite as suite  # noqa: E402

JSONL = suite.RESULTS / "long-sequences.jsonl"
CLASSIFIERS = ("SVM", "1-NN", "NN")
VARIANTS = ("defaults", "near-copies", "copies", "copies through the model's length", "defaults, model at full length")
NAMES = ("ACSF1",)


def run_one(name: str, seed: int) -> dict:
    from vaeaug import VAEAugmenter, sequences
    from vaeaug.sequences import resample

    X, y, kind = suite.load(name)
    tr, va, te = suite.split(y, 10, seed)
    score = suite.scorer_for(X, y, kind, tr, te, seed)
    t = time.perf_counter()
    aug = VAEAugmenter(random_state=seed, verbose=0).fit(X[tr], y[tr], X[va], y[va])
    length = aug.vae_.preprocessor.length
    copies = [np.asarray(s) for s in np.repeat(X[tr], 3)]
    made = {"defaults": aug.generate(X[tr], y[tr]),
            "near-copies": aug.generate(X[tr], y[tr], method="noise", strength=0.05, decoding="residual",
                                        compose="none"),
            "copies": (copies, np.repeat(y[tr], 3)),
            "copies through the model's length": ([resample(resample(s, length), len(s)) for s in copies],
                                                  np.repeat(y[tr], 3))}
    rec = {"name": name, "seed": seed, "model_length": int(length), "longest": int(max(len(s) for s in X)),
           "compose": aug.compose_, "fit_seconds": time.perf_counter() - t, "none": score(X[tr][:0], y[tr][:0])}
    cap = sequences.MAX_MODEL_LENGTH
    sequences.MAX_MODEL_LENGTH = rec["longest"]
    try:
        t = time.perf_counter()
        full = VAEAugmenter(random_state=seed, verbose=0).fit(X[tr], y[tr], X[va], y[va])
        rec["full_length_fit_seconds"], rec["full_length_compose"] = time.perf_counter() - t, full.compose_
        made["defaults, model at full length"] = full.generate(X[tr], y[tr])
    finally:
        sequences.MAX_MODEL_LENGTH = cap
    for v, (X_new, y_new) in made.items():
        rec[v] = score(X_new, y_new)
    return rec


def table(records: list[dict]) -> tuple[dict, str]:
    seeds = sorted({r["seed"] for r in records})
    lines = ["# Sequences longer than the model", "",
             "What passing through the model's length costs: aeon's ACSF1 (1,460 steps; the model works at "
             f"{records[0]['model_length']}), 10 + 2 per class, seeds {', '.join(map(str, seeds))}; test gain in "
             "points over real data alone, mean over seeds. Command: `python benchmarks/studies/long_sequences.py "
             f"--seeds {' '.join(map(str, seeds))}`.", "",
             "| data set | rows added | " + " | ".join(CLASSIFIERS) + " |", "|---|---|---|---|---|"]
    data = {}
    for name in dict.fromkeys(r["name"] for r in records):
        rs = [r for r in records if r["name"] == name]
        for v in [v for v in VARIANTS if all(v in r for r in rs)]:
            g = {c: float(np.mean([100 * (r[v][c] - r["none"][c]) for r in rs])) for c in CLASSIFIERS}
            data[f"{name}|{v}"] = g
            lines.append(f"| {name} | {v} | " + " | ".join(f"{g[c]:+.1f}" for c in CLASSIFIERS) + " |")
        if all("full_length_fit_seconds" in r for r in rs):
            lines.append(f"\n`fit` on {name}: {np.mean([r['fit_seconds'] for r in rs]):.0f} s at {rs[0]['model_length']} "
                         f"steps, {np.mean([r['full_length_fit_seconds'] for r in rs]):.0f} s at "
                         f"{rs[0]['longest']} (2 cores, some runs side by side); the move dropped in "
                         f"{sum(r['compose'] == 'none' for r in rs)} and "
                         f"{sum(r['full_length_compose'] == 'none' for r in rs)} of {len(rs)} runs.")
    return data, "\n".join(lines) + "\n"


def main() -> None:
    suite.study_main(__doc__, JSONL, NAMES, run_one, table, "long-sequences", choices=NAMES)


if __name__ == "__main__":
    main()
