"""What the choice inside ``fit`` costs on UJI Pen Characters v1 (writers 1–7 train, 8 validation),
or on a whole CSV table (``--table``, 10 % held out by ``fit``): ``fit`` timed whole and around
``vaeaug.augmenter.choose``, for the vaeaug under ``--src`` (a checkout; default this one), so that
an older commit can be timed beside it:

    git worktree add /tmp/old <commit> && python benchmarks/choice_cost.py --src /tmp/old
    python benchmarks/choice_cost.py                   # this checkout; --threads 1 for one thread
    python benchmarks/choice_cost.py --table ../shared/data/openml/letter.csv --threads 1

Prints one JSON line and appends it to ``benchmarks/results/choice-cost.jsonl``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
import warnings
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--src", default=str(HERE.parent), help="the vaeaug checkout to time")
    p.add_argument("--threads", type=int, default=None, help="torch and BLAS threads (default: torch's own)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--table", default=None, help="a CSV table to fit whole instead of UJI v1")
    a = p.parse_args()
    sys.path.insert(0, str(Path(a.src) / "src"))
    import torch

    if a.threads:
        from threadpoolctl import threadpool_limits

        torch.set_num_threads(a.threads)
        threadpool_limits(a.threads)
    import vaeaug.augmenter as A
    from vaeaug.data import load_ujipen_v1

    if a.table:
        from vaeaug.data import load_csv

        ds = load_csv(a.table)
        data = (ds.X, ds.y)
    else:
        try:
            ds = load_ujipen_v1()
        except Exception:  # an older vaeaug without the embedded copy: the shared one
            ds = load_ujipen_v1(HERE.parent.parent / "shared" / "data" / "ujipen-v1")
        tr, va, _ = ds.train_val_test()
        data = (tr.X, tr.y, va.X, va.y)
    spent = [0.0]
    real = A.choose

    def timed(*args, **kwargs):
        t = time.perf_counter()
        out = real(*args, **kwargs)
        spent[0] += time.perf_counter() - t
        return out

    A.choose = timed
    kw = {"n_jobs": -1} if "n_jobs" in A.VAEAugmenter().get_params() else {}  # every core, as before the policy
    t = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        aug = A.VAEAugmenter(random_state=a.seed, verbose=0, **kw).fit(*data)
    total = time.perf_counter() - t
    commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=a.src, capture_output=True, text=True).stdout.strip()
    rec = {"commit": commit, "data": Path(a.table).stem if a.table else "ujipen-v1", "rows": int(len(data[1])),
           "threads": a.threads or torch.get_num_threads(), "seed": a.seed, "fit_s": total,
           "choice_s": spent[0], "epochs": len(aug.history_["train_loss"]), "best_epoch": aug.history_["best_epoch"],
           "collapse_retried": bool(aug.collapse_retried_), "reason": getattr(aug, "selection_", {}).get("reason")}
    print(json.dumps(rec))
    with open(HERE / "results" / "choice-cost.jsonl", "a") as f:
        f.write(json.dumps(rec) + "\n")


if __name__ == "__main__":
    main()
