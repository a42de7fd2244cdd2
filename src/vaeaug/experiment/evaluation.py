"""The experiment: does VAE augmentation help a classifier? (Jorge et al. 2018, Table 2, and more.)

For each seed: fit the VAE on the training split (the validation split watching), generate with
each method over a small grid of strengths and amounts, train every classifier on the real
training set plus each synthetic set, and score it on validation and test. Per method, the grid
point with the best mean *validation* accuracy over the classifiers is chosen; its *test*
accuracy is reported. The test split is only ever scored: no fit and no choice sees it.
Comparators (SMOTE; for images affine transforms, Gaussian blurs, blurred affine copies, and
the VAE's offspring composed with as many of the last; for sequences the field's input-space
augmenters, and the VAE's offspring composed with as many time-warped copies; for tables exact
copies, the control for what rows alone do) go through the same grid of amounts. Sequences are
classified on their resampled, flattened form (:class:`~vaeaug.proxy.FeatureScaler`), with 1-NN
under DTW beside the paper's three.
"""

from __future__ import annotations

import platform
import subprocess
import time
import warnings
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.base import clone
from sklearn.decomposition import PCA
from tqdm.auto import tqdm

from .. import NoGainWarning, VAEAugmenter, __version__
from ..data.dataset import Dataset
from ..moves import MOVES
from ..priors import resolved_n_per_sample
from ..proxy import FeatureScaler
from ..sequences import object_array
from ..threads import work_threads
from .baselines import SEQUENCE_AUGMENTERS, copies, smote, smote_class
from .classifiers import make_classifiers
from .metrics import label_fidelity, prdc

VAE_METHODS = ("reconstruction", "noise", "interpolation", "extrapolation")
#: tables also show the method their defaults use (``"mixed"``: ``results/defaults-check.md``)
TABLE_METHODS = ("mixed",)
#: "VAE + affine_blur" (images): the VAE's default offspring and as many blurred affine copies,
#: together, as ``generate`` makes them by default; beside it each move alone, so that the VAE's
#: share shows (``results/stroke-blur.md``, ``results/compose-affine*.md``)
#: for sequences, the field's input-space augmenters (Um et al. 2017) and "VAE + time warp", the
#: same composition with the strongest of them: +4.3 points on the scarce cut against time warp's
#: +4.4 and +5.5 at the same doubled amount, ahead of the latter at 10 per class on the suite
#: (``results/sequences.md``, ``results/defaults-check.md``)
SEQUENCE_ONLY = (*SEQUENCE_AUGMENTERS, "VAE + time warp")
IMAGE_ONLY = ("affine", "blur", "affine_blur", "VAE + affine_blur")
#: tables also show exact copies at the same amount: there the gains are the size of what rows
#: alone do to a fixed-C SVM (satimage −1.2, glass +8.6; ``results/count-effect.md``)
TABLE_ONLY = ("copies",)
COMPARATORS = ("SMOTE", *TABLE_ONLY, *IMAGE_ONLY, *SEQUENCE_ONLY)


@dataclass
class ExperimentConfig:
    """What the experiment runs. ``amounts``: candidate synthetic samples per real one, chosen on
    validation; ``None``: the augmenter's ``n_per_sample`` alone (what ``generate`` makes by
    default), which also keeps the default run to one round of classifiers per column. ``strengths``: candidates per VAE method (σ or λ); ``None``, or a method not named, takes the
    strength the augmenter chose on validation inside ``fit`` (its ``strength="auto"``)."""

    seeds: tuple[int, ...] = (0, 1, 2)
    methods: tuple[str, ...] = VAE_METHODS
    comparators: tuple[str, ...] = COMPARATORS
    classifiers: tuple[str, ...] = ("SVM", "k-NN", "NN", "1-NN DTW")  # DTW: sequences only
    amounts: tuple[int, ...] | None = None
    strengths: dict[str, tuple] = field(default_factory=lambda: {
        "reconstruction": (None,), "noise": (None,), "interpolation": (None,), "extrapolation": (None,),
        "mixed": (None,),
    })
    augmenter_params: dict[str, Any] = field(default_factory=dict)
    #: training samples per class, drawn afresh per seed (validation: a fifth as many, at least 1),
    #: as the suite measures the scarce regime; ``None``: the whole split. The test split stays whole.
    per_class: int | None = None
    #: 1-NN DTW is left out when one fit would fill more DTW cells (training × (validation + test)
    #: samples × L²; about 5 ns each here) than this: ~25 s a column, which keeps the aeon sets
    #: and drops UJI's 1,240 trajectories of ~300 steps (hours)
    dtw_max_cells: float = 5e9
    quality_dims: int = 32  # PCA components of the feature space for precision/recall/density/coverage
    prdc_k: int = 5

    def to_dict(self) -> dict:
        d = asdict(self)
        d["strengths"] = {k: list(v) for k, v in self.strengths.items()}
        return d


