"""Threads for large samples on a busy machine: a short UJI Pen Characters v1 VAE fit (70×70,
writers 1–7 / 8; a fixed setting, so no choice; ``--epochs`` epochs, no early stopping) at 1 and
at 2 threads, alone and beside one busy process per core (``busy_machine.Load``).

The thread rule (``vaeaug.threads``) reads the work, never the load, so that a seed gives the
same bits anywhere; for 4,900 features it takes every core. This study measures what that costs
where the cores are taken. Writes ``benchmarks/results/busy-image-fit.json`` and ``.md``.

    python benchmarks/studies/busy_image_fit.py --epochs 5
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]  # benchmarks/
sys.path.insert(0, str(HERE))


def fit(data, epochs: int, n_jobs: int) -> float:
    from vaeaug import VAEAugmenter

    tr, va = data
    t = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a 5-epoch UJI model collapses: expected, not timed apart
        VAEAugmenter(random_state=0, verbose=0, epochs=epochs, patience=None, on_collapse="warn", method="noise",
                     strength=2.0, decoding="warp", n_jobs=n_jobs).fit(tr.X, tr.y, va.X, va.y)
    return time.perf_counter() - t


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--epochs", type=int, default=5)
    a = p.parse_args()
    from busy_machine import Load

    from vaeaug.data import load_ujipen_v1
    from vaeaug.fileio import atomic_write_json, atomic_write_text
    from vaeaug.threads import cpu_count

    tr, va, _ = load_ujipen_v1().train_val_test(random_state=0)
    fit((tr, va), 1, 1)  # warm imports and caches
    rows = []
    for busy in (False, True):
        for n in (1, 2):
            if busy:
                with Load(cpu_count()):
                    s = fit((tr, va), a.epochs, n)
            else:
                s = fit((tr, va), a.epochs, n)
            rows.append({"machine": "busy" if busy else "quiet", "threads": n, "seconds": s})
            print(rows[-1], flush=True)
    cmd = f"python benchmarks/studies/busy_image_fit.py --epochs {a.epochs}"
    atomic_write_json(HERE / "results" / "busy-image-fit.json", {"command": cmd, "cores": cpu_count(), "rows": rows})
    t = {(r["machine"], r["threads"]): r["seconds"] for r in rows}
    md = ["# A UJI v1 fit at 1 and 2 threads, quiet and busy", "",
          f"Command: `{cmd}`; {cpu_count()} cores, one busy process per core when busy. Wall seconds, one run.", "",
          "| machine | 1 thread | 2 threads | 2 threads / 1 thread |", "|---|---|---|---|"]
    for m in ("quiet", "busy"):
        md.append(f"| {m} | {t[m, 1]:.1f} | {t[m, 2]:.1f} | {t[m, 2] / t[m, 1]:.2f}× |")
    atomic_write_text(HERE / "results" / "busy-image-fit.md", "\n".join(md) + "\n")
    print("\n".join(md))


if __name__ == "__main__":
    main()
