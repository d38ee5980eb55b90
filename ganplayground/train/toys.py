"""The 2-D toys as plain geometry: centres, jitter, the parts the meter counts and the plot's extent, for the ring, the
grid, GAN Lab's line, hills and blobs, and a student's drawing.

Not the tensors a run samples from (train.data.ToyData) and not the metrics (measure.metrics.toy_metrics).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from ..config import DRAWN_DATASET
from ..i18n import ngettext, number
from .drawings import CANVAS_EXTENT, decode_drawing

MAX_PARTS = 10  # a shape's many centres are grouped into at most this many parts for the meter
KMEANS_ROUNDS = 20


@dataclass(frozen=True, eq=False)
class Toy:
    """A toy: Gaussians of one `sigma` at `centres` float32 (M, 2); `parts` int (M,) gives each centre's part
    (0 .. num_parts - 1) that the meter counts as covered or not. Mixtures have one part per centre ("blob"); shapes
    (line, drawn) group many centres into at most MAX_PARTS ("part"). `extent`: the plot is [-extent, extent]^2."""

    name: str
    centres: np.ndarray
    sigma: float
    parts: np.ndarray
    num_parts: int
    word: str
    extent: float


def count_words(word: str, n: int) -> str:
    """n of a toy's parts in words, "8 blobs" or "1 part" (`word`: a Toy's word), in the current language."""
    if word == "part":
        return ngettext("{n} part", "{n} parts", n).format(n=number(n))
    return ngettext("{n} blob", "{n} blobs", n).format(n=number(n))


def _frozen(array: np.ndarray, dtype: type) -> np.ndarray:
    out = np.array(array, dtype=dtype)  # a copy: toy_for's toys are shared, so nobody may write into them
    out.setflags(write=False)
    return out


def _mixture(name: str, centres: np.ndarray, sigma: float) -> Toy:
    reach = float(np.abs(centres).max())
    return Toy(name, _frozen(centres, np.float32), sigma, _frozen(np.arange(len(centres)), np.int64),
               len(centres), "blob", max(1.5 * reach, reach + 4 * sigma))  # ring, grid: 1.5 x the farthest centre


def _shape(name: str, centres: np.ndarray, sigma: float, extent: float) -> Toy:
    centres = _frozen(centres, np.float32)
    parts = group_parts(centres, MAX_PARTS)
    return Toy(name, centres, sigma, _frozen(parts, np.int64), int(parts.max()) + 1, "part", extent)


def group_parts(points: np.ndarray, k: int) -> np.ndarray:
    """Each point's part (int (M,), numbered in order of first appearance): k-means with farthest-point
    initialisation (start at the point farthest from the mean), deterministic; at most k non-empty parts."""
    pts = np.asarray(points, np.float64)
    unique = np.unique(pts, axis=0)
    k = min(k, len(unique))
    seeds = [unique[np.argmax(((unique - pts.mean(0)) ** 2).sum(1))]]
    for _ in range(k - 1):
        d = ((unique[:, None] - np.array(seeds)[None]) ** 2).sum(2).min(1)  # (U,) to the nearest seed
        seeds.append(unique[np.argmax(d)])
    centres = np.array(seeds)  # (k, 2)
    for _ in range(KMEANS_ROUNDS):
        label = ((pts[:, None] - centres[None]) ** 2).sum(2).argmin(1)  # (M,)
        moved = np.array([pts[label == j].mean(0) if (label == j).any() else centres[j] for j in range(k)])
        if np.allclose(moved, centres):
            break
        centres = moved
    used, first = np.unique(label, return_index=True)  # the non-empty parts and where each first appears
    number = np.zeros(k, np.int64)
    number[used] = np.argsort(np.argsort(first))
    return number[label]


@functools.lru_cache(maxsize=64)
def toy_for(dataset: str, drawing: str = "") -> Toy:
    """The toy called `dataset` ("drawn": the one `drawing` encodes). ValueError for an unknown name, and
    DrawingError (a ValueError) for a bad drawing.

    ring: 8 Gaussians on a circle of radius 2, sigma 0.02; grid: 5 x 5 Gaussians 2 apart, sigma 0.05 (Srivastava
    et al. 2017, Gulrajani et al. 2017); GAN Lab's line (a segment from (-2, -1) to (2, 1)), hills (two broad
    Gaussians) and blobs (three small ones, at unequal distances); drawn: a canvas drawing or points file."""
    if dataset == "ring":
        angles = np.arange(8) * (2 * np.pi / 8)
        return _mixture(dataset, np.stack([2 * np.cos(angles), 2 * np.sin(angles)], axis=1), 0.02)
    if dataset == "grid":
        ticks = np.arange(-4, 5, 2, dtype=np.float32)
        gx, gy = np.meshgrid(ticks, ticks, indexing="xy")
        return _mixture(dataset, np.stack([gx.ravel(), gy.ravel()], axis=1), 0.05)
    if dataset == "hills":
        return _mixture(dataset, np.array([[-1.5, 0.0], [1.5, 0.0]]), 0.4)
    if dataset == "blobs":
        return _mixture(dataset, np.array([[-1.5, 1.0], [1.0, 1.5], [0.5, -1.5]]), 0.12)
    if dataset == "line":
        t = np.linspace(-1.0, 1.0, 101)[:, None]  # 101 centres 0.045 apart: with sigma 0.03 a continuous segment
        return _shape(dataset, t * np.array([[2.0, 1.0]]), 0.03, 3.0)
    if dataset == DRAWN_DATASET:
        drawing = decode_drawing(drawing)
        return _shape(dataset, drawing.points, drawing.sigma, CANVAS_EXTENT + 0.5)
    raise ValueError(f"unknown toy dataset {dataset!r}")
