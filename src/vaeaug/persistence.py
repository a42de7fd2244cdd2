"""Saving and loading a fitted augmenter: ``model.safetensors`` (weights and arrays) plus
``config.json`` (everything else, and the weights' sha256). Nothing is pickled either way."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import numpy as np
import torch

from . import __version__
from .errors import ModelFileError
from .fileio import (
    atomic_write_bytes,
    atomic_write_json,
    folder_in_place,
    sha256_file,
    to_jsonable,
)
from .fitted import FittedVAE
from .latent import DEFAULT_STRENGTH, METHODS
from .modelfile import check_config, check_tensors
from .models import VAE, VAEConfig
from .preprocess import preprocessor_from_state
from .training import resolve_device

MODEL_FORMAT = "vaeaug-model"
#: 2: a manifest.json holds the sha256 of every other file, config.json included.
MODEL_FORMAT_VERSION = 2
WEIGHTS_FILE = "model.safetensors"
CONFIG_FILE = "config.json"
MANIFEST_FILE = "manifest.json"


def _pairs_to_tuples(d: dict) -> dict:
    """JSON has no tuples: a (low, high) strength comes back as a list."""
    return {k: (tuple(v) if isinstance(v, list) else v) for k, v in d.items()}


def str_or_none(v):
    """A string setting as JSON keeps it, ``None`` as null."""
    return None if v is None else str(v)


def _floats_or_none(a) -> list[float] | None:
    return None if a is None else [float(v) for v in a]


def _array_or_none(v) -> np.ndarray | None:
    return None if v is None else np.asarray(v, dtype=np.float64)


def _classes_from_json(c: dict) -> np.ndarray:
    return np.array(c["values"], dtype=np.dtype(c["dtype"]))


#: The fitted attributes kept in ``config.json``: attribute, key, to JSON, from JSON, and the
#: value a model saved before the key existed gets.
FITTED_JSON = (
    ("classes_", "classes", lambda a: {"dtype": a.dtype.str, "values": a.tolist()}, _classes_from_json, None),
    ("history_", "history", to_jsonable, dict, None),
    ("collapse_retried_", "collapse_retried", bool, bool, False),
    ("strength_", "strength", to_jsonable, _pairs_to_tuples, DEFAULT_STRENGTH),
    ("decoding_", "decoding", dict, dict, {m: "direct" for m in METHODS}),
    ("selection_", "selection", to_jsonable, dict, {}),
    ("method_", "method", str, str, "interpolation"),  # before method="auto": the method parameter
    ("compose_", "compose", str, str, "none"),  # before compose: no moved copies
    ("image_shape_", "image_shape", list, tuple, ()),  # before tables of pixels were recognised: none
    ("layout_", "layout", str_or_none, str_or_none, None),  # before layouts were kept: none
    ("missing_fill_", "missing_fill", _floats_or_none, _array_or_none, None),  # before: missing cells refused
)


def save(aug, path: str | os.PathLike) -> Path:
    """Write ``aug`` to directory ``path``: into a fresh folder beside it, swapped in once complete,
    so that a failed or killed save leaves an earlier model at ``path`` as it was."""
    target = Path(path)
    if target.exists() and not target.is_dir():
        raise ValueError(f"{target} is a file; a model is saved as a directory")
    refuse_foreign(target)
    with folder_in_place(target) as tmp:
        _write(aug, tmp)
        for p in target.glob("*") if target.is_dir() else ():  # keep what else the user put there
            if p.name not in (CONFIG_FILE, WEIGHTS_FILE, MANIFEST_FILE) and not (tmp / p.name).exists():
                p.rename(tmp / p.name)
    return target


def refuse_foreign(target: Path, names: tuple[str, ...] = ()) -> None:
    """Saving a model replaces its files in ``target`` (and ``names``, files the caller writes
    beside it): refused where the folder holds one of them and is no vaeaug model folder, so that
    another tool's config.json or model.safetensors, or a file of the user's, is never lost."""
    there = [n for n in (CONFIG_FILE, WEIGHTS_FILE, MANIFEST_FILE, *names) if (target / n).exists()]
    if not there or any(_is_ours(target / n) for n in (CONFIG_FILE, MANIFEST_FILE)):
        return
    raise ValueError(f"{target} holds {there} that vaeaug did not write, and saving a model there would replace "
                     "them: give a new folder, or one that holds a vaeaug model")


def _is_ours(p: Path) -> bool:
    """Whether ``p`` is a JSON file that a vaeaug model's save wrote (its ``format``)."""
    try:
        return p.is_file() and json.loads(p.read_text("utf-8")).get("format") == MODEL_FORMAT
    except (ValueError, UnicodeDecodeError, AttributeError, OSError):
        return False


