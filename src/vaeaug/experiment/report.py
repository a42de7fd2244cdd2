"""The Markdown and HTML report of an experiment: its tables, and the figures of :mod:`.figures`
laid out; every file is written atomically."""

from __future__ import annotations

import base64
import html
from pathlib import Path

import numpy as np

from ..fileio import atomic_write_json, atomic_write_text
from ..plots import codes_of
from .figures import (
    fig_accuracy,
    fig_latent,
    fig_manifold,
    fig_offspring,
    fig_strips,
    fig_synthetic_scatter,
    fig_training_curves,
    pictures_for,
)

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


def _how_chosen(result: dict) -> str:
    """What the table's settings came from, and how many seeds it stands on."""
    amounts = result.get("amounts") or result["config"].get("amounts") or [3]
    amount = (f"amounts {list(amounts)} per real sample, the best mean validation accuracy over the classifiers"
              if len(amounts) > 1 else f"{amounts[0]} synthetic samples per real one")
    text = (f"Each VAE method uses the strength and decoding `fit` chose (the prior's first setting not shown "
            f"to hurt by cross-validation over train ∪ validation), {amount}; the test split was only scored.")
    if len(result["seeds"]) == 1:
        text += (f" One seed ({result['seeds'][0]}), so no spread is shown: `vaeaug experiment --seeds 3` gives "
                 "mean ± std over three.")
    for name, why in result["per_seed"][0].get("dropped_classifiers", {}).items():
        text += f" {name} is {why}."
    if "interrupted" in result:
        text += (f" **Interrupted:** seed(s) {result['seeds']} of the {result['interrupted']['seeds_asked']} "
                 "asked were done; the table stands on them alone.")
    return text + "\n"


def data_summary(result: dict) -> str:
    """The data set's one-line summary, saying when the VAE read a table's columns as images
    (``image_shape_``), since the summary alone names the kind the file was loaded as."""
    shapes = {tuple(r["vae"]["image_shape"]) for r in result.get("per_seed", []) if r["vae"].get("image_shape")}
    read = "; the VAE read its columns as " + " or ".join("×".join(map(str, s)) for s in sorted(shapes)) + " images"
    n, sizes = result.get("config", {}).get("per_class"), result["dataset"].get("sizes", {})
    short = n and sizes.get("train", 0) < n * result["dataset"].get("n_classes", 0)  # some class holds fewer
    cut = (f"; trained on {'up to ' if short else ''}{n} per class ({sizes['train']} samples, {sizes['val']} "
           f"validating{'; a class that holds fewer gives all it has' if short else ''}), drawn per seed, "
           f"tested on all {sizes['test']}") if n else ""
    return result["dataset"]["summary"] + (read if shapes else "") + cut


def _imputed_note(dataset: dict) -> str:
    """A sentence on the data's missing cells, filled before the split (``meta["imputed"]``: count
    per column), so that a reader of the report knows the classifiers read filled values."""
    imputed = dataset.get("meta", {}).get("imputed") or {}
    if not imputed:
        return ""
    n, worst = sum(imputed.values()), max(imputed, key=imputed.get)
    return (f" {n:,} missing cell{'s' if n > 1 else ''} in {len(imputed)} column{'s' if len(imputed) > 1 else ''} "
            f"(most in {worst!r}: {imputed[worst]:,}) were filled before the split, numbers at their column's "
            "median and categories at their most frequent value: every classifier and the VAE read them so.")


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
    from .evaluation import COMPARATORS

    comps = [c for c in COMPARATORS if c in result["columns"]]
    lines = ["| classifier | baseline | VAE, chosen on validation | gain | " + " | ".join(comps) + " | picks |",
             "|---" * (5 + len(comps)) + "|"]
    for n in result["classifiers"]:
        if n not in vc:
            continue
        # a pick that made no samples in its seed is real data alone: never recommended as a method
        picks = [p if r.get("quality", {}).get(p, {}).get("n_synthetic", 1) else "none (real data only)"
                 for p, r in zip(vc[n]["picks"], result["per_seed"])]
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


def beside_paper(result: dict) -> bool:
    """Whether the paper's Table 2 applies: UJI Pen Characters as images, as its classifiers read them."""
    d = result["dataset"]
    return d["name"].startswith("ujipen") and d["kind"] == "image"


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


# ------------------------------------------------------------------------------ report
#: What :func:`write_report` writes in its folder.
REPORT_FILES = ("results.json", "results.md", "report.md", "report.html", "figures")


def refuse_foreign_report(out_dir: str | Path) -> None:
    """Refuse a report folder that holds one of :data:`REPORT_FILES` and no earlier report of
    vaeaug's (a ``results.json`` with its ``vaeaug_version``): writing would replace a file of the
    user's. Called before the experiment runs, not after."""
    import json

    out = Path(out_dir)
    there = [n for n in REPORT_FILES if (out / n).exists()]
    if not there:
        return
    try:
        ours = "vaeaug_version" in json.loads((out / "results.json").read_text("utf-8"))
    except (OSError, ValueError, TypeError):
        ours = False
    if not ours:
        raise ValueError(f"{out} holds {there} that vaeaug did not write, and the report would replace them: "
                         "give another --out folder")


