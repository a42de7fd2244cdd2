"""What an image user gets when the harm check rejects every setting: is the fallback safe?

Where the check rejects every setting of a method, ``fit`` falls back to near-copies (residual
decoding at ``NEAR_COPY_STRENGTH``), and ``generate`` still adds the kind's moved copies (blurred
affine ones for images). The check scores the VAE's offspring with those copies on both sides, so
it never asks whether the copies themselves pay. This study asks what the fallback returns on
test, beside the defaults as fitted, plain affine copies (what a user would try first) and the
blurred copies alone, all at the defaults' amount, from the same fit.

Data: UJI v1 on the paper's writer split (``ujipen-v1``: W01–W07 train, W08 validation, W09–W11
test; the experiment's classifiers) and the suite's image sets at 10 + 2 per class (the suite's
classifiers). One JSON line per run (``results/image-fallback.jsonl``, resumable), then
``image-fallback.{json,md}``.

    python benchmarks/studies/image_fallback.py --names ujipen-v1 --seeds 0 1 2
    python benchmarks/studies/image_fallback.py --table
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
import defaults_suite as suite  # noqa: E402
from reconstructed_moves import suite_split, writer_split  # noqa: E402

JSONL = suite.RESULTS / "image-fallback.jsonl"
COLUMNS = ("defaults", "fallback", "affine", "affine_blur")


def run_one(name: str, seed: int) -> dict:
    from vaeaug import VAEAugmenter
    from vaeaug.moves import MOVES
    from vaeaug.priors import NEAR_COPY_STRENGTH

    (X, y), (X_val, y_val), score = writer_split(seed) if name == "ujipen-v1" else suite_split(name, seed, 10)
    aug = VAEAugmenter(random_state=seed, verbose=0).fit(X, y, X_val, y_val)
    n = aug.n_per_sample_
    test = {"baseline": score(X[:0], y[:0]), "defaults": score(*aug.generate(X, y)),
            "fallback": score(*aug.generate(X, y, strength=NEAR_COPY_STRENGTH, decoding="residual"))}
    for move in ("affine", "affine_blur"):
        test[move] = score(*MOVES[move](X, y, n, random_state=seed))
    return {"name": name, "seed": seed, "chosen": aug.selection_.get("chosen"), "reason": aug.selection_.get("reason"),
            "fallback_taken": bool(aug.selection_.get("fallback")), "test": test}


def table(records: list[dict]) -> tuple[dict, str]:
    names = list(dict.fromkeys(r["name"] for r in records))
    lines = ["# Images: what the fallback returns", "",
             "`generate(X, y, strength=NEAR_COPY_STRENGTH, decoding=\"residual\")` after "
             "`VAEAugmenter(random_state=seed).fit(X, y, X_val, y_val)`: what `generate(X, y)` returns where the harm "
             "check rejected every setting (near-copies, then as many blurred affine copies), beside the defaults as "
             "fitted, plain affine copies and the blurred copies alone at the same amount; test gain in points over "
             "real data alone, mean over seeds (per classifier). Command: "
             "`python benchmarks/studies/image_fallback.py --names <set> --seeds <seeds>`.", "",
             "| data set | seeds | classifier | " + " | ".join(COLUMNS) + " |", "|---|---|---|" + "---|" * len(COLUMNS)]
    data = {}
    for n in names:
        recs = [r for r in records if r["name"] == n]
        clfs = list(recs[0]["test"]["baseline"])
        for c in clfs:
            g = {col: float(np.mean([100 * (r["test"][col][c] - r["test"]["baseline"][c]) for r in recs]))
                 for col in COLUMNS}
            data[f"{n}|{c}"] = g
            lines.append(f"| {n} | {', '.join(str(r['seed']) for r in recs)} | {c} | "
                         + " | ".join(f"{g[col]:+.1f}" for col in COLUMNS) + " |")
    taken = [f"{r['name']} seed {r['seed']}" for r in records if r["fallback_taken"]]
    lines += ["", "Runs where `fit` itself fell back: " + (", ".join(taken) if taken else "none") + "."]
    return data, "\n".join(lines) + "\n"


def main() -> None:
    suite.study_main(__doc__, JSONL, ["ujipen-v1"], run_one, table, "image-fallback")


if __name__ == "__main__":
    main()
