"""Per-epoch training checkpoints, so a killed run resumes where it stopped.

A checkpoint is one file, ``state.safetensors``: the tensors (model, best-epoch weights, optimiser
moments, RNG states) and, in its metadata, the epoch, history, optimiser settings, a fingerprint
of the data and hyper-parameters and the tensors' sha256. It is written to a temporary file and
renamed into place, so a kill at any instant leaves the previous checkpoint or the new one. Resuming restores every RNG state, so a
resumed run on CPU ends with the same model as an uninterrupted one. Nothing is unpickled.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from pathlib import Path

import torch

from .fileio import atomic_write_bytes

STATE_TENSORS = "state.safetensors"
STATE_JSON = "state.json"  # format of before 0.1: removed by clear()


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
        return (self.dir / STATE_TENSORS).is_file()

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
        meta = {"fingerprint": self.fingerprint, "epoch": epoch, "history": history, "since_best": since_best,
                "best": best, "param_groups": opt["param_groups"], "sha256": hashlib.sha256(st_save(tensors)).hexdigest()}
        # one file, renamed into place: a kill at any instant leaves the previous epoch's or this one's
        atomic_write_bytes(self.dir / STATE_TENSORS, st_save(tensors, metadata={"state": json.dumps(meta)}))

    def load(self) -> dict:
        """The saved state as a dict; raises :class:`CheckpointError` if it is damaged or foreign."""
        from safetensors import safe_open
        from safetensors.torch import load as st_load
        from safetensors.torch import save as st_save

        path = self.dir / STATE_TENSORS
        try:
            with safe_open(str(path), framework="pt") as f:
                meta = json.loads((f.metadata() or {})["state"])
            t = st_load(path.read_bytes())
        except Exception as e:  # OSError, a damaged header, no metadata: never trust the bytes
            raise CheckpointError(f"cannot read the checkpoint in {self.dir}: {e}") from None
        if meta.get("fingerprint") != self.fingerprint:
            raise CheckpointError(
                f"the checkpoint in {self.dir} was made for other data or settings; "
                "delete it or train without --resume")
        if hashlib.sha256(st_save(t)).hexdigest() != meta.get("sha256"):
            raise CheckpointError(f"the checkpoint in {self.dir} is damaged (checksum mismatch)")
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
