"""The thread policy: idle cores for the library's work, the caller's settings left as they were."""

from __future__ import annotations

import torch

from vaeaug import VAEAugmenter
from vaeaug.threads import cpu_count, resolve_threads, work_threads

from .conftest import FAST


def test_n_jobs_reads_as_in_scikit_learn():
    cores = cpu_count()
    assert resolve_threads(1) == 1 and resolve_threads(-1) == cores
    assert resolve_threads(-2) == max(1, cores - 1) and resolve_threads(10 * cores) == cores
    assert resolve_threads(None, 64) == 1  # small samples: one thread, whatever the load
    assert resolve_threads(None, 70 * 70) == min(cores, torch.get_num_threads())


def test_fit_runs_with_its_threads_and_restores_the_callers(digits, monkeypatch):
    import vaeaug.augmenter as augmenter

    seen = []
    real_train = augmenter.train

    def spy(*args, **kwargs):
        seen.append(torch.get_num_threads())
        return real_train(*args, **kwargs)

    monkeypatch.setattr(augmenter, "train", spy)
    X, y = digits
    before = torch.get_num_threads()
    aug = VAEAugmenter(n_jobs=1, method="noise", strength=0.5, decoding="direct", random_state=0,
                       **{**FAST, "epochs": 2}).fit(X[:100], y[:100])
    assert seen == [1] and torch.get_num_threads() == before
    aug.generate(X[:10], y[:10])
    assert torch.get_num_threads() == before
    with work_threads(1) as n:
        assert n == 1 and torch.get_num_threads() == 1
    assert torch.get_num_threads() == before
