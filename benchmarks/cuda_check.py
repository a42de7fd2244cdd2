"""CUDA check: training (mixed precision: bf16 where supported, else fp16 with a scaler),
generation and one seed of the experiment on ``device="cuda"``, each checked against the same
run on the CPU within a tolerance, with timings. Run it whenever a GPU is at hand.

Writes ``benchmarks/results/cuda-check.json`` and ``.md``; without a GPU it says so, records
nothing and exits with status 0 (``--require`` makes that status 1).

    python benchmarks/cuda_check.py
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
import warnings
from pathlib import Path

import numpy as np

RESULTS = Path(__file__).resolve().parent / "results"


def run(device: str, X, y, X_val, y_val) -> dict:
    from vaeaug import VAEAugmenter

    t = time.perf_counter()
    aug = VAEAugmenter(random_state=0, verbose=0, device=device, epochs=30).fit(X, y, X_val, y_val)
    fit_s = time.perf_counter() - t
    t = time.perf_counter()
    X_new, y_new = aug.generate(X, y, "noise", 3, strength=0.5, decoding="direct", random_state=1)
    gen_s = time.perf_counter() - t
    return {"fit_s": fit_s, "generate_s": gen_s, "best_val_loss": aug.history_["val_loss"][aug.best_epoch_],
            "codes": aug.transform(X_val), "samples": X_new.astype(np.float64), "labels": y_new,
            "chosen": aug.selection_.get("chosen")}


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--require", action="store_true", help="exit 1 when no GPU is present")
    a = p.parse_args()
    import torch

    if not torch.cuda.is_available():
        print("no CUDA device here (torch.cuda.is_available() is False): nothing checked, nothing recorded")
        return 1 if a.require else 0
    from vaeaug.data import load_ujipen_v1
    from vaeaug.experiment import ExperimentConfig, run_experiment

    ds = load_ujipen_v1()
    tr, va, te = ds.train_val_test()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cpu, gpu = run("cpu", tr.X, tr.y, va.X, va.y), run("cuda", tr.X, tr.y, va.X, va.y)
        t = time.perf_counter()
        exp = run_experiment(ds, ExperimentConfig(seeds=(0,), amounts=(3,), augmenter_params={"device": "cuda"}),
                             verbose=0)
        exp_s = time.perf_counter() - t
    checks = {
        # mixed precision changes the path of training: the models agree in quality, not bit for bit
        "best validation loss within 3 %": abs(gpu["best_val_loss"] - cpu["best_val_loss"]) <= 0.03 * abs(cpu["best_val_loss"]),
        "same labels generated": bool(np.array_equal(gpu["labels"], cpu["labels"])),
        "offspring pixel means within 2 % of the range": abs(gpu["samples"].mean() - cpu["samples"].mean()) <= 0.02 * 255,
        "experiment on cuda: every accuracy finite and above chance": all(
            np.isfinite(c["mean"]) and c["mean"] > 1 / len(np.unique(ds.y)) for row in exp["table"].values()
            for c in row.values()),
    }
    out = {"device": torch.cuda.get_device_name(0), "torch": torch.__version__, "machine": platform.machine(),
           "bf16": bool(torch.cuda.is_bf16_supported()),
           "cpu": {k: cpu[k] for k in ("fit_s", "generate_s", "best_val_loss", "chosen")},
           "cuda": {k: gpu[k] for k in ("fit_s", "generate_s", "best_val_loss", "chosen")},
           "experiment_s": exp_s, "experiment_table": exp["table"], "checks": checks}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "cuda-check.json").write_text(json.dumps(out, indent=2, default=str))
    md = ["# CUDA check", "", f"`python benchmarks/cuda_check.py` on {out['device']} (torch {out['torch']}, "
          f"bf16 {'yes' if out['bf16'] else 'no'}); UJI v1, writers 1–7 / 8, seed 0.", "",
          "| | CPU | CUDA |", "|---|---|---|",
          f"| fit (s) | {cpu['fit_s']:.1f} | {gpu['fit_s']:.1f} |",
          f"| generate 3 per sample (s) | {cpu['generate_s']:.2f} | {gpu['generate_s']:.2f} |",
          f"| best validation loss | {cpu['best_val_loss']:.2f} | {gpu['best_val_loss']:.2f} |",
          "", f"One experiment seed on CUDA: {exp_s:.0f} s.", "", "| check | passed |", "|---|---|"]
    md += [f"| {k} | {'yes' if v else 'NO'} |" for k, v in checks.items()]
    (RESULTS / "cuda-check.md").write_text("\n".join(md) + "\n")
    print("\n".join(md))
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
