"""How long ``vaeaug.data.load_csv`` takes to read large tables, beside pandas' ``read_csv``, for
the vaeaug under ``--src`` (a checkout; default this one), so that an older commit can be timed
beside it. Two tables are written fresh (seeded), ``--rows`` rows each:

- ``numbers``: 20 numbers (1 % blank), a three-valued category, a count and a label;
- ``categories``: a category of ``--categories`` values (a city, a product), a number and a label.

    python benchmarks/csv_reading.py                       # this checkout
    git worktree add /tmp/old <commit> && python benchmarks/csv_reading.py --src /tmp/old

Appends a JSON line per table to ``benchmarks/results/csv-reading.jsonl`` and rewrites
``csv-reading.md`` from all of them.
"""

from __future__ import annotations

import argparse
import functools
import json
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

import numpy as np
from throughput import best_of  # benchmarks/, beside this script

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"


def write_table(path: Path, kind: str, rows: int, categories: int, seed: int) -> None:
    """One of the two tables (module docstring), as ``df.to_csv`` writes it."""
    import pandas as pd

    rng = np.random.default_rng(seed)
    if kind == "numbers":
        X = rng.normal(size=(rows, 20)).round(6)
        X[rng.random(X.shape) < 0.01] = np.nan
        df = pd.DataFrame(X, columns=[f"f{i}" for i in range(20)])
        df["colour"] = rng.choice(["red", "green", "blue"], rows)
        df["count"] = rng.integers(0, 50, rows)
    else:
        df = pd.DataFrame({"city": [f"city{v}" for v in rng.integers(0, categories, rows)],
                           "x": rng.normal(size=rows).round(4)})
    df["label"] = rng.integers(0, 3, rows)
    df.to_csv(path, index=False)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--src", default=str(HERE.parent), help="the vaeaug checkout to time")
    p.add_argument("--rows", type=int, default=100_000)
    p.add_argument("--categories", type=int, default=2_000)
    p.add_argument("--repeats", type=int, default=2)
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args()
    sys.path.insert(0, str(Path(a.src) / "src"))
    import pandas as pd

    from vaeaug.data import load_csv

    commit = subprocess.run(["git", "-C", a.src, "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True, check=True).stdout.strip()
    RESULTS.mkdir(exist_ok=True)
    for kind in ("numbers", "categories"):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "table.csv"
            write_table(path, kind, a.rows, a.categories, a.seed)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # the imputation report
                width = load_csv(path, label="label").X.shape[1]
                vaeaug_s = best_of(functools.partial(load_csv, path, label="label"), a.repeats)
            pandas_s = best_of(functools.partial(pd.read_csv, path), a.repeats)
        record = {"commit": commit, "table": kind, "rows": a.rows,
                  "categories": a.categories if kind == "categories" else 3, "features_encoded": int(width),
                  "seed": a.seed, "repeats": a.repeats, "load_csv_s": round(vaeaug_s, 3),
                  "pandas_read_csv_s": round(pandas_s, 3)}
        print(json.dumps(record))
        with open(RESULTS / "csv-reading.jsonl", "a") as f:
            f.write(json.dumps(record) + "\n")
    records = [json.loads(line) for line in (RESULTS / "csv-reading.jsonl").read_text().splitlines()]
    lines = ["# Reading a CSV table: `load_csv` beside pandas", "",
             ("`python benchmarks/csv_reading.py [--src CHECKOUT]`, seed 0: the best of the repeats, seconds, "
              "on this machine (2 cores)."), "",
             "| commit | table | rows | features encoded | load_csv (s) | pandas read_csv (s) |",
             "|---|---|---|---|---|---|"]
    lines += [f"| {r['commit']} | {r['table']} | {r['rows']:,} | {r['features_encoded']:,} | {r['load_csv_s']:.2f} | "
              f"{r['pandas_read_csv_s']:.2f} |" for r in records]
    (RESULTS / "csv-reading.md").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
