"""Speed where users run it: wall time of a ``fit`` on a 10-per-class table and of one seed of the
default experiment, alone and beside a CPU-bound load of this script's own (one busy process per
core, stopped after each timing), under the old thread policy (``n_jobs=-1``: every core, torch's
and BLAS's defaults) and the new one (``n_jobs=None``: one thread for samples under 1,024 features).

Writes ``benchmarks/results/busy-machine.json`` and ``.md``; the ratios come from one run.

    python benchmarks/busy_machine.py
    python benchmarks/busy_machine.py --table letter --dataset digits --load 2
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import platform
import time
import warnings
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"


def _spin(stop_at: float) -> None:
    """Busy work until ``stop_at`` (a bound, should the parent die)."""
    x = 1.0
    while time.time() < stop_at:
        for _ in range(100000):
            x = x * 1.0000001 + 1e-9


class Load:
    """``n`` processes spinning on the CPU while the block runs (at most ``limit`` seconds)."""

    def __init__(self, n: int, limit: float = 1800):
        self.n, self.limit = n, limit

    def __enter__(self):
        ctx = mp.get_context("spawn")
        self.procs = [ctx.Process(target=_spin, args=(time.time() + self.limit,), daemon=True) for _ in range(self.n)]
        for p in self.procs:
            p.start()
        time.sleep(1.0)  # let them take the cores
        return self

    def __exit__(self, *exc):
        for p in self.procs:
            p.terminate()
        for p in self.procs:
            p.join()


def fit_table(name: str, n_jobs):
    import defaults_suite as suite

    from vaeaug import VAEAugmenter

    X, y, _ = suite.load(name)
    tr, va, _ = suite.split(y, 10, 0)
    VAEAugmenter(random_state=0, verbose=0, n_jobs=n_jobs).fit(X[tr], y[tr], X[va], y[va])


def experiment(dataset: str, n_jobs):
    from vaeaug.data import load_dataset
    from vaeaug.experiment import ExperimentConfig, run_experiment

    run_experiment(load_dataset(dataset), ExperimentConfig(seeds=(0,), augmenter_params={"n_jobs": n_jobs}),
                   verbose=0)


def timed(fn, *args) -> float:
    t = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fn(*args)
    return time.perf_counter() - t


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--table", default="letter", help="a suite table, cut to 10 per class")
    p.add_argument("--dataset", default="digits", help="the experiment's data set")
    p.add_argument("--load", type=int, default=None, help="busy processes (default: one per core)")
    a = p.parse_args()
    from vaeaug.fileio import atomic_write_json, atomic_write_text
    from vaeaug.threads import cpu_count

    n_load = a.load or cpu_count()
    jobs = {f"fit ({a.table}, 10/class)": (fit_table, a.table), f"experiment ({a.dataset}, 1 seed)": (experiment, a.dataset)}
    rows = []
    for label, (fn, arg) in jobs.items():
        fn(arg, 1) if label.startswith("fit") else None  # warm caches and imports
        r = {"job": label}
        for busy in (False, True):
            for policy, n_jobs in (("old", -1), ("new", None)):
                if busy:
                    with Load(n_load):
                        r[f"{policy} {'busy' if busy else 'quiet'}"] = timed(fn, arg, n_jobs)
                else:
                    r[f"{policy} {'busy' if busy else 'quiet'}"] = timed(fn, arg, n_jobs)
                print(label, policy, "busy" if busy else "quiet", f"{r[f'{policy} ' + ('busy' if busy else 'quiet')]:.1f} s",
                      flush=True)
        rows.append(r)
    out = {"command": "python benchmarks/busy_machine.py " + " ".join(
        f"--{k} {v}" for k, v in vars(a).items() if v is not None), "cores": cpu_count(), "load_processes": n_load,
           "machine": platform.machine(), "rows": rows}
    RESULTS.mkdir(exist_ok=True)
    atomic_write_json(RESULTS / "busy-machine.json", out)
    md = ["# Busy machine: the thread policy", "", f"Command: `{out['command']}`; {out['cores']} cores, "
          f"{n_load} busy processes beside the job when busy. Old: every core (`n_jobs=-1`); new: one thread for samples under 1,024 features, every core for larger ones "
          "(`n_jobs=None`, the default). Wall seconds, one run.", "",
          "| job | old quiet | new quiet | quiet old/new | old busy | new busy | busy old/new |", "|---|---|---|---|---|---|---|"]
    for r in rows:
        md.append(f"| {r['job']} | {r['old quiet']:.1f} | {r['new quiet']:.1f} | {r['old quiet'] / r['new quiet']:.2f}× "
                  f"| {r['old busy']:.1f} | {r['new busy']:.1f} | {r['old busy'] / r['new busy']:.2f}× |")
    atomic_write_text(RESULTS / "busy-machine.md", "\n".join(md) + "\n")
    print("\n".join(md))


if __name__ == "__main__":
    import sys

    sys.path.insert(0, str(HERE))
    np.seterr(all="ignore")
    main()
