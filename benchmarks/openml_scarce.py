"""Scarce tabular data: optdigits, pendigits and wdbc (../shared/data/openml/) cut to 10 training
samples per class (seeded), 10 per class for validation, the rest for test; the full
experiment (SVM, 1-NN, NN × baseline, VAE methods, SMOTE) over seeds. Writes
``benchmarks/results/openml-scarce.json`` and ``.md``.

    python benchmarks/openml_scarce.py --seeds 0 1 2
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from vaeaug.data import load_csv, per_class_subsample
from vaeaug.experiment.evaluation import ExperimentConfig, run_experiment
from vaeaug.fileio import atomic_write_json, atomic_write_text
from vaeaug.experiment.report import markdown_table, quality_table, val_chosen_table

HERE = Path(__file__).resolve().parent
SHARED = HERE.parent.parent / "shared" / "data" / "openml"
NAMES = ("optdigits", "pendigits", "wdbc")


def scarce(ds, n_train: int, n_val: int, seed: int):
    """Fix the split: n_train and n_val per class (seeded), the rest test."""
    train = per_class_subsample(ds.y, n_train, seed)
    rest = np.setdiff1d(np.arange(len(ds)), train)
    val = rest[per_class_subsample(ds.y[rest], n_val, seed + 1)]
    test = np.setdiff1d(rest, val)
    ds.split = {"train": train, "val": val, "test": test}
    ds.meta["split"] = f"{n_train} train + {n_val} validation per class (seed {seed}), the rest test"
    return ds


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    p.add_argument("--names", nargs="+", default=list(NAMES), choices=NAMES)
    p.add_argument("--per-class", type=int, default=10)
    p.add_argument("--data", default=str(SHARED))
    p.add_argument("--out", default=str(HERE / "results"))
    p.add_argument("--set", nargs="*", default=[], metavar="PARAM=VALUE",
                   help="VAEAugmenter parameters to change (JSON values), e.g. decoding=\"residual\"")
    p.add_argument("--tag", default="", help="suffix for the output names, e.g. --tag=-residual")
    a = p.parse_args()
    params = {k: json.loads(v) for k, v in (kv.split("=", 1) for kv in a.set)}
    out = Path(a.out)
    results, md = {}, ["# Scarce tabular data: OpenML CSVs cut to %d training samples per class" % a.per_class, ""]
    for name in a.names:
        t = time.perf_counter()
        ds = scarce(load_csv(Path(a.data) / f"{name}.csv"), a.per_class, a.per_class, seed=0)
        r = run_experiment(ds, ExperimentConfig(seeds=tuple(a.seeds), augmenter_params=params), verbose=0)
        results[name] = r
        base = {n: r["table"][n]["baseline"]["mean"] for n in r["classifiers"]}
        md += [f"## {name}", "", f"{r['dataset']['summary']}; {ds.meta['split']}; {time.perf_counter() - t:.0f} s.", "",
               markdown_table(r), "", "VAE method chosen on validation per classifier and seed:", "",
               val_chosen_table(r), "", quality_table(r), ""]
        print(name, {n: round(v * 100, 1) for n, v in base.items()}, flush=True)
    command = f"python benchmarks/openml_scarce.py --seeds {' '.join(map(str, a.seeds))}" \
        + (" --set " + " ".join(a.set) if a.set else "") + (f" --tag={a.tag}" if a.tag else "")
    md.append(f"Command: `{command}`; commit {next(iter(results.values()))['commit']}.")
    atomic_write_json(out / f"openml-scarce{a.tag}.json", results)
    atomic_write_text(out / f"openml-scarce{a.tag}.md", "\n".join(md) + "\n")
    print("\n".join(md))


if __name__ == "__main__":
    main()
