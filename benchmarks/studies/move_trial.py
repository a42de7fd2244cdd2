"""The composed move on trial: where does the harm check find the input-space move itself hurts?

Since the check weighs the move (blurred affine copies for images, time-warped copies for
sequences) against real data alone, ``compose="auto"`` drops a move judged harmful, and
``generate`` then adds none. Per data set and seed (the suite's protocol: 10 training + 2
validation samples per class): ``VAEAugmenter(random_state=seed).fit(X, y, X_val, y_val)`` as a
user calls it, and what the check read of the move (``selection_["move"]``). Where the move
stays, ``generate`` returns what it returned before the trial existed, bit for bit; where it
goes, ``defaults_check.py`` measures what changed. One JSON line per run
(``results/move-trial.jsonl``, resumable), then ``move-trial.{json,md}``.

    python benchmarks/studies/move_trial.py --names digits-8x8 ACSF1 --seeds 0 1 2
    python benchmarks/studies/move_trial.py --table
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import defaults_suite as suite  # noqa: E402

JSONL = suite.RESULTS / "move-trial.jsonl"
NAMES = (*suite.IMAGE_SETS, *suite.UNSEEN_IMAGE_SETS, *suite.UNSEEN_VALUE_SETS, *suite.SCANNED_SETS,
         *suite.SEQUENCE_SETS, *suite.UNSEEN_SEQUENCE_SETS)


def run_one(name: str, seed: int) -> dict:
    from vaeaug import VAEAugmenter

    X, y, kind = suite.load(name)
    tr, va, _ = suite.split(y, 10, seed)
    t = time.perf_counter()
    aug = VAEAugmenter(random_state=seed, verbose=0).fit(X[tr], y[tr], X[va], y[va])
    return {"name": name, "seed": seed, "kind": kind, "fit_seconds": time.perf_counter() - t,
            "move": aug.selection_.get("move"), "compose": aug.compose_, "chosen": aug.selection_.get("chosen"),
            "reason": aug.selection_.get("reason")}


def table(records: list[dict]) -> tuple[dict, str]:
    names = [n for n in NAMES if any(r["name"] == n for r in records)]
    seeds = sorted({r["seed"] for r in records})
    lines = ["# The composed move on trial", "",
             "`VAEAugmenter(random_state=seed).fit(X, y, X_val, y_val)` (10 + 2 per class), and what its harm check "
             "read of the move `compose=\"auto\"` adds (blurred affine copies for images, time-warped copies for "
             "sequences) against real data alone: the estimated gain (points, mean over seeds), the runs where the "
             "sign test said harm at the kind's level (`vaeaug.priors.HARM_ALPHA`: images 0.05, sequences 0.4 since "
             "6b8a46b, whose sequence records are `move-trial-sequences-before-6b8a46b.jsonl`) and the move was dropped. Command: `python benchmarks/studies/move_trial.py "
             f"--seeds {' '.join(map(str, seeds))}`.", "",
             "| data set | kind | seeds | move | estimated gain | lowest | dropped | smallest p |",
             "|---|---|---|---|---|---|---|---|"]
    data = {}
    for n in names:
        rs = [r for r in records if r["name"] == n and r["move"]]
        if not rs:
            continue
        gains = [r["move"]["gain"] for r in rs]
        dropped = sum(r["move"]["dropped"] for r in rs)
        p = min(r["move"]["p_harm"] for r in rs)
        data[n] = {"gain": float(np.mean(gains)), "dropped": int(dropped), "runs": len(rs), "min_p": p}
        lines.append(f"| {n} | {rs[0]['kind']} | {len(rs)} | {rs[0]['move']['compose'].replace('_', ' ')} | "
                     f"{np.mean(gains):+.1f} | {min(gains):+.1f} | {dropped} of {len(rs)} | {p:.2g} |")
    total = sum(d["dropped"] for d in data.values())
    lines += ["", f"Dropped in {total} of {sum(d['runs'] for d in data.values())} runs."]
    return data, "\n".join(lines) + "\n"


def main() -> None:
    suite.study_main(__doc__, JSONL, NAMES, run_one, table, "move-trial", choices=NAMES)


if __name__ == "__main__":
    main()
