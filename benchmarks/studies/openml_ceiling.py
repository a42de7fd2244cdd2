"""How much could any fixed setting gain on the scarce OpenML tables? A ceiling, read on test.

The splits of ``openml_scarce.py`` (optdigits, pendigits, wdbc; 10 training + 10 validation
samples per class, the rest test). Per seed the default VAE is fitted once, then every method ×
strength × amount in ``GRID`` × (1, 3) is generated, the three classifiers are trained on real +
synthetic samples and scored on validation and test. Per data set and classifier it reports the
best *fixed* setting (the same in every seed, picked by its mean test gain: an oracle no user
has), the best setting per seed (an even looser oracle), how many validation samples the best
fixed setting wins on average (what a choice on validation would have to see), and SMOTE's best.
Writes ``benchmarks/results/openml-ceiling.json`` and ``.md``.

    python benchmarks/studies/openml_ceiling.py --seeds 0 1 2
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from openml_scarce import NAMES, SHARED, scarce
from vaeaug.data import load_csv
from vaeaug.experiment.evaluation import ExperimentConfig, run_experiment
from vaeaug.fileio import atomic_write_json, atomic_write_text

HERE = Path(__file__).resolve().parents[1]  # benchmarks/: results/ and the top-level benchmarks
#: strengths per method (σ or λ), from near-copies to the largest the choice inside ``fit`` tries
GRID = {"noise": (0.05, 0.25, 0.5, 1.0), "interpolation": (0.05, 0.25, 0.5, 0.75),
        "extrapolation": (0.05, 0.25, 0.5, 1.0)}


def candidate_gains(result: dict) -> dict:
    """{classifier: {setting: [(val gain in samples, test gain in points) per seed]}} from the
    experiment's per-candidate records."""
    n_val = result["dataset"]["sizes"]["val"]
    out: dict = {n: {} for n in result["classifiers"]}
    for rec in result["per_seed"]:
        for col, grid in rec["grid"].items():
            for cand in grid:
                strength = f", {cand['strength']}" if cand["strength"] is not None else ""
                name = f"{col} ×{cand['n_per_sample']}{strength}"
                for n in out:
                    dv = (cand["val"][n] - rec["val_accuracy"][n]["baseline"]) * n_val
                    dt = 100 * (cand["test"][n] - rec["test_accuracy"][n]["baseline"])
                    out[n].setdefault(name, []).append((dv, dt))
    return out


def ceiling(gains: dict) -> dict:
    """Per classifier, from :func:`candidate_gains`: the best fixed VAE setting by mean test gain,
    the per-seed oracle, the number of VAE settings with a positive mean test gain, and SMOTE's
    best."""
    out = {}
    for n, per in gains.items():
        vae = {k: v for k, v in per.items() if not k.startswith("SMOTE")}
        mean_test = {k: float(np.mean([t for _, t in v])) for k, v in vae.items()}
        best = max(mean_test, key=mean_test.get)
        seeds = len(next(iter(vae.values())))
        out[n] = {
            "best_fixed": best, "best_fixed_gain": mean_test[best],
            "best_fixed_per_seed": [t for _, t in vae[best]],
            "best_fixed_val_samples": float(np.mean([v for v, _ in vae[best]])),
            "oracle_per_seed": float(np.mean([max(v[s][1] for v in vae.values()) for s in range(seeds)])),
            "positive_settings": sum(g > 0 for g in mean_test.values()), "settings": len(mean_test),
            "smote_best": max(float(np.mean([t for _, t in v])) for k, v in per.items() if k.startswith("SMOTE")),
        }
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    p.add_argument("--names", nargs="+", default=list(NAMES), choices=NAMES)
    p.add_argument("--data", default=str(SHARED))
    p.add_argument("--out", default=str(HERE / "results"))
    a = p.parse_args()
    config = ExperimentConfig(seeds=tuple(a.seeds), comparators=("SMOTE",),
                              strengths={"reconstruction": (None,), **GRID})
    results, md = {}, ["# How much could a fixed setting gain? Scarce OpenML tables, read on test", "",
                       "Every method × strength × amount (×1, ×3), residual decoding (the default for feature "
                       "vectors), with the default VAE of each seed. *Best fixed*: the setting with the best "
                       "mean test gain over seeds, the same in every seed (an oracle: it is picked on test). "
                       "*Oracle per seed*: the best setting of each seed, on test. *Validation sees*: how many "
                       "more validation samples that classifier gets right with the best fixed setting than "
                       "with real data alone, mean over seeds (`fit` asks its proxy for 2 or more). Gains in "
                       "test points.", "",
                       "| data set | classifier | best fixed setting | its gain [per seed] | validation sees "
                       "| oracle per seed | settings with a mean gain > 0 | SMOTE's best |",
                       "|---|---|---|---|---|---|---|---|"]
    for name in a.names:
        t = time.perf_counter()
        ds = scarce(load_csv(Path(a.data) / f"{name}.csv"), 10, 10, seed=0)
        r = run_experiment(ds, config, verbose=0)
        gains = candidate_gains(r)
        results[name] = {"ceiling": ceiling(gains), "gains": gains, "commit": r["commit"],
                         "summary": r["dataset"]["summary"], "seconds": time.perf_counter() - t}
        for n, c in results[name]["ceiling"].items():
            md.append(f"| {name} | {n} | {c['best_fixed']} | {c['best_fixed_gain']:+.2f} "
                      f"[{' '.join(f'{g:+.1f}' for g in c['best_fixed_per_seed'])}] | "
                      f"{c['best_fixed_val_samples']:+.1f} | {c['oracle_per_seed']:+.2f} | "
                      f"{c['positive_settings']} of {c['settings']} | {c['smote_best']:+.2f} |")
        print(name, f"{time.perf_counter() - t:.0f} s", flush=True)
    md += ["", f"Command: `python benchmarks/studies/openml_ceiling.py --seeds {' '.join(map(str, a.seeds))}`; "
               f"commit {next(iter(results.values()))['commit']}."]
    atomic_write_json(Path(a.out) / "openml-ceiling.json", results)
    atomic_write_text(Path(a.out) / "openml-ceiling.md", "\n".join(md) + "\n")
    print("\n".join(md))


if __name__ == "__main__":
    main()
