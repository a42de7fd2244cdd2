"""Moment matching: give offspring the per-feature mean and spread of the samples they came from.

Interpolating towards same-class neighbours narrows each feature's spread, and a scaler that a
user's pipeline fits on real + synthetic data then stretches every real sample by as much. An
affine correction per feature, fitted over all of a request's offspring, undoes that without
moving any offspring relative to the others (why and what it gains: ``docs/choice.md``).

Pure functions on model-space rows; statistics are accumulated block by block, so a request
streamed in chunks gets the very correction it gets taken whole.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: The most a feature's offspring are stretched: a guard against dividing by a spread that the
#: offspring all but lack (a feature the decoder barely moves), not a tuned setting.
MAX_STRETCH = 4.0


@dataclass
class RunningMoments:
    """Per-feature weighted sums of rows, added block by block (float64)."""

    weight: float = 0.0
    total: np.ndarray | float = 0.0
    squares: np.ndarray | float = 0.0

    def add(self, T: np.ndarray, weights: np.ndarray | None = None) -> None:
        """Count the rows of ``T`` (M, D), each ``weights[i]`` times (once when ``None``)."""
        T = np.asarray(T, dtype=np.float64)
        w = np.ones(len(T)) if weights is None else np.asarray(weights, dtype=np.float64)
        self.weight += float(w.sum())
        self.total = self.total + w @ T
        self.squares = self.squares + w @ (T * T)

    def mean_std(self) -> tuple[np.ndarray, np.ndarray]:
        """Per-feature mean and (population) standard deviation of what was added."""
        mean = self.total / self.weight
        return mean, np.sqrt(np.maximum(self.squares / self.weight - mean * mean, 0.0))


@dataclass(frozen=True)
class MomentMatch:
    """``T ↦ target_mean + (T − mean) · stretch`` per feature: offspring with mean ``mean`` take
    ``target_mean``, and their spread is scaled to the target's (at most :data:`MAX_STRETCH`)."""

    mean: np.ndarray
    target_mean: np.ndarray
    stretch: np.ndarray

    def apply(self, T: np.ndarray) -> np.ndarray:
        return (self.target_mean + (np.asarray(T, np.float64) - self.mean) * self.stretch).astype(np.float32)


def fit_match(offspring: RunningMoments, sources: RunningMoments) -> MomentMatch:
    """The correction that gives the offspring the sources' per-feature mean and standard
    deviation; a feature constant among the offspring keeps its spread (stretch 1)."""
    mean, std = offspring.mean_std()
    target_mean, target_std = sources.mean_std()
    tiny = 1e-6 * np.maximum(target_std, 1e-12)
    stretch = np.where(std > tiny, np.minimum(target_std / np.maximum(std, tiny), MAX_STRETCH), 1.0)
    return MomentMatch(mean, target_mean, stretch)


def match_to_sources(offspring: RunningMoments, source_rows: np.ndarray, counts: np.ndarray) -> MomentMatch:
    """The :func:`fit_match` of ``offspring`` to their sources ``source_rows`` (N, D), source ``i``
    counted ``counts[i]`` times (once per offspring of it); no offspring: no correction."""
    if offspring.weight == 0:
        d = np.shape(source_rows)[1]
        return MomentMatch(np.zeros(d), np.zeros(d), np.ones(d))
    src = RunningMoments()
    src.add(source_rows, counts)
    return fit_match(offspring, src)
