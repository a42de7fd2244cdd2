"""Where an epoch's time goes: vaeaug's training and pythae's on the same architecture and data
(the ``throughput.py`` case), split by torch's profiler into matrix multiplies, the optimiser
step, convolutions, every other tensor operation, and the rest (Python, data loading, the framework). It tells
how far the epoch could still shrink: the matrix multiplies are the floor.

Writes ``benchmarks/results/epoch-profile-<case>.json`` and ``.md``.

    python benchmarks/studies/epoch_profile.py --epochs 5 --batch-size 256 --samples 4096
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import torch
from torch.profiler import ProfilerActivity, profile

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the top-level benchmarks
from throughput import CASES, _data, _pythae_epoch  # noqa: E402
from vaeaug import VAEAugmenter
from vaeaug.experiment.evaluation import _git_commit
from vaeaug.fileio import atomic_write_json, atomic_write_text

HERE = Path(__file__).resolve().parents[1]  # benchmarks/: results/ and the top-level benchmarks
MATMUL_OPS = {"aten::mm", "aten::addmm", "aten::bmm", "aten::addmv", "aten::mv"}


def split(prof, wall: float) -> dict[str, float]:
    """Seconds in matmuls and convolutions (own time), the optimiser step (inclusive), other tensor
    ops (own time) and the rest of the wall time."""
    events = prof.key_averages()
    own = sum(e.self_cpu_time_total for e in events) / 1e6
    matmul = sum(e.self_cpu_time_total for e in events if e.key in MATMUL_OPS) / 1e6
    conv = sum(e.self_cpu_time_total for e in events if e.key.startswith("aten::") and "conv" in e.key) / 1e6
    optim = sum(e.cpu_time_total for e in events if e.key.startswith("Optimizer.step#")) / 1e6
    return {"wall": wall, "matmul": matmul, "convolution": conv, "optimizer": optim,
            "other_ops": own - matmul - conv - optim, "rest": wall - own}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--case", default="mlp-image70", choices=list(CASES))
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--batch-size", type=int, default=256)
    p.add_argument("--samples", type=int, default=4096)
    p.add_argument("--out", default=str(HERE / "results"))
    a = p.parse_args()
    case = CASES[a.case]
    X, y = _data(case, a.samples)
    Xv, yv = _data(case, max(a.samples // 8, a.batch_size), seed=1)
    params = dict(architecture=case["architecture"], hidden_sizes=case["hidden"], latent_dim=16, epochs=a.epochs,
                  batch_size=a.batch_size, patience=None, kl_warmup=0, conditional=False, strength=0.5,
                  decoding="direct", on_collapse="warn", random_state=0, verbose=0)
    VAEAugmenter(**params).fit(X[: a.batch_size], y[: a.batch_size], Xv[: a.batch_size], yv[: a.batch_size])  # warm-up
    t = time.perf_counter()
    aug = VAEAugmenter(**params).fit(X, y, Xv, yv)
    plain = {"vaeaug": (time.perf_counter() - t) / a.epochs}
    with profile(activities=[ProfilerActivity.CPU]) as prof:
        t = time.perf_counter()
        VAEAugmenter(**params).fit(X, y, Xv, yv)
        wall = time.perf_counter() - t
    parts = {"vaeaug": split(prof, wall)}
    pythae = _pythae_epoch(aug, X, Xv, a.epochs, a.batch_size)
    if "epoch_seconds" in pythae:
        plain["pythae"] = pythae["epoch_seconds"]
        with profile(activities=[ProfilerActivity.CPU]) as prof:
            t = time.perf_counter()
            _pythae_epoch(aug, X, Xv, a.epochs, a.batch_size)
            wall = time.perf_counter() - t
        parts["pythae"] = split(prof, wall)
    steps = a.epochs * -(-a.samples // a.batch_size)
    command = f"python benchmarks/studies/epoch_profile.py --case {a.case} --epochs {a.epochs} --batch-size {a.batch_size} --samples {a.samples}"
    result = {"command": command, "commit": _git_commit(), "torch": torch.__version__, "threads": torch.get_num_threads(),
              "steps": steps, "epoch_seconds": plain, "profiled_seconds": parts}
    md = [f"# Where an epoch goes: {a.case}, batch {a.batch_size}, {a.samples} samples, {a.epochs} epochs "
          f"({steps} steps; torch {torch.__version__}, {torch.get_num_threads()} threads)", "",
          "Epoch seconds without the profiler: " + ", ".join(f"{k} {v:.3f}" for k, v in plain.items())
          + (f" (ratio {plain['vaeaug'] / plain['pythae']:.2f}×)" if "pythae" in plain else "") + ".", "",
          "Under the profiler, per training step (ms; the profiler adds its own cost to every operation):", "",
          "| trainer | wall | matmul | convolution | optimiser step | other tensor ops | rest (Python, data, framework) |",
          "|---|---|---|---|---|---|---|"]
    for k, v in parts.items():
        md.append(f"| {k} | " + " | ".join(f"{v[c] / steps * 1e3:.1f}" for c in ("wall", "matmul", "convolution", "optimizer", "other_ops", "rest"))
                  + " |")
    md += ["", f"Command: `{command}`; commit {result['commit']}."]
    out = Path(a.out)
    atomic_write_json(out / f"epoch-profile-{a.case}.json", result)
    atomic_write_text(out / f"epoch-profile-{a.case}.md", "\n".join(md) + "\n")
    print("\n".join(md))


if __name__ == "__main__":
    main()