def write_report(result: dict, out_dir: str | Path, train, test, augmenter, chosen_sets: dict) -> dict[str, Path]:
    """Write results.json, results.md, report.md, report.html and figures/*.png to ``out_dir``."""
    from ..proxy import FeatureScaler

    out = Path(out_dir)
    figs = out / "figures"
    figs.mkdir(parents=True, exist_ok=True)
    files: dict[str, Path] = {}
    seed = result["seeds"][0]
    hist = dict(result["per_seed"][0]["vae"]["history"], seed=seed)
    fig_training_curves(hist, figs / "training_curves.png")
    files["training curves"] = figs / "training_curves.png"
    Z = codes_of(augmenter, train.X)
    fig_latent(Z, train.y, figs / "latent_space.png")
    files["latent space"] = figs / "latent_space.png"
    picture, curves = pictures_for(train.kind, train.meta), train.kind == "sequence"
    if fig_manifold(augmenter, train.y, Z, figs / "manifold.png", picture=picture):
        files["decoded latent grid"] = figs / "manifold.png"
    if fig_offspring(augmenter, train.X, train.y, figs / "offspring.png", seed=seed, picture=picture, curves=curves):
        files["originals and offspring"] = figs / "offspring.png"
    if fig_strips(augmenter, train.X, train.y, figs / "interpolation_strips.png", seed=seed, picture=picture,
                  curves=curves):
        files["interpolation strips"] = figs / "interpolation_strips.png"
    if chosen_sets:  # none where the experiment compares no method and no comparator (a baseline alone)
        scaler = FeatureScaler().fit(train.X, train.kind)
        fig_synthetic_scatter(scaler.transform(train.X), {k: scaler.transform(v[0]) for k, v in chosen_sets.items()},
                              figs / "synthetic_scatter.png")
        files["real and synthetic samples"] = figs / "synthetic_scatter.png"
    if result["columns"][1:]:  # gains over the baseline, of which a baseline alone has none
        fig_accuracy(result, figs / "accuracy.png")
        files["accuracy"] = figs / "accuracy.png"

    atomic_write_json(out / "results.json", result)
    table = markdown_table(result)
    d = result["dataset"]
    head = (f"# vaeaug experiment: {d['name']}\n\n{data_summary(result)}. Split: train {d['sizes']['train']} / "
            f"validation {d['sizes']['val']} / test {d['sizes']['test']}"
            + (f" ({d['meta']['split']})" if d["meta"].get("split") else "") + "." + _imputed_note(d) + "\n")
    body = [
        head,
        f"## Test accuracy (%), mean ± std over seeds {result['seeds']}\n",
        _how_chosen(result),
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
        "principal components of the classifiers' input features, fitted on the real training split. "
        "Recall's balls about the synthetic samples reach their k·n-th neighbour, n made per training sample, "
        "so that a source's own offspring do not shrink them to nothing.\n",
        quality_table(result),
    ]
    if beside_paper(result):
        body += ["\n## Beside the paper (Jorge et al. 2018, Table 2, UJI Pen Characters v2)\n", paper_comparison(result)]
    said = _captions(augmenter, seed)
    body += ["\n## Figures\n"] + [f"### {k}\n\n![{k}](figures/{p.name})\n\n{said[k]}\n" for k, p in files.items()]
    body += [f"\nvaeaug {result['vaeaug_version']}, commit {result.get('commit') or 'unknown'}, "
             f"{result['seconds']:.0f} s in all.\n"]
    md = "\n".join(body)
    atomic_write_text(out / "results.md", f"# {d['name']}\n\n{table}\n\n{quality_table(result)}\n")
    atomic_write_text(out / "report.md", md)
    atomic_write_text(out / "report.html", _html(md, out))
    return {"json": out / "results.json", "markdown": out / "report.md", "html": out / "report.html", **files}


def _captions(augmenter, seed: int) -> dict[str, str]:
    """A line under each figure of the report: what it draws, and how to read it."""
    decoding = getattr(augmenter, "decoding_", {}).get("interpolation") or "direct"
    move = getattr(augmenter, "compose_", "none")
    return {
        "training curves": f"The VAE's loss per epoch (seed {seed}); the dashed line marks the epoch whose weights "
                           "were kept.",
        "latent space": "The training samples' codes (posterior means) on their first two principal axes, by class.",
        "decoded latent grid": "The decoder's pictures over the plane of the codes (±2 std on its first two "
                               "principal axes): what the latent space has learned.",
        "originals and offspring": "Left, one original of each of a few classes; then what `generate` makes of it "
                                   "with each method at the setting `fit` chose (the random ones drawn twice)"
                                   + (f"; last, the {move.replace('_', ' ')} copy it adds beside them."
                                      if move != "none" else "."),
        "interpolation strips": "z_i + λ (z_j − z_i) from a sample to its nearest same-class neighbour, λ = 0 … 1, "
                                f"decoded as the interpolation offspring are ({decoding} decoding).",
        "real and synthetic samples": "Real training samples and each column's synthetic ones on the first two "
                                      "principal axes of the classifiers' input features.",
        "accuracy": "Test accuracy gain over real data alone, per classifier and augmenter (mean ± std over seeds).",
    }


def _inline(text: str) -> str:
    """Markdown's inline marks as HTML, after escaping: **strong**, *emphasis*, `code`."""
    import re

    text = html.escape(text)
    text = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", text)
    text = re.sub(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])", r"<em>\1</em>", text)
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", text)


def _md_table_to_html(lines: list[str]) -> str:
    rows = [[_inline(c.strip()) for c in ln.strip().strip("|").split("|")] for ln in lines if not ln.startswith("|---")]
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
            parts.append(f"<p>{_inline(line)}</p>")
    # wide tables (sequences have eleven columns) scroll inside the page rather than widening it
    style = ("body{font-family:sans-serif;max-width:1000px;margin:2em auto;padding:0 1em}"
             "table{border-collapse:collapse;margin:1em 0;display:block;max-width:100%;overflow-x:auto;"
             "font-size:0.9em}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}"
             "td:first-child,th:first-child{text-align:left}td{white-space:nowrap}img{max-width:100%}")
    return f"<!doctype html><html><head><meta charset='utf-8'><title>vaeaug report</title><style>{style}</style></head><body>{''.join(parts)}</body></html>\n"
