"""Figures and the Markdown/HTML report of an experiment. Uses matplotlib's object API (no pyplot
state, no display needed); every file is written atomically."""

from __future__ import annotations

import base64
import html
import io
import math
from pathlib import Path

import numpy as np

from .fileio import atomic_write_bytes, atomic_write_json, atomic_write_text

#: Jorge et al. (2018), Table 2: UJI Pen Characters v2 test accuracy (%), for reference.
PAPER_TABLE2 = {
    "SVM": {"baseline": 54.79, "noise": 59.09, "interpolation": 63.48, "extrapolation": 63.19},
    "k-NN": {"baseline": 31.86, "noise": 39.29, "interpolation": 53.15, "extrapolation": 46.74},
    "NN": {"baseline": 63.99, "noise": 57.20, "interpolation": 65.60, "extrapolation": 64.09},
}


def _fmt(ms: dict, scale: float = 100.0, digits: int = 1) -> str:
    if ms is None or not np.isfinite(ms["mean"]):
        return "–"
    return f"{ms['mean'] * scale:.{digits}f} ± {ms['std'] * scale:.{digits}f}"


def _describe(cand: dict, column: str) -> str:
    if cand.get("skipped"):
        return "none (no gain on validation)"
    a = f"×{cand['n_per_sample']}"
    s = cand.get("strength")
    if s is None:
        return a
    sym = "σ" if column == "noise" else "λ"
    dec = f", {cand['decoding']}" if cand.get("decoding", "direct") != "direct" else ""
    return f"{a}, {sym}={s}{dec}"


def chosen_summary(result: dict, column: str) -> str:
    """What validation chose for a column, over seeds: e.g. '×3, λ=0.5 (3/3)'."""
    picks = [_describe(c, column) for c in result["chosen"][column]]
    uniq = sorted(set(picks), key=picks.index)
    return "; ".join(f"{p} ({picks.count(p)}/{len(picks)})" for p in uniq)


def markdown_table(result: dict) -> str:
    """The accuracy table (rows classifiers, columns baseline and methods), mean ± std over seeds."""
    cols = result["columns"]
    lines = ["| classifier | " + " | ".join(cols) + " |", "|---" * (len(cols) + 1) + "|"]
    for n in result["classifiers"]:
        lines.append(f"| {n} | " + " | ".join(_fmt(result["table"][n][c]) for c in cols) + " |")
    lines.append("| *chosen on validation* | – | " + " | ".join(chosen_summary(result, c) for c in cols[1:]) + " |")
    return "\n".join(lines)


def _collapse_note(result: dict) -> list[str]:
    """A warning paragraph when the VAE's codes collapsed in some seed (the decoder ignored z)."""
    seeds = [r["seed"] for r in result["per_seed"] if r["vae"].get("collapsed")]
    retried = [r["seed"] for r in result["per_seed"] if r["vae"].get("collapse_retried")]
    out = []
    if retried:
        still = [s for s in retried if s in seeds]
        out.append(f"\nIn seed(s) {retried} the first training collapsed (the codes did not spread); `fit` trained "
                   "again with a longer KL warm-up" + (f", which collapsed too in {still}" if still else
                                                       ", which kept z in use") + ".\n")
    if not seeds:
        return out
    return out + [f"\n**Posterior collapse** in seed(s) {seeds}: the training codes did not spread (at most "
            f"{max(r['vae']['latent_spread_max'] for r in result['per_seed'] if r['vae'].get('collapsed')):.3g} "
            "on any latent dimension; the prior's is 1), so the decoder ignored z. Every method then decodes "
            "a class to (nearly) its prototype, and the method columns differ only by amount and chance.\n"]


def val_chosen_table(result: dict) -> str:
    """Per classifier: baseline, the VAE method chosen on validation for that classifier (its test
    accuracy and gain), the best comparator, and which method validation picked per seed."""
    vc = result.get("val_chosen") or {}
    comps = [c for c in ("SMOTE", "affine") if c in result["columns"]]
    lines = ["| classifier | baseline | VAE, chosen on validation | gain | " + " | ".join(comps) + " | picks |",
             "|---" * (5 + len(comps)) + "|"]
    for n in result["classifiers"]:
        if n not in vc:
            continue
        picks = vc[n]["picks"]
        uniq = sorted(set(picks), key=picks.index)
        lines.append(f"| {n} | {_fmt(result['table'][n]['baseline'])} | {_fmt(vc[n])} | "
                     f"{vc[n]['gain']['mean'] * 100:+.1f} (min {min(vc[n]['gain']['values']) * 100:+.1f}) | "
                     + " | ".join(_fmt(result["table"][n][c]) for c in comps)
                     + " | " + "; ".join(f"{p} ({picks.count(p)}/{len(picks)})" for p in uniq) + " |")
    return "\n".join(lines)


