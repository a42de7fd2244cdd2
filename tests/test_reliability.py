"""Reliability: resume after SIGKILL, no unpickling, bit-identical determinism, atomic writes."""

import json
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

from vaeaug import ModelFileError, VAEAugmenter
from vaeaug.checkpoint import CheckpointError

from .conftest import FAST


def _train_cmd(data, out, *extra):
    return [sys.executable, "-m", "vaeaug.cli", "train", "--data", str(data), "--out", str(out), "--epochs", "150",
            "--patience", "1000", "--hidden", "32,16", "--latent-dim", "4", "--seed", "0", "--quiet", *extra]


def _saved_epoch(state) -> int:
    """The epoch a checkpoint file holds (-1 while there is none)."""
    from safetensors import safe_open

    try:
        with safe_open(str(state), framework="pt") as f:
            return json.loads(f.metadata()["state"])["epoch"]
    except Exception:
        return -1


def test_kills_at_random_moments_always_leave_a_resumable_checkpoint(tmp_path, digits):
    X, y = digits
    data = tmp_path / "d.npz"
    np.savez(data, X=X[:300], y=y[:300], X_val=X[300:360], y_val=y[300:360])
    rng = np.random.default_rng(0)
    for trial in range(3):  # bounded: a few real kills at random instants during training
        out = tmp_path / f"run{trial}"
        cmd = [sys.executable, "-m", "vaeaug.cli", "train", "--data", str(data), "--out", str(out), "--epochs", "40",
               "--patience", "1000", "--hidden", "16", "--latent-dim", "4", "--seed", str(trial), "--quiet"]
        proc = subprocess.Popen(cmd)
        state = out / ".checkpoint" / "state.safetensors"
        deadline = time.time() + 120
        while _saved_epoch(state) < 0 and proc.poll() is None and time.time() < deadline:
            time.sleep(0.01)
        time.sleep(float(rng.uniform(0, 0.5)))
        proc.kill()
        proc.wait()
        r = subprocess.run([*cmd, "--resume"], capture_output=True, text=True)
        assert r.returncode == 0, (trial, r.stderr[-2000:])
        assert len(VAEAugmenter.load(out).history_["val_loss"]) == 40


