"""The digit map: MNIST like the ring toy, ten anchors on a circle, each sample at the anchors' average weighted by the
classifier's probabilities, pulled to the centre when unlike real digits; faint real digits; "show me the 1s".
Not the classifier (classifier.py), the meter's figures (metrics.py) or the picture (export/digit_map_picture.py)."""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from ..train.data import load_mnist
from ..train.images import to_uint8
from .classifier import load_classifier, predict_with_strokes
from .legibility import class_statistics, legibility_space, per_class_fid, real_digit_floor

# Anchor k sits at angle 90° - 36° k on the unit circle: 0 at the top, the digits clockwise like a clock face.
ANCHORS = np.stack([np.cos(np.pi / 2 - 2 * np.pi * np.arange(10) / 10),
                    np.sin(np.pi / 2 - 2 * np.pi * np.arange(10) / 10)], axis=1).astype(np.float32)  # (10, 2)
# The probabilities are softened (p ** (1 / T), renormalised; softmax of logits / T) so that a digit the classifier
# half-reads as another leans towards it: with T = 1 nearly every real digit sits exactly on its anchor.
SOFTEN = 3.0
# How far a sample lies from the real digits of its class, in units of their own spread (squared distance in the
# legibility space over the trace of the class covariance): real test digits 0.4-2.0 (5th-95th percentile), the
# shipped default model 0.5-2.3, the vanishing-gradient model 3.4-4.1, grey static 3.9-5.3, uniform noise 5.2-8.8
# (which the classifier alone files as a confident "8"). Half-way to the centre at this ratio.
DIGIT_LIKE_RATIO = 3.0
MAP_SAMPLES = 300  # positions a live reading keeps (of its first samples): 900 small ints per reading
MAP_SCALE = 100  # positions are kept as whole hundredths of the circle's radius
GALLERY_SIZE = 32
REFERENCE_PER_CLASS = 20

_reference_lock = threading.Lock()
_reference: dict[int, ReferenceMap] = {}


@dataclass(frozen=True)
class ReferenceMap:
    """Real test digits on the map: positions (N, 2) in the unit disc, images uint8 (N, 28, 28), labels (N,)."""

    positions: np.ndarray
    images: np.ndarray
    labels: np.ndarray


@dataclass(frozen=True)
class DigitGallery:
    """Show me the 1s: up to GALLERY_SIZE samples filed under `digit` (uint8 (K, 28, 28)), how many of `total` the
    classifier filed there, their legibility (per-class FID against real `digit`s; nan under
    legibility.CLASS_FID_MIN_SAMPLES samples) and what as many real digits of it score (nan likewise)."""

    digit: int
    images: np.ndarray
    count: int
    total: int
    legibility: float
    real_score: float


def _class_spread() -> tuple[torch.Tensor, torch.Tensor]:
    classes = class_statistics()["classes"]
    means = torch.stack([torch.as_tensor(mu, dtype=torch.float32) for mu, _ in classes])  # (10, 192)
    traces = torch.tensor([float(torch.as_tensor(sigma).trace()) for _, sigma in classes])  # (10,)
    return means, traces


def map_positions(probs: torch.Tensor, features: torch.Tensor, strokes: torch.Tensor) -> np.ndarray:
    """Map positions (N, 2) in the unit disc from classifier.predict_with_strokes' outputs (N, 10), (N, 128),
    (N, 64): position = likeness * sum_k softened(p)_k * anchor_k, likeness = 1 / (1 + (ratio / 3) ** 4) with
    ratio the squared distance to the real digits of the predicted class over their spread (DIGIT_LIKE_RATIO)."""
    if len(probs) == 0:
        return np.zeros((0, 2), dtype=np.float32)
    soft = probs.double().clamp_min(1e-12) ** (1.0 / SOFTEN)
    soft = soft / soft.sum(1, keepdim=True)
    centre = soft @ torch.from_numpy(ANCHORS).double()  # (N, 2)
    means, traces = _class_spread()
    predicted = probs.argmax(1)
    ratio = ((legibility_space(features, strokes) - means[predicted]) ** 2).sum(1) / traces[predicted]
    likeness = 1.0 / (1.0 + (ratio.double() / DIGIT_LIKE_RATIO) ** 4)
    # A sample the classifier cannot read at all (NaN pixels of a diverged run) sits at the centre.
    return torch.nan_to_num(centre * likeness[:, None], nan=0.0).float().numpy()


def map_reading(probs: torch.Tensor, features: torch.Tensor, strokes: torch.Tensor,
                keep: int = MAP_SAMPLES) -> dict[str, list[int]]:
    """What a live reading keeps of the map: {"x", "y" (whole hundredths of the radius), "digit" (the class the
    classifier files it under)} for the first `keep` samples: small ints, cheap in a run's history."""
    probs, features, strokes = probs[:keep], features[:keep], strokes[:keep]
    xy = np.rint(map_positions(probs, features, strokes) * MAP_SCALE).astype(int)
    return {"x": xy[:, 0].tolist(), "y": xy[:, 1].tolist(), "digit": probs.argmax(1).tolist()}


def reading_positions(reading_map: dict[str, Any] | None) -> tuple[np.ndarray, np.ndarray]:
    """(positions (N, 2) in the unit disc, digits (N,)) of a reading's "map"; empty arrays without one."""
    if not reading_map:
        return np.zeros((0, 2), dtype=np.float32), np.zeros(0, dtype=np.int64)
    xy = np.stack([np.asarray(reading_map["x"]), np.asarray(reading_map["y"])], axis=1).astype(np.float32)
    return xy / MAP_SCALE, np.asarray(reading_map["digit"], dtype=np.int64)


def reference_map(per_class: int = REFERENCE_PER_CLASS) -> ReferenceMap:
    """The first `per_class` real test digits of each class on the map, computed once per process."""
    with _reference_lock:
        if per_class not in _reference:
            images, labels = load_mnist("test")
            idx = np.concatenate([np.flatnonzero(labels == c)[:per_class] for c in range(10)])
            model, _ = load_classifier()
            probs, feats, strokes = predict_with_strokes(model, images[idx])
            _reference[per_class] = ReferenceMap(map_positions(probs, feats, strokes), images[idx],
                                                 labels[idx].astype(np.int64))
        return _reference[per_class]


def gallery_of_images(images: np.ndarray | torch.Tensor, digit: int, limit: int = GALLERY_SIZE) -> DigitGallery:
    """The samples of `images` (floats (N, 1, 28, 28) in [-1, 1] or uint8 (N, 28, 28)) the classifier files under
    `digit` (0-9; ValueError otherwise): the first `limit` of them, in the samples' own order."""
    if not (isinstance(digit, int) and 0 <= digit <= 9):
        raise ValueError(f"a digit is 0 to 9, not {digit!r}")
    model, _ = load_classifier()
    probs, feats, strokes = predict_with_strokes(model, images)
    predicted = probs.argmax(1)
    members = (predicted == digit).nonzero().flatten()
    count = len(members)
    chosen = members[:limit].numpy()
    if isinstance(images, np.ndarray) and images.dtype == np.uint8:
        pictures = images[chosen]
    else:
        pictures = to_uint8(torch.as_tensor(images)[torch.from_numpy(chosen)])
    legibility = per_class_fid(predicted, feats, strokes, min_share=0.0)[digit]
    real = real_digit_floor(digit, count) if math.isfinite(legibility) else math.nan
    return DigitGallery(digit, np.asarray(pictures, dtype=np.uint8), count, len(predicted), legibility, real)