def quality_table(result: dict) -> str:
    metrics = ["label_fidelity", "precision", "recall", "density", "coverage"]
    cols = result["columns"][1:]
    lines = ["| metric | " + " | ".join(cols) + " |", "|---" * (len(cols) + 1) + "|"]
    for m in metrics:
        cells = []
        for c in cols:
            ms = result["quality"][c].get(m)
            cells.append("–" if ms is None or not np.isfinite(ms["mean"]) else f"{ms['mean']:.3f} ± {ms['std']:.3f}")
        lines.append(f"| {m.replace('_', ' ')} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def paper_comparison(result: dict) -> str:
    """Our gains over our baseline beside the paper's gains over its baseline (points)."""
    lines = ["| classifier | method | ours: accuracy (gain) | paper: accuracy (gain) |", "|---|---|---|---|"]
    for n in result["classifiers"]:
        ours = result["table"][n]
        paper = PAPER_TABLE2.get(n, {})
        for m in ("baseline", "noise", "interpolation", "extrapolation"):
            if m not in ours:
                continue
            o = ours[m]["mean"] * 100
            og = o - ours["baseline"]["mean"] * 100
            p = paper.get(m)
            ps = "–" if p is None else (f"{p:.2f}" if m == "baseline" else f"{p:.2f} ({p - paper['baseline']:+.2f})")
            os_ = f"{o:.1f}" if m == "baseline" else f"{o:.1f} ({og:+.1f})"
            lines.append(f"| {n} | {m} | {os_} | {ps} |")
    return "\n".join(lines)


# ------------------------------------------------------------------------------ figures
def _figure(w: float, h: float):
    from matplotlib.figure import Figure

    return Figure(figsize=(w, h), dpi=100)


def _save(fig, path: Path) -> None:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight")
    atomic_write_bytes(path, buf.getvalue())


def _as_images(X: np.ndarray) -> np.ndarray | None:
    """Samples as displayable (N, H, W) or (N, H, W, 3) arrays; None for non-square vectors."""
    if X.ndim == 3:
        return X
    if X.ndim == 4:
        return X.transpose(0, 2, 3, 1) if X.shape[1] == 3 else X[:, 0]
    side = int(round(math.sqrt(X.shape[1])))
    return X.reshape(len(X), side, side) if side * side == X.shape[1] else None


def _tile(images: np.ndarray, rows: int, cols: int) -> np.ndarray:
    imgs = images.astype(np.float64)
    lo, hi = float(imgs.min()), float(imgs.max())
    imgs = (imgs - lo) / (hi - lo if hi > lo else 1.0)
    h, w = imgs.shape[1:3]
    pad = 1
    canvas = np.ones((rows * (h + pad) + pad, cols * (w + pad) + pad, *imgs.shape[3:]))
    for k in range(min(len(imgs), rows * cols)):
        r, c = divmod(k, cols)
        canvas[pad + r * (h + pad): pad + r * (h + pad) + h, pad + c * (w + pad): pad + c * (w + pad) + w] = imgs[k]
    return canvas


def fig_training_curves(history: dict, path: Path) -> None:
    fig = _figure(6, 3.5)
    ax = fig.add_subplot()
    ep = np.arange(1, len(history["train_loss"]) + 1)
    ax.plot(ep, history["train_loss"], label="training")
    ax.plot(ep, history["val_loss"], label="validation")
    b = history["best_epoch"] + 1
    ax.axvline(b, color="grey", ls="--", lw=1, label=f"best epoch ({b})")
    ax.set_xlabel("epoch")
    ax.set_ylabel("negative β-ELBO per sample")
    ax.set_title("VAE training (seed %s)" % history.get("seed", 0))
    ax.legend()
    _save(fig, path)


def fig_latent(Z: np.ndarray, y: np.ndarray, path: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Codes projected on their first two principal axes, coloured by class. Returns (mean, axes, std)."""
    mean = Z.mean(axis=0)
    U, S, Vt = np.linalg.svd(Z - mean, full_matrices=False)
    axes = Vt[:2] if len(Vt) >= 2 else np.vstack([Vt, np.zeros_like(Vt)])
    P = (Z - mean) @ axes.T
    fig = _figure(6, 5)
    ax = fig.add_subplot()
    classes = np.unique(y)
    cmap = "tab10" if len(classes) <= 10 else "tab20" if len(classes) <= 20 else "nipy_spectral"
    idx = np.searchsorted(classes, y)
    sc = ax.scatter(P[:, 0], P[:, 1], c=idx, cmap=cmap, s=12, alpha=0.8)
    if len(classes) <= 20:
        handles = [ax.scatter([], [], color=sc.cmap(sc.norm(i)), s=12, label=str(c)) for i, c in enumerate(classes)]
        ax.legend(handles=handles, fontsize=7, loc="best", ncol=2)
    ax.set_xlabel("principal axis 1 of z")
    ax.set_ylabel("principal axis 2 of z")
    ax.set_title("Latent codes of the training set")
    _save(fig, path)
    return mean, axes, P.std(axis=0)


def fig_manifold(aug, mean, axes, std, y_train: np.ndarray, Z_train: np.ndarray, path: Path, n: int = 12) -> bool:
    """Decode a grid over the 2-D plane of :func:`fig_latent` (±2 std): the learned manifold."""
    u = np.linspace(-2, 2, n)
    grid = np.array([mean + a * std[0] * axes[0] + b * std[1] * axes[1] for b in u[::-1] for a in u])
    labels = None
    if aug.config_.n_classes:  # conditional decoder: label each point as its nearest training code
        d = ((grid[:, None, :] - Z_train[None]) ** 2).sum(-1)
        labels = y_train[d.argmin(axis=1)]
    imgs = _as_images(aug.inverse_transform(grid.astype(np.float32), labels))
    if imgs is None:
        return False
    fig = _figure(6, 6)
    ax = fig.add_subplot()
    ax.imshow(_tile(imgs, n, n), cmap="gray")
    ax.set_axis_off()
    ax.set_title("Decoded grid over the latent plane (±2 std)")
    _save(fig, path)
    return True


def fig_offspring(aug, X: np.ndarray, y: np.ndarray, path: Path, seed: int = 0, n_rows: int = 8) -> bool:
    """Originals beside their reconstruction and noise / interpolation / extrapolation offspring
    (the paper's Figure 10)."""
    rng = np.random.default_rng(seed)
    classes = np.unique(y)
    pick_classes = rng.choice(classes, size=min(n_rows, len(classes)), replace=False)
    idx = np.array([rng.choice(np.flatnonzero(y == c)) for c in pick_classes])
    cols = [("original", None, None), ("reconstruction", "reconstruction", None), ("noise", "noise", None),
            ("noise", "noise", None), ("interpolation", "interpolation", None),
            ("interpolation", "interpolation", None), ("extrapolation", "extrapolation", None),
            ("extrapolation", "extrapolation", None)]
    panels = []
    for j, (title, method, _) in enumerate(cols):
        if method is None:
            panels.append(X[idx])
            continue
        strength, decoding = None, None  # exactly what generate() makes, as chosen in fit
        if getattr(aug, "strength_", {}).get(method, 0) is None:
            # fit found no gain, so generate() makes nothing: show the best-scored candidate, marked
            strength, decoding = best_scored(aug.selection_, method)
            cols[j] = (f"{title} (not used)", method, None)
        # neighbours come from the whole class, so generate on all samples of the picked classes
        sel = np.flatnonzero(np.isin(y, pick_classes))
        Xn, _, codes = aug.generate(X[sel], y[sel], method, 1, strength=strength, decoding=decoding,
                                    random_state=seed + j, small_classes="skip", return_codes=True)
        pos = {s: k for k, s in enumerate(sel[codes.source])}
        panels.append(np.stack([Xn[pos[i]] if i in pos else X[i] * 0 for i in idx]))
    imgs = [_as_images(p) for p in panels]
    if any(im is None for im in imgs):
        return False
    stacked = np.stack(imgs, axis=1).reshape(-1, *imgs[0].shape[1:])
    fig = _figure(8, 1.1 * len(idx) + 0.6)
    ax = fig.add_subplot()
    ax.imshow(_tile(stacked, len(idx), len(cols)), cmap="gray")
    ax.set_xticks([(k + 0.5) * (imgs[0].shape[2] + 1) for k in range(len(cols))])
    ax.set_xticklabels([c[0] for c in cols], rotation=30, fontsize=8)
    ax.set_yticks([])
    ax.set_title("Originals and their offspring")
    _save(fig, path)
    return True


def best_scored(selection: dict, method: str) -> tuple[float, str]:
    """The (strength, decoding) the proxy scored highest for ``method`` in ``fit``'s choice, ties to
    the milder strength: what a figure shows for a method that makes nothing."""
    scored = [(acc, -float(s), d) for d, by_strength in selection.get(method, {}).items()
              for s, acc in by_strength.items()]  # "auto" strengths: the grid's numbers
    if not scored:
        return 0.5, "residual"
    acc, neg_strength, decoding = max(scored)
    return -neg_strength, decoding


def fig_strips(aug, X: np.ndarray, y: np.ndarray, path: Path, seed: int = 0, n_rows: int = 6, steps: int = 9) -> bool:
    """Interpolation strips z_i + λ (z_j − z_i), λ from 0 to 1, between same-class samples (Figure 14)."""
    from .latent import interpolate, same_class_neighbours

    rng = np.random.default_rng(seed)
    Z = aug.transform(X)
    nb = same_class_neighbours(Z, y, k=1)[:, 0]
    ok = np.flatnonzero(nb >= 0)
    if len(ok) == 0:
        return False
    rows = rng.choice(ok, size=min(n_rows, len(ok)), replace=False)
    lam = np.linspace(0, 1, steps)
    codes = np.concatenate([interpolate(np.repeat(Z[[i]], steps, 0), np.repeat(Z[[nb[i]]], steps, 0), lam) for i in rows])
    labels = np.repeat(y[rows], steps) if aug.config_.n_classes else None
    imgs = _as_images(aug.inverse_transform(codes.astype(np.float32), labels))
    if imgs is None:
        return False
    fig = _figure(8, 1.0 * len(rows) + 0.5)
    ax = fig.add_subplot()
    ax.imshow(_tile(imgs, len(rows), steps), cmap="gray")
    ax.set_axis_off()
    ax.set_title("Interpolation between same-class neighbours (λ = 0 … 1)")
    _save(fig, path)
    return True


def fig_synthetic_scatter(train_F: np.ndarray, sets: dict[str, np.ndarray], path: Path) -> None:
    """Real training samples and each method's synthetic samples on the real data's first two principal axes."""
    mean = train_F.mean(axis=0)
    _, _, Vt = np.linalg.svd(train_F - mean, full_matrices=False)
    ax2 = Vt[:2]
    n = len(sets)
    cols = min(n, 3)
    rows = int(math.ceil(n / cols))
    fig = _figure(4 * cols, 3.5 * rows)
    R = (train_F - mean) @ ax2.T
    for k, (name, F) in enumerate(sets.items()):
        ax = fig.add_subplot(rows, cols, k + 1)
        ax.scatter(R[:, 0], R[:, 1], s=6, c="grey", alpha=0.5, label="real")
        if len(F):
            P = (F - mean) @ ax2.T
            ax.scatter(P[:, 0], P[:, 1], s=6, c="tab:red", alpha=0.5, label="synthetic")
        ax.set_title(name, fontsize=9)
        ax.legend(fontsize=7)
    _save(fig, path)


def fig_accuracy(result: dict, path: Path) -> None:
    cols, clfs = result["columns"], result["classifiers"]
    fig = _figure(max(6, 1.2 * len(cols)), 4)
    ax = fig.add_subplot()
    w = 0.8 / len(cols)
    x = np.arange(len(clfs))
    for k, c in enumerate(cols):
        m = [result["table"][n][c]["mean"] * 100 for n in clfs]
        s = [result["table"][n][c]["std"] * 100 for n in clfs]
        ax.bar(x + (k - (len(cols) - 1) / 2) * w, m, w, yerr=s, label=c, capsize=2)
    ax.set_xticks(x)
    ax.set_xticklabels(clfs)
    ax.set_ylabel("test accuracy (%)")
    ax.set_title(f"{result['dataset']['name']}: mean ± std over {len(result['seeds'])} seed(s)")
    ax.legend(fontsize=7, ncol=2)
    _save(fig, path)


# ------------------------------------------------------------------------------ report
def write_report(result: dict, out_dir: str | Path, train, test, augmenter, chosen_sets: dict) -> dict[str, Path]:
    """Write results.json, results.md, report.md, report.html and figures/*.png to ``out_dir``."""
    from .classifiers import FeatureScaler

    out = Path(out_dir)
    figs = out / "figures"
    figs.mkdir(parents=True, exist_ok=True)
    files: dict[str, Path] = {}
    seed = result["seeds"][0]
    hist = dict(result["per_seed"][0]["vae"]["history"], seed=seed)
    fig_training_curves(hist, figs / "training_curves.png")
    files["training curves"] = figs / "training_curves.png"
    Z = augmenter.transform(train.X)
    mean, axes, std = fig_latent(Z, train.y, figs / "latent_space.png")
    files["latent space"] = figs / "latent_space.png"
    if fig_manifold(augmenter, mean, axes, std, train.y, Z, figs / "manifold.png"):
        files["decoded latent grid"] = figs / "manifold.png"
    if fig_offspring(augmenter, train.X, train.y, figs / "offspring.png", seed=seed):
        files["originals and offspring"] = figs / "offspring.png"
    if fig_strips(augmenter, train.X, train.y, figs / "interpolation_strips.png", seed=seed):
        files["interpolation strips"] = figs / "interpolation_strips.png"
    scaler = FeatureScaler().fit(train.X, train.kind)
    fig_synthetic_scatter(scaler.transform(train.X), {k: scaler.transform(v[0]) for k, v in chosen_sets.items()},
                          figs / "synthetic_scatter.png")
    files["real and synthetic samples"] = figs / "synthetic_scatter.png"
    fig_accuracy(result, figs / "accuracy.png")
    files["accuracy"] = figs / "accuracy.png"

    atomic_write_json(out / "results.json", result)
    table = markdown_table(result)
    d = result["dataset"]
    head = (f"# vaeaug experiment: {d['name']}\n\n{d['summary']}. Split: train {d['sizes']['train']} / "
            f"validation {d['sizes']['val']} / test {d['sizes']['test']}"
            + (f" ({d['meta']['split']})" if d["meta"].get("split") else "") + ".\n")
    body = [
        head,
        f"## Test accuracy (%), mean ± std over seeds {result['seeds']}\n",
        "Strength and amount per method were chosen on the validation split (best mean accuracy over the "
        "classifiers); the test split was only scored.\n",
        table,
        "\n## The VAE method chosen on validation, per classifier\n",
        "What a user would deploy: in each seed, the VAE method with the best validation accuracy for "
        "that classifier; its test accuracy and gain over the baseline (min: the worst seed).\n",
        val_chosen_table(result),
        *_collapse_note(result),
        "\n## Quality of the synthetic samples (chosen setting)\n",
        "Label fidelity: share of synthetic samples that the SVM trained on real data assigns to their "
        f"intended class. Precision / recall / density / coverage (Naeem et al. 2020, k={result['config']['prdc_k']}) "
        f"of synthetic against held-out real (test) samples, in the first {result['config']['quality_dims']} "
        "principal components of the classifiers' input features, fitted on the real training split.\n",
        quality_table(result),
    ]
    if d["name"].startswith("ujipen"):
        body += ["\n## Beside the paper (Jorge et al. 2018, Table 2, UJI Pen Characters v2)\n", paper_comparison(result)]
    body += ["\n## Figures\n"] + [f"### {k}\n\n![{k}](figures/{p.name})\n" for k, p in files.items()]
    body += [f"\nvaeaug {result['vaeaug_version']}, commit {result.get('commit') or 'unknown'}, "
             f"{result['seconds']:.0f} s in all.\n"]
    md = "\n".join(body)
    atomic_write_text(out / "results.md", f"# {d['name']}\n\n{table}\n\n{quality_table(result)}\n")
    atomic_write_text(out / "report.md", md)
    atomic_write_text(out / "report.html", _html(md, out))
    return {"json": out / "results.json", "markdown": out / "report.md", "html": out / "report.html", **files}


def _md_table_to_html(lines: list[str]) -> str:
    rows = [[html.escape(c.strip()) for c in ln.strip().strip("|").split("|")] for ln in lines if not ln.startswith("|---")]
    head = "".join(f"<th>{c}</th>" for c in rows[0])
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows[1:])
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _html(md: str, out: Path) -> str:
    """A self-contained HTML page from the report's Markdown: images inlined as base64."""
    parts, table = [], []
    for line in md.splitlines() + [""]:
        if line.startswith("|"):
            table.append(line)
            continue
        if table:
            parts.append(_md_table_to_html(table))
            table = []
        if line.startswith("### "):
            parts.append(f"<h3>{html.escape(line[4:])}</h3>")
        elif line.startswith("## "):
            parts.append(f"<h2>{html.escape(line[3:])}</h2>")
        elif line.startswith("# "):
            parts.append(f"<h1>{html.escape(line[2:])}</h1>")
        elif line.startswith("![") and "](" in line:
            alt, src = line[2:].split("](", 1)
            data = base64.b64encode((out / src.rstrip(")")).read_bytes()).decode()
            parts.append(f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{data}">')
        elif line.strip():
            parts.append(f"<p>{html.escape(line)}</p>")
    style = ("body{font-family:sans-serif;max-width:1000px;margin:2em auto;padding:0 1em}"
             "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}"
             "td:first-child,th:first-child{text-align:left}img{max-width:100%}")
    return f"<!doctype html><html><head><meta charset='utf-8'><title>vaeaug report</title><style>{style}</style></head><body>{''.join(parts)}</body></html>\n"