def test_resume_after_sigkill_matches_an_uninterrupted_run(tmp_path, digits):
    X, y = digits
    data = tmp_path / "d.npz"
    np.savez(data, X=X[:400], y=y[:400], X_val=X[400:500], y_val=y[400:500])
    out = tmp_path / "killed"
    proc = subprocess.Popen(_train_cmd(data, out))
    state = out / ".checkpoint" / "state.safetensors"
    deadline = time.time() + 120
    epoch = -1
    while time.time() < deadline and proc.poll() is None:
        epoch = _saved_epoch(state)
        if epoch >= 5:
            break
        time.sleep(0.01)
    if proc.poll() is not None:
        pytest.fail("training finished before it could be killed; make it longer")
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert not (out / "config.json").exists(), "a killed run must not leave a model that looks complete"
    assert epoch < 149

    r = subprocess.run(_train_cmd(data, out, "--resume"), capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert not (out / ".checkpoint").exists()
    resumed = VAEAugmenter.load(out)

    ref_dir = tmp_path / "reference"
    subprocess.run(_train_cmd(data, ref_dir), check=True, capture_output=True)
    ref = VAEAugmenter.load(ref_dir)
    a, b = resumed.history_, ref.history_
    assert len(a["val_loss"]) == len(b["val_loss"]) == 150
    best_a, best_b = a["val_loss"][a["best_epoch"]], b["val_loss"][b["best_epoch"]]
    assert best_a == pytest.approx(best_b, rel=1e-4)
    np.testing.assert_allclose(resumed.transform(X[:20]), ref.transform(X[:20]), rtol=1e-4, atol=1e-5)


def test_ctrl_c_says_how_to_go_on(tmp_path, digits):
    """Ctrl-C (SIGINT) in `vaeaug train`: exit 130, no model that looks complete, and the line
    says that --resume continues from the checkpoint (it said "interrupted" alone)."""
    X, y = digits
    data = tmp_path / "d.npz"
    np.savez(data, X=X[:400], y=y[:400], X_val=X[400:500], y_val=y[400:500])
    out = tmp_path / "stopped"
    proc = subprocess.Popen(_train_cmd(data, out), stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 120
    while time.time() < deadline and proc.poll() is None and _saved_epoch(out / ".checkpoint" / "state.safetensors") < 2:
        time.sleep(0.01)
    if proc.poll() is not None:
        pytest.fail("training finished before it could be interrupted; make it longer")
    os.kill(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130 and not (out / "config.json").exists()
    assert "interrupted; the same command with --resume continues" in err and "Traceback" not in err


def test_a_foreign_or_damaged_checkpoint_is_refused(tmp_path, digits):
    X, y = digits
    ck = tmp_path / "ck"
    params = {**FAST, "epochs": 2}
    VAEAugmenter(random_state=0, **params).fit(X[:200], y[:200], X[200:260], y[200:260], checkpoint_dir=ck)
    with pytest.raises(CheckpointError, match="other data or settings"):
        VAEAugmenter(random_state=0, **params).fit(X[:210], y[:210], X[200:260], y[200:260], checkpoint_dir=ck,
                                                   resume=True)
    blob = ck / "state.safetensors"
    blob.write_bytes(blob.read_bytes()[:-10])
    with pytest.raises(CheckpointError, match="damaged"):
        VAEAugmenter(random_state=0, **params).fit(X[:200], y[:200], X[200:260], y[200:260], checkpoint_dir=ck,
                                                   resume=True)


class _Payload:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, "w"))


def refresh_manifest(d):
    """What an attacker who edits a model's files does next: recompute every checksum."""
    import hashlib

    files = {n: hashlib.sha256((d / n).read_bytes()).hexdigest() for n in ("config.json", "model.safetensors")}
    (d / "manifest.json").write_text(json.dumps({"format": "vaeaug-model", "files": files}))


def test_a_crafted_pickle_payload_is_never_executed(tmp_path, fitted_mlp):
    import hashlib
    import pickle

    d = fitted_mlp.save(tmp_path / "m")
    marker = tmp_path / "pwned"
    payload = pickle.dumps(_Payload(str(marker)))
    (d / "model.safetensors").write_bytes(payload)
    cfg = json.loads((d / "config.json").read_text())
    cfg["weights_sha256"] = hashlib.sha256(payload).hexdigest()  # the attacker fixes the checksums too
    (d / "config.json").write_text(json.dumps(cfg))
    refresh_manifest(d)
    with pytest.raises(ModelFileError, match="not a valid safetensors"):
        VAEAugmenter.load(d)
    assert not marker.exists()


def test_same_seed_gives_bit_identical_models(digits):
    X, y = digits
    a = VAEAugmenter(random_state=11, **FAST).fit(X[:300], y[:300])
    b = VAEAugmenter(random_state=11, **FAST).fit(X[:300], y[:300])
    for (k, va), (_, vb) in zip(a.model_.state_dict().items(), b.model_.state_dict().items()):
        assert np.array_equal(va.numpy(), vb.numpy()), k
    assert a.strength_ == b.strength_ and a.selection_ == b.selection_
    np.testing.assert_array_equal(a.generate(X[:40], y[:40], "extrapolation", 2, strength=0.5)[0],
                                  b.generate(X[:40], y[:40], "extrapolation", 2, strength=0.5)[0])


def test_save_overwrites_atomically(fitted_mlp, tmp_path):
    d = fitted_mlp.save(tmp_path / "m")
    fitted_mlp.save(d)  # saving again over an existing model
    assert sorted(p.name for p in d.iterdir()) == ["config.json", "manifest.json", "model.safetensors"]  # no temp files
    VAEAugmenter.load(d)
    other = tmp_path / "bert"  # another tool's model folder: its config.json was replaced without a word
    other.mkdir()
    (other / "config.json").write_text('{"model_type": "bert"}')
    with pytest.raises(ValueError, match=r"holds \['config.json'\] that vaeaug did not write"):
        fitted_mlp.save(other)
    assert (other / "config.json").read_text() == '{"model_type": "bert"}' and len(list(other.iterdir())) == 1
    (d / "notes.txt").write_text("mine")  # a vaeaug model's folder: saved over, the user's other files kept
    fitted_mlp.save(d)
    assert (d / "notes.txt").read_text() == "mine"


def test_a_conv_vae_resumes_exactly(tmp_path, digit_images):
    """The conv VAE keeps its weights channels-last; a checkpoint stores them (and Adam's moments)
    contiguous, and a resumed run still ends bit-identical to an uninterrupted one."""
    import torch

    from vaeaug.checkpoint import Checkpointer
    from vaeaug.models import VAE, VAEConfig
    from vaeaug.training import TrainSettings, train_vae

    T = torch.from_numpy(digit_images[0][:160, None] / 255.0).float()
    X, Xv = T[:128], T[128:]
    cfg = VAEConfig("conv", (1, 8, 8), latent_dim=4, hidden_sizes=(8, 16))

    def run(epochs, ck=None, resume=False):
        torch.manual_seed(0)
        m = VAE(cfg)
        settings = TrainSettings(epochs=epochs, batch_size=32, learning_rate=1e-3, weight_decay=0.0, beta=1.0,
                                 kl_warmup=2, patience=None, free_bits=0.0)
        train_vae(m, X, None, Xv, None, settings, torch.Generator().manual_seed(0), checkpoint=ck, resume=resume)
        return m

    assert VAE(cfg).enc[0].weight.is_contiguous(memory_format=torch.channels_last)
    ref = run(4)
    ck = Checkpointer(tmp_path, "same data")
    run(2, ck)
    resumed = run(4, ck, resume=True)
    for (k, a), b in zip(ref.state_dict().items(), resumed.state_dict().values()):
        torch.testing.assert_close(a, b, rtol=0, atol=0, msg=k)


def test_a_save_that_fails_midway_leaves_the_earlier_model_intact(fitted_mlp, tmp_path, monkeypatch):
    import vaeaug.persistence as persistence

    d = fitted_mlp.save(tmp_path / "m")
    before = {p.name: p.read_bytes() for p in d.iterdir()}

    def broken(aug, path):
        (path / "model.safetensors").write_bytes(b"half")
        raise OSError("disk full")

    monkeypatch.setattr(persistence, "_write", broken)
    with pytest.raises(OSError, match="disk full"):
        fitted_mlp.save(d)
    assert {p.name: p.read_bytes() for p in d.iterdir()} == before
    VAEAugmenter.load(d)
    assert [p.name for p in tmp_path.iterdir()] == ["m"]  # no temporary folder left beside it


def test_train_refuses_an_output_that_is_a_file_before_training(tmp_path, digits, capsys):
    from vaeaug.cli import main

    X, y = digits
    np.savez(tmp_path / "d.npz", X=X[:50], y=y[:50])
    (tmp_path / "m").write_text("")
    assert main(["train", "--data", str(tmp_path / "d.npz"), "--out", str(tmp_path / "m"), "--epochs", "1000"]) == 1
    assert "is a file" in capsys.readouterr().err