def _git_commit() -> str | None:
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, timeout=5,
                             cwd=Path(__file__).resolve().parent)
        return out.stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None


def amounts_of(config: ExperimentConfig, kind: str) -> tuple[int, ...]:
    """The amounts the experiment tries on data of ``kind``: ``config.amounts``, else the
    augmenter's ``n_per_sample`` (``"auto"``: the kind's, :data:`vaeaug.priors.AMOUNT`)."""
    if config.amounts:
        return tuple(config.amounts)
    return (resolved_n_per_sample(config.augmenter_params.get("n_per_sample", VAEAugmenter().n_per_sample), kind),)


def _candidates(config: ExperimentConfig, column: str, kind: str) -> list[dict]:
    if column == "reconstruction":
        return [{"strength": None, "n_per_sample": 1}]
    if column in COMPARATORS:
        return [{"strength": None, "n_per_sample": a} for a in amounts_of(config, kind)]
    strengths = config.strengths.get(column, (None,))  # a method not named: the strength fit chose
    return [{"strength": s, "n_per_sample": a} for a in amounts_of(config, kind) for s in strengths]


def columns_for(config: ExperimentConfig, kind: str) -> list[str]:
    """Table columns: baseline, the VAE methods (tables also the defaults' own), then the comparators
    that apply to this kind."""
    only = {**dict.fromkeys(IMAGE_ONLY, "image"), **dict.fromkeys(SEQUENCE_ONLY, "sequence"),
            **dict.fromkeys(TABLE_ONLY, "vector")}
    comps = [c for c in config.comparators if only.get(c, kind) == kind]
    own = [m for m in TABLE_METHODS if kind == "vector" and m not in config.methods]
    return ["baseline", *config.methods, *own, *comps]


def _synthesize(column: str, cand: dict, aug: VAEAugmenter, X, y, seed: int, scaler: FeatureScaler):
    n = cand["n_per_sample"]
    if column == "SMOTE":  # sequences: on their resampled form, as the classifiers see them
        return smote(scaler.resampled(X) if scaler.kind == "sequence" else X, y, n, random_state=seed)
    if column == "copies":
        return copies(X, y, n)
    if column in MOVES:  # the image moves alone: affine, blur, affine_blur
        return MOVES[column](X, y, n, random_state=seed)
    if column in SEQUENCE_AUGMENTERS:
        return SEQUENCE_AUGMENTERS[column](X, y, n, random_state=seed)
    if column in ("VAE + affine_blur", "VAE + time warp"):  # the library's composition: offspring, then as many moves
        X_new, y_new = aug.generate(X, y, n_per_sample=n, random_state=seed, small_classes="skip",
                                    compose=column.removeprefix("VAE + ").replace(" ", "_"))
        return (object_array(X_new) if isinstance(X_new, list) else X_new), y_new
    with warnings.catch_warnings():  # a method fit found no gain for makes nothing: the record says so
        warnings.simplefilter("ignore", NoGainWarning)
        return aug.generate(X, y, column, cand["n_per_sample"], cand["strength"], random_state=seed,
                            small_classes="skip", compose="none")  # the VAE's own columns: its offspring alone


