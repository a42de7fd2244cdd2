"""The ``vaeaug`` command line: thin sub-commands over the same API a Python user calls."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

from . import __version__
from .cli_data import (
    SEQUENCES_FILE,
    TABLE_FILE,
    add_image_size_arg,
    augment_data,
    frame_table,
    image_mode,
    is_csv,
    is_folder,
    keep_table,
    large_images_hint,
    long_csv,
    training_data,
    unlabeled_data,
    write_samples,
)
from .cli_info import UNWATCHED
from .cli_options import _strength, add_estimator_args, estimator_kwargs, parameter_help
from .fileio import sha256_file
from .priors import MOVE_KIND


def _augmenter_from_args(args):
    from .augmenter import VAEAugmenter

    return VAEAugmenter(**estimator_kwargs(args, VAEAugmenter), random_state=args.seed,
                        verbose=0 if args.quiet else 1)


def _positive(text: str) -> int:
    """An integer >= 1, for counts."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def cmd_train(args) -> int:
    from .checkpoint import Checkpointer
    from .training import init_distributed_from_env

    if Path(args.out).exists() and not Path(args.out).is_dir():  # before any training
        raise ValueError(f"--out {args.out} is a file; a model is saved as a directory")
    if Path(args.out).resolve() == Path(args.data).resolve():
        raise ValueError(f"--out {args.out} is --data; give a directory for the model")
    from .persistence import refuse_foreign

    refuse_foreign(Path(args.out), (TABLE_FILE, SEQUENCES_FILE))  # before training, not after it
    arrays, table = training_data(args.data, args.label, args.header, args.sequence_id, args.time, args.image_size)
    if Path(args.data).is_dir() and args.image_size is None and (hint := large_images_hint(arrays["X"], args.data)):
        print(hint, file=sys.stderr)
    if table is not None and not table.get("header", True) and args.header is None:
        print(f"{args.data}: its first row is data, not a header: columns are named by place (0, 1, ...) and the "
              f"label is column {table['label']} (--header reads the first row as names)", file=sys.stderr)
    unlabeled = None if args.unlabeled is None else unlabeled_data(args.unlabeled, arrays, table)
    rank, world = init_distributed_from_env(args.device)
    if world > 1 and args.device in ("auto", "cuda") and __import__("torch").cuda.is_available():
        args.device = f"cuda:{__import__('os').environ.get('LOCAL_RANK', '0')}"
    if world > 1 and rank > 0:
        args.quiet = True
    aug = _augmenter_from_args(args)
    ckpt_dir = Path(args.out) / ".checkpoint"
    if args.resume and not (ckpt_dir / "state.safetensors").is_file() and rank == 0:
        print(f"no checkpoint in {ckpt_dir}: starting from the beginning", file=sys.stderr)
    aug.fit(arrays["X"], arrays["y"], arrays.get("X_val"), arrays.get("y_val"),
            checkpoint_dir=ckpt_dir, resume=args.resume, X_unlabeled=unlabeled)
    if world > 1:
        import torch.distributed as dist

        dist.barrier()
    if rank > 0:
        return 0
    aug.save(args.out)
    keep_table(args.out, table)
    Checkpointer(ckpt_dir, "").clear()
    h = aug.history_
    print(f"trained {len(h['train_loss'])} epochs"
          + (f" on {world} processes" if world > 1 else "")
          + (f" with {len(unlabeled)} unlabeled samples" if unlabeled is not None else "")
          + (f"; best validation loss {h['val_loss'][h['best_epoch']]:.4f} at epoch {h['best_epoch'] + 1}" if h["val_loss"]
             else f"; {UNWATCHED}")
          + f"; saved to {args.out}")
    return 0


