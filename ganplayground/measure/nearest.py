"""Does the generator copy? The 60,000 training digits as an index, in pixels and in the bundled classifier's
features: a digit's nearest training digits, and its distance against how close real digits are to each other.
Not pictures or words for the page beyond one verdict sentence.
"""

from __future__ import annotations

import hashlib
import os
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import platformdirs
import torch

from ..i18n import _, decimal, percent
from ..train.data import load_mnist
from .classifier import classifier_dir, images_to_input, load_classifier, predict

K = 5  # nearest training digits shown per query
REAL_QUERIES = 2000  # training digits whose nearest other training digit makes the real distribution
CANDIDATES = 32  # the fast (dot-product) distance picks this many; exact distances rank them
COPY_PERCENTILE = 5.0  # closer than this percentile of real nearest distances: "closer than 95% of real digits"
CACHE_ENV = "GANPLAYGROUND_CACHE_DIR"


@dataclass(frozen=True)
class NearestIndex:
    """The training digits in both spaces, and the real-to-real nearest-neighbour distances (sorted)."""

    images: np.ndarray  # uint8 (60000, 28, 28)
    labels: np.ndarray  # (60000,)
    pixels: torch.Tensor  # (60000, 784) in [-1, 1]
    features: torch.Tensor  # (60000, 128)
    pixel_norms: torch.Tensor  # (60000,) squared lengths, for the fast distance
    feature_norms: torch.Tensor  # (60000,)
    real_pixel: np.ndarray  # (REAL_QUERIES,) sorted: each one's distance to its nearest other training digit
    real_feature: np.ndarray  # (REAL_QUERIES,) the same in feature space


@dataclass(frozen=True)
class Neighbours:
    """One digit's nearest training digits (indices into the training set) and distances, nearest first."""

    pixel_ids: tuple[int, ...]
    pixel_distances: tuple[float, ...]
    feature_ids: tuple[int, ...]
    feature_distances: tuple[float, ...]
    share_closer: float  # the share of real digits closer to their own nearest neighbour than this one is (pixels)
    copies: bool  # closer to a training digit than 95% of training digits are to theirs (the real 5th percentile)


def cache_dir() -> Path:
    """Where the index's features are kept between runs: GANPLAYGROUND_CACHE_DIR, else the user's cache folder."""
    return Path(os.environ.get(CACHE_ENV) or platformdirs.user_cache_path("ganplayground"))


def _exact(queries: torch.Tensor, base: torch.Tensor, norms: torch.Tensor, k: int, skip_self: torch.Tensor | None,
           ) -> tuple[torch.Tensor, torch.Tensor]:
    """The k nearest rows of base (M, D) to each query (Q, D): (distances (Q, k), ids (Q, k)). A dot-product
    distance shortlists CANDIDATES; exact differences rank them, so a digit's distance to itself is exactly 0."""
    approx = norms[None, :] - 2.0 * queries @ base.T  # (Q, M): |b|^2 - 2 q.b, ranked like |q - b|^2
    if skip_self is not None:
        approx[torch.arange(len(queries)), skip_self] = float("inf")
    ids = approx.topk(min(CANDIDATES, base.shape[0]), dim=1, largest=False).indices  # (Q, C)
    exact = (base[ids] - queries[:, None, :]).pow(2).sum(2).sqrt()  # (Q, C)
    order = exact.argsort(dim=1)[:, :k]
    return exact.gather(1, order), ids.gather(1, order)


def _real_nn(base: torch.Tensor, norms: torch.Tensor) -> np.ndarray:
    """Sorted distances of REAL_QUERIES fixed training digits to their nearest other training digit."""
    rows = torch.randperm(len(base), generator=torch.Generator().manual_seed(0))[:REAL_QUERIES]
    out = [_exact(base[chunk], base, norms, 1, chunk)[0][:, 0] for chunk in rows.split(250)]
    return np.sort(torch.cat(out).numpy())


def _weights_key() -> str:
    return hashlib.sha256((classifier_dir() / "model.safetensors").read_bytes()).hexdigest()[:16]


