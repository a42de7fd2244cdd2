"""How strict should the harm check be on tables? Every rule, scored on test from the same fits.

Per data set and seed (the suite's 16 tables and the 6 unseen ones, 10 training + 2 validation
samples per class): ``VAEAugmenter(random_state=seed).fit(X, y, X_val, y_val)`` as a user calls
it, which runs the harm check over the kind's portfolio. The study keeps what the check saw
(each setting's wins, losses, p-value, estimated gain and, from the proxy, the paired change of
each held-out sample's margin: true class's score minus the best other's), then scores on test
every setting of the portfolio and the near-copies of each method, at the default amount, with
the suite's classifiers. Any rule that maps the check's evidence to a setting can then be
replayed offline and read on test (``--table``): sign tests at several levels, the margin's
paired t-test, and the estimate's sign.

Study code: it wraps the library's ``Scorer.right`` to read the proxy's margins (the check's
decisions are untouched). One JSON line per run (``results/harm-rule.jsonl``, resumable), then
``harm-rule.{json,md}``.

    python benchmarks/studies/harm_rule.py --names wdbc glass --seeds 0 1 2
    python benchmarks/studies/harm_rule.py --table
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
import defaults_suite as suite  # noqa: E402
import unseen_tables  # noqa: E402

JSONL = suite.RESULTS / "harm-rule.jsonl"
CLASSIFIERS = ("SVM", "1-NN", "NN")


def load(name: str):
    """(X, y, kind) of a suite data set or an unseen table."""
    return (*unseen_tables.load(name), "vector") if name in unseen_tables.NAMES else suite.load(name)


class MarginTap:
    """Wraps ``Scorer.right`` so that each call's proxy margins (true class's decision value minus
    the best other's, per held-out sample) are kept in call order; what it returns is unchanged."""

    def __init__(self):
        from vaeaug import selection

        self.selection, self.calls = selection, []
        self.original = selection.Scorer.right

    def __enter__(self):
        tap = self

        def right(scorer, X_train, y_train, X_test, y_test, scaler, n_real=0):
            model, F_test = scorer.fitted(X_train, y_train, X_test, scaler, n_real)  # the proxy: the check's own
            D = model.decision_function(F_test)
            idx = np.searchsorted(model.classes_, y_test)
            known = (idx < len(model.classes_)) & (model.classes_[np.minimum(idx, len(model.classes_) - 1)] == y_test)
            true = np.where(known, D[np.arange(len(D)), np.minimum(idx, D.shape[1] - 1)], -np.inf)
            other = D.copy()
            other[np.arange(len(D))[known], idx[known]] = -np.inf
            tap.calls.append(true - other.max(axis=1))
            return model.classes_[D.argmax(axis=1)] == y_test

        self.selection.Scorer.right = right
        return self

    def __exit__(self, *exc):
        self.selection.Scorer.right = self.original