def run_seed(ds_train: Dataset, ds_val: Dataset, ds_test: Dataset, seed: int, config: ExperimentConfig,
             verbose: int = 1) -> tuple[dict, VAEAugmenter, dict]:
    """One seed of the experiment. Returns (record, fitted augmenter, chosen synthetic sets)."""
    t0 = time.perf_counter()
    kind = ds_train.kind
    cols = columns_for(config, kind)
    scaler = FeatureScaler().fit(ds_train.X, kind)
    F_tr, F_va, F_te = (scaler.transform(d.X) for d in (ds_train, ds_val, ds_test))
    shape = scaler.sequence_shape if kind == "sequence" else None
    clfs = {k: v for k, v in make_classifiers(seed, n_real=len(ds_train), sequence_shape=shape).items()
            if k in config.classifiers}
    dropped = {}
    if shape is not None and "1-NN DTW" in config.classifiers and "1-NN DTW" not in clfs:
        dropped["1-NN DTW"] = "left out: it needs aeon, which is not installed (pip install 'vaeaug[timeseries]')"
    if "1-NN DTW" in clfs:
        n_train = len(ds_train) * (1 + 2 * max(amounts_of(config, kind)))  # the composed column: twice the amount
        cells = float(n_train) * (len(ds_val) + len(ds_test)) * shape[0] ** 2
        if cells > config.dtw_max_cells:
            del clfs["1-NN DTW"]
            dropped["1-NN DTW"] = (f"left out: one fit would compute {cells:.1e} DTW cells, above dtw_max_cells = "
                                   f"{config.dtw_max_cells:.0e} (sequences of {shape[0]} steps)")
    n_fits = len(clfs) * (1 + sum(len(_candidates(config, c, kind)) for c in cols[1:]))
    bar = tqdm(total=n_fits, desc=f"seed {seed}: fitting classifiers (baseline)", disable=verbose <= 0, leave=False,
               unit="fit")
    timings = {"classifiers": 0.0, "generation": 0.0}

    def score(F_aug, y_aug) -> tuple[dict, dict, dict]:
        val, test, fitted = {}, {}, {}
        for name, proto in clfs.items():
            t = time.perf_counter()
            m = clone(proto).fit(F_aug, y_aug)
            val[name] = float(np.mean(m.predict(F_va) == ds_val.y))
            test[name] = float(np.mean(m.predict(F_te) == ds_test.y))
            fitted[name] = m
            timings["classifiers"] += time.perf_counter() - t
            bar.update(1)
        return val, test, fitted

    base_val, base_test, base_models = score(F_tr, ds_train.y)
    t = time.perf_counter()
    params = {"verbose": verbose, **config.augmenter_params, "random_state": seed}
    aug = VAEAugmenter(**params).fit(ds_train.X, ds_train.y, ds_val.X, ds_val.y)
    timings["vae_fit"] = time.perf_counter() - t

    record: dict[str, Any] = {
        "seed": seed,
        "val_accuracy": {n: {"baseline": base_val[n]} for n in clfs},
        "test_accuracy": {n: {"baseline": base_test[n]} for n in clfs},
        "chosen": {}, "grid": {}, "quality": {}, "dropped_classifiers": dropped,
        "vae": {"strength": dict(aug.strength_), "decoding": dict(aug.decoding_), "selection": aug.selection_,
                "collapsed": aug.collapsed_, "latent_spread_max": float(aug.latent_spread_.max()),
                "collapse_retried": aug.collapse_retried_, "image_shape": list(aug.image_shape_),
                "epochs_run": len(aug.history_["train_loss"]), "best_epoch": aug.best_epoch_ + 1,
                "best_val_loss": aug.history_["val_loss"][aug.best_epoch_], "history": aug.history_},
    }
    # the fixed feature space for quality metrics: PCA fitted on the real training features
    n_comp = int(min(config.quality_dims, F_tr.shape[1], len(F_tr) - 1))
    # arrays whatever sklearn.set_config(transform_output=...) the caller set: the metrics index them
    pca = PCA(n_components=n_comp, random_state=0).set_output(transform="default").fit(F_tr)
    P_te = pca.transform(F_te)
    chosen_sets = {}
    for col in cols[1:]:
        best = None
        grid = []
        for cand in _candidates(config, col, kind):
            bar.set_description(f"seed {seed}: generating ({col} ×{cand['n_per_sample']})")  # the stage, as it runs
            t = time.perf_counter()
            X_new, y_new = _synthesize(col, cand, aug, ds_train.X, ds_train.y, seed, scaler)
            timings["generation"] += time.perf_counter() - t
            bar.set_description(f"seed {seed}: fitting classifiers ({col} ×{cand['n_per_sample']})")
            F_aug = np.concatenate([F_tr, scaler.transform(X_new)])
            y_aug = np.concatenate([ds_train.y, y_new])
            val, test, _ = score(F_aug, y_aug)
            mean_val = float(np.mean(list(val.values())))
            grid.append({**cand, "val": val, "test": test, "mean_val": mean_val, "n_synthetic": len(X_new)})
            if best is None or mean_val > best[0]:
                best = (mean_val, cand, val, test, X_new, y_new)
        _, cand, val, test, X_new, y_new = best  # type: ignore[misc]
        if col in ("noise", "interpolation", "extrapolation", "mixed") and cand["strength"] is None:
            # what the augmenter chose on validation
            cand = {**cand, "strength": aug.strength_[col], "decoding": aug.decoding_[col]}
            if aug.strength_[col] is None:  # no setting helped on validation: no samples (on_no_gain="skip")
                cand["skipped"] = True
        record["grid"][col] = grid
        record["chosen"][col] = cand
        for n in clfs:
            record["val_accuracy"][n][col] = val[n]
            record["test_accuracy"][n][col] = test[n]
        F_new = scaler.transform(X_new)
        q = {"label_fidelity": label_fidelity(base_models.get("SVM", next(iter(base_models.values()))), F_new, y_new),
             "n_synthetic": int(len(X_new))}
        per_source = max(1, round(len(F_new) / len(F_tr)))  # offspring per training sample
        if len(F_new) > config.prdc_k * per_source and len(P_te) > config.prdc_k:
            q.update(prdc(P_te, pca.transform(F_new), k=config.prdc_k, per_source=per_source))
        record["quality"][col] = q
        chosen_sets[col] = (X_new, y_new)
    bar.close()
    timings["total"] = time.perf_counter() - t0
    record["timings"] = timings
    return record, aug, chosen_sets


