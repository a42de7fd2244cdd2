"""Per-epoch training checkpoints, so a killed run resumes where it stopped.

A checkpoint is ``state.safetensors`` (model, best-epoch weights, optimiser moments, RNG
states) plus ``state.json`` (epoch, history, optimiser settings, a fingerprint of the data and
hyper-parameters, and the tensors' sha256). Both are written atomically, JSON last, so a
checkpoint is either complete and verified or ignored. Resuming restores every RNG state, so a
resumed run on CPU ends with the same model as an uninterrupted one. Nothing is unpickled.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from pathlib import Path

import torch

from .fileio import atomic_write_bytes, atomic_write_json

STATE_TENSORS = "state.safetensors"
STATE_JSON = "state.json"


class CheckpointError(ValueError):
    """A checkpoint cannot be resumed: damaged, or made for other data or settings."""


class Checkpointer:
    """Saves and restores the training loop's full state in ``directory``.

    ``fingerprint`` identifies the data and hyper-parameters; a checkpoint with another
    fingerprint is refused rather than silently continued on different data.
    """

    def __init__(self, directory: str | Path, fingerprint: str):
        self.dir = Path(directory)
        self.fingerprint = fingerprint

    def exists(self) -> bool:
        return (self.dir / STATE_JSON).is_file()

    def save(self, *, epoch: int, model, optimizer, best_state: dict, history: dict, since_best: int,
             best: float, generator: torch.Generator) -> None:
        from safetensors.torch import save as st_save

        tensors = {f"model.{k}": v.detach().cpu().contiguous() for k, v in model.state_dict().items()}
        tensors.update({f"best.{k}": v.detach().cpu().contiguous() for k, v in best_state.items()})
        opt = optimizer.state_dict()
        for idx, st in opt["state"].items():
            for key, val in st.items():
                tensors[f"opt.{idx}.{key}"] = (val if torch.is_tensor(val) else torch.tensor(val)).detach().cpu().contiguous()
        tensors["rng.torch"] = torch.get_rng_state()
        tensors["rng.generator"] = generator.get_state()
        if torch.cuda.is_available():
            tensors["rng.cuda"] = torch.cuda.get_rng_state()
        blob = st_save(tensors)
        atomic_write_bytes(self.dir / STATE_TENSORS, blob)
        atomic_write_json(self.dir / STATE_JSON, {
            "fingerprint": self.fingerprint, "epoch": epoch, "history": history, "since_best": since_best,
            "best": best, "param_groups": opt["param_groups"], "sha256": hashlib.sha256(blob).hexdigest(),
        })

    def load(self) -> dict:
        """The saved state as a dict; raises :class:`CheckpointError` if it is damaged or foreign."""
        from safetensors.torch import load as st_load

        try:
            meta = json.loads((self.dir / STATE_JSON).read_text("utf-8"))
            blob = (self.dir / STATE_TENSORS).read_bytes()
        except (OSError, json.JSONDecodeError) as e:
            raise CheckpointError(f"cannot read the checkpoint in {self.dir}: {e}") from None
        if meta.get("fingerprint") != self.fingerprint:
            raise CheckpointError(
                f"the checkpoint in {self.dir} was made for other data or settings; "
                "delete it or train without --resume")
        if hashlib.sha256(blob).hexdigest() != meta.get("sha256"):
            raise CheckpointError(f"the checkpoint in {self.dir} is damaged (checksum mismatch)")
        t = st_load(blob)
        model = {k[6:]: v for k, v in t.items() if k.startswith("model.")}
        best = {k[5:]: v for k, v in t.items() if k.startswith("best.")}
        opt_state: dict[int, dict] = {}
        for k, v in t.items():
            if k.startswith("opt."):
                _, idx, key = k.split(".", 2)
                opt_state.setdefault(int(idx), {})[key] = v
        return {**meta, "model": model, "best_state": best,
                "optimizer": {"state": opt_state, "param_groups": meta["param_groups"]},
                "rng_torch": t["rng.torch"], "rng_generator": t["rng.generator"], "rng_cuda": t.get("rng.cuda")}

    def clear(self) -> None:
        """Delete this checkpoint and those nested in it (a collapse retry keeps its own in a
        sub-folder); other files are left alone, and so is a folder that still holds them."""
        if self.dir.is_dir():
            for sub in self.dir.iterdir():
                if sub.is_dir():
                    Checkpointer(sub, self.fingerprint).clear()
        for name in (STATE_JSON, STATE_TENSORS):
            (self.dir / name).unlink(missing_ok=True)
        with contextlib.suppress(OSError):  # not empty or already gone: leave it
            self.dir.rmdir()
