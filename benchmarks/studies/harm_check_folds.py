"""Why the harm check rejects the VAE's warped offspring on UJI v1 in some seeds, though they gain
on the test writers (``results/uji-methods.md``): is it the fold generators (trained on half the
pooled samples, for the main model's epoch count), or the folds themselves (held-out samples whose
writers the fold trained on, where the test writers are new)?

Variants of the check, on the paper's writer split (W01–W07 train, W08 validation, W09–W11 test):
``default`` (``cv="auto"``: 2 folds here); ``steps`` (fold generators trained as many optimizer
steps as the main model: epochs and KL warm-up × n_train / n_fold); ``cv3`` (3 folds: generators
on two thirds); ``writers`` (2 folds of whole writers, W01–W08 split 4/4: held-out writers unseen,
as the test's are). ``all-samples`` (the proxy fitted on every sample: its fit otherwise draws
3,000 at random when given more, which drops real samples from the arm with offspring only).
``svc``: the check scoring with the classifier the paper and issue 17 use, ``estimator=SVC(C=10)``.
``default``, ``all-samples`` and ``svc`` also score each setting on the test writers with the
check's own scorer (beside the same blurred affine copies): the gain the check estimates.
Study code: it patches the library's fold functions. One JSON line per run
(``results/harm-check-folds.jsonl``, resumable), then ``harm-check-folds.md``.

    python benchmarks/studies/harm_check_folds.py --variants default writers all-samples --seeds 0 1 2
    python benchmarks/studies/harm_check_folds.py --variants steps cv3 --seeds 1 2
    python benchmarks/studies/harm_check_folds.py --table

The records were made before 82a0cef, which made the library's check keep every real sample
(``default`` then subsampled past 3,000 rows; rerun now, it does what ``all-samples`` does).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import defaults_suite as suite  # noqa: E402

JSONL = suite.RESULTS / "harm-check-folds.jsonl"
VARIANTS = ("default", "steps", "cv3", "writers", "all-samples", "svc")


def patched(variant: str, n_train: int, writers: np.ndarray):
    """Context: the library's fold functions as the variant wants them."""
    from contextlib import ExitStack
    from unittest import mock

    import vaeaug.fitting as fitting
    import vaeaug.selection as selection

    stack = ExitStack()
    if variant == "steps":
        orig = fitting.train_fold

        def train_fold(aug, vae, X, y, U, epochs, kl_warmup):
            r = n_train / len(X)
            return orig(aug, vae, X, y, U, int(round(epochs * r)), int(round(kl_warmup * r)))

        stack.enter_context(mock.patch.object(fitting, "train_fold", train_fold))
    elif variant == "all-samples":
        import vaeaug.proxy as proxy

        class Unsampled(proxy.KernelRidgeClassifier):
            def __init__(self, gamma="scale", alpha=0.1, max_samples=10**6, random_state=0):
                super().__init__(gamma, alpha, max_samples, random_state)

        stack.enter_context(mock.patch.object(proxy, "KernelRidgeClassifier", Unsampled))
    elif variant == "writers":
        from sklearn.model_selection import GroupKFold

        def folds(y, n_folds, random_state):
            return list(GroupKFold(n_folds).split(np.zeros(len(y)), y, writers))

        stack.enter_context(mock.patch.object(selection, "folds", folds))
    return stack


def run(variant: str, seed: int) -> dict:
    from sklearn.svm import SVC

    from vaeaug import VAEAugmenter
    from vaeaug.data import load_ujipen_v1

    from vaeaug.experiment.evaluation import _git_commit

    commit = _git_commit()  # the library as loaded, before the run
    tr, va, te = load_ujipen_v1().train_val_test()
    writers = np.concatenate([tr.groups, va.groups])
    t = time.perf_counter()
    stack = patched(variant, len(tr), writers)
    with warnings.catch_warnings(), stack:
        warnings.simplefilter("ignore")
        aug = VAEAugmenter(random_state=seed, verbose=0, cv=3 if variant == "cv3" else "auto", n_jobs=1,
                           estimator=SVC(C=10) if variant == "svc" else None).fit(tr.X, tr.y, va.X, va.y)
        rec = measured(aug, variant, seed, time.perf_counter() - t, tr, te)
    return {**rec, "commit": commit}


