"""A saved model as untrusted input: the config's schema (known keys, types, ranges, numeric
dtypes from an allow-list) and the tensors' sanity (finite, of the shapes the config implies).
Each check raises :class:`~vaeaug.ModelFileError` naming what is wrong."""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np

from .errors import ModelFileError
from .latent import METHODS
from .params import DECODINGS
from .priors import MOVE_KIND

#: Keys a config holds (format 2): nothing else is accepted.
CONFIG_KEYS = {"format", "format_version", "vaeaug_version", "params", "vae", "preprocessor", "classes",
               "history", "collapse_retried", "strength", "decoding", "selection", "method", "compose",
               "image_shape", "layout", "missing_fill", "feature_names", "table", "weights_sha256"}
VAE_KEYS = {"architecture", "input_shape", "latent_dim", "hidden_sizes", "n_classes", "likelihood", "dropout",
            "conv_dense", "extra"}
#: The numeric dtypes a model may decode to, and the label dtypes it may hold.
DATA_DTYPES = {np.dtype(t).str for t in ("uint8", "uint16", "int8", "int16", "int32", "int64", "float16",
                                         "float32", "float64")}
#: Bounds on sizes a config may ask for: far above any real model, far below a memory bomb.
MAX_UNITS, MAX_LATENT, MAX_INPUT, MAX_CLASSES = 65536, 4096, 2**26, 100000


def _fail(path, what: str) -> None:
    raise ModelFileError(f"{path} is not a valid vaeaug model config: {what}")


def _int(v, lo: int, hi: int) -> bool:
    return isinstance(v, Integral) and not isinstance(v, bool) and lo <= v <= hi


