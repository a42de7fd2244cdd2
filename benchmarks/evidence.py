"""``docs/evidence.md``: the measurements behind the defaults and the claims of the README, put
together from the tables in ``benchmarks/results/`` so that the two cannot drift apart
(``tests/test_docs.py`` rebuilds it and compares).

    python benchmarks/evidence.py
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
OUT = ROOT / "docs" / "evidence.md"

#: (table file, what it answers), in reading order; a table not yet measured is left out.
SECTIONS = (
    ("defaults-check.md", "What the defaults give on the suite, beside SMOTE and affine moves"),
    ("defaults-check-sequences-before-6b8a46b.md", "The suite's sequences before the harm check took sign 0.4 on them (6b8a46b)"),
    ("defaults-check-unseen-images.md", "Images at sizes the image defaults were not chosen on (16×16, 32×32)"),
    ("defaults-check-value-images.md", "Images as other digit sets give their pixels: 0/1 ink, 0–6 counts, [−1, 1], bytes of 0–16"),
    ("defaults-check-value-tables.md", "The same images flattened to tables"),
    ("defaults-check-scanned-images.md", "Scanned handwriting (MNIST's 5,000-digit sample) at 28×28 and as USPS's 16×16"),
    ("defaults-check-scanned-tables.md", "The same scanned digits flattened to tables"),
    ("defaults-check-unseen-sequences.md", "Sequence sets the sequence defaults were not chosen on (aeon's ItalyPowerDemand, OSULeaf, ACSF1)"),
    ("defaults-check-unseen-sequences-before-6b8a46b.md", "The same before the harm check took sign 0.4 on sequences (6b8a46b)"),
    ("defaults-check-unseen-sequences-before-b30fe3a.md", "The same before offspring and the check read long sequences at their own length (b30fe3a)"),
    ("defaults-check-unseen-sequences-before-move-trial.md", "The same before the harm check weighed the move itself (8ded7e1)"),
    ("move-trial.md", "Where the harm check drops the composed move"),
    ("long-sequences.md", "Sequences longer than the model: what its 512 steps cost"),
    ("defaults-check-pixel-tables.md", "Tables of pixels, recognised as the images they hold"),
    ("defaults-check-pixel-tables-at-67c3e85.md", "Tables of pixels before they were recognised: the table defaults"),
    ("defaults-check-inverted-images.md", "Images of dark ink on white paper"),
    ("defaults-check-inverted-images-at-7c07aa8.md", "Dark ink on white paper before the moves filled with the background"),
    ("defaults-check-image-affine.md", "Images under the previous composition, affine copies unblurred"),
    ("defaults-check-images-blur-drawn.md", "Images before cdd3e31: the moved copies blurred by σ drawn up to 6 %"),
    ("defaults-check-unseen-images-blur-drawn.md", "Unseen image sets before cdd3e31: the moved copies blurred by σ drawn up to 6 %"),
    ("defaults-check-pixel-tables-blur-drawn.md", "Tables of pixels before cdd3e31: the moved copies blurred by σ drawn up to 6 %"),
    ("defaults-check-inverted-images-blur-drawn.md", "Dark ink on white paper before cdd3e31: the moved copies blurred by σ drawn up to 6 %"),
    ("defaults-check-n3.md", "Tables at 3 offspring per sample, the amount before n_per_sample=\"auto\""),
    ("defaults-check-n9.md", "Tables at 9 offspring per sample"),
    ("portfolio.md", "The ranked settings the choice starts from, and why"),
    ("ujipen-v1-2026-12.md", "The paper's case study: Table 2 on UJI Pen Characters v1, at the current defaults"),
    ("ujipen-v1-2026-12-at-b8dcef7.md", "The same as measured at b8dcef7, before the recall of a source's offspring was read as one draw"),
    ("ujipen-v1-2026-12-at-8bd24de.md", "The same before the moved copies were blurred up to a smoothness (8bd24de): σ drawn up to 6 %"),
    ("ujipen-v1-2026-12-at-f6e2da3.md", "The same before the harm check kept every real sample (f6e2da3): near-copies in 2 seeds of 3"),
    ("uji-methods.md", "The paper's case study as an outside harness reads it: each VAE method through generate()"),
    ("uji-methods-at-285c5a2.md", "The same rerun at 285c5a2 (2026-12-07, seeds 0-2): best VAE method SVM +13.8, 1-NN +27.4, NN +9.0"),
    ("uji-methods-at-7e7ead4.md", "The same before the harm check kept every real sample (7e7ead4)"),
    ("uji-methods-at-ec70af9.md", "The same before the moved copies were blurred up to a smoothness (ec70af9): σ drawn up to 6 %"),
    ("image-fallback.md", "Images: what the fallback returns where the harm check rejects every setting"),
    ("harm-rule.md", "How strict the harm check should be on tables: other rules replayed on the same fits"),
    ("harm-rule-composed.md", "How strict the harm check should be where a move is composed: sequences and images"),
    ("worst-cells.md", "The tables' worst cells on fresh seeds"),
    ("amount-by-check.md", "Could the harm check choose the amount on tables?"),
    ("harm-check-folds.md", "Why the harm check rejected the VAE's offspring on UJI v1 in two seeds of three"),
    ("ujipen-v1-2026-12-affine.md", "The paper's case study with plain affine copies composed (the image default until 2026-12-06)"),
    ("ujipen-v1.md", "The paper's case study as first measured (commit 580e0df)"),
    ("torch-training.md", "A PyTorch network trained on `AugmentedDataset`: one draw of offspring, or a fresh draw each epoch"),
    ("unlabeled.md", "Unlabeled data for the generator, beside self-training"),
    ("unlabeled-n3.md", "Unlabeled data for the generator, beside self-training, at 3 offspring per sample"),
    ("compose-affine.md", "Composing the VAE with affine moves on images"),
    ("compose-affine-ujipen.md", "Composing the VAE with affine moves on UJI Pen Characters v1"),
    ("moment-match.md", "Tables: offspring given their sources' per-feature mean and spread"),
    ("moment-match-mixed.md", "The same under today's defaults (mixed, 6 per sample), on the suite and the unseen tables"),
    ("match-parts.md", "The match in parts: the mean's shift, the spread's stretch, a clip after"),
    ("unseen-tables.md", "Tables the suite never saw: the defaults beside SMOTE"),
    ("count-effect.md", "Tables: what more rows alone do (exact copies), beside the defaults"),
    ("table-mixtures.md", "Tables: offspring pooled from interpolation and extrapolation"),
    ("missing-cells.md", "Tables with missing cells: holes given to vaeaug, or filled first"),
    ("stroke-blur.md", "Blurred copies of stroke images, alone and composed with the VAE (the image default since 2026-12-06)"),
    ("stroke-blur-at-8fd63b2.md", "Blurred copies of stroke images, first run: fit choosing beside plain affine copies"),
    ("blur-draw-topup.md", "How much to blur the moved copies: topped up to a smoothness, against σ drawn (paired; the default since cdd3e31)"),
    ("blur-draw.md", "How much to blur the moved copies: σ drawn from three ranges"),
    ("blurred-offspring.md", "Blurring the VAE's offspring too (not adopted)"),
    ("reconstructed-moves.md", "Reconstructions of moved copies: the best method for 1-NN on UJI v1"),
    ("sequences.md", "Sequences: the defaults beside SMOTE and the time-series augmenters, at 5 per class"),
    ("sequence-levers.md", "Sequences: tconv against GRU, and the VAE fitted on time-warped copies"),
    ("guided-warp.md", "Sequences: timing from the VAE's latent neighbours (guided warping)"),
    ("sequence-estimator.md", "Sequences: the harm check scoring with the SVM (estimator=) against the proxy"),
    ("uji-trajectories.md", "UJI v1 as pen trajectories: offspring rendered for image classifiers"),
    ("imbalanced.md", "VAESampler beside SMOTE, ADASYN and BorderlineSMOTE on imbalanced tables"),
    ("busy-machine.md", "Speed on a busy machine: the thread policy"),
    ("busy-image-fit.md", "Speed on a busy machine: large samples at 1 and 2 threads"),
    ("profile-experiment.md", "Where the main job's time goes"),
)


def _demote(md: str) -> str:
    """A table file's headings, one level down, under its section."""
    return "\n".join(("#" + line) if line.startswith("#") else line for line in md.strip().splitlines())


def build() -> str:
    parts = ["# The evidence", "",
             "Generated by `python benchmarks/evidence.py` from the tables in `benchmarks/results/`; each table "
             "names the command and seeds that made it. How each default was chosen: `choice.md`.", ""]
    for name, question in SECTIONS:
        path = RESULTS / name
        if path.exists():
            parts += [f"## {question}", "", f"From `benchmarks/results/{name}`.", "", _demote(path.read_text()), ""]
    return "\n".join(parts).rstrip() + "\n"


if __name__ == "__main__":
    OUT.write_text(build())
    print(f"wrote {OUT}")
