"""Where the time of one UJI Pen Characters v1 experiment goes: one seed under cProfile.

Runs the full experiment (VAE fit with the validation choice of strength and decoding, every
method, SMOTE and affine, SVM / 1-NN / NN on each, quality metrics) for one seed, and writes
``benchmarks/results/profile-experiment.json`` and ``.md``: the wall time, the experiment's own
phase timings, and the functions with the largest cumulative time. The target of issue 6 was
≤ 5 minutes on 2 cores.

    python benchmarks/studies/profile_experiment.py --seed 0
"""

from __future__ import annotations

import argparse
import cProfile
import platform
import pstats
import time
from pathlib import Path

from vaeaug.data import load_ujipen_v1
from vaeaug.experiment.evaluation import ExperimentConfig, run_experiment
from vaeaug.fileio import atomic_write_json, atomic_write_text

HERE = Path(__file__).resolve().parents[1]  # benchmarks/: results/ and the top-level benchmarks
SHARED_V1 = HERE.parent.parent / "shared" / "data" / "ujipen-v1"

#: Functions whose cumulative time answers "where does it go", by the name the table shows.
PHASES = {
    "VAE training, main model and fold generators (train_vae)": ("training.py", "train_vae"),
    "the choice: the harm check (selection.choose)": ("selection.py", "choose"),
    "  of which the fold generators' training (fitting.train_fold)": ("fitting.py", "train_fold"),
    "  of which the proxy classifier (KernelRidgeClassifier.fit)": ("proxy.py", "fit"),
    "generation, all calls incl. the choice (VAEAugmenter.generate)": ("augmenter.py", "generate"),
    "SVM fits (RBFSVC.fit)": ("classifiers.py", "fit"),
    "NN fits (TorchMLPClassifier.fit)": ("classifiers.py", "fit"),
    "affine moves, alone and inside affine_blur (moves.affine)": ("moves.py", "affine"),
    "affine-blur moves, the images' compose (moves.affine_blur)": ("moves.py", "affine_blur"),
    "quality metrics (metrics.prdc)": ("metrics.py", "prdc"),
}


def _cumulative(stats: pstats.Stats, filename: str, func: str, first_line: int | None = None) -> float:
    total = 0.0
    for (fn, line, name), (_, _, _, ct, _) in stats.stats.items():  # type: ignore[attr-defined]
        if fn.endswith(filename) and name == func and (first_line is None or line == first_line):
            total += ct
    return total


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--path", default=str(SHARED_V1))
    p.add_argument("--top", type=int, default=25)
    p.add_argument("--out", default=str(HERE / "results"))
    a = p.parse_args()

    import inspect

    from vaeaug.experiment import classifiers

    ds = load_ujipen_v1(a.path)
    prof = cProfile.Profile()
    t = time.perf_counter()
    prof.enable()
    result = run_experiment(ds, ExperimentConfig(seeds=(a.seed,)), verbose=0)
    prof.disable()
    wall = time.perf_counter() - t
    stats = pstats.Stats(prof)
    lines_of = {name: inspect.getsourcelines(getattr(classifiers, cls).fit)[1]
                for name, cls in (("SVM", "RBFSVC"), ("NN", "TorchMLPClassifier"), ("KRR", "KernelRidgeClassifier"))}
    phases = {}
    for label, (fn, func) in PHASES.items():
        line = None
        if fn == "classifiers.py":
            line = lines_of["SVM" if "SVM" in label else "NN"]
        elif fn == "proxy.py":  # the proxy lives beside FeatureScaler, whose fit is not it
            line = lines_of["KRR"]
        phases[label] = _cumulative(stats, fn, func, line)
    rows = sorted(((ct, f"{Path(fn).name}:{line}({name})", nc)
                   for (fn, line, name), (_, nc, _, ct, _) in stats.stats.items()  # type: ignore[attr-defined]
                   if "vaeaug" in fn or "sklearn" in fn), reverse=True)[: a.top]
    timings = result["per_seed"][0]["timings"]
    out = {"command": f"python benchmarks/studies/profile_experiment.py --seed {a.seed}", "commit": result["commit"],
           "machine": {"platform": platform.platform(), "processor": platform.machine()},
           "wall_seconds": wall, "experiment_timings": timings, "phases_cumulative_seconds": phases,
           "top_cumulative": [{"function": f, "seconds": ct, "calls": nc} for ct, f, nc in rows]}
    out_dir = Path(a.out)
    atomic_write_json(out_dir / "profile-experiment.json", out)
    md = ["# Where one UJI v1 experiment's time goes (one seed, cProfile)", "",
          f"`{out['command']}`; commit {out['commit']}; {platform.machine()}, 2 CPUs. "
          f"Wall time under the profiler: **{wall:.0f} s** (target ≤ 300 s).", "",
          "| phase | seconds (cumulative) | share |", "|---|---|---|"]
    for label, sec in phases.items():
        md.append(f"| {label} | {sec:.1f} | {sec / wall:.0%} |")
    md += ["", "The experiment's own timer: " + ", ".join(f"{k} {v:.0f} s" for k, v in timings.items()) + ".", "",
           f"## Top {a.top} functions by cumulative time (vaeaug and scikit-learn)", "",
           "| function | seconds | calls |", "|---|---|---|"]
    md += [f"| `{f}` | {ct:.1f} | {nc} |" for ct, f, nc in rows]
    atomic_write_text(out_dir / "profile-experiment.md", "\n".join(md) + "\n")
    print("\n".join(md))


if __name__ == "__main__":
    main()
