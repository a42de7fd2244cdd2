"""How the blurred affine move should draw its blur: σ uniform on [0, 6 %] of the image's shorter
side (the library's rule), on [3 %, 6 %] (every copy visibly smooth), or 6 % always.

One Gaussian-blurred copy at σ 4 px gained UJI v1's 1-NN +25.3 points, three copies of the blur
move (σ up to 4.2 px, 2.1 on average) +19.4 (``results/stroke-blur.md``): the weakly blurred
copies may be wasted on thin strokes. On the 8×8 digits σ 1 px (12 %) loses and 0.5 px (6 %)
does nothing, so the ceiling stays where it is and only the floor moves.

Per data set and seed, the defaults are fitted once (``VAEAugmenter(random_state=seed,
verbose=0).fit(X, y, X_val, y_val)``, the choice made beside the library's move) and their
offspring taken without the move (``generate(X, y, compose="none")``); each draw then adds three
moved copies a sample to them, and is scored alone too. A screen: the choice is not remade per
draw. UJI v1 on the paper's writer split with the experiment's classifiers; the suite's 8×8 and
unseen image sets at 10 per class with its classifiers. Test accuracy gain over real data alone,
points. One JSON line per (data set, seed) (``results/blur-draw.jsonl``, resumable), then
``blur-draw.md``.

    python benchmarks/studies/blur_draw.py --names digits-8x8 optdigits-8x8 --seeds 0 1 2
    python benchmarks/studies/blur_draw.py --names ujipen-v1-writers --seeds 0 1 2
    python benchmarks/studies/blur_draw.py --table
    python benchmarks/studies/blur_draw.py --names <set> --variants "σ ~ U(0, 6 %)" "top-up to 6 %" --tag=-topup
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
import defaults_suite as suite  # noqa: E402
from reconstructed_moves import CLASSIFIERS, WRITERS, suite_split, writer_split  # noqa: E402

JSONL = suite.RESULTS / "blur-draw.jsonl"
TOP = 0.06  # the library's ceiling, a fraction of the shorter side (vaeaug.moves.blur)
#: the blur's floor as a fraction of the ceiling (0 is the library's draw), or "top-up": each copy
#: blurred until its correlation length reaches the ceiling, sqrt(top² − own²)
FLOORS = {"σ ~ U(0, 6 %)": 0.0, "σ ~ U(3 %, 6 %)": 0.5, "σ = 6 %": 1.0, "top-up to 6 %": "top-up"}
#: the draws each run scores (``--variants``); the first run scored the three floors
FIRST_RUN = ("σ ~ U(0, 6 %)", "σ ~ U(3 %, 6 %)", "σ = 6 %")
N = 3  # copies a sample, the image default


def affine_blur_floor(X: np.ndarray, y: np.ndarray, n: int, seed: int, floor: float):
    """:func:`vaeaug.moves.affine_blur` with σ drawn on [floor × top, top], or topped up to ``top``
    (``floor="top-up"``, a draw still taken so that every variant moves its copies alike); at
    floor 0 the same random stream, so the same copies as the library's."""
    from scipy.ndimage import gaussian_filter

    from vaeaug.moves import affine, cast_like, correlation_length

    rng = np.random.default_rng(seed)
    top = TOP * min(X.shape[-2:])
    xs, ys = [], []
    for i in range(len(X)):
        A, a_y = affine(X[i : i + 1], y[i : i + 1], n, random_state=rng)
        imgs = A if A.ndim == 4 else A[:, None]
        out = np.empty(imgs.shape, dtype=np.float64)
        own = correlation_length(imgs.astype(np.float64)) if floor == "top-up" else None
        for o in range(len(imgs)):
            sigma = rng.uniform(0.0 if own is not None else floor * top, top)
            sigma = np.sqrt(max(top**2 - own[o] ** 2, 0.0)) if own is not None else sigma
            for ch in range(imgs.shape[1]):
                out[o, ch] = gaussian_filter(imgs[o, ch].astype(np.float64), sigma)
        xs.append(cast_like(out if A.ndim == 4 else out[:, 0], X))
        ys.append(a_y)
    return np.concatenate(xs), np.concatenate(ys)


