"""How far should a warped offspring move? Warp decoding's field gain on UJI Pen Characters v1.

Per seed: the default VAE is fitted once (writers 1-7 train, 8 validation); for each method and
fixed strength its codes are decoded, one smooth field per offspring is fitted (D(z) -> D(z'),
``vaeaug.warp.register``) and applied to the source at each gain; SVM, 1-NN and the 512-unit
network are trained on real + 3 synthetic per real sample and scored on validation and test
(writers 9-11), with the kernel-ridge proxy that chooses inside ``fit``. The field's size is
reported in pixels (RMS over the image), beside that of a loose fit (smoothness 0.2).
Writes ``benchmarks/results/warp-gain.json`` and ``.md``.

    python benchmarks/studies/warp_gain.py --seeds 0 1 2
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import time
from pathlib import Path

import numpy as np
import torch
from sklearn.base import clone

from vaeaug import VAEAugmenter
from vaeaug.experiment.classifiers import FeatureScaler, KernelRidgeClassifier, make_classifiers
from vaeaug.data import load_ujipen_v1
from vaeaug.warp import WarpSettings, displacement, register, warp

HERE = Path(__file__).resolve().parents[1]  # benchmarks/: results/ and the top-level benchmarks
SHARED = HERE.parent.parent / "shared" / "data" / "ujipen-v1"
STRENGTHS = {"noise": (0.5, 1.0, 2.0, 3.0), "interpolation": (0.5, 0.75, 1.0), "extrapolation": (0.5, 1.0, 2.0, 3.0)}
CLASSIFIERS = ("SVM", "k-NN", "NN")


def rms_pixels(theta: torch.Tensor, h: int, w: int) -> float:
    """Mean over images of the field's root-mean-square displacement, in pixels."""
    d = displacement(theta, h, w) * torch.tensor([(w - 1) / 2, (h - 1) / 2])
    return float(d.pow(2).sum(-1).mean((1, 2)).sqrt().mean())


def run_seed(seed: int, gains: tuple[float, ...], data, per_sample: int) -> dict:
    tr, va, te = data
    sc = FeatureScaler().fit(tr.X, "image")
    F, Fv, Ft = sc.transform(tr.X), sc.transform(va.X), sc.transform(te.X)

    def score(F_new: np.ndarray | None, y_new: np.ndarray | None) -> dict:
        FF = F if F_new is None else np.concatenate([F, F_new])
        yy = tr.y if y_new is None else np.concatenate([tr.y, y_new])
        out = {"proxy_val": float(np.mean(KernelRidgeClassifier(random_state=seed).fit(FF, yy).predict(Fv) == va.y))}
        for name, proto in make_classifiers(seed, n_real=len(tr)).items():
            m = clone(proto).fit(FF, yy)
            out[name] = {"val": float(np.mean(m.predict(Fv) == va.y)), "test": float(np.mean(m.predict(Ft) == te.y))}
        return out

    t0 = time.perf_counter()
    # a fixed strength skips the choice on validation: the model is the default one
    aug = VAEAugmenter(random_state=seed, verbose=0, strength=0.5, decoding="direct").fit(tr.X, tr.y, va.X, va.y)
    c, h, w = aug.preprocessor_.model_shape
    T = torch.from_numpy(aug.preprocessor_.transform(tr.X).reshape(len(tr), c, h, w).astype(np.float32))
    Z = aug.transform(tr.X)
    D_src = torch.from_numpy(aug.vae_.decode(Z, tr.y).astype(np.float32)).view(-1, c, h, w)  # model space, [0, 1]
    settings = WarpSettings.for_size(h, w)
    rows = [{"method": "baseline", **score(None, None)}]
    for method, strengths in STRENGTHS.items():
        for s in strengths:
            codes = aug.generate_codes(tr.X, tr.y, method, per_sample, s, random_state=seed)
            D_new = torch.from_numpy(aug.vae_.decode(codes.Z, codes.y).astype(np.float32)).view(-1, c, h, w)
            a, b = D_src[codes.source], D_new
            theta = register(a, b, settings)
            loose = register(a, b, dataclasses.replace(settings, smoothness=0.2))
            sizes = {"fitted_px": rms_pixels(theta, h, w), "loose_px": rms_pixels(loose, h, w)}
            for g in gains:
                with torch.no_grad():
                    moved = warp(T[codes.source], theta * g).clamp_(0, 1).reshape(len(codes.y), -1).numpy()
                X_new = aug.preprocessor_.inverse_transform(moved)
                rows.append({"method": method, "strength": s, "gain": g, **sizes, **score(sc.transform(X_new), codes.y)})
                r = rows[-1]
                print(seed, method, s, g, {n: round(r[n]["test"] * 100, 1) for n in CLASSIFIERS}, flush=True)
    return {"seed": seed, "rows": rows, "seconds": time.perf_counter() - t0,
            "collapse_retried": bool(aug.collapse_retried_)}