def _mean_std(values: list[float]) -> dict[str, float]:
    """Mean and std over seeds, ignoring NaN (a metric of no samples, e.g. a skipped method's)."""
    a = np.asarray(values, dtype=np.float64)
    if np.isnan(a).all():
        return {"mean": float("nan"), "std": float("nan"), "values": a.tolist()}
    return {"mean": float(np.nanmean(a)), "std": float(np.nanstd(a)), "values": a.tolist()}


def val_chosen(records: list[dict], methods: list[str], classifiers: list[str]) -> dict:
    """Per classifier, the VAE method a practitioner would deploy: in each seed, the one with the
    best *validation* accuracy for that classifier; ties go to the one that adds fewer synthetic
    samples (a method ``fit`` found no gain for adds none: on a tie, validation does not support
    changing the training set), then to the first in ``methods``. Returns its test accuracy,
    mean ± std over seeds, the gain over the baseline and the picks."""
    out = {}

    def added(r: dict, m: str) -> int:
        return r.get("quality", {}).get(m, {}).get("n_synthetic", 0)

    for n in classifiers:
        picks = [max(methods, key=lambda m: (r["val_accuracy"][n][m], -added(r, m), -methods.index(m)))
                 for r in records]
        test = [r["test_accuracy"][n][m] for r, m in zip(records, picks)]
        gains = [t - r["test_accuracy"][n]["baseline"] for r, t in zip(records, test)]
        out[n] = {**_mean_std(test), "gain": _mean_std(gains), "picks": picks}
    return out


def summarise(records: list[dict], columns: list[str], classifiers: list[str]) -> dict:
    """Mean ± std over seeds of test accuracy, validation accuracy and quality, and the VAE method
    chosen per classifier on validation (:func:`val_chosen`)."""
    table = {n: {c: _mean_std([r["test_accuracy"][n][c] for r in records]) for c in columns} for n in classifiers}
    val = {n: {c: _mean_std([r["val_accuracy"][n][c] for r in records]) for c in columns} for n in classifiers}
    metrics = sorted({m for r in records for q in r["quality"].values() for m in q})
    quality = {c: {m: _mean_std([r["quality"][c].get(m, np.nan) for r in records]) for m in metrics}
               for c in columns[1:]}
    chosen = {c: [r["chosen"][c] for r in records] for c in columns[1:]}
    methods = [c for c in columns if c in VAE_METHODS or c in TABLE_METHODS]
    return {"table": table, "val_table": val, "quality": quality, "chosen": chosen,
            "val_chosen": val_chosen(records, methods, classifiers) if methods else {}}


