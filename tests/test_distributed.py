"""Distributed training with PyTorch's own engine: 2 CPU processes (gloo) on loopback, via torchrun."""

import subprocess
import sys

import numpy as np

from vaeaug import VAEAugmenter


def test_torchrun_two_processes_train_and_save_once(tmp_path, digits):
    X, y = digits
    data = tmp_path / "d.npz"
    np.savez(data, X=X[:600], y=y[:600], X_val=X[600:700], y_val=y[600:700])
    out = tmp_path / "model"
    cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node=2",
           "-m", "vaeaug.cli", "train", "--data", str(data), "--out", str(out), "--epochs", "8",
           "--hidden", "64,32", "--latent-dim", "8", "--device", "cpu", "--seed", "0", "--quiet"]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=300,
                       env={"PATH": "/usr/bin:/bin", "OMP_NUM_THREADS": "1"})
    assert r.returncode == 0, r.stderr[-3000:]
    assert r.stdout.count("trained 8 epochs on 2 processes") == 1, r.stdout  # rank 0 alone reports and saves
    assert sorted(p.name for p in out.iterdir()) == ["config.json", "manifest.json", "model.safetensors"]
    model = VAEAugmenter.load(out)
    h = model.history_
    assert h["world_size"] == 2
    assert min(h["val_loss"]) < h["val_loss"][0]
    Z = model.transform(X[:10])
    assert Z.shape == (10, 8) and np.isfinite(Z).all()
