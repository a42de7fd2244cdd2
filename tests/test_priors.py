"""The priors in code are the portfolio the defaults suite's table justifies."""

from __future__ import annotations

import json
from pathlib import Path

from vaeaug.decoding import allowed_decodings
from vaeaug.priors import AMOUNT, PORTFOLIO, resolved_n_per_sample

RESULTS = Path(__file__).resolve().parent.parent / "benchmarks" / "results" / "portfolio.json"


def test_the_portfolio_in_code_is_the_one_the_suite_chose():
    table = json.loads(RESULTS.read_text())
    for kind, rows in table.items():
        assert [(s.method, s.decoding, s.strength) for s in PORTFOLIO[kind]] == [
            (r["method"], r["decoding"], r["strength"]) for r in rows], kind


def test_every_kind_has_a_setting_per_method_that_its_data_allows():
    for kind, settings in PORTFOLIO.items():
        assert {s.method for s in settings} >= {"noise", "interpolation", "extrapolation"}
        assert all(s.decoding in allowed_decodings(kind) for s in settings)


def test_auto_folds_halve_the_check_only_for_large_pooled_sets():
    """cv="auto": 3 folds below TWO_FOLDS_FROM pooled samples, 2 from it; an integer is kept."""
    from vaeaug.priors import TWO_FOLDS_FROM, n_folds

    assert n_folds("auto", 12 * 26) == 3  # the suite's largest table at 10 per class
    assert n_folds("auto", TWO_FOLDS_FROM - 1) == 3 and n_folds("auto", TWO_FOLDS_FROM) == 2
    assert n_folds("auto", 992) == 2  # UJI v1, writers 1-8
    assert n_folds(5, 100) == 5


def test_auto_amount_is_the_kinds_and_a_number_overrides_it():
    assert set(AMOUNT) == set(PORTFOLIO)
    assert [resolved_n_per_sample("auto", k) for k in ("vector", "image", "sequence")] == [6, 3, 3]
    assert resolved_n_per_sample(2, "vector") == 2 and resolved_n_per_sample(4, "image") == 4
