"""Legibility, the meter's figure for "how well are these digits drawn": a per-class FID in the classifier's
features beside its stroke statistics, against the real test digits of each class; and what real digits score on
it and on FID (the floors a generator's figures are shown against).

Not the meter's verdict or the histogram (metrics.py) and not the distance maths (distances.py).
"""

from __future__ import annotations

import math
import threading
from typing import Any

import numpy as np
import torch

from ..train.data import load_mnist
from .classifier import load_classifier, predict_with_strokes
from .distances import frechet_distance, gaussian_fit

MODE_THRESHOLD = 0.02  # a digit "is covered" when at least 2% of samples are classified as it
CLASS_FID_MIN_SAMPLES = 10  # per-class FID ignores classes with fewer samples (no covariance to speak of)

_class_cache: dict[str, dict[str, Any]] = {}
_class_lock = threading.Lock()
_floor_cache: dict[int, dict[str, float]] = {}
_digit_floor_cache: dict[tuple[int, int], float] = {}
_floor_lock = threading.Lock()


def _legibility_space(feats: torch.Tensor, strokes: torch.Tensor, stroke_scale: float) -> torch.Tensor:
    return torch.cat([feats, stroke_scale * strokes], dim=1)  # (N, 128 + 64)


def legibility_space(features: torch.Tensor, strokes: torch.Tensor) -> torch.Tensor:
    """The space the legibility figure measures in (N, 192): the classifier's features (N, 128) beside its stroke
    statistics (N, 64), scaled as for the real test digits (class_statistics)."""
    return _legibility_space(features, strokes, class_statistics()["stroke_scale"])


def class_statistics() -> dict[str, Any]:
    """The real test digits in the legibility space: {"stroke_scale": float, "classes": [(mean, cov)] * 10},
    computed once per process (~1 s)."""
    with _class_lock:
        if "stats" not in _class_cache:
            model, _ = load_classifier()
            images, labels = load_mnist("test")
            _, feats, strokes = predict_with_strokes(model, images)
            # Both blocks get the same total variance on real digits, so neither drowns the other.
            scale = float((torch.cov(feats.double().T).trace() / torch.cov(strokes.double().T).trace()).sqrt())
            space = _legibility_space(feats, strokes, scale)
            labels_t = torch.from_numpy(labels.astype(np.int64))
            _class_cache["stats"] = {"stroke_scale": scale,
                                     "classes": [gaussian_fit(space[labels_t == c]) for c in range(10)]}
        return _class_cache["stats"]


def class_fid(predicted: torch.Tensor, features: torch.Tensor, strokes: torch.Tensor,
              min_samples: int = CLASS_FID_MIN_SAMPLES, min_share: float = MODE_THRESHOLD) -> float:
    """Per-class FID, the meter's legibility figure: the samples filed under digit c against the real
    test digits c, averaged over classes weighted by their counts. predicted (N,), features (N, 128),
    strokes (N, 64) from classifier.predict_with_strokes.

    The space is the classifier's penultimate features (what digit it is) beside its stroke statistics
    (what the pen strokes look like), each scaled to the same total variance on real digits. Plain FID
    cannot tell a collapse onto one clean digit from grey static (both sit far from the ten-digit mean);
    this can: a clean "1" lies close to real ones, static and noise close to nothing (the strokes part
    catches noise, which the penultimate features alone file close to a real "8").

    Only the digits the meter counts take part: classes holding less than `min_share` of the samples
    (MODE_THRESHOLD, the meter's own line for "covered") or fewer than `min_samples` are left out; nan if
    none is left. The figure says how well the generator draws the digits it makes. A few stray samples
    cannot say it: a Fréchet distance on a handful of samples is mostly small-sample bias (real 2s score
    ~415 on 15 samples and ~13 on 5,000): weighted in, the 3% of stray samples of the shipped collapsed
    model made half its figure.
    """
    return mean_class_fid(per_class_fid(predicted, features, strokes, min_samples, min_share), predicted)


def mean_class_fid(scores: list[float], predicted: torch.Tensor) -> float:
    """The legibility figure from per_class_fid's scores: their mean weighted by each digit's count (predicted
    (N,) class ids), the nans left out; nan when all are."""
    counts = torch.bincount(predicted, minlength=10).tolist()
    kept = [(counts[c], score) for c, score in enumerate(scores) if math.isfinite(score)]
    total = sum(count for count, _ in kept)
    return sum(count * score for count, score in kept) / total if total else math.nan


def per_class_fid(predicted: torch.Tensor, features: torch.Tensor, strokes: torch.Tensor,
                  min_samples: int = CLASS_FID_MIN_SAMPLES, min_share: float = MODE_THRESHOLD) -> list[float]:
    """Legibility of each digit (10 floats): the Fréchet distance in the legibility space between the samples
    filed under digit c and the real test digits c; nan for a digit with fewer than max(min_samples,
    min_share * N) samples (see class_fid)."""
    stats = class_statistics()
    space = legibility_space(features, strokes)
    least = max(min_samples, math.ceil(min_share * len(predicted)))
    scores = []
    for c in range(10):
        members = space[predicted == c]
        if len(members) < least:
            scores.append(math.nan)
            continue
        mu, sigma = gaussian_fit(members)
        scores.append(frechet_distance(mu, sigma, *stats["classes"][c]))
    return scores


def real_floors(n: int) -> dict[str, float]:
    """What n real training digits score: {"fid": FID against the test statistics, "class_fid": legibility},
    the best n samples can get (both figures grow as n shrinks)."""
    with _floor_lock:
        if n not in _floor_cache:
            model, stats = load_classifier()
            images, _ = load_mnist("train")
            idx = np.random.default_rng(0).choice(len(images), size=min(n, len(images)), replace=False)
            probs, feats, strokes = predict_with_strokes(model, images[idx])
            mu, sigma = gaussian_fit(feats)
            _floor_cache[n] = {"fid": frechet_distance(mu, sigma, stats["mu"], stats["sigma"]),
                               "class_fid": class_fid(probs.argmax(1), feats, strokes)}
        return _floor_cache[n]


def real_digit_floor(digit: int, n: int) -> float:
    """What n real training digits of one class score on legibility (n at most that class's ~6,000): the best a
    collapse onto that digit can get. Small samples vary a lot (1,000 real 1s: 6-16), so under 6,000 images
    this is the mean over up to four draws."""
    with _floor_lock:
        if (digit, n) not in _digit_floor_cache:
            model, _ = load_classifier()
            images, labels = load_mnist("train")
            pool = np.flatnonzero(labels == digit)
            size = min(n, len(pool))
            rng = np.random.default_rng(digit)
            scores = []
            for _ in range(max(1, min(4, 6000 // size))):
                probs, feats, strokes = predict_with_strokes(model, images[rng.choice(pool, size, replace=False)])
                scores.append(class_fid(probs.argmax(1), feats, strokes))
            _digit_floor_cache[(digit, n)] = float(np.mean(scores))
        return _digit_floor_cache[(digit, n)]
