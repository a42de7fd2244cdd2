"""Could the harm check choose the amount on tables? What its estimate says at 1, 3 and 6 per sample.

The tables' worst cells are partly the row count: an SVM or a network with fixed settings reads
more rows as less regularisation (``count_effect.py``, ``worst_cells.py``), and yeast's network
loses more the more offspring it gets. The amount is a per-kind constant (``priors.AMOUNT``).
This study asks whether the check could set it per data set instead. Per table and seed (10 + 2
per class): ``VAEAugmenter(random_state=seed, n_per_sample=n).fit`` for n in 1, 3, 6 (the check
scores its candidates at the fit's amount), then ``generate(X, y)``, scored on test by the
suite's classifiers; kept beside it, what the check estimated for the setting it chose. Rules
that pick the amount from those estimates are then read on test (``--table``).

One JSON line per run (``results/amount-by-check.jsonl``, resumable), then
``amount-by-check.{json,md}``.

    python benchmarks/studies/amount_by_check.py --seeds 0 1 2
    python benchmarks/studies/amount_by_check.py --table
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
import defaults_suite as suite  # noqa: E402
import harm_rule  # noqa: E402
import unseen_tables  # noqa: E402

JSONL = suite.RESULTS / "amount-by-check.jsonl"
CLASSIFIERS = ("SVM", "1-NN", "NN")
AMOUNTS = (1, 3, 6)


def run_one(name: str, seed: int) -> dict:
    from vaeaug import VAEAugmenter

    X, y, _ = harm_rule.load(name)
    tr, va, te = suite.split(y, 10, seed)
    score = suite.scorer_for(X, y, "vector", tr, te, seed)
    rec = {"name": name, "seed": seed, "baseline": score(X[tr][:0], y[tr][:0]), "amounts": {}}
    for n in AMOUNTS:
        aug = VAEAugmenter(random_state=seed, verbose=0, n_per_sample=n).fit(X[tr], y[tr], X[va], y[va])
        rec["read_as"] = aug.vae_.kind
        if aug.vae_.kind != "vector":
            return rec
        sel = aug.selection_
        chosen = next((r for r in sel["candidates"] if not r["harmful"]), sel["candidates"][0])
        rec["amounts"][str(n)] = {"estimate": chosen["gain"], "wins": chosen["wins"], "losses": chosen["losses"],
                                  "chosen": sel["chosen"], "test": score(*aug.generate(X[tr], y[tr]))}
    return rec


#: per fit, the amount a rule takes from the check's estimates ({amount: row})
RULES = {**{f"always {n}": (lambda n: lambda rows: n)(n) for n in AMOUNTS},
         "best estimate": lambda rows: max(AMOUNTS, key=lambda n: (rows[str(n)]["estimate"], -n)),
         "6 unless its estimate is below 3's": lambda rows: 6 if rows["6"]["estimate"] >= rows["3"]["estimate"] else 3}


def table(records: list[dict]) -> tuple[dict, str]:
    records = [r for r in records if r.get("read_as") == "vector" and len(r["amounts"]) == len(AMOUNTS)]
    seeds = sorted({r["seed"] for r in records})
    lines = ["# Could the harm check choose the amount on tables?", "",
             f"{len({r['name'] for r in records})} tables read as tables (the suite's and the unseen ones), 10 + 2 per "
             f"class, seeds {', '.join(map(str, seeds))}: `VAEAugmenter(random_state=seed, n_per_sample=n).fit` for n "
             "in 1, 3, 6, then `generate(X, y)`; test gain in points over real data alone, mean over seeds per data "
             "set × classifier, for each amount and for rules that pick it per fit from the check's estimate of the "
             "setting it chose. Command: `python benchmarks/studies/amount_by_check.py --seeds "
             f"{' '.join(map(str, seeds))}`.", "",
             "| rule | mean gain | worst cell | cells < −1 | worst cells |", "|---|---|---|---|---|"]
    data = {}
    for rule, pick in RULES.items():
        cells: dict[str, list] = {}
        for r in records:
            t = r["amounts"][str(pick(r["amounts"]))]["test"]
            for c in CLASSIFIERS:
                cells.setdefault(f"{r['name']}|{c}", []).append(100 * (t[c] - r["baseline"][c]))
        s = suite.cell_summary(cells)
        data[rule] = s
        lines.append(f"| {rule} | {s['mean']:+.2f} | {s['worst']:+.1f} | {s['below_minus_1']} | " + ", ".join(
            f"{k.replace('|', ' ')} {v:+.1f}" for k, v in s["worst_cells"].items()) + " |")
    # does the estimate follow what the amount does on test? paired changes from 3 to 6 per fit
    d_est = np.array([r["amounts"]["6"]["estimate"] - r["amounts"]["3"]["estimate"] for r in records])
    corr = {}
    for c in CLASSIFIERS:
        d_test = np.array([100 * (r["amounts"]["6"]["test"][c] - r["amounts"]["3"]["test"][c]) for r in records])
        corr[c] = float(np.corrcoef(d_est, d_test)[0, 1]) if d_est.std() > 0 and d_test.std() > 0 else float("nan")
    data["correlation_6_vs_3"] = corr
    lines += ["", "Correlation, over fits, of the check's estimated change from 3 to 6 per sample with the test "
              "change: " + ", ".join(f"{c} {v:+.2f}" for c, v in corr.items()) + "."]
    return data, "\n".join(lines) + "\n"


def main() -> None:
    names = [*suite.table_names(), *unseen_tables.NAMES]
    suite.study_main(__doc__, JSONL, names, run_one, table, "amount-by-check", choices=names)


if __name__ == "__main__":
    main()