def _cached(name: str, build) -> np.ndarray:
    """An array from the cache folder, else built and written there (atomically; a read-only folder is fine)."""
    path = cache_dir() / f"nearest-{_weights_key()}-{name}.npy"
    if path.is_file():
        try:
            return np.load(path, allow_pickle=False)
        except (OSError, ValueError):
            pass
    array = build()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp.npy")
        np.save(tmp, array, allow_pickle=False)
        os.replace(tmp, path)
    except OSError:
        pass
    return array


_index: NearestIndex | None = None
_lock = threading.Lock()


def nearest_index() -> NearestIndex:
    """The index over the training digits, built once per process (features and real distances cached as .npy)."""
    global _index
    with _lock:
        if _index is None:
            images, labels = load_mnist("train")
            pixels = images_to_input(images.copy()).flatten(1)  # (60000, 784)
            features = torch.from_numpy(_cached("features", lambda: predict(load_classifier()[0], images)[1].numpy()))
            pixel_norms, feature_norms = pixels.pow(2).sum(1), features.pow(2).sum(1)
            real_pixel = _cached("real-pixel", lambda: _real_nn(pixels, pixel_norms))
            real_feature = _cached("real-feature", lambda: _real_nn(features, feature_norms))
            _index = NearestIndex(images, labels, pixels, features, pixel_norms, feature_norms, real_pixel,
                                  real_feature)
        return _index


def nearest(digits: np.ndarray | torch.Tensor, k: int = K) -> list[Neighbours]:
    """The k nearest training digits of each digit: uint8 (N, 28, 28) or floats (N, 1, 28, 28) in [-1, 1].
    Distances are Euclidean, pixels in [-1, 1] (a training digit finds itself at 0)."""
    index = nearest_index()
    x = images_to_input(digits)
    queries = x.flatten(1)  # (N, 784)
    _, feats = predict(load_classifier()[0], x)
    result = []
    for q, f in zip(queries.split(256), feats.split(256), strict=True):
        pd, pi = _exact(q, index.pixels, index.pixel_norms, k, None)
        fd, fi = _exact(f, index.features, index.feature_norms, k, None)
        shares = np.searchsorted(index.real_pixel, pd[:, 0].numpy(), side="left") / len(index.real_pixel)
        result += [Neighbours(tuple(pi[j].tolist()), tuple(pd[j].tolist()), tuple(fi[j].tolist()),
                              tuple(fd[j].tolist()), float(shares[j]), float(pd[j, 0]) < real_p5(index))
                   for j in range(len(q))]
    return result


def real_p5(index: NearestIndex) -> float:
    """The pixel distance within which only 5% of training digits have their nearest other training digit."""
    return float(np.percentile(index.real_pixel, COPY_PERCENTILE))


def copy_verdict(found: Neighbours) -> str:
    """The memorisation check in plain words (pixel distances)."""
    p5 = real_p5(nearest_index())
    nearest_d = found.pixel_distances[0]
    if found.copies:
        return _("Looks copied: this digit is {distance} from training digit #{index}, closer than {share} of "
                 "training digits are to their own nearest neighbour ({p5} or more).").format(
                     distance=decimal(nearest_d, 1), index=found.pixel_ids[0], share=percent(0.95), p5=decimal(p5, 1))
    return _("Not a copy: its nearest training digit is {distance} away, farther than {share} of training digits "
             "are from theirs (a copy would be under {p5}).").format(
                 distance=decimal(nearest_d, 1), share=percent(found.share_closer), p5=decimal(p5, 1))


def memorisation(digits: np.ndarray | torch.Tensor) -> dict[str, float]:
    """The memorisation figures of generated digits (N, 1, 28, 28) in [-1, 1]: the share closer to a training digit
    than the real 5th percentile, the median nearest distance, and the real distribution's 5th percentile and median."""
    found = nearest(digits, k=1)
    index = nearest_index()
    d = np.array([n.pixel_distances[0] for n in found])
    return {"samples": len(found), "share_closer_than_real_p5": float(np.mean([n.copies for n in found])),
            "median_nearest": float(np.median(d)), "real_p5": real_p5(index),
            "real_median": float(np.median(index.real_pixel))}