def _augment_sharded(aug, arrays, args) -> int:
    """Stream synthetic samples into a shard set of --shard-size samples a part (:mod:`vaeaug.shards`)."""
    from tqdm.auto import tqdm

    from .persistence import MANIFEST_FILE
    from .shards import write_shards

    total = len(arrays["X"]) * args.per_sample * (1 if args.compose == "none" else 2)
    model_sums = Path(args.model) / MANIFEST_FILE
    meta = {"method": args.method, "per_sample": args.per_sample, "strength": args.strength,
            "decoding": args.decoding, "compose": args.compose, "seed": args.seed, "data": str(args.data), "model": str(args.model),
            "model_sha256": sha256_file(model_sums) if model_sums.is_file() else None}
    with tqdm(total=total, desc="augment", unit="sample", disable=args.quiet) as bar:
        def chunks():
            for Xc, yc in aug.generate_batches(arrays["X"], arrays["y"], args.method, args.per_sample,
                                               args.strength, batch_size=min(args.shard_size, 4096),
                                               random_state=args.seed, decoding=args.decoding,
                                               compose=args.compose, small_classes=args.small_classes):
                bar.update(len(Xc))
                yield Xc, yc

        manifest = write_shards(chunks(), args.out, args.shard_size, meta)
    if manifest["samples"] == 0:
        print(f"vaeaug augment: error: no samples made ({args.method}); nothing written to {args.out}",
              file=sys.stderr)
        return 1
    print(f"wrote {manifest['samples']} samples ({args.method}) in {len(manifest['shards'])} shard(s) to {args.out}")
    return 0


def cmd_verify(args) -> int:
    from .shards import verify

    m = verify(args.verify)
    print(f"{args.verify}: {m['samples']} samples in {len(m['shards'])} part(s), every checksum matches")
    return 0


def cmd_augment(args) -> int:
    from .latent import SmallClassError

    try:
        return _augment(args)
    except SmallClassError as e:  # the library's advice in the options' own spelling
        raise ValueError(f"{e.method} needs at least two samples per class; class(es) {', '.join(e.classes)} have "
                         "one. Give more samples, --method noise, --small-classes noise to give those samples noise "
                         "offspring, or --small-classes skip to give them none") from None


