"""How many threads the library's own work uses (torch's intra-op pool, and the BLAS/OpenMP pools
that scikit-learn and numpy use): all idle cores, and one thread on a busy machine, where threads
of small models on small batches fight the other work (``benchmarks/results/busy-machine.md``)."""

from __future__ import annotations

import os
import time
from contextlib import contextmanager

import torch


def cpu_count() -> int:
    """Cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _cpu_times() -> tuple[float, float] | None:
    """(idle, total) jiffies from /proc/stat; ``None`` where there is none."""
    try:
        with open("/proc/stat") as f:
            parts = [float(v) for v in f.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    return parts[3] + (parts[4] if len(parts) > 4 else 0.0), sum(parts)


#: A measurement of idle cores is reused for this many seconds (generate() may be called often).
REUSE_SECONDS = 5.0
_last: list = [float("-inf"), 0.0]


def idle_cores(window: float = 0.1) -> float:
    """Cores idle right now, measured over ``window`` seconds (the 1-minute load average where
    /proc/stat is missing): unlike the load average it does not lag behind the machine."""
    now = time.monotonic()
    if now - _last[0] < REUSE_SECONDS:
        return _last[1]
    _last[:] = [now, _measure_idle(window)]
    return _last[1]


def _measure_idle(window: float) -> float:
    a = _cpu_times()
    if a is None:
        try:
            return max(0.0, cpu_count() - os.getloadavg()[0])
        except (AttributeError, OSError):
            return float(cpu_count())
    time.sleep(window)
    b = _cpu_times()
    total = b[1] - a[1]
    share = (b[0] - a[0]) / total if total > 0 else 1.0
    return share * (os.cpu_count() or 1)


def resolve_threads(n_jobs: int | None) -> int:
    """Threads for one job: ``n_jobs`` as scikit-learn reads it (−1 all cores, −2 all but one),
    or with ``None`` the cores idle now (at least one, at most what torch would take)."""
    cores = cpu_count()
    if n_jobs is None:
        return max(1, min(torch.get_num_threads(), cores, int(idle_cores() + 0.5)))
    return max(1, min(cores, n_jobs if n_jobs > 0 else cores + 1 + n_jobs))


@contextmanager
def work_threads(n_jobs: int | None):
    """Run a block with :func:`resolve_threads` threads in torch and in the BLAS/OpenMP pools; the
    caller's settings are restored afterwards."""
    from threadpoolctl import threadpool_limits

    n = resolve_threads(n_jobs)
    before = torch.get_num_threads()
    torch.set_num_threads(n)
    try:
        with threadpool_limits(limits=n):
            yield n
    finally:
        torch.set_num_threads(before)
