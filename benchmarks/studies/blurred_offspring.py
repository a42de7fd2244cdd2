"""Blurring the VAE's offspring too: each offspring of the defaults given one
:func:`vaeaug.moves.blur` (σ drawn up to 6 % of the side), beside the blurred affine copies
``generate`` composes with. The blur made UJI's 1-NN gain (``stroke-blur.md``); would blurred
offspring add to it, and what does it cost the other classifiers?

Per data set and seed: ``VAEAugmenter(random_state=seed).fit(...)``, then ``generate(X, y)`` (the
defaults), its offspring alone (``compose="none"``), the same offspring blurred, and each beside
three affine_blur copies per sample drawn as ``generate`` draws them (left unclipped here, so
``offspring+moves`` differs from the defaults by the per-pixel clipping alone). UJI v1 on the
writer split with the experiment's classifiers; the 16×16 / 32×32 renders of
``defaults_suite.UNSEEN_IMAGE_SETS`` on the suite's 10-per-class splits with its classifiers.
One JSONL line per (data set, seed) (``results/blurred-offspring.jsonl``, resumable), the table
in ``blurred-offspring.{json,md}``.

    python benchmarks/studies/blurred_offspring.py --names ujipen-v1-writers --seeds 0 1 2
    python benchmarks/studies/blurred_offspring.py --names ujipen-v1-16x16 ujipen-v1-32x32 pendigits-16x16
    python benchmarks/studies/blurred_offspring.py --table
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import defaults_suite as suite  # noqa: E402
from reconstructed_moves import WRITERS, writer_split  # noqa: E402
from stroke_blur import CLASSIFIERS  # noqa: E402

STEM = "blurred-offspring"


def run_one(name: str, seed: int) -> dict:
    from vaeaug import VAEAugmenter
    from vaeaug.moves import affine_blur, blur

    t = time.perf_counter()
    if name == WRITERS:
        (X, y), (X_val, y_val), score = writer_split(seed)
    else:
        X_all, y_all, kind = suite.load(name)
        tr, va, te = suite.split(y_all, 10, seed)
        X, y, X_val, y_val = X_all[tr], y_all[tr], X_all[va], y_all[va]
        score = suite.scorer_for(X_all, y_all, kind, tr, te, seed)
    aug = VAEAugmenter(random_state=seed, verbose=0).fit(X, y, X_val, y_val)
    offspring = aug.generate(X, y, compose="none")
    blurred = blur(*offspring, 1, random_state=seed + 100)
    moves = affine_blur(X, y, 3, random_state=[seed, 1])  # generate()'s moves stream (moves_rng)
    sets = {"baseline": (X[:0], y[:0]), "defaults": aug.generate(X, y),
            "offspring+moves": tuple(np.concatenate(p) for p in zip(offspring, moves)),
            "blurred offspring+moves": tuple(np.concatenate(p) for p in zip(blurred, moves)),
            "blurred offspring": blurred, "offspring": offspring}
    return {"name": name, "seed": seed, "chosen": aug.selection_.get("chosen"),
            "test": {k: score(*v) for k, v in sets.items()}, "s": time.perf_counter() - t}


def table(records: list[dict]) -> str:
    md = ["# Blurring the VAE's offspring too", "",
          "Test accuracy gain over real data alone, points, mean over seeds (SVM / 1-NN / NN). `moves`: three "
          "blurred affine copies per sample, as `generate` composes them; `blurred offspring`: each of the "
          "defaults' offspring blurred once. Command: `python benchmarks/studies/blurred_offspring.py --names "
          "<set> --seeds 0 1 2`; the table: `--table`.", "",
          "| data set | seeds | " + " | ".join(c for c in records[0]["test"] if c != "baseline") + " | chosen |",
          "|---|---|" + "---|" * (len(records[0]["test"]) - 1) + "---|"]
    for name in dict.fromkeys(r["name"] for r in records):
        rs = [r for r in records if r["name"] == name]
        cells = []
        for col in (c for c in rs[0]["test"] if c != "baseline"):
            g = [np.mean([100 * (r["test"][col][c] - r["test"]["baseline"][c]) for r in rs]) for c in CLASSIFIERS]
            cells.append(" / ".join(f"{v:+.1f}" for v in g))
        kept = sum((r["chosen"] or {}).get("strength") != 0.05 for r in rs)
        md.append(f"| {name} | {len(rs)} | " + " | ".join(cells) + f" | offspring kept in {kept} of {len(rs)} |")
    return "\n".join(md)


def main() -> None:
    from vaeaug.fileio import atomic_write_json, atomic_write_text

    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--names", nargs="+", default=[WRITERS, "ujipen-v1-16x16", "ujipen-v1-32x32", "pendigits-16x16"])
    p.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    p.add_argument("--table", action="store_true", help="only rewrite the table from the JSONL")
    a = p.parse_args()
    path = suite.RESULTS / f"{STEM}.jsonl"
    if not a.table:
        suite.run_resumable(path, [(n, s) for n in a.names for s in a.seeds], run_one)
    records = suite.read_jsonl(path)
    atomic_write_json(suite.RESULTS / f"{STEM}.json", {"runs": records})
    md = table(records)
    atomic_write_text(suite.RESULTS / f"{STEM}.md", md + "\n")
    print(md)


if __name__ == "__main__":
    main()
