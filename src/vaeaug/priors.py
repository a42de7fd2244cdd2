"""What the choice starts from, per data kind: a ranked portfolio of settings, fixed from the
defaults suite (``benchmarks/results/portfolio.md``), and the rule that may overrule it.

All per-kind priors live here, so that a new data kind adds its own entry and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Setting:
    """One way to make offspring: a method, a decoding and a strength (σ or λ)."""

    method: str
    decoding: str
    strength: float | tuple

    def label(self) -> str:
        return f"{self.method}|{self.decoding}|{self.strength}"


#: Ranked settings per data kind: the best mean test gain over the suite's data sets ×
#: classifiers among those whose worst cell stays above the bound, then each method's best, each
#: scored with the kind's default move beside it as ``generate`` returns it
#: (``python benchmarks/defaults_suite.py --table``; ``tests/test_priors.py`` keeps the two equal).
PORTFOLIO: dict[str, tuple[Setting, ...]] = {
    "vector": (
        Setting("mixed", "residual", 0.75),
        Setting("mixed", "residual", 0.5),
        Setting("interpolation", "residual", 0.75),
        Setting("extrapolation", "residual", 0.25),
        Setting("noise", "residual", 0.5),
    ),
    "image": (
        Setting("noise", "warp", 2.0),
        Setting("noise", "warp", 1.0),
        Setting("interpolation", "warp", 0.5),
        Setting("extrapolation", "warp", 1.0),
    ),
    "sequence": (
        Setting("interpolation", "direct", 0.5),
        Setting("noise", "timewarp", 2.0),
        Setting("extrapolation", "timewarp", 0.5),
    ),
}

#: ``compose="auto"``: the input-space move (:mod:`vaeaug.moves`) made of each real sample beside
#: the VAE's offspring, per kind, where the suite found the two together beat both alone: images
#: take affine copies blurred up to a smoothness of 6 % of the side (``results/stroke-blur.md``,
#: ``results/blur-draw-topup.md``), sequences time-warped copies (``results/sequences.md``);
#: no move is known to pay on feature vectors (SMOTE: ``results/defaults-check.md``). The story
#: of each step: ``docs/choice.md``, "Composition with input-space moves".
COMPOSE = {"image": "affine_blur", "sequence": "time_warp", "vector": "none"}

#: ``match_moments="auto"``: whether offspring take their sources' per-feature mean and spread
#: (:mod:`vaeaug.moments`), per kind. On the suite's 16 tables at 10 per class, under the
#: defaults (seeds 0–5), matched +0.72 mean, worst cell −1.2, against +0.49 / −1.8 unmatched
#: (``results/moment-match-mixed.md``; first found under interpolation: ``moment-match.md``);
#: images and sequences were not measured with it, so they keep the decodes as they come.
MATCH_MOMENTS = {"vector": True, "image": False, "sequence": False}


#: ``n_per_sample="auto"``: offspring per real sample, per kind. On the suite's 16 tables at 10
#: per class (seeds 0–5, the defaults end to end) 6 gain +0.57 mean, worst cell −1.2, against
#: +0.51 / −1.1 at 3 and +0.57 / −1.7 (four cells below −1) at 9 (``results/defaults-check-n*.md``):
#: the most gain for the least harm. Images and sequences were chosen at 3, beside as many moves.
AMOUNT = {"vector": 6, "image": 3, "sequence": 3}


def resolved_n_per_sample(n_per_sample, kind: str) -> int:
    """``n_per_sample`` for a model of ``kind``: ``"auto"`` by :data:`AMOUNT`."""
    return AMOUNT[kind] if n_per_sample == "auto" else int(n_per_sample)


def resolved_match_moments(match_moments, kind: str) -> bool:
    """``match_moments`` for a model of ``kind``: ``"auto"`` by :data:`MATCH_MOMENTS`."""
    return MATCH_MOMENTS[kind] if match_moments == "auto" else bool(match_moments)


#: Which kind each move applies to.
MOVE_KIND = {"affine": "image", "blur": "image", "affine_blur": "image", "time_warp": "sequence"}


def resolved_compose(compose: str, kind: str) -> str:
    """``compose`` for a model of ``kind``: ``"auto"`` by :data:`COMPOSE`; a move of another kind is refused."""
    if compose == "auto":
        return COMPOSE[kind]
    if compose != "none" and MOVE_KIND[compose] != kind:
        takes = [repr(m) for m, k in MOVE_KIND.items() if k == kind] + ["'none'"]  # its own moves (vectors: none)
        raise ValueError(f"compose={compose!r} moves {MOVE_KIND[compose]}s; "
                         f"{kind} data takes {', '.join(takes)} or 'auto'")
    return compose


#: The strength, with residual decoding, of the near-copies a method gives when every setting
#: of it was judged harmful (``on_no_gain="near_copies"``): close to the real samples
#: (``benchmarks/results/fallback-strength.md``); beside images' blurred copies they restore the
#: sharp strokes (UJI v1's SVM +15.3 against affine's +8.2: ``results/image-fallback.md``).
NEAR_COPY_STRENGTH = 0.05

#: A setting (or the composed move) is judged harmful when the held-out samples it loses (right
#: with real data alone, wrong with offspring) outnumber those it wins at this one-sided
#: sign-test level, per kind; absence of proof of gain never overrules the prior. Tables and
#: images 0.05, evidence of harm: looser levels cost mean gain on their suites. Sequences 0.4, a
#: lean to harm, chosen on all eight sequence sets at hand (seeds 0–11): +3.20 mean, worst cell
#: −0.2, against +2.81 / −5.4 (ACSF1) at 0.05; the suite's four alone prefer 0.05–0.2 by 0.3 of
#: mean, no cell below −1 either way (``results/harm-rule-composed.md``; story: ``docs/choice.md``).
HARM_ALPHA = {"vector": 0.05, "image": 0.05, "sequence": 0.4}


#: ``cv="auto"``: the harm check's folds. Every labelled sample is held out once whatever the
#: count, so the sign test sees all of them either way; the count only sets how much each fold's
#: generator learns from, (k − 1)/k, and what the check costs, k − 1 trainings on the pooled set.
#: Small sets keep 3 folds (a generator on half of 12 per class is starved); from
#: ``TWO_FOLDS_FROM`` pooled samples each of 2 fold generators still sees ≥ 256 and the check
#: costs half. No table of the defaults suite at 10 per class reaches it (the most classes, 26,
#: pool 312); UJI v1's 992 do (``docs/choice.md``).
AUTO_FOLDS, TWO_FOLDS_FROM = 3, 512


def n_folds(cv, n_samples: int) -> int:
    """The harm check's fold count: ``cv`` itself, or for ``"auto"`` the rule above."""
    if cv != "auto":
        return int(cv)
    return 2 if n_samples >= TWO_FOLDS_FROM else AUTO_FOLDS


def candidates(kind: str, method: str = "auto", strength="auto", decoding: str = "auto",
               allowed: tuple[str, ...] = ()) -> list[Setting]:
    """The portfolio of ``kind`` narrowed to what the user fixed: a method, a strength (replacing
    the prior's), a decoding (replacing it; only those in ``allowed`` otherwise), without repeats,
    in the portfolio's order. A method the portfolio lacks gets one setting of its own."""
    out: list[Setting] = []
    pool = PORTFOLIO[kind]
    if method != "auto" and not any(s.method == method for s in pool):
        pool = (*pool, Setting(method, "residual" if "residual" in allowed else allowed[0], 0.5))
    for s in pool:
        if method != "auto" and s.method != method:
            continue
        d = s.decoding if decoding == "auto" else decoding
        if allowed and d not in allowed:
            continue
        new = Setting(s.method, d, s.strength if isinstance(strength, str) else strength)
        if new not in out:
            out.append(new)
    return out