def measured(aug, variant: str, seed: int, fit_s: float, tr, te) -> dict:
    """The check's verdicts, and for ``default`` and ``all-samples`` each setting's gain on the
    test writers with the check's own scorer (as patched)."""
    from vaeaug.generation import moved_copies, moves_rng
    from vaeaug.proxy import FeatureScaler
    from vaeaug.selection import Scorer, gain_interval

    rec = {"variant": variant, "seed": seed, "fit_s": fit_s,
           "reason": aug.selection_["reason"], "folds": aug.selection_.get("folds"),
           "cv_baseline_accuracy": aug.selection_.get("baseline_accuracy"),
           "candidates": [{k: c[k] for k in ("method", "decoding", "strength", "gain", "interval", "wins",
                                              "losses", "harmful")} for c in aug.selection_["candidates"]]}
    if variant in ("default", "all-samples", "svc"):  # what the check estimates, on the test writers, same scorer
        scorer, scaler = Scorer(aug.estimator, "image", seed), FeatureScaler().fit(tr.X, "image")
        X_mv, y_mv = next(moved_copies(aug, aug.compose_, tr.X, tr.y, aug.n_per_sample_, moves_rng(seed)))
        X0, y0 = np.concatenate([tr.X, X_mv]), np.concatenate([tr.y, y_mv])
        base = scorer.right(X0, y0, te.X, te.y, scaler)
        for c in rec["candidates"]:
            X_new, y_new = aug.generate(tr.X, tr.y, c["method"], aug.n_per_sample_, c["strength"],
                                        decoding=c["decoding"], compose="none", random_state=seed)
            right = scorer.right(np.concatenate([X0, X_new]), np.concatenate([y0, y_new]), te.X, te.y, scaler)
            c["test_gain"], lo, hi = gain_interval((right.astype(np.int8) - base).astype(np.float64))
            c["test_interval"] = [lo, hi]
    return rec


def table(runs: list[dict]) -> str:
    md = ["# The harm check on UJI v1: which folds see the harm", "",
          "Each variant's estimate of each image setting's gain (points, the proxy unless `svc`, which was not run: "
          "62-class SVC fits took over 25 minutes a seed at one thread; beside blurred affine copies; "
          "`*`: rejected as harmful), per seed; `test`: the same setting's gain on the test writers W09–W11 with "
          "the same scorer and copies, from the main model. Commands: `python benchmarks/studies/harm_check_folds.py "
          "--variants default writers all-samples --seeds 0 1 2`, `... --variants steps cv3 --seeds 1 2`; the library "
          "as loaded at a9f927a in every run (all-samples seed 0 records 26ee3e6, read as it ended). "
          "`default` is the check before 82a0cef, whose "
          "proxy drew 3,000 of the augmented arm's 3,472 rows at random, real ones included; `all-samples` fits "
          "every row, as the check does since.", ""]
    sets = [(c["method"], c["decoding"], c["strength"]) for c in runs[0]["candidates"]]
    md += ["| variant | seed | " + " | ".join(f"{m} {d} {s}" for m, d, s in sets) + " | fit s |",
           "|---|---|" + "---|" * (len(sets) + 1)]
    for r in sorted(runs, key=lambda r: (VARIANTS.index(r["variant"]), r["seed"])):
        cells = [f"{c['gain']:+.1f} [{c['interval'][0]:+.1f}, {c['interval'][1]:+.1f}]{'*' if c['harmful'] else ''}"
                 for c in r["candidates"]]
        md.append(f"| {r['variant']} | {r['seed']} | " + " | ".join(cells) + f" | {r['fit_s']:.0f} |")
        if "test_gain" in r["candidates"][0]:
            md.append(f"| test writers | {r['seed']} | " + " | ".join(
                f"{c['test_gain']:+.1f} [{c['test_interval'][0]:+.1f}, {c['test_interval'][1]:+.1f}]"
                for c in r["candidates"]) + " | |")
    return "\n".join(md) + "\n"


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--variants", nargs="+", choices=VARIANTS, default=["default", "writers"])
    p.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    p.add_argument("--table", action="store_true", help="only rewrite the table from the records")
    a = p.parse_args()
    if not a.table:
        for variant in a.variants:
            for seed in a.seeds:
                runs = [json.loads(x) for x in JSONL.read_text().splitlines()] if JSONL.exists() else []
                if any((r["variant"], r["seed"]) == (variant, seed) for r in runs):
                    continue
                rec = run(variant, seed)
                with JSONL.open("a") as f:  # after every run: a long study keeps what it has
                    f.write(json.dumps(rec) + "\n")
                print(variant, seed, "done", flush=True)
    from vaeaug.fileio import atomic_write_text

    runs = [json.loads(x) for x in JSONL.read_text().splitlines()]
    text = table(runs)
    atomic_write_text(suite.RESULTS / "harm-check-folds.md", text)
    print(text)


if __name__ == "__main__":
    main()
