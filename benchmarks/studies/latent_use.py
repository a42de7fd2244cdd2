"""Does the decoder use z? Per data set, the spread of the training codes and how much decoding
changes when z moves, for the default VAEAugmenter (seeded).

For each data set: the per-dimension spread of the posterior means μ(x) over the training set
(the prior's is 1; below 0.05 everywhere ``fit`` raises ``PosteriorCollapseWarning``), and the
mean absolute change of the decoded output (model space) when μ is replaced by 0, relative to
how much decoded outputs differ across the training set. Near 0: the decoder ignores z and
every method decodes a class to its prototype. ``first training collapsed`` marks a fit whose
first training collapsed and was retried with a longer KL warm-up (``on_collapse="retry"``, the
default); the figures are the kept model's. Writes ``benchmarks/results/latent-use.json`` and ``.md``.

    python benchmarks/studies/latent_use.py --seeds 0 1 2
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parents[1]  # benchmarks/: results/ and the top-level benchmarks
SHARED = HERE.parent.parent / "shared" / "data"
sys.path.insert(0, str(HERE))


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    p.add_argument("--out", default=str(HERE / "results"))
    a = p.parse_args()

    from openml_scarce import scarce

    from vaeaug import PosteriorCollapseWarning, VAEAugmenter
    from vaeaug.data import load_csv, load_digits_dataset, load_ujipen_v1
    from vaeaug.fileio import atomic_write_json, atomic_write_text

    sets = {"digits (20/class)": load_digits_dataset()}
    if (SHARED / "ujipen-v1").is_dir():
        sets["ujipen-v1 (14/label)"] = load_ujipen_v1(SHARED / "ujipen-v1")
    for name in ("optdigits", "pendigits", "wdbc"):
        if (SHARED / "openml" / f"{name}.csv").is_file():
            sets[f"{name} (10/class)"] = scarce(load_csv(SHARED / "openml" / f"{name}.csv"), 10, 10, seed=0)
    rows = []
    for name, ds in sets.items():
        tr, va, _ = ds.train_val_test()
        for seed in a.seeds:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", PosteriorCollapseWarning)  # measured below instead
                aug = VAEAugmenter(random_state=seed, verbose=0, strength=0.5, decoding="direct").fit(
                    tr.X, tr.y, va.X, va.y)
            Z = aug.transform(tr.X)
            D_mu, D_0 = aug.vae_.decode(Z, tr.y), aug.vae_.decode(np.zeros_like(Z), tr.y)  # y: ignored if unconditional
            rows.append({"dataset": name, "seed": seed, "spread_max": float(aug.latent_spread_.max()),
                         "spread_median": float(np.median(aug.latent_spread_)),
                         "decode_change_relative": float(np.abs(D_mu - D_0).mean()
                                                         / np.abs(D_mu - D_mu.mean(0)).mean()),
                         "collapse_retried": aug.collapse_retried_, "collapsed": aug.collapsed_})
            print(rows[-1], flush=True)
    out = Path(a.out)
    cmd = "python benchmarks/studies/latent_use.py --seeds " + " ".join(map(str, a.seeds))
    atomic_write_json(out / "latent-use.json", {"command": cmd, "seeds": a.seeds, "rows": rows})
    md = ["# Does the decoder use z? (default VAEAugmenter)", "", f"`{cmd}`. Spread: standard deviation of the "
          "training codes' means per latent dimension (the prior's is 1). Decode change: mean |D(μ) − D(0)| over "
          "mean |D(μ) − mean D(μ)| in model space; near 0 means the decoder ignores z.", "",
          "| data set | seed | spread max | spread median | decode change | first training collapsed (retried) | "
          "collapsed |", "|---|---|---|---|---|---|---|"]
    md += [f"| {r['dataset']} | {r['seed']} | {r['spread_max']:.3f} | {r['spread_median']:.3f} | "
           f"{r['decode_change_relative']:.3f} | {'yes' if r['collapse_retried'] else 'no'} | "
           f"{'yes' if r['collapsed'] else 'no'} |" for r in rows]
    atomic_write_text(out / "latent-use.md", "\n".join(md) + "\n")
    print("\n".join(md))


if __name__ == "__main__":
    main()