def check_config(config: dict, path) -> None:
    """The config's schema, before anything is built from it."""
    extra = set(config) - CONFIG_KEYS
    if extra:
        _fail(path, f"unknown key(s) {sorted(extra)}")
    missing = CONFIG_KEYS - set(config) - {"collapse_retried", "selection", "method", "compose", "image_shape",
                                           "layout", "missing_fill", "feature_names", "table"}
    if missing:
        _fail(path, f"missing key(s) {sorted(missing)}")
    vae = config["vae"]
    if not isinstance(vae, dict) or set(vae) - VAE_KEYS or {"architecture", "input_shape"} - set(vae):
        _fail(path, "'vae' must hold the architecture's settings only")
    if vae["architecture"] not in ("mlp", "conv", "tconv", "gru") or vae.get("likelihood", "bernoulli") not in ("bernoulli",
                                                                                                 "gaussian"):
        _fail(path, f"unknown architecture or likelihood in {vae!r}")
    shape, hidden = vae["input_shape"], vae.get("hidden_sizes", [])
    if (not isinstance(shape, list) or not 1 <= len(shape) <= 3 or not all(_int(s, 1, MAX_INPUT) for s in shape)
            or int(np.prod(shape)) > MAX_INPUT):
        _fail(path, f"input_shape {shape!r} is not a list of 1 to 3 positive sizes")
    if not isinstance(hidden, list) or not hidden or not all(_int(h, 1, MAX_UNITS) for h in hidden):
        _fail(path, f"hidden_sizes {hidden!r} must be 1 or more sizes up to {MAX_UNITS}")
    if not _int(vae.get("latent_dim", 16), 1, MAX_LATENT) or not _int(vae.get("conv_dense", 256), 1, MAX_UNITS):
        _fail(path, "latent_dim or conv_dense is out of range")
    if not isinstance(vae.get("dropout", 0.0), Real) or not 0 <= vae.get("dropout", 0.0) < 1:
        _fail(path, "dropout must be in [0, 1)")
    classes = config["classes"]
    if not isinstance(classes, dict) or not isinstance(classes.get("values"), list) or not (
            np.dtype(classes.get("dtype", "O")).kind in "iuU"
            or np.dtype(classes["dtype"]).str in DATA_DTYPES):
        _fail(path, "classes must be a list of numbers or strings with a numeric or string dtype")
    if len(classes["values"]) > MAX_CLASSES or vae.get("n_classes", 0) not in (0, len(classes["values"])):
        _fail(path, "n_classes does not match the classes")
    pre = config["preprocessor"]
    if not isinstance(pre, dict) or pre.get("kind") not in ("image", "vector", "sequence") or \
            pre.get("dtype") not in DATA_DTYPES:
        _fail(path, f"preprocessor kind {pre.get('kind')!r} / dtype {pre.get('dtype')!r} is not allowed "
                    f"(numeric dtypes only: {sorted(DATA_DTYPES)})")
    if pre["kind"] == "sequence" and not (
            _int(pre.get("length"), 1, MAX_INPUT) and _int(pre.get("n_channels"), 1, MAX_INPUT)
            and isinstance(pre.get("ragged"), bool)
            and (pre.get("caller_length") is None or _int(pre.get("caller_length"), 1, 2**31))):
        _fail(path, "a sequence preprocessor needs integer length and n_channels, a boolean ragged and an integer "
                    "or null caller_length")
    flat = config.get("image_shape", [])
    if not isinstance(flat, list) or len(flat) not in (0, 2) or not all(_int(s, 1, MAX_INPUT) for s in flat) or (
            flat and (pre["kind"] != "image" or int(np.prod(flat)) != int(np.prod(shape)))):
        _fail(path, f"image_shape {flat!r} must be [] or the [H, W] of the image model's pixels")
    if config.get("layout") not in ({None, "channels_last"} if pre["kind"] == "image" else
                                    {None, "one_channel"} if pre["kind"] == "sequence" else {None}):
        _fail(path, f"layout {config['layout']!r} is not one a {pre['kind']} model reads")
    fill = config.get("missing_fill")
    if fill is not None and not (
            (pre["kind"] == "vector" and config.get("table") is None or flat) and isinstance(fill, list)
            and len(fill) == int(np.prod(shape))
            and all(isinstance(v, Real) and not isinstance(v, bool) and np.isfinite(v) for v in fill)):
        _fail(path, "missing_fill must be null or one finite number per feature of a table model (of numbers or pixels)")
    for name, table, allowed in (("strength", config["strength"], None), ("decoding", config["decoding"], DECODINGS)):
        if not isinstance(table, dict) or set(table) - set(METHODS):
            _fail(path, f"{name} must map the methods {METHODS}")
        for v in table.values():
            ok = v in allowed if allowed else (v is None or _strength_ok(v))
            if not ok:
                _fail(path, f"{name} holds {v!r}")
    if config.get("method", METHODS[0]) not in METHODS:
        _fail(path, f"method holds {config['method']!r}")
    if config.get("compose", "none") not in ("none", *MOVE_KIND) or (
            config.get("compose", "none") != "none" and MOVE_KIND[config["compose"]] != pre["kind"]):
        _fail(path, f"compose holds {config['compose']!r}, which does not move {pre['kind']}s")
    table = config.get("table")
    if table is not None:  # a frame's encoder: checked as it is rebuilt, and as wide as the model's input
        from .data.tabular import TableEncoder

        try:
            width = len(TableEncoder.from_dict(table).feature_names)
        except (ValueError, TypeError, AttributeError) as e:
            _fail(path, f"table: {e}")
        if pre["kind"] != "vector" or width != int(np.prod(shape)):
            _fail(path, "table does not encode as many features as the model reads")
    names = config.get("feature_names")
    # one name per column: of the table, of the features, or a (case, time) frame's channels (shape (C, L))
    n_names = len(table["columns_"]) if table is not None else shape[0] if pre["kind"] == "sequence" else \
        int(np.prod(shape))
    if names is not None and not (isinstance(names, list)
                                  and all(isinstance(n, (str, int)) and not isinstance(n, bool) for n in names)
                                  and len(names) == n_names and len(set(names)) == len(names)):
        _fail(path, "feature_names must be null or one distinct string or integer per input feature")
    if not isinstance(config["history"], dict) or not isinstance(config["history"].get("best_epoch", -1), Integral):
        _fail(path, "history must be a dict with an integer best_epoch")


def _strength_ok(v) -> bool:
    vals = v if isinstance(v, list) else [v]
    return (len(vals) in (1, 2) and all(isinstance(x, Real) and not isinstance(x, bool) and np.isfinite(x) and x >= 0
                                        for x in vals) and (len(vals) == 1 or vals[0] <= vals[1]))


def check_tensors(tensors: dict, path) -> None:
    """Every weight and array finite: a NaN weight decodes to NaN samples."""
    for k, t in tensors.items():
        if t.is_floating_point() and not bool(t.isfinite().all()):
            raise ModelFileError(f"{path} holds non-finite values in {k!r}: the weights are damaged")