def markdown(result: dict) -> str:
    seeds = [r["seed"] for r in result["per_seed"]]
    lines = [
        "# Warp decoding: the field's gain (UJI Pen Characters v1)", "",
        f"Command: `{result['command']}`; seeds {seeds}; commit {result['commit']}. Writers W01–W07 train, W08 "
        f"validation, W09–W11 test; ×{result['per_sample']} warped offspring per real sample at fixed strengths "
        "(no choice on validation). Test gain over each classifier's baseline, mean over seeds [per seed]; "
        "validation: correct samples of 124, mean over seeds (the kernel-ridge proxy's in `proxy`). Field size: RMS "
        "displacement in pixels of the fitted field (before the gain) and of a loose fit (smoothness 0.2).", "",
        "| method | strength | gain | SVM test gain | 1-NN | NN | SVM / 1-NN / NN / proxy val | field px (loose) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    base = {r["seed"]: r["rows"][0] for r in result["per_seed"]}
    keys = [(x["method"], x["strength"], x["gain"]) for x in result["per_seed"][0]["rows"][1:]]
    for k in keys:
        per = [next(x for x in r["rows"][1:] if (x["method"], x["strength"], x["gain"]) == k) for r in result["per_seed"]]
        cells = []
        for n in CLASSIFIERS:
            g = [(x[n]["test"] - base[s][n]["test"]) * 100 for x, s in zip(per, seeds)]
            cells.append(f"{np.mean(g):+.1f} [{' '.join(f'{v:+.1f}' for v in g)}]")
        val = " / ".join(f"{np.mean([x[n]['val'] for x in per]) * 124:.1f}" for n in CLASSIFIERS)
        val += f" / {np.mean([x['proxy_val'] for x in per]) * 124:.1f}"
        px = f"{np.mean([x['fitted_px'] for x in per]):.2f} ({np.mean([x['loose_px'] for x in per]):.2f})"
        lines.append(f"| {k[0]} | {k[1]} | {k[2]} | " + " | ".join(cells) + f" | {val} | {px} |")
    lines += ["", "Mean over every method and strength:", "", "| gain | SVM test gain | 1-NN | NN | SVM / 1-NN / NN / proxy val |",
              "|---|---|---|---|---|"]
    for gain in result["gains"]:
        rows = [(r["seed"], x) for r in result["per_seed"] for x in r["rows"][1:] if x["gain"] == gain]
        cells = [f"{np.mean([(x[n]['test'] - base[s][n]['test']) * 100 for s, x in rows]):+.1f}" for n in CLASSIFIERS]
        val = " / ".join(f"{np.mean([x[n]['val'] for _, x in rows]) * 124:.1f}" for n in CLASSIFIERS)
        val += f" / {np.mean([x['proxy_val'] for _, x in rows]) * 124:.1f}"
        lines.append(f"| {gain} | " + " | ".join(cells) + f" | {val} |")
    base_cells = " / ".join(f"{np.mean([base[s][n]['test'] for s in seeds]) * 100:.1f}" for n in CLASSIFIERS)
    lines += ["", f"Baseline test accuracy (SVM / 1-NN / NN), mean over seeds: {base_cells} %."]
    return "\n".join(lines) + "\n"


def main() -> None:
    import subprocess

    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    p.add_argument("--gains", type=float, nargs="+", default=[1.0, 2.0])
    p.add_argument("--per-sample", type=int, default=3)
    p.add_argument("--data", default=str(SHARED))
    p.add_argument("--out", default=str(HERE / "results"))
    a = p.parse_args()
    data = load_ujipen_v1(a.data).train_val_test()
    commit = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, cwd=HERE).stdout.strip()
    result = {"command": f"python benchmarks/studies/warp_gain.py --seeds {' '.join(map(str, a.seeds))}"
                         + ("" if a.gains == [1.0, 2.0] else f" --gains {' '.join(map(str, a.gains))}"),
              "commit": commit, "gains": a.gains, "per_sample": a.per_sample,
              "per_seed": [run_seed(s, tuple(a.gains), data, a.per_sample) for s in a.seeds]}
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "warp-gain.json").write_text(json.dumps(result) + "\n")
    (out / "warp-gain.md").write_text(markdown(result))
    print(markdown(result))


if __name__ == "__main__":
    main()
