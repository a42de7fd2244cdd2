"""Throughput: vaeaug's VAEs against the machine's float32 matmul rate and against pythae.

For the MLP and conv VAEs on 70×70 images and the MLP VAE on 64-feature vectors, measures
training samples/s (epochs with a validation pass, as ``fit`` runs them), encode and decode
samples/s (best of 3 calls), FLOPs per sample (counted by torch's FlopCounterMode: forward + backward for
training, forward for encode/decode), achieved GFLOP/s as a fraction of the float32 matmul
rate measured in the same run, and peak RSS (each case in its own process). Beside it, the same
architecture and data trained by pythae (``pip install -e .[bench]``): its VAE + BaseTrainer.
Writes ``benchmarks/results/throughput.json`` and ``.md``.

    python benchmarks/throughput.py                # all cases
    python benchmarks/throughput.py --epochs 3 --batch-size 256
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

HERE = Path(__file__).resolve().parent
CASES = {
    "mlp-image70": {"architecture": "mlp", "shape": (70, 70), "hidden": (512, 256)},
    "conv-image70": {"architecture": "conv", "shape": (70, 70), "hidden": (32, 64, 128, 256)},
    "mlp-vector64": {"architecture": "mlp", "shape": (64,), "hidden": (512, 256)},
}


def best_of(fn, reps: int = 3) -> float:
    """The fastest of ``reps`` calls, in seconds: the first pays one-time allocations, and the
    fastest is the least disturbed by other work on the machine."""
    times = []
    for _ in range(reps):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def matmul_gflops(n: int = 2048, reps: int = 10, trials: int = 5) -> float:
    """The machine's float32 matrix-multiply rate (GFLOP/s) with torch's own threads: the best
    of ``trials`` timings, so a moment of contention on a shared machine does not lower it."""
    a, b = torch.randn(n, n), torch.randn(n, n)
    for _ in range(3):
        a @ b
    best = 0.0
    for _ in range(trials):
        t = time.perf_counter()
        for _ in range(reps):
            a @ b
        best = max(best, 2 * n**3 * reps / (time.perf_counter() - t) / 1e9)
    return best


def _data(case: dict, n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    if len(case["shape"]) == 2:  # ink-like sparse images
        X = (rng.random((n, *case["shape"])) < 0.1).astype(np.uint8) * 255
    else:
        X = rng.normal(size=(n, *case["shape"])).astype(np.float32)
    return X, rng.integers(0, 10, n)


def _flops(model, x: torch.Tensor, train: bool) -> float:
    from torch.utils.flop_counter import FlopCounterMode

    from vaeaug.models import vae_loss

    with FlopCounterMode(display=False) as fc:
        if train:
            raw, mu, logvar = model(x)
            loss, _, _ = vae_loss(raw, x, mu, logvar, 1.0, model.config.likelihood)
            loss.backward()
        else:
            with torch.no_grad():
                mu, _ = model.encode(x)
                model.decode(mu)
    return fc.get_total_flops() / len(x)


def run_case(name: str, epochs: int, batch_size: int, n: int) -> dict:
    """One case in this process: vaeaug, then pythae on the same data and architecture."""
    from vaeaug import VAEAugmenter

    case = CASES[name]
    X, y = _data(case, n)
    Xv, yv = _data(case, max(n // 8, batch_size), seed=1)
    aug = VAEAugmenter(architecture=case["architecture"], hidden_sizes=case["hidden"], latent_dim=16, epochs=epochs,
                       batch_size=batch_size, patience=None, kl_warmup=0, conditional=False, strength=0.5, decoding="direct",
                       on_collapse="warn",  # random data collapses: a retry would double the epochs timed
                       random_state=0, verbose=0)
    aug.fit(X[:batch_size], y[:batch_size], Xv[:batch_size], yv[:batch_size])  # warm-up
    t = time.perf_counter()
    aug.fit(X, y, Xv, yv)
    fit_s = time.perf_counter() - t
    epoch_s = fit_s / epochs
    train_sps = n / epoch_s
    xb = aug.vae_.to_tensor(X[:batch_size])
    aug.model_.train()
    flops_train = _flops(aug.model_, xb, train=True)
    aug.model_.eval()
    flops_gen = _flops(aug.model_, xb, train=False)
    Z = aug.transform(X)
    enc_sps = n / best_of(lambda: aug.transform(X))
    dec_sps = n / best_of(lambda: aug.inverse_transform(Z))
    out = {
        "case": name, "samples": n, "epochs": epochs, "batch_size": batch_size,
        "parameters": sum(p.numel() for p in aug.model_.parameters()),
        "vaeaug": {"epoch_seconds": epoch_s, "train_samples_per_s": train_sps, "encode_samples_per_s": enc_sps,
                   "decode_samples_per_s": dec_sps, "train_flops_per_sample": flops_train,
                   "generate_flops_per_sample": flops_gen,
                   "train_gflops": flops_train * train_sps / 1e9,
                   "encode_decode_gflops": flops_gen / (1 / enc_sps + 1 / dec_sps) / 1e9},
    }
    out["vaeaug"]["peak_rss_mib_after_vaeaug"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out["pythae"] = _pythae_epoch(aug, X, Xv, epochs, batch_size)
    out["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def _pythae_epoch(aug, X: np.ndarray, Xv: np.ndarray, epochs: int, batch_size: int) -> dict:
    """The same encoder/decoder modules, trained by pythae's VAE and BaseTrainer."""
    try:
        from pythae.data.datasets import BaseDataset
        from pythae.models import VAE as PVAE
        from pythae.models import VAEConfig as PVAEConfig
        from pythae.models.base.base_utils import ModelOutput
        from pythae.models.nn import BaseDecoder, BaseEncoder
        from pythae.trainers import BaseTrainer, BaseTrainerConfig
    except ImportError as e:
        return {"error": f"pythae not installed ({e}); pip install -e .[bench]"}
    import copy

    m = copy.deepcopy(aug.model_).train()
    cfg = aug.config_
    bernoulli = cfg.likelihood == "bernoulli"

    class Enc(BaseEncoder):
        def __init__(self):
            BaseEncoder.__init__(self)
            self.enc, self.mu, self.logvar = m.enc, m.mu, m.logvar

        def forward(self, x):
            h = self.enc(x)
            return ModelOutput(embedding=self.mu(h), log_covariance=self.logvar(h))

    class Dec(BaseDecoder):
        def __init__(self):
            BaseDecoder.__init__(self)
            self.dec = m.dec

        def forward(self, z):
            r = self.dec(z).view(len(z), *cfg.input_shape)
            return ModelOutput(reconstruction=torch.sigmoid(r) if bernoulli else r)

    model = PVAE(PVAEConfig(input_dim=tuple(cfg.input_shape), latent_dim=cfg.latent_dim,
                            reconstruction_loss="bce" if bernoulli else "mse"), encoder=Enc(), decoder=Dec())
    T = aug.vae_.to_tensor(X).cpu()
    Tv = aug.vae_.to_tensor(Xv).cpu()
    with tempfile.TemporaryDirectory() as d:
        tc = BaseTrainerConfig(output_dir=d, num_epochs=epochs, learning_rate=1e-3, per_device_train_batch_size=batch_size,
                               per_device_eval_batch_size=1024, no_cuda=True, steps_saving=None)
        trainer = BaseTrainer(model, train_dataset=BaseDataset(T, torch.zeros(len(T))),
                              eval_dataset=BaseDataset(Tv, torch.zeros(len(Tv))), training_config=tc)
        import logging

        logging.getLogger("pythae").setLevel(logging.ERROR)
        logging.getLogger("pythae.trainers.base_trainer.base_trainer").setLevel(logging.ERROR)
        t = time.perf_counter()
        trainer.train()
        s = time.perf_counter() - t
    return {"epoch_seconds": s / epochs, "train_samples_per_s": len(T) * epochs / s}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--cases", nargs="+", default=list(CASES), choices=list(CASES))
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--batch-size", type=int, default=256)
    p.add_argument("--samples", type=int, default=4096)
    p.add_argument("--case", help=argparse.SUPPRESS)  # internal: run one case, print JSON
    p.add_argument("--out", default=str(HERE / "results"))
    a = p.parse_args()
    if a.case:
        print(json.dumps(run_case(a.case, a.epochs, a.batch_size, a.samples)))
        return
    rate = matmul_gflops()
    rows = []
    for name in a.cases:
        r = subprocess.run([sys.executable, __file__, "--case", name, "--epochs", str(a.epochs), "--batch-size",
                            str(a.batch_size), "--samples", str(a.samples)], capture_output=True, text=True,
                           env={**os.environ, "PYTHONWARNINGS": "ignore"})
        if r.returncode != 0:
            raise SystemExit(f"case {name} failed:\n{r.stderr[-3000:]}")
        rows.append(json.loads(r.stdout.strip().splitlines()[-1]))
        print(name, "done", flush=True)
    for r in rows:
        v = r["vaeaug"]
        v["train_fraction_of_matmul"] = v["train_gflops"] / rate
        v["encode_decode_fraction_of_matmul"] = v["encode_decode_gflops"] / rate
        if "epoch_seconds" in r["pythae"]:
            r["epoch_time_ratio_vs_pythae"] = v["epoch_seconds"] / r["pythae"]["epoch_seconds"]
    result = {"machine": {"platform": platform.platform(), "cpus": os.cpu_count(), "torch": torch.__version__,
                          "threads": torch.get_num_threads(), "matmul_float32_gflops": rate},
              "settings": {"epochs": a.epochs, "batch_size": a.batch_size, "samples": a.samples}, "cases": rows,
              "command": f"python benchmarks/throughput.py --epochs {a.epochs} --batch-size {a.batch_size} --samples {a.samples}"}
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "throughput.json").write_text(json.dumps(result, indent=2) + "\n")
    lines = [f"# Throughput ({platform.machine()}, {os.cpu_count()} CPUs, torch {torch.__version__}; "
             f"float32 matmul {rate:.1f} GFLOP/s)", "",
             f"`{result['command']}`", "",
             "| case | params | train samples/s | train GFLOP/s (share of matmul) | encode / decode samples/s | "
             "encode+decode GFLOP/s (share) | epoch s: vaeaug / pythae (ratio) | peak RSS MiB |",
             "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        v, pth = r["vaeaug"], r["pythae"]
        ratio = (f"{v['epoch_seconds']:.2f} / {pth['epoch_seconds']:.2f} ({r['epoch_time_ratio_vs_pythae']:.2f}×)"
                 if "epoch_seconds" in pth else pth.get("error", "–"))
        lines.append(f"| {r['case']} | {r['parameters']:,} | {v['train_samples_per_s']:.0f} | {v['train_gflops']:.1f} "
                     f"({v['train_fraction_of_matmul']:.0%}) | {v['encode_samples_per_s']:.0f} / {v['decode_samples_per_s']:.0f} | "
                     f"{v['encode_decode_gflops']:.1f} ({v['encode_decode_fraction_of_matmul']:.0%}) | {ratio} | "
                     f"{r['peak_rss_mib']:.0f} |")
    (out / "throughput.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