def run_one(name: str, seed: int, variants=FIRST_RUN) -> dict:
    from vaeaug import VAEAugmenter
    from vaeaug.experiment.baselines import affine
    from vaeaug.experiment.evaluation import _git_commit

    commit = _git_commit()
    (X, y), (X_val, y_val), score = writer_split(seed) if name == WRITERS else suite_split(name, seed, 10)
    t = time.perf_counter()
    aug = VAEAugmenter(random_state=seed, verbose=0).fit(X, y, X_val, y_val)
    fit_s = time.perf_counter() - t
    vae = aug.generate(X, y, n_per_sample=N, compose="none")
    test = {"baseline": score(X[:0], y[:0]), "affine": score(*affine(X, y, N, random_state=seed))}
    for label in variants:
        moved = affine_blur_floor(X, y, N, seed, FLOORS[label])
        test[f"move {label}"] = score(*moved)
        test[f"VAE + move {label}"] = score(*(np.concatenate(p) for p in zip(vae, moved)))
    return {"name": name, "seed": seed, "commit": commit, "fit_s": fit_s,
            "chosen": aug.selection_.get("chosen"), "test": test}


def gain(runs: list[dict], col: str, clf: str) -> float:
    return float(np.mean([100 * (r["test"][col][clf] - r["test"]["baseline"][clf]) for r in runs]))


def table(records: list[dict], tag: str = "") -> str:
    md = ["# The blurred affine move: how to draw the blur", "",
          "Test accuracy gain over real data alone, points, mean over seeds (SVM / 1-NN / NN). "
          "`VAE + move`: the defaults' offspring (`generate(X, y, compose=\"none\")`, chosen beside "
          "the library's move) with three moved copies a sample; `move`: the copies alone. σ is a "
          "fraction of the image's shorter side. Command: `python benchmarks/studies/blur_draw.py "
          f"--names <set> --seeds 0 1 2{' --variants <draws> --tag=' + tag if tag else ''}`; the table: `--table`.", ""]
    cols = ["affine"] + [f"{a}{label}" for label in FLOORS for a in ("move ", "VAE + move ")]
    cols = [c for c in cols if all(c in r["test"] for r in records)]  # what every run scored
    names = list(dict.fromkeys(r["name"] for r in records))
    for name in names:
        runs = [r for r in records if r["name"] == name]
        base = " / ".join(f"{100 * np.mean([r['test']['baseline'][c] for r in runs]):.1f}" for c in CLASSIFIERS)
        md += [f"## {name} (seeds {', '.join(str(r['seed']) for r in runs)}; baseline {base} %)", "",
               "| augmentation | " + " | ".join(CLASSIFIERS) + " |", "|---|" + "---|" * len(CLASSIFIERS)]
        md += [f"| {c} | " + " | ".join(f"{gain(runs, c, k):+.1f}" for k in CLASSIFIERS) + " |" for c in cols]
        md.append("")
    md += ["## Over the data sets", "",
           "Mean gain and worst cell over data sets × classifiers (each cell a mean over seeds).", "",
           "| augmentation | mean gain | worst cell |", "|---|---|---|"]
    for c in cols:
        cells = [gain([r for r in records if r["name"] == n], c, k) for n in names for k in CLASSIFIERS]
        md.append(f"| {c} | {np.mean(cells):+.2f} | {min(cells):+.1f} |")
    return "\n".join(md) + "\n"


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--names", nargs="*", default=[])
    p.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    p.add_argument("--variants", nargs="+", default=list(FIRST_RUN), choices=list(FLOORS),
                   help="the draws to score beside the library's")
    p.add_argument("--tag", default="", help="suffix of the result files, e.g. --tag=-topup")
    p.add_argument("--table", action="store_true", help="only rewrite blur-draw.md from the records")
    args = p.parse_args()
    path = suite.RESULTS / f"blur-draw{args.tag}.jsonl"
    if not args.table:
        suite.run_resumable(path, [(n, s) for n in args.names for s in args.seeds],
                            lambda n, s: run_one(n, s, tuple(args.variants)))
    records = suite.read_jsonl(path)
    if records:
        (suite.RESULTS / f"blur-draw{args.tag}.md").write_text(table(records, args.tag))


if __name__ == "__main__":
    main()
