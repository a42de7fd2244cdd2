"""The paper's Table 2 on UJI Pen Characters: the full experiment, written to benchmarks/results/.

v1 (all 11 writers; W01-W07 train, W08 validation, W09-W11 test) from ../shared/data/ujipen-v1
by default; v2 (the paper's data set) with ``--version 2 --path ujipenchars2.txt`` (or the UCI
zip), or downloaded when no path is given. Writes ``ujipen-v{N}.json`` and ``ujipen-v{N}.md``
(table, choices, quality, the paper's numbers beside, commit, seeds, timings) and the full
report with figures under ``runs/ujipen-v{N}-report/`` (outside git).

    python benchmarks/ujipen_table2.py                 # v1, seeds 0 1 2
    python benchmarks/ujipen_table2.py --version 2 --path ~/data/ujipenchars2.txt
"""

from __future__ import annotations

import argparse
import platform
import time
from pathlib import Path

from vaeaug.data import load_ujipen_v1, load_ujipen_v2
from vaeaug.experiment.evaluation import ExperimentConfig, run_experiment
from vaeaug.fileio import atomic_write_json, atomic_write_text
from vaeaug.experiment.report import markdown_table, paper_comparison, quality_table, val_chosen_table

HERE = Path(__file__).resolve().parent
SHARED_V1 = HERE.parent.parent / "shared" / "data" / "ujipen-v1"


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--version", type=int, choices=[1, 2], default=1)
    p.add_argument("--path", default=None, help="local data (v1: folder of the 11 files; v2: txt or zip)")
    p.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    p.add_argument("--size", type=int, default=70, help="rendered image side (default 70, as in the paper)")
    p.add_argument("--out", default=str(HERE / "results"))
    p.add_argument("--reports", default=str(HERE.parent / "runs"),
                   help="folder for the HTML report with figures (default: runs/, not kept in git)")
    p.add_argument("--quiet", action="store_true")
    p.add_argument("--set", nargs="*", default=[], metavar="PARAM=VALUE",
                   help="VAEAugmenter parameters to change (JSON values), e.g. free_bits=0.25 beta=1.0")
    p.add_argument("--tag", default="", help="suffix for the output names, e.g. --tag=-freebits")
    a = p.parse_args()

    t0 = time.perf_counter()
    if a.version == 1:
        ds = load_ujipen_v1(a.path or SHARED_V1, size=a.size)
    else:
        ds = load_ujipen_v2(a.path, size=a.size)
    load_s = time.perf_counter() - t0
    import json

    params = {k: json.loads(v) for k, v in (kv.split("=", 1) for kv in a.set)}
    config = ExperimentConfig(seeds=tuple(a.seeds), augmenter_params=params)
    out = Path(a.out)
    name = f"ujipen-v{a.version}{a.tag}"
    result = run_experiment(ds, config, out_dir=Path(a.reports) / f"{name}-report", verbose=0 if a.quiet else 1)
    result["timings"] = {"load_and_render_seconds": load_s, "experiment_seconds": result["seconds"],
                         "per_seed": [r["timings"] for r in result["per_seed"]]}
    result["command"] = "python benchmarks/ujipen_table2.py " + (f"--version {a.version} " if a.version != 1 else "") \
        + "--seeds " + " ".join(map(str, a.seeds)) + (" --set " + " ".join(a.set) if a.set else "") \
        + (f" --tag={a.tag}" if a.tag else "")
    atomic_write_json(out / f"{name}.json", result)
    md = [
        f"# Table 2 on UJI Pen Characters v{a.version}",
        "",
        f"{result['dataset']['summary']}; split: {ds.meta['split']}.",
        f"Command: `{result['command']}`; seeds {a.seeds}; commit {result['commit']}; "
        f"{platform.machine()} CPU, {result['seconds']:.0f} s for the experiment.",
        "",
        "## Test accuracy (%), mean ± std over seeds",
        "",
        markdown_table(result),
        "",
        "## The VAE method chosen on validation, per classifier",
        "",
        "In each seed, the VAE method with the best validation accuracy for that classifier; its test accuracy "
        "and gain over the baseline (min: the worst seed).",
        "",
        val_chosen_table(result),
        "",
        "## Beside the paper (Jorge et al. 2018, Table 2, UJI Pen Characters v2)",
        "",
        paper_comparison(result),
        "",
        "## Synthetic sample quality",
        "",
        quality_table(result),
        "",
        "## Time per seed (s)",
        "",
        "| seed | VAE fit | generation | classifiers | total |",
        "|---|---|---|---|---|",
        *[f"| {r['seed']} | {r['timings']['vae_fit']:.0f} | {r['timings']['generation']:.0f} | "
          f"{r['timings']['classifiers']:.0f} | {r['timings']['total']:.0f} |" for r in result["per_seed"]],
        "",
        f"Full report with figures: `{Path(a.reports).name}/{name}-report/report.html` (written by the run, not kept).",
    ]
    atomic_write_text(out / f"{name}.md", "\n".join(md) + "\n")
    print("\n".join(md))


if __name__ == "__main__":
    main()