def _augment(args) -> int:
    from .augmenter import VAEAugmenter

    if args.verify:
        return cmd_verify(args)
    missing = [o for o in ("model", "data", "out") if getattr(args, o) is None]
    if missing:
        raise ValueError(f"augment needs {', '.join('--' + o for o in missing)} (or --verify DIR)")
    from .generation import small_class_rule

    if Path(args.out).resolve() == Path(args.data).resolve():
        raise ValueError(f"--out {args.out} is --data: the synthetic samples would replace your input; "
                         "give another path")
    if args.shard_size and Path(args.out).exists() and not Path(args.out).is_dir():  # cheap checks first
        raise ValueError(f"--out {args.out} is a file; with --shard-size it names a folder of shards")
    aug = VAEAugmenter.load(args.model, device=args.device)
    images = aug.vae_.kind == "image" and not getattr(aug, "image_shape_", ())  # pictures, not tables of pixels
    as_images = images and not args.shard_size and is_folder(args.out)  # a folder of PNG files per class
    if args.image_size is not None:  # the train command's option, repeated: only the model's size reads
        size = tuple(aug.vae_.config.input_shape[-2:])
        if not images:
            made = {"image": "tables of pixels", "vector": "tables", "sequence": "sequences"}[aug.vae_.kind]
            raise ValueError(f"--image-size reads a folder of images, and {args.model} makes {made}")
        if not Path(args.data).is_dir():
            raise ValueError("--image-size reads a folder of images: give one as --data")
        if tuple(args.image_size) != size:
            raise ValueError(f"--image-size {args.image_size[0]},{args.image_size[1]}: {args.model} reads images of "
                             f"{size[0]}×{size[1]} pixels, and augment reads the folder at that size: leave the "
                             "option out")
    if as_images:  # before generating: labels that would share a folder are refused at once
        from .data.images import check_label_folders

        check_label_folders(aug.classes_)
    if not args.shard_size and Path(args.out).is_dir() and not as_images:
        raise ValueError(f"--out {args.out} is a folder; give a .npz file (or --shard-size N for a folder of shards)")
    suffix = Path(args.out).suffix.lower()
    if not (args.shard_size or as_images or is_csv(args.out)) and suffix not in ("", ".npz", ".ts"):
        raise ValueError(f"--out {args.out}: augment writes an .npz (X, y, source, moved), a .csv (a table's model), "
                         f"a .ts file (a sequence model's) or a folder of images, not a {suffix} file")
    if suffix == ".ts" and (aug.vae_.kind != "sequence" or args.shard_size):
        raise ValueError(f"--out {args.out}: a .ts file holds sequences, written whole (no --shard-size)"
                         + ("" if aug.vae_.kind == "sequence" else f"; {args.model} makes {aug.vae_.kind}s: write an .npz"))
    if suffix == ".ts":  # before generating, as an image folder's labels
        from .data.timeseries import check_ts_labels

        check_ts_labels(aug.classes_)
    args.small_classes = small_class_rule(args.small_classes, args.method)  # as generate(X, y): no --method, no refusal
    args.method = aug.method if args.method is None else args.method  # the model's own defaults
    args.per_sample = aug.n_per_sample_ if args.per_sample is None else args.per_sample
    args.compose = aug.compose_ if args.compose in (None, "auto") else args.compose
    pre = aug.vae_.preprocessor
    arrays, table = augment_data(args.data, args.model, args.out, args.label, bool(args.shard_size),
                                 tuple(aug.vae_.config.input_shape[-2:]) if images else None, args.header,
                                 aug.classes_, frame_table(aug, args.data, args.label, args.header),
                                 image_mode(pre.shape_, pre.dtype_) if images else None)
    if args.shard_size:
        if isinstance(arrays["X"], list):
            raise ValueError("--shard-size streams arrays; ragged sequences are written to one .npz (drop "
                             "--shard-size)")
        return _augment_sharded(aug, arrays, args)
    X_new, y_new, codes = aug.generate(arrays["X"], arrays["y"], args.method, args.per_sample, args.strength,
                                       random_state=args.seed, decoding=args.decoding, return_codes=True,
                                       compose=args.compose, small_classes=args.small_classes)
    source, moved = codes.source, codes.moved
    if args.include_original:  # the inputs are their own sources, and not moved
        X_new = list(arrays["X"]) + list(X_new) if isinstance(X_new, list) else np.concatenate([arrays["X"], X_new])
        y_new = np.concatenate([arrays["y"], y_new])
        source = np.concatenate([np.arange(len(arrays["y"])), source])
        moved = np.concatenate([np.zeros(len(arrays["y"]), bool), moved])
    if len(codes.y) == 0:  # the warning above says why
        print(f"vaeaug augment: error: no samples made ({args.method}); nothing written to {args.out}. Pass "
              "--strength S to generate anyway, or train with --on-no-gain near_copies", file=sys.stderr)
        return 1
    n_original = len(arrays["y"]) if args.include_original else 0
    missing = arrays.get("missing")  # a CSV's missing cells: each row written misses its source's
    if missing is not None:
        holes = missing[0][source]
        if getattr(aug, "image_shape_", ()):  # a table of pixels: whole pictures, as in Python; the inputs as they were
            holes[n_original:] = False
        missing = (holes, missing[1])
    write_samples(args.out, X_new, y_new, source, moved, table, as_images, arrays.get("names"), n_original,
                  arrays.get("times"), missing)
    method = aug.selection_.get("chosen", {}).get("method", args.method) if args.method == "auto" else args.method
    moved = "" if args.compose == "none" else \
        f", then {args.per_sample} {args.compose.replace('_', ' ')} cop{'y' if args.per_sample == 1 else 'ies'}"
    print(f"wrote {len(X_new)} samples ({method}, {args.per_sample} per input{moved}) to {args.out}")
    return 0


def add_long_csv_args(p: argparse.ArgumentParser) -> None:
    """--sequence-id and --time: a long CSV of sequences, one row per time step."""
    p.add_argument("--sequence-id", default=None, metavar="COLUMN",
                   help="read the CSV as sequences, one row per time step: COLUMN names each row's sequence (a "
                        "case); the other columns but --label and --time are its channels (numbers)")
    p.add_argument("--time", default=None, metavar="COLUMN",
                   help="with --sequence-id: order each case's steps by COLUMN (numbers or ISO dates) and leave it "
                        "out of the channels (default: the file's row order)")


HEADER_HELP = ("whether the CSV's first row names its columns (default: decided from the file: a first row of "
               "numbers and values its columns hold is data, and columns are then named by place, 0, 1, ...)")

#: A training split past this many samples gets the hint to try --per-class.
LARGE_TRAINING = 5000

#: The experiment's data set when none is named: the paper's case study, embedded in the package.
DEFAULT_DATASET = "ujipen-v1"