def scarce(train: Dataset, val: Dataset, per_class: int | None, seed: int) -> tuple[Dataset, Dataset]:
    """The training and validation splits cut to ``per_class`` samples a class (validation: a
    fifth as many, at least 1), drawn with ``seed``; both whole for ``None``."""
    if per_class is None:
        return train, val
    from ..data import per_class_subsample

    n_val = max(1, per_class // 5)
    return (train.subset(per_class_subsample(train.y, per_class, seed), f"{train.name}[{per_class}/class]"),
            val.subset(per_class_subsample(val.y, n_val, seed), f"{val.name}[{n_val}/class]"))


def _sample_size(ds: Dataset) -> int:
    """Values per sample (a sequence's: its longest length × channels), for the thread rule."""
    if ds.kind == "sequence":
        return int(max(len(s) for s in ds.X) * np.asarray(ds.X[0]).shape[1])
    return int(np.prod(ds.X.shape[1:]))


def run_experiment(dataset: Dataset, config: ExperimentConfig | None = None, out_dir: str | Path | None = None,
                   verbose: int = 1, split_seed: int = 0) -> dict:
    """Run the experiment on ``dataset`` over ``config.seeds``; return the results as a dict.

    With ``out_dir``, also write ``results.json``, ``results.md``, ``report.md``, ``report.html``
    and ``figures/*.png`` there. The split is the data set's own when it has one, else one made
    with ``split_seed`` (by group when the data set has groups).
    """
    config = config or ExperimentConfig()
    t0 = time.perf_counter()
    if out_dir is not None:
        from .report import refuse_foreign_report

        refuse_foreign_report(out_dir)
    train, val, test = dataset.train_val_test(random_state=split_seed)
    for part, d in (("training", train), ("validation", val), ("test", test)):
        if len(d) == 0:
            values, counts = np.unique(dataset.y, return_counts=True)
            raise ValueError(f"the {part} split of {dataset.name} is empty: its {len(dataset)} samples (the "
                             f"smallest class, {values[counts.argmin()].item()!r}, holds {counts.min()}) cannot fill a "
                             "training, a validation and a test split; give more samples"
                             + ("" if dataset.split is not None and "test" in dataset.split else
                                ", or a test set of their own (--test)"))
    if len(np.unique(train.y)) < 2:
        raise ValueError(f"the training split of {dataset.name} has a single class ({train.y[0]!r}); "
                         "a classifier needs at least two classes")
    cols = columns_for(config, dataset.kind)
    if "SMOTE" in cols:
        smote_class()  # imbalanced-learn there and importing, before the first fit
    records, first = [], None
    try:
        for seed in tqdm(config.seeds, desc=f"experiment on {dataset.name}", disable=verbose <= 0, unit="seed"):
            tr, va = scarce(train, val, config.per_class, seed)
            # the classifiers too, by the same rule as the augmenter's
            with work_threads(config.augmenter_params.get("n_jobs"), _sample_size(tr)):
                rec, aug, sets = run_seed(tr, va, test, seed, config,
                                          verbose=max(verbose - 1, 0) if len(config.seeds) > 1 else verbose)
            records.append(rec)
            if first is None:
                first = (aug, sets, tr, va)
    except KeyboardInterrupt:
        if not records or out_dir is None:
            raise
        interrupted = True  # the seeds done are reported, then the interrupt goes on
    else:
        interrupted = False
    classifiers = list(records[0]["test_accuracy"])
    result = {
        "vaeaug_version": __version__,
        "commit": _git_commit(),
        "machine": {"python": platform.python_version(), "platform": platform.platform(), "processor": platform.machine()},
        "dataset": {"name": dataset.name, "summary": dataset.summary(), "meta": dataset.meta, "kind": dataset.kind,
                    "sizes": {"train": len(first[2]), "val": len(first[3]), "test": len(test)},  # type: ignore[index]
                    "n_classes": int(len(dataset.classes))},
        "config": config.to_dict(),
        "amounts": list(amounts_of(config, dataset.kind)),
        "columns": cols,
        "classifiers": classifiers,
        "seeds": [r["seed"] for r in records],
        **({"interrupted": {"seeds_asked": list(config.seeds)}} if interrupted else {}),
        **summarise(records, cols, classifiers),
        "per_seed": records,
        "seconds": time.perf_counter() - t0,
    }
    if out_dir is not None:
        from .report import write_report

        write_report(result, out_dir, train=first[2], test=test, augmenter=first[0], chosen_sets=first[1])  # type: ignore[index]
    if interrupted:
        raise ExperimentInterrupted(result, out_dir)
    return result


class ExperimentInterrupted(KeyboardInterrupt):
    """An interrupt (Ctrl-C) after some seeds of :func:`run_experiment` were done: their report
    was written to ``out_dir`` (``result``, marked ``"interrupted"``), and the interrupt goes on."""

    def __init__(self, result: dict, out_dir):
        super().__init__(f"interrupted after seed(s) {result['seeds']} of {result['interrupted']['seeds_asked']}; "
                         f"their report is in {out_dir}")
        self.result, self.out_dir = result, out_dir
