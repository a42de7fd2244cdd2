"""How many threads the library's own work uses (torch's intra-op pool, and the BLAS/OpenMP pools
that scikit-learn and numpy use). Small samples get one thread: their small matrix products do not
profit from more, and on a busy machine the threads fight the other work
(``benchmarks/results/busy-machine.md``). Large samples (images of 32×32 and up) get every core.
The rule reads the work, never the machine's load, so that a seed gives the same bits on a quiet
machine and a busy one (a thread count changes the order of floating-point sums)."""

from __future__ import annotations

import os
from contextlib import contextmanager

import torch

#: Features per sample from which the work takes every core (a 32×32 image).
LARGE_SAMPLE = 1024


def cpu_count() -> int:
    """Cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def resolve_threads(n_jobs: int | None, n_features: int = 0) -> int:
    """Threads for one job: ``n_jobs`` as scikit-learn reads it (−1 all cores, −2 all but one),
    or with ``None`` one thread for samples of fewer than :data:`LARGE_SAMPLE` features and
    every core (at most what torch would take) for larger ones."""
    cores = cpu_count()
    if n_jobs is None:
        return max(1, min(torch.get_num_threads(), cores)) if n_features >= LARGE_SAMPLE else 1
    return max(1, min(cores, n_jobs if n_jobs > 0 else cores + 1 + n_jobs))


@contextmanager
def work_threads(n_jobs: int | None, n_features: int = 0):
    """Run a block with :func:`resolve_threads` threads in torch and in the BLAS/OpenMP pools; the
    caller's settings are restored afterwards."""
    from threadpoolctl import threadpool_limits

    n = resolve_threads(n_jobs, n_features)
    before = torch.get_num_threads()
    torch.set_num_threads(n)
    try:
        with threadpool_limits(limits=n):
            yield n
    finally:
        torch.set_num_threads(before)