def _names_json(names) -> list | None:
    """A frame's column names, checked on every later call, as JSON: strings and integers round
    trip; other names (floats, tuples) are not kept, and the loaded model then checks none."""
    if names is None:
        return None
    out = [n if isinstance(n, str) else int(n) if isinstance(n, (int, np.integer)) and not isinstance(n, bool)
           else None for n in names]
    return None if any(n is None for n in out) else out


def _write(aug, path: Path) -> None:
    """The model's files in ``path``, the manifest last."""
    from safetensors.torch import save as st_save

    vae: FittedVAE = aug.vae_
    tensors = {f"model.{k}": v.detach().cpu().contiguous() for k, v in vae.model.state_dict().items()}
    pmeta, parrays = vae.preprocessor.state()
    for k, a in parrays.items():
        tensors[f"preprocess.{k}"] = torch.from_numpy(np.ascontiguousarray(a))
    tensors["latent_spread"] = torch.from_numpy(np.ascontiguousarray(aug.latent_spread_))
    atomic_write_bytes(path / WEIGHTS_FILE, st_save(tensors))
    config = {
        "format": MODEL_FORMAT,
        "format_version": MODEL_FORMAT_VERSION,
        "vaeaug_version": __version__,
        "params": to_jsonable({**aug.get_params(), "random_state": aug.seed_}),  # a RandomState: its draw
        "vae": vae.config.to_dict(),
        "preprocessor": to_jsonable(pmeta),
        **{key: dump(getattr(aug, attr)) for attr, key, dump, _, _ in FITTED_JSON},
        "feature_names": _names_json(getattr(aug, "feature_names_in_", None)),
        "table": None if getattr(aug, "table_encoder_", None) is None else aug.table_encoder_.to_dict(),
        "weights_sha256": sha256_file(path / WEIGHTS_FILE),
    }
    atomic_write_json(path / CONFIG_FILE, config)
    atomic_write_json(path / MANIFEST_FILE, {"format": MODEL_FORMAT, "files": {
        name: sha256_file(path / name) for name in (CONFIG_FILE, WEIGHTS_FILE)}})


def _read(path: Path) -> tuple[dict, dict[str, torch.Tensor]]:
    """The config and tensors of a model directory, checked: known format, matching checksum."""
    from safetensors.torch import load as st_load

    cfg_path, w_path = path / CONFIG_FILE, path / WEIGHTS_FILE
    for p in (cfg_path, w_path):
        if not p.is_file():
            raise ModelFileError(f"{path} is not a complete vaeaug model: {p.name} is missing")
    config = _json(cfg_path)
    if not isinstance(config, dict) or config.get("format") != MODEL_FORMAT:
        raise ModelFileError(f"{cfg_path} is not a vaeaug model config")
    version = config.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ModelFileError(f"{cfg_path} has no valid format_version ({version!r}): not a model this vaeaug wrote")
    if version > MODEL_FORMAT_VERSION:
        raise ModelFileError(f"{path} was saved by a newer vaeaug (format {version}); upgrade vaeaug")
    if version >= 2:  # the manifest covers the config too
        manifest = _json(path / MANIFEST_FILE) if (path / MANIFEST_FILE).is_file() else None
        if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), dict):
            raise ModelFileError(f"{path} is not a complete vaeaug model: {MANIFEST_FILE} is missing or damaged")
        for name in (CONFIG_FILE, WEIGHTS_FILE):
            if manifest["files"].get(name) != sha256_file(path / name):
                raise ModelFileError(f"{path / name} does not match the checksum in {MANIFEST_FILE} "
                                     "(truncated or modified)")
    try:
        check_config(config, cfg_path)
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as e:
        if isinstance(e, ModelFileError):
            raise
        raise ModelFileError(f"{cfg_path} is not a valid vaeaug model config: {type(e).__name__}: {e}") from None
    _check_header(w_path, config)  # sizes first: nothing large is read or allocated for a bad file
    raw = w_path.read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    if digest != config.get("weights_sha256"):
        raise ModelFileError(
            f"{w_path} does not match the checksum in {CONFIG_FILE} (truncated or modified): "
            f"expected {config.get('weights_sha256')}, got {digest}"
        )
    try:
        tensors = st_load(raw)
    except Exception as e:  # SafetensorError and friends: never trust the bytes
        raise ModelFileError(f"{w_path} is not a valid safetensors file: {e}") from None
    check_tensors(tensors, w_path)
    return config, tensors


