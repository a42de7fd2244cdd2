"""Pen characters as trajectories: strokes to one (T, 3) sequence of (dx, dy, pen-up) and back,
and trajectories drawn as the image data set draws strokes."""

from __future__ import annotations

import numpy as np


def strokes_to_trajectory(strokes: list[np.ndarray]) -> np.ndarray:
    """A character's strokes as one pen trajectory (T, 3): per point the offset (dx, dy) from the
    previous one (the first: from the bounding box's centre), in units of the box's longer side,
    and a pen-up flag, 1 where the pen was lifted to reach the point (a new stroke)."""
    pts = np.concatenate(strokes).astype(np.float64)
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    pts = (pts - (lo + hi) / 2) / max(float((hi - lo).max()), 1e-9)
    offsets = np.diff(pts, axis=0, prepend=np.zeros((1, 2)))
    pen_up = np.zeros(len(pts))
    pen_up[np.cumsum([len(s) for s in strokes])[:-1]] = 1.0
    return np.column_stack([offsets, pen_up])


def trajectory_to_strokes(trajectory: np.ndarray) -> list[np.ndarray]:
    """The strokes a (T, 3) pen trajectory draws (:func:`strokes_to_trajectory`'s inverse): the
    offsets summed to points, a new stroke wherever the pen-up flag exceeds one half."""
    t = np.asarray(trajectory, dtype=np.float64)
    pts = np.cumsum(t[:, :2], axis=0)
    cuts = np.flatnonzero(t[1:, 2] > 0.5) + 1
    return [s for s in np.split(pts, cuts) if len(s)]


def render_trajectories(trajectories, size: int = 70, pen_width: float = 2.0) -> np.ndarray:
    """(N, size, size) uint8 renders of pen trajectories, as the image data set draws strokes."""
    from .ujipen import render

    return np.stack([render(trajectory_to_strokes(t), size, pen_width) for t in trajectories])