def _load_data(args):
    from .data import load_dataset, load_path, with_test_file

    if args.data and args.dataset:
        raise ValueError("give --dataset NAME or --data PATH, not both")
    test = getattr(args, "test", None)
    if test is not None and not args.data:
        raise ValueError("--test is the test set of your own --data; a named data set brings its own")
    if args.data and args.sequence_id:
        ds = long_csv(args.data, args.sequence_id, args.label, args.time)
    elif args.image_size is not None and not (args.data and Path(args.data).is_dir()):
        raise ValueError("--image-size reads a folder of images: give one as --data")
    elif args.data and test is not None and Path(args.data).suffix.lower() == ".ts":
        from .data.timeseries import load_ts

        ds = load_ts(args.data)  # --test stands for the _TEST.ts beside it
    elif args.data:
        csv = {"header": args.header} if args.header is not None and is_csv(args.data) else {}
        size = {"size": args.image_size} if args.image_size is not None else {}
        ds = load_path(args.data, label=args.label, kind=getattr(args, "data_kind", None), **csv, **size)
    else:
        return load_dataset(args.dataset or DEFAULT_DATASET, path=args.dataset_path)
    return ds if test is None else with_test_file(ds, test, args.header)


def cmd_experiment(args) -> int:
    from importlib.util import find_spec

    from .augmenter import VAEAugmenter
    from .versions import OPTIONAL

    absent = [d for d in ("matplotlib", "imbalanced-learn") if find_spec(OPTIONAL[d]) is None]
    if absent:  # both named at once, with the extra that brings them
        raise ValueError(f"the experiment needs {' and '.join(absent)}: pip install \"vaeaug[experiment]\"")
    # there but failing: vaeaug.plots' own error says which release, in one line (main)
    from .experiment.evaluation import ExperimentConfig, run_experiment
    from .experiment.report import beside_paper, data_summary, markdown_table, paper_comparison, quality_table

    ds = _load_data(args)
    params = estimator_kwargs(args, VAEAugmenter, overrides=True)
    seeds = tuple(range(args.seed, args.seed + args.seeds))
    config = ExperimentConfig(seeds=seeds, augmenter_params=params, per_class=args.per_class)
    if args.amounts:
        config.amounts = tuple(args.amounts)
    if not args.quiet:
        print(ds.summary(), file=sys.stderr)
        if args.data and Path(args.data).is_dir() and args.image_size is None and (
                hint := large_images_hint(ds.X, args.data)):
            print(hint, file=sys.stderr)
        n_train = len(ds.train_val_test()[0])
        if args.per_class is None and n_train > LARGE_TRAINING:
            print(f"the training split holds {n_train} samples: classifiers on them and their offspring take long, "
                  "and augmentation pays most on few; --per-class 10 measures that regime, as the suite does",
                  file=sys.stderr)
    result = run_experiment(ds, config, out_dir=args.out, verbose=0 if args.quiet else 1)
    print(f"\n{data_summary(result)}\nTest accuracy (%), mean ± std over seeds {list(seeds)}:\n")
    print(markdown_table(result))
    if beside_paper(result):
        print("\nBeside the paper (Jorge et al. 2018, Table 2, UJI Pen Characters v2), gains in points:\n")
        print(paper_comparison(result))
    if len(seeds) == 1:
        print(f"\nOne seed ({seeds[0]}); --seeds 3 gives mean ± std over three.")
    print("\nSynthetic sample quality:\n")
    print(quality_table(result))
    print(f"\nReport: {Path(args.out) / 'report.html'} ({result['seconds']:.0f} s)")
    return 0


def cmd_info(args) -> int:
    import json

    from .augmenter import VAEAugmenter
    from .cli_info import describe, model_summary

    aug = VAEAugmenter.load(args.model, device="cpu")  # checks every checksum first
    s = model_summary(aug, args.model)
    print(json.dumps(s, indent=2, default=str) if args.json else "\n".join(describe(s)))
    return 0


def cmd_datasets(args) -> int:
    from .data import DATASETS, cache_dir

    print("Named data sets (--dataset NAME):")
    width = max(len(n) for n in DATASETS)
    for name, (_, desc) in DATASETS.items():
        print(f"  {name:<{width}}  {desc}")
    print(f"\nDownloads are cached in {cache_dir()} (set VAEAUG_DATA_DIR to change it).")
    print("Your own data (--data PATH): a .csv table (--label COLUMN), an .npz with X and y "
          "(optional X_val/y_val, X_test/y_test), a folder with one sub-folder of images per class, or "
          "time series: a .ts file (its _TEST.ts beside it is the test split), an .npz of sequences "
          "(X_values + X_lengths, or X (N, T, C) with --data-kind sequence), or a long .csv with a row per "
          "time step (--sequence-id COLUMN, --time COLUMN).")
    return 0