def _check_header(w_path: Path, config: dict) -> None:
    """The weights' safetensors header against the architecture the config describes, built on
    torch's meta device (shapes only, no memory): a config asking for huge layers, or a file whose
    tensors do not fit it, is refused before the weights are read."""
    import struct

    size = w_path.stat().st_size
    with open(w_path, "rb") as f:
        head = f.read(8)
        n = struct.unpack("<Q", head)[0] if len(head) == 8 else -1
        if not 0 < n <= min(size - 8, 100 * 2**20):
            raise ModelFileError(f"{w_path} is not a valid safetensors file (header size {n}, file {size} bytes)")
        try:
            header = json.loads(f.read(n))
        except (ValueError, UnicodeDecodeError) as e:
            raise ModelFileError(f"{w_path} is not a valid safetensors file: {e}") from None
    if not isinstance(header, dict):
        raise ModelFileError(f"{w_path} is not a valid safetensors file")
    try:
        with torch.device("meta"):
            probe = VAE(VAEConfig.from_dict(config["vae"]))
    except (KeyError, TypeError, ValueError, RuntimeError) as e:
        raise ModelFileError(f"{w_path.parent / CONFIG_FILE} describes no buildable VAE: {e}") from None
    want = {f"model.{k}": list(v.shape) for k, v in probe.state_dict().items()}
    have = {k: v.get("shape") for k, v in header.items() if k.startswith("model.") and isinstance(v, dict)}
    if want != have:
        bad = sorted(set(want) ^ set(have)) or [k for k in want if want[k] != have[k]]
        raise ModelFileError(f"{w_path} does not fit the architecture in {CONFIG_FILE} (first mismatch: {bad[0]})")


def _json(p: Path):
    try:
        return json.loads(p.read_text("utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise ModelFileError(f"{p} is not valid JSON ({e}); the file is damaged") from None


def load(cls, path: str | os.PathLike, device: str = "auto"):
    """A ``cls`` (a :class:`~vaeaug.VAEAugmenter`) as :func:`save` wrote it, on ``device``."""
    path = Path(path)
    resolve_device(device)  # a device this machine lacks is the caller's error, not the model file's
    config, tensors = _read(path)
    try:
        params = {**_pairs_to_tuples(dict(config["params"])), "device": device}
        aug = cls(**params)
        aug._validate_params()
        aug.seed_ = aug.random_state
    except (TypeError, ValueError) as e:  # unknown keys, or values out of their constraints
        raise ModelFileError(f"{path / CONFIG_FILE} holds parameters this vaeaug cannot use: {e}") from None
    try:
        _build(aug, config, tensors, path, device)
    except ModelFileError:
        raise
    except (KeyError, TypeError, ValueError, IndexError, AttributeError, RuntimeError) as e:
        raise ModelFileError(f"{path} does not hold a consistent vaeaug model: {type(e).__name__}: {e}") from None
    return aug


def _build(aug, config: dict, tensors: dict, path: Path, device: str) -> None:
    """Set ``aug``'s fitted attributes from a checked config and its tensors."""
    vae_config = VAEConfig.from_dict(config["vae"])
    model = VAE(vae_config)
    state = {k[len("model."):]: v for k, v in tensors.items() if k.startswith("model.")}
    try:
        model.load_state_dict(state, strict=True)
    except RuntimeError as e:
        raise ModelFileError(f"{path / WEIGHTS_FILE} does not fit the architecture in {CONFIG_FILE}: {e}") from None
    if tuple(tensors["latent_spread"].shape) != (vae_config.latent_dim,):
        raise ModelFileError(f"{path / WEIGHTS_FILE}: latent_spread does not fit latent_dim {vae_config.latent_dim}")
    parrays = {k[len("preprocess."):]: v.numpy() for k, v in tensors.items() if k.startswith("preprocess.")}
    for attr, key, _, parse, default in FITTED_JSON:
        setattr(aug, attr, parse(config[key]) if key in config else default)  # the required ones: check_config
    if config.get("feature_names") is not None:
        aug.feature_names_in_ = np.asarray(config["feature_names"], dtype=object)
    aug.table_encoder_ = None
    if config.get("table") is not None:  # a frame with category columns: its encoder, from plain JSON
        from .data.tabular import TableEncoder

        aug.table_encoder_ = TableEncoder.from_dict(config["table"])
    if "method" not in config and aug.method != "auto":
        aug.method_ = aug.method
    dev = resolve_device(device)
    aug.vae_ = FittedVAE(model.to(dev).eval(), vae_config, preprocessor_from_state(config["preprocessor"], parrays),
                         aug.classes_, dev)
    aug.latent_spread_ = tensors["latent_spread"].numpy()
    aug.n_features_in_ = int(np.prod(aug.vae_.preprocessor.model_shape))