def margin_diffs(aug, calls: list[np.ndarray], n: int) -> dict[str, list[float]]:
    """Per setting label: the paired margin change (offspring − real alone) of every pooled sample,
    from the tapped calls in ``cross_validate``'s order (per fold: real alone, then the settings
    grouped by (method, strength) in first-seen order)."""
    from vaeaug.decoding import allowed_decodings, auto_decodings
    from vaeaug.priors import candidates

    kind = aug.vae_.kind
    allowed = auto_decodings(kind) if aug.decoding == "auto" else allowed_decodings(kind)
    settings = candidates(kind, aug.method, aug.strength, aug.decoding, allowed)
    groups: dict[tuple, list] = {}
    for s in settings:
        groups.setdefault((s.method, s.strength), []).append(s)
    order = [s for g in groups.values() for s in g]
    per_fold = 1 + len(order)
    assert len(calls) % per_fold == 0, (len(calls), per_fold)
    out: dict[str, list] = {s.label(): [] for s in order}
    for f in range(len(calls) // per_fold):
        base = calls[f * per_fold]
        for j, s in enumerate(order):
            out[s.label()] += list(map(float, calls[f * per_fold + 1 + j] - base))
    assert all(len(v) == n for v in out.values())
    return out


def run_one(name: str, seed: int) -> dict:
    from vaeaug import VAEAugmenter
    from vaeaug.priors import NEAR_COPY_STRENGTH

    X, y, _ = load(name)
    tr, va, te = suite.split(y, 10, seed)
    t = time.perf_counter()
    with MarginTap() as tap:
        aug = VAEAugmenter(random_state=seed, verbose=0).fit(X[tr], y[tr], X[va], y[va])
    fit_s = time.perf_counter() - t
    kind = aug.vae_.kind
    score = suite.scorer_for(X, y, "vector" if X.ndim == 2 else kind, tr, te, seed)
    sel = aug.selection_
    margins = margin_diffs(aug, tap.calls, sel["n_scored"])
    test = {"baseline": score(X[tr][:0], y[tr][:0]), "defaults": score(*aug.generate(X[tr], y[tr]))}
    rows = []
    for r in sel["candidates"]:
        label = f"{r['method']}|{r['decoding']}|{r['strength']}"
        m = np.array(margins[label])
        rows.append({**{k: r[k] for k in ("method", "decoding", "strength", "gain", "interval", "wins", "losses",
                                          "p_harm")},
                     "margin_mean": float(m.mean()), "margin_sd": float(m.std(ddof=1)), "n": len(m)})
        test[label] = score(*aug.generate(X[tr], y[tr], method=r["method"], strength=r["strength"],
                                          decoding=r["decoding"]))
    for method in dict.fromkeys(r["method"] for r in sel["candidates"]):
        test[f"{method}|near-copies"] = score(*aug.generate(X[tr], y[tr], method=method, strength=NEAR_COPY_STRENGTH,
                                                            decoding="residual"))
    return {"name": name, "seed": seed, "kind": kind, "sizes": [len(tr), len(va), len(te)], "fit_seconds": fit_s,
            "chosen": sel["chosen"], "candidates": rows, "test": test}


# --- replaying rules ---------------------------------------------------------------------------


def sign_rule(alpha: float):
    return lambda r: r["p_harm"] < alpha


def margin_rule(alpha: float):
    """Harmful when the paired margin change is below zero at a one-sided t-test level ``alpha``."""
    from scipy.stats import t as student

    def harmful(r):
        se = r["margin_sd"] / np.sqrt(r["n"])
        return se > 0 and student.cdf(r["margin_mean"] / se, r["n"] - 1) < alpha

    return harmful


RULES = {"sign 0.05 (now)": sign_rule(0.05), "sign 0.1": sign_rule(0.1), "sign 0.2": sign_rule(0.2),
         "sign 0.3": sign_rule(0.3), "estimate < 0": lambda r: r["gain"] < 0,
         "margin 0.05": margin_rule(0.05), "margin 0.2": margin_rule(0.2),
         "sign 0.05 or margin 0.05": lambda r: sign_rule(0.05)(r) or margin_rule(0.05)(r)}


def replay(rec: dict, harmful) -> str:
    """The test label the library's choice would give under ``harmful``: the first kept setting,
    else the first method's near-copies."""
    kept = [r for r in rec["candidates"] if not harmful(r)]
    if kept:
        r = kept[0]
        return f"{r['method']}|{r['decoding']}|{r['strength']}"
    return f"{rec['candidates'][0]['method']}|near-copies"


def table(records: list[dict]) -> tuple[dict, str]:
    groups = {"suite tables": [r for r in records if r["name"] not in unseen_tables.NAMES],
              "unseen tables": [r for r in records if r["name"] in unseen_tables.NAMES]}
    data, lines = {}, ["# How strict the harm check should be on tables", "",
                       "Each rule replayed on the same fits (`VAEAugmenter(random_state=seed).fit`, 10 + 2 per class): "
                       "the first portfolio setting it keeps, else near-copies; test gain in points over real data "
                       "alone, mean over seeds per data set × classifier. `defaults` is `generate(X, y)` as fitted "
                       "(the rule now), a check that the replay reads it right. Command: "
                       "`python benchmarks/studies/harm_rule.py --seeds 0 1 2 3 4 5`.", ""]
    for title, recs in groups.items():
        if not recs:
            continue
        seeds = sorted({r["seed"] for r in recs})
        lines += [f"## {title} ({len({r['name'] for r in recs})} sets, seeds {', '.join(map(str, seeds))})", "",
                  "| rule | mean gain | worst cell | cells < −1 | runs off the first setting | worst cells |",
                  "|---|---|---|---|---|---|"]
        out = {}
        for rule, harmful in {"defaults": None, **RULES}.items():
            cells: dict[str, list] = {}
            moved = 0
            for r in recs:
                label = "defaults" if harmful is None else replay(r, harmful)
                first = r["candidates"][0]
                moved += harmful is not None and label != f"{first['method']}|{first['decoding']}|{first['strength']}"
                for c in CLASSIFIERS:
                    cells.setdefault(f"{r['name']}|{c}", []).append(
                        100 * (r["test"][label][c] - r["test"]["baseline"][c]))
            s = suite.cell_summary(cells)
            out[rule] = {**s, "off_first": moved}
            worst = ", ".join(f"{k.replace('|', ' ')} {v:+.1f}" for k, v in s["worst_cells"].items())
            lines.append(f"| {rule} | {s['mean']:+.2f} | {s['worst']:+.1f} | {s['below_minus_1']} | "
                         f"{moved if harmful is not None else '–'} of {len(recs)} | {worst} |")
        data[title] = out
        lines.append("")
    return data, "\n".join(lines) + "\n"


def main() -> None:
    suite.study_main(__doc__, JSONL, [*suite.table_names(), *unseen_tables.NAMES], run_one, table, "harm-rule")


if __name__ == "__main__":
    main()
