"""What a pixel classifier gains on stroke images from smoothness alone: one Gaussian-blurred copy
of each training image at a fixed σ, and the library's blur move (:func:`vaeaug.moves.blur`, σ
drawn up to 6 % of the side, three copies, alone and after an affine move), beside affine copies
and the VAE (its defaults, ``generate(X, y)``, the same composed with either blur move instead of
affine, and its plain reconstructions, one direct decode per sample). A blur is not a VAE: it asks whether the
VAE's gains on UJI v1 (1-NN above all) come from the samples it adds or from its decoder's smoothness.

UJI v1 on the paper's writer split with the experiment's classifiers (as ``ujipen_table2.py``);
the 8×8 image sets on the suite's 10-per-class splits with its classifiers, where a blur of a
pixel's width is already most of a stroke. Test accuracy gain over real data alone, points. One
JSONL line per (data set, seed) (``results/stroke-blur.jsonl``, resumable; two processes may
share it), and ``stroke-blur.{json,md}``. ``stroke-blur-at-8fd63b2.*``: the first run, where
``fit`` chose beside plain affine copies (the image default of the time).

    python benchmarks/studies/stroke_blur.py --names ujipen-v1-writers --seeds 0 1 2
    python benchmarks/studies/stroke_blur.py --names digits-8x8 optdigits-8x8 --seeds 0 1 2
    python benchmarks/studies/stroke_blur.py --table
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import defaults_suite as suite  # noqa: E402
from reconstructed_moves import WRITERS, suite_split, writer_split  # noqa: E402

CLASSIFIERS = ("SVM", "1-NN", "NN")
#: Blur widths (σ, pixels) per image size: UJI's 70×70 renders draw 2-pixel strokes; the 8×8
#: digits are already a pixel or two across a stroke.
SIGMAS = {WRITERS: (2.0, 4.0), "digits-8x8": (0.5, 1.0), "optdigits-8x8": (0.5, 1.0)}


def blurred(X: np.ndarray, sigma: float) -> np.ndarray:
    """Each image Gaussian-blurred by ``sigma`` pixels, in its own dtype's range."""
    from scipy.ndimage import gaussian_filter

    B = np.stack([gaussian_filter(x.astype(np.float64), sigma) for x in X])
    return np.clip(B, 0, 255).round().astype(X.dtype) if X.dtype == np.uint8 else B.astype(X.dtype)


def run_one(name: str, seed: int, with_vae: bool = True) -> dict:
    from vaeaug import VAEAugmenter
    from vaeaug.experiment.baselines import affine, blur
    from vaeaug.moves import affine_blur

    (X, y), (X_val, y_val), score = writer_split(seed) if name == WRITERS else suite_split(name, seed, 10)
    s_lo, s_hi = SIGMAS[name]
    blur_hi = (blurred(X, s_hi), y)
    moves = affine(X, y, 3, random_state=seed)
    sets = {"baseline": (X[:0], y[:0]), f"blur σ{s_lo:g}": (blurred(X, s_lo), y), f"blur σ{s_hi:g}": blur_hi,
            "affine ×3": moves, f"affine ×3 + blur σ{s_hi:g}": tuple(np.concatenate(p) for p in zip(moves, blur_hi)),
            "blur move ×3": blur(X, y, 3, random_state=seed),
            "affine_blur move ×3": affine_blur(X, y, 3, random_state=seed)}
    record = {"name": name, "seed": seed, "sigmas": [s_lo, s_hi]}
    if with_vae:
        t = time.perf_counter()
        aug = VAEAugmenter(random_state=seed, verbose=0).fit(X, y, X_val, y_val)
        record["fit_s"] = time.perf_counter() - t
        defaults = aug.generate(X, y)
        sets["defaults"] = defaults
        sets["defaults + blur"] = tuple(np.concatenate(p) for p in zip(defaults, blur_hi))
        sets["VAE + blur move (compose)"] = aug.generate(X, y, compose="blur")
        sets["VAE + affine_blur move (compose)"] = aug.generate(X, y, compose="affine_blur")
        sets["reconstruction"] = aug.generate(X, y, method="reconstruction", n_per_sample=1, compose="none")
        record["chosen"] = aug.selection_.get("chosen")
    record["test"] = {k: score(*v) for k, v in sets.items()}
    return record


def table(records: list[dict], tag: str = "") -> str:
    md = [f"# Smoothness alone: blurred copies of stroke images{f' ({tag})' if tag else ''}", "",
          "Test accuracy gain over real data alone, points, mean over seeds (SVM / 1-NN / NN). A blur "
          "column adds one Gaussian-blurred copy of each training image (σ in pixels); `+ blur` adds "
          "the wider one. UJI v1 by writers (W01–W07 train, W08 validation, W09–W11 test) with the "
          "experiment's classifiers; the 8×8 sets at 10 per class with the suite's. Commands: "
          "`python benchmarks/studies/stroke_blur.py --names <set> --seeds 0 1 2`; the table: "
          "`--table`.", ""]
    for name in dict.fromkeys(r["name"] for r in records):
        rs = [r for r in records if r["name"] == name]
        columns = [c for c in rs[0]["test"] if c != "baseline"]
        base = " / ".join(f"{100 * np.mean([r['test']['baseline'][c] for r in rs]):.1f}" for c in CLASSIFIERS)
        md += [f"## {name} (seeds {', '.join(str(r['seed']) for r in rs)}; baseline {base} %)", "",
               "| augmentation | SVM | 1-NN | NN |", "|---|---|---|---|"]
        for col in columns:
            g = [np.mean([100 * (r["test"][col][c] - r["test"]["baseline"][c]) for r in rs]) for c in CLASSIFIERS]
            md.append(f"| {col} | " + " | ".join(f"{v:+.1f}" for v in g) + " |")
        md.append("")
    return "\n".join(md)


def main() -> None:
    from vaeaug.fileio import atomic_write_json, atomic_write_text

    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--names", nargs="+", default=[WRITERS, "digits-8x8", "optdigits-8x8"])
    p.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    p.add_argument("--no-vae", action="store_true", help="the blur and affine columns only")
    p.add_argument("--table", action="store_true", help="only rewrite the table from the JSONL")
    p.add_argument("--tag", default="", help="another run's files: stroke-blur-TAG.*")
    a = p.parse_args()
    stem = f"stroke-blur-{a.tag}" if a.tag else "stroke-blur"
    path = suite.RESULTS / f"{stem}.jsonl"
    if not a.table:
        suite.run_resumable(path, [(n, s) for n in a.names for s in a.seeds],
                            lambda n, s: run_one(n, s, not a.no_vae))
    records = suite.read_jsonl(path)
    atomic_write_json(suite.RESULTS / f"{stem}.json", {"runs": records})
    md = table(records, a.tag)
    atomic_write_text(suite.RESULTS / f"{stem}.md", md + "\n")
    print(md)


if __name__ == "__main__":
    main()
