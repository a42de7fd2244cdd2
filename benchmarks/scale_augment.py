"""Generation at scale: ``vaeaug augment --shard-size`` writing up to 1,000,000 synthetic samples.

Trains a model with ``vaeaug train`` on scikit-learn's digits (8×8 images, the embedded default
data), then runs ``vaeaug augment`` for growing sample counts, streaming to shards. Each run is a
separate process whose peak resident memory (``ru_maxrss``) is read by a small parent wrapper,
so the figures are the CLI's own. Writes ``benchmarks/results/scale-augment.json`` and ``.md``;
the shards go to a temporary folder and are deleted afterwards (about 64 MB per million
samples at 8×8 uint8, plus npz headers).

    python benchmarks/scale_augment.py                       # 10k, 100k and 1M samples
    python benchmarks/scale_augment.py --counts 1000000 --shard-size 50000
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent

# Runs one command and prints its peak RSS (KiB on Linux) as the last line: the wrapper's own
# memory is not counted, only the waited-for child's.
WRAPPER = ("import resource, subprocess, sys; r = subprocess.run(sys.argv[1:]); "
           "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); sys.exit(r.returncode)")


def run_measured(cmd: list[str]) -> tuple[float, float]:
    """(seconds, peak RSS in MiB) of ``cmd`` run in its own process."""
    t = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", WRAPPER, *cmd], capture_output=True, text=True)
    seconds = time.perf_counter() - t
    if out.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{out.stderr[-3000:]}")
    return seconds, int(out.stdout.strip().splitlines()[-1]) / 1024


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--counts", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    p.add_argument("--shard-size", type=int, default=100_000)
    p.add_argument("--method", default="interpolation")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--upscale", type=int, default=1,
                   help="enlarge the 8×8 digits K times a side (8: 64×64 images, 4 kB a sample)")
    p.add_argument("--architecture", default="auto", choices=["auto", "mlp", "conv"])
    p.add_argument("--tag", default="", help="suffix for the output names")
    p.add_argument("--out", default=str(HERE / "results"))
    a = p.parse_args()

    from sklearn.datasets import load_digits

    from vaeaug.fileio import atomic_write_json, atomic_write_text, load_npz

    X, y = load_digits(return_X_y=True)
    X = np.minimum(X.reshape(-1, 8, 8) * 16, 255).astype(np.uint8)  # 0..16 → 0..255
    if a.upscale > 1:
        X = np.kron(X, np.ones((1, a.upscale, a.upscale), dtype=np.uint8))
    vaeaug = [sys.executable, "-m", "vaeaug.cli"]
    work = Path(tempfile.mkdtemp(prefix="vaeaug-scale-"))
    rows = []
    try:
        np.savez(work / "digits.npz", X=X, y=y)
        train_s, train_rss = run_measured([*vaeaug, "train", "--data", str(work / "digits.npz"), "--out",
                                           str(work / "model"), "--epochs", "30", "--seed", str(a.seed), "--quiet",
                                           "--architecture", a.architecture])
        for count in a.counts:
            per_sample = -(-count // len(X))  # ceil: at least `count` samples
            out = work / f"shards-{count}"
            seconds, rss = run_measured([*vaeaug, "augment", "--model", str(work / "model"), "--data",
                                         str(work / "digits.npz"), "--method", a.method, "--per-sample",
                                         str(per_sample), "--shard-size", str(a.shard_size), "--out", str(out),
                                         "--seed", str(a.seed), "--quiet"])
            manifest = json.loads((out / "manifest.json").read_text())
            # check the output is what it says: every shard readable, counts add up
            n = sum(len(load_npz(out / s["file"])["y"]) for s in manifest["shards"])
            assert n == manifest["samples"] == per_sample * len(X), (n, manifest["samples"])
            size = sum(f.stat().st_size for f in out.iterdir())
            rows.append({"samples": n, "per_sample": per_sample, "shards": len(manifest["shards"]),
                         "seconds": seconds, "samples_per_s": n / seconds, "peak_rss_mib": rss,
                         "disk_mib": size / 2**20})
            print(rows[-1], flush=True)
            shutil.rmtree(out)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    result = {"command": "python benchmarks/scale_augment.py " + " ".join(sys.argv[1:]),
              "machine": {"platform": platform.platform(), "processor": platform.machine()},
              "data": f"sklearn digits, {len(X)} images of {X.shape[1]}×{X.shape[2]} uint8",
              "architecture": a.architecture, "method": a.method,
              "shard_size": a.shard_size, "seed": a.seed,
              "train": {"seconds": train_s, "peak_rss_mib": train_rss}, "runs": rows}
    out_dir = Path(a.out)
    atomic_write_json(out_dir / f"scale-augment{a.tag}.json", result)
    md = ["# Generation at scale: `vaeaug augment --shard-size`", "",
          f"`{result['command']}`; {result['data']}; architecture {a.architecture}; method {a.method}; shards of {a.shard_size:,}; seed {a.seed}. "
          f"Each run is its own process; peak RSS is its `ru_maxrss`. Target: < 2 GiB whatever the count.", "",
          "| samples | shards | seconds | samples/s | peak RSS (MiB) | on disk (MiB) |", "|---|---|---|---|---|---|"]
    for r in rows:
        md.append(f"| {r['samples']:,} | {r['shards']} | {r['seconds']:.1f} | {r['samples_per_s']:,.0f} | "
                  f"{r['peak_rss_mib']:.0f} | {r['disk_mib']:.0f} |")
    md += ["", f"Training the model first (`vaeaug train`, 30 epochs at most): {train_s:.0f} s, "
           f"peak RSS {train_rss:.0f} MiB."]
    atomic_write_text(out_dir / f"scale-augment{a.tag}.md", "\n".join(md) + "\n")


if __name__ == "__main__":
    main()