def build_parser() -> argparse.ArgumentParser:
    from .augmenter import VAEAugmenter

    p = argparse.ArgumentParser(
        prog="vaeaug",
        description="Data augmentation with variational autoencoders: train a VAE, alter codes in "
                    "latent space (noise, interpolation, extrapolation), decode new labelled samples.",
    )
    p.add_argument("--version", action="version", version=f"vaeaug {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    common.add_argument("-q", "--quiet", action="store_true", help="no progress bars")
    common.add_argument("--traceback", action="store_true", help="show the full traceback of an error")

    t = sub.add_parser("train", parents=[common], help="train a VAE and save it",
                       description="Train a VAE on FILE.csv (a table: numbers and categories), FILE.npz (arrays "
                                   "X, y; optional X_val, y_val), FILE.ts (UCR/UEA time series) or a FOLDER of "
                                   "images (one sub-folder per class) and save it.",
                       epilog="examples:\n  vaeaug train --data train.npz --out model\n"
                              "  vaeaug train --data train.csv --label species --out model   # a table\n"
                              "  vaeaug train --data images/ --out model   # images/<class>/*.png\n"
                              "  vaeaug train --data images/ --unlabeled more_images/ --out model\n"
                              "  vaeaug train --data train.npz --out model --epochs 100 --latent-dim 32 --resume\n"
                              "  vaeaug train --data JapaneseVowels_TRAIN.ts --out model   # sequences, ragged\n"
                              "  vaeaug train --data series.npz --data-kind sequence --out model   # X (N, T, C)\n"
                              "  vaeaug train --data log.csv --sequence-id subject --time t --out model   # a row a step\n"
                              "ragged sequences in an .npz: X_values (all steps stacked, (sum T_i, C)) and "
                              "X_lengths (N,)",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    t.add_argument("--data", required=True, help=".csv table; .npz with X (N, ...) and y (N,), optional X_val, "
                                                "y_val; a .ts file; or a folder of class sub-folders of images")
    t.add_argument("--label", default=None, help="label column of a CSV (default: class/label/target/y or the last)")
    t.add_argument("--header", action=argparse.BooleanOptionalAction, default=None,
                   help=HEADER_HELP)
    add_long_csv_args(t)
    add_image_size_arg(t)
    t.add_argument("--unlabeled", default=None, metavar="PATH",
                   help="samples without labels that also train the VAE (not the choice): an .npz with X, a .csv "
                        "with the training table's columns, or a folder of images (any layout)")
    t.add_argument("--out", required=True, help="model directory to write")
    t.add_argument("--resume", action="store_true",
                   help="continue an interrupted run from the checkpoint in OUT/.checkpoint (saved every epoch)")
    add_estimator_args(t, VAEAugmenter)
    t.set_defaults(func=cmd_train)

    a = sub.add_parser("augment", parents=[common], help="generate synthetic samples with a saved model",
                       description="Encode FILE.npz (FILE.ts, FILE.csv, or a FOLDER of images) with a saved model, "
                                   "alter the codes, decode new samples. Ragged sequences come out as X_values and "
                                   "X_lengths; images into a folder, as PNG files per class.",
                       epilog="examples:\n  vaeaug augment --model model --data train.npz --out new.npz\n"
                              "  vaeaug augment --model model --data train.csv --out new.csv   # a table's rows\n"
                              "  vaeaug augment --model model --data images/ --out new/   # new/<class>/*.png\n"
                              "  vaeaug augment --model model --data train.npz --method noise --strength 0.5 "
                              "--per-sample 5 --out new.npz\n"
                              "  vaeaug augment --model model --data big.npz --shard-size 100000 --out shards/\n"
                              "  vaeaug augment --verify shards/",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    a.add_argument("--model", help="model directory written by `vaeaug train` (or by VAEAugmenter.save)")
    a.add_argument("--data", help=".npz with X and y (or X_values, X_lengths and y), a .ts file, a folder of class "
                                  "sub-folders of images (read at the model's size), or (for a model trained on a "
                                  "CSV, or fitted on a DataFrame) a .csv with its columns: the samples to augment")
    a.add_argument("--label", default=None, help="label column of a CSV (default: the one the model was trained on; "
                                                 "for a model fitted in Python on a DataFrame, the one column "
                                                 "besides the frame's)")
    a.add_argument("--header", action=argparse.BooleanOptionalAction, default=None,
                   help="whether the CSV's first row names its columns (default: as the training CSV's did); "
                        "a CSV out is written alike")
    a.add_argument("--verify", metavar="DIR", default=None,
                   help="check a shard set written with --shard-size against its manifest, and exit")
    a.add_argument("--method", default=None,
                   choices=["auto", "noise", "interpolation", "extrapolation", "mixed", "reconstruction"],
                   help="how codes are altered (default, auto: the model's own method)")
    a.add_argument("--per-sample", "--n-per-sample", dest="per_sample", type=_positive, default=None,  # train's name too
                   help="synthetic samples per input (default: the model's own n_per_sample)")
    a.add_argument("--strength", type=_strength, default=None,
                   help="σ (noise) or λ (interpolation/extrapolation), or LOW,HIGH to draw it "
                        "(default, auto: the one the model chose)")
    a.add_argument("--decoding", choices=["auto", "direct", "residual", "warp", "timewarp"], default=None,
                   help="decode z' itself, move the input by D(z') − D(z), or deform the input by the motion "
                        "from D(z) to D(z'): in space (warp, images) or in time (timewarp, sequences) "
                        "(default, auto: the model's choice)")
    a.add_argument("--small-classes", choices=["auto", "raise", "skip", "noise"], default="auto",
                   help="what a neighbour method does with a sample alone in its class: refuse it, make it no "
                        "offspring, or make them by noise; auto: noise unless --method names one (default: auto)")
    a.add_argument("--compose", choices=["auto", "none", *MOVE_KIND], default=None,
                   help="also write as many input-space moves of each input: affine, blur or affine_blur "
                        "(images), time_warp (sequences), or none; auto, the default: the model's own compose_")
    a.add_argument("--include-original", action="store_true", help="write the inputs too, before the synthetic samples")
    a.add_argument("--out", help=".npz to write (X, y, source, moved); a .csv of the table's columns for a model "
                                 "trained on a CSV; a .ts file (the series and labels) for a sequence model; a "
                                 "folder with --shard-size; for an image model, a folder "
                                 "(FOLDER/ or no suffix) of OUT/<label>/<source>-vae-<k>.png files")
    a.add_argument("--shard-size", type=_positive, default=None,
                   help="stream to OUT/part-NNNNN.npz shards of this many samples, memory bounded by one shard "
                        "(for millions of samples)")
    add_image_size_arg(a, augment=True)
    a.add_argument("--device", default="auto", help=parameter_help(VAEAugmenter)["device"] + " (default: auto)")
    a.set_defaults(func=cmd_augment)

    e = sub.add_parser(
        "experiment", parents=[common], help="does VAE augmentation help? the paper's table, measured",
        description="Fit the VAE on the training split, generate with every method, train SVM, k-NN and a "
                    "neural net with and without the synthetic data, and report test accuracy (mean ± std over "
                    "seeds) with SMOTE, affine and blur moves and the VAE composed with blurred affine copies "
                    "beside, plus a report "
                    "with figures. Sequences (a .ts file, or a time-series set such as JapaneseVowels) are "
                    "classified resampled and flattened, with 1-NN under DTW beside, and compared with jitter, "
                    "scaling, magnitude warp and time warp; tables with exact copies, what more rows alone do. "
                    "Without --dataset/--data: UJI Pen Characters v1, the paper's case study, embedded.",
        epilog="examples:\n  vaeaug experiment                      # UJI Pen Characters v1, one seed\n"
               "  vaeaug experiment --seeds 3            # the full table, mean ± std\n"
               "  vaeaug experiment --dataset digits\n"
               "  vaeaug experiment --dataset JapaneseVowels   # sequences: speech frames\n"
               "  vaeaug experiment --data GunPoint_TRAIN.ts   # its _TEST.ts beside it is the test split\n"
               "  vaeaug experiment --data table.csv --label class --out my-run\n"
               "  vaeaug experiment --data train/ --test test/  # your own test set (CSV, folder, .npz, .ts)\n"
               "  vaeaug experiment --data log.csv --sequence-id subject --time t   # sequences, a row a step\n"
               "  vaeaug experiment --data big.csv --per-class 10 --seeds 3   # the scarce regime, drawn per seed",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    e.add_argument("--dataset", default=None, help="a named data set (see `vaeaug datasets`; default: ujipen-v1)")
    e.add_argument("--dataset-path", default=None, help="local copy of the named data set instead of a download")
    e.add_argument("--data", default=None, help="your own data: .csv, .npz, .ts or a folder of class folders; an .npz of "
                   "(N, T, C) sequences with --data-kind sequence, ragged ones as X_values + X_lengths")
    e.add_argument("--test", default=None, metavar="PATH",
                   help="your own test set, read as --data is (a CSV of the same columns, a folder of class folders, "
                        ".npz, .ts): tested on alone, never trained on (default: 30 %% of --data, drawn by class; "
                        "a .ts file's _TEST.ts beside it)")
    e.add_argument("--label", default=None, help="label column of a CSV (default: class/label/target or the last)")
    e.add_argument("--header", action=argparse.BooleanOptionalAction, default=None, help=HEADER_HELP)
    add_long_csv_args(e)
    add_image_size_arg(e)
    e.add_argument("--seeds", type=_positive, default=1, help="how many seeds, from --seed on (default: 1)")
    e.add_argument("--per-class", type=_positive, default=None, metavar="N",
                   help="train on N samples per class (validate on N/5, at least 1), drawn afresh per seed, and "
                        "test on the whole test split: the scarce regime augmentation is for (default: all)")
    e.add_argument("--out", default="vaeaug-out", help="folder for results.json, report.md/html, figures (default: vaeaug-out)")
    e.add_argument("--amounts", type=int, nargs="+", default=None,
                   help="candidate synthetic samples per real one, chosen on validation (default: the augmenter's n_per_sample: 6 for tables, 3 for images and sequences)")
    add_estimator_args(e, VAEAugmenter, overrides=True)
    e.set_defaults(func=cmd_experiment)

    i = sub.add_parser("info", help="say what a saved model is and what it will make",
                       description="Load a saved model (checking its checksums) and say what it was trained on, "
                                   "how, and what `vaeaug augment` makes with it by default, and why.",
                       epilog="examples:\n  vaeaug info --model model\n  vaeaug info --model model --json",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    i.add_argument("--model", required=True, help="model directory written by `vaeaug train` (or by VAEAugmenter.save)")
    i.add_argument("--json", action="store_true", help="the same as JSON")
    i.add_argument("--traceback", action="store_true", help="show the full traceback of an error")
    i.set_defaults(func=cmd_info)

    d = sub.add_parser("datasets", help="list the data sets and where each comes from",
                       description="List named data sets, their sources, and the formats --data accepts.")
    d.set_defaults(func=cmd_datasets)
    return p


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    import warnings

    def show(message, category, filename, lineno, file=None, line=None):  # one line, no source path
        print(f"vaeaug {args.command}: {category.__name__}: {message}", file=sys.stderr)

    from .data import DownloadError

    try:
        with warnings.catch_warnings():  # restores the caller's warning display afterwards
            warnings.showwarning = show
            return args.func(args)
    except (ValueError, FileNotFoundError, DownloadError) as e:  # the user's input: one line; a bug: a traceback
        if getattr(args, "traceback", False):
            raise
        print(f"vaeaug {args.command}: error: {e}", file=sys.stderr)
        return 1
    except ImportError as e:  # an optional extra that is not installed: one line, with its pip command
        if "pip install" not in str(e) or getattr(args, "traceback", False):
            raise
        print(f"vaeaug {args.command}: error: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt as e:
        from .checkpoint import Checkpointer

        ckpt = Path(getattr(args, "out", None) or ".") / ".checkpoint"
        resume = args.command == "train" and Checkpointer(ckpt, "").exists()  # saved every epoch: nothing is lost
        said = str(e) or "interrupted"  # the experiment's says which seeds' report it wrote
        print(said + ("; the same command with --resume continues from the last epoch's checkpoint in "
                      f"{ckpt}" if resume else ""), file=sys.stderr)
        return 130
    except BrokenPipeError:  # `vaeaug info --json | head`: the reader left; no traceback (Python's docs' recipe)
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
