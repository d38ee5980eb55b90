"""Numbers for "how many digits can the generator make, and how well": a digit histogram from the
bundled classifier, modes covered, KL to uniform, classifier-FID, precision/recall; and modes / quality
for the 2-D toys.

Not the classifier's training (classifier.py) and not plotting: inputs are arrays, outputs are dicts
of floats and lists.
"""

from __future__ import annotations

import math
import threading
from typing import Any

import numpy as np
import torch

from .classifier import load_classifier, predict
from .data import load_mnist, toy_centres
from .latent import noise_for_seed

MODE_THRESHOLD = 0.02  # a digit "is covered" when at least 2% of samples are classified as it
PR_NEIGHBOURS = 3  # k of improved precision/recall (Kynkaanniemi et al. 2019)
PR_MAX_SAMPLES = 2000  # k-NN balls on at most this many samples per side
TOY_SIGMAS = 3.0  # a toy sample is "high quality" within 3 sigma of a centre


def digit_histogram(probs: torch.Tensor) -> np.ndarray:
    """Fraction of samples predicted as each digit: probs (N, 10) -> (10,) summing to 1."""
    counts = np.bincount(probs.argmax(1).numpy(), minlength=10).astype(np.float64)
    return counts / max(counts.sum(), 1.0)


def modes_covered(histogram: np.ndarray, threshold: float = MODE_THRESHOLD) -> int:
    """Number of classes holding at least `threshold` of the samples."""
    return int((np.asarray(histogram) >= threshold).sum())


def kl_to_uniform(histogram: np.ndarray) -> float:
    """KL(p || uniform) = sum_i p_i ln(p_i * K) with 0 ln 0 = 0: 0 when balanced, ln K for one class."""
    p = np.asarray(histogram, dtype=np.float64)
    nz = p > 0
    return float((p[nz] * np.log(p[nz] * len(p))).sum())


def frechet_distance(mu1: np.ndarray | torch.Tensor, sigma1: np.ndarray | torch.Tensor,
                     mu2: np.ndarray | torch.Tensor, sigma2: np.ndarray | torch.Tensor) -> float:
    """Fréchet distance between Gaussians (Heusel et al. 2017, FID):
    ||mu1 - mu2||^2 + tr(S1) + tr(S2) - 2 tr((S1^1/2 S2 S1^1/2)^1/2), computed with symmetric
    eigendecompositions in float64 (no scipy)."""
    mu1, mu2 = (torch.as_tensor(m, dtype=torch.float64) for m in (mu1, mu2))
    s1, s2 = (torch.as_tensor(s, dtype=torch.float64) for s in (sigma1, sigma2))
    vals1, vecs1 = torch.linalg.eigh(s1)
    sqrt_s1 = (vecs1 * vals1.clamp(min=0).sqrt()) @ vecs1.T
    middle = sqrt_s1 @ s2 @ sqrt_s1
    middle = (middle + middle.T) / 2
    tr_sqrt = torch.linalg.eigvalsh(middle).clamp(min=0).sqrt().sum()
    return float(((mu1 - mu2) ** 2).sum() + s1.trace() + s2.trace() - 2 * tr_sqrt)


def gaussian_fit(features: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """(mean (D,), covariance (D, D)) of features (N, D), in float64."""
    f = features.double()
    return f.mean(0), torch.cov(f.T)


def _kth_neighbour_radii(features: torch.Tensor, k: int) -> torch.Tensor:
    distances = torch.cdist(features, features)  # (N, N)
    return distances.kthvalue(k + 1, dim=1).values  # +1: each point is its own nearest neighbour


def precision_recall(real: torch.Tensor, fake: torch.Tensor, k: int = PR_NEIGHBOURS) -> tuple[float, float]:
    """Improved precision and recall (Kynkäänniemi et al. 2019) of features (N, D), (M, D).

    precision = share of fakes inside some real sample's k-NN ball (quality);
    recall = share of reals inside some fake sample's k-NN ball (coverage). Collapse: high, low.
    """
    real, fake = real.float(), fake.float()
    real_radii = _kth_neighbour_radii(real, k)
    fake_radii = _kth_neighbour_radii(fake, k)
    cross = torch.cdist(fake, real)  # (M, N)
    precision = (cross <= real_radii[None, :]).any(dim=1).float().mean()
    recall = (fake_radii[None, :] >= cross.T).any(dim=1).float().mean()
    return float(precision), float(recall)


_floor_cache: dict[int, float] = {}
_floor_lock = threading.Lock()


def real_fid_floor(n: int) -> float:
    """FID of n real training digits against the test statistics: the best score n samples can get."""
    with _floor_lock:
        if n not in _floor_cache:
            images, _ = load_mnist("train")
            idx = np.random.default_rng(0).choice(len(images), size=min(n, len(images)), replace=False)
            _floor_cache[n] = evaluate_images(images[idx], with_floor=False)["fid"]
        return _floor_cache[n]


def evaluate_images(images: np.ndarray | torch.Tensor, with_floor: bool = True,
                    precision_recall_samples: int = PR_MAX_SAMPLES) -> dict[str, Any]:
    """Every digit metric for a batch of images (uint8 (N, 28, 28) or floats (N, 1, 28, 28) in [-1, 1]).

    Returns {"n", "histogram" (10 floats), "modes", "kl_uniform", "largest_share",
    "mean_confidence", "fid", "fid_floor", "precision", "recall"}.
    """
    model, stats = load_classifier()
    probs, feats = predict(model, images)
    hist = digit_histogram(probs)
    mu, sigma = gaussian_fit(feats)
    n = len(feats)
    m = min(n, precision_recall_samples, len(stats["features"]))
    precision, recall = precision_recall(stats["features"][:m], feats[:m])
    result = {
        "n": n,
        "histogram": [round(float(h), 4) for h in hist],
        "modes": modes_covered(hist),
        "kl_uniform": kl_to_uniform(hist),
        "largest_share": float(hist.max()),
        "mean_confidence": float(probs.max(1).values.mean()),
        "fid": frechet_distance(mu, sigma, stats["mu"], stats["sigma"]),
        "precision": precision,
        "recall": recall,
    }
    if with_floor:
        result["fid_floor"] = real_fid_floor(n)
    return result


def toy_metrics(points: np.ndarray | torch.Tensor, dataset: str, sigmas: float = TOY_SIGMAS) -> dict[str, Any]:
    """Modes covered and sample quality for a 2-D toy: points (N, 2).

    A sample is high quality when within `sigmas` standard deviations of its nearest centre; a centre
    is covered when it holds at least 1% of the samples as high-quality neighbours (or 1 sample).
    Returns {"n", "modes", "num_modes", "high_quality", "histogram"}.
    """
    centres, sigma = toy_centres(dataset)
    pts = torch.as_tensor(np.asarray(points), dtype=torch.float32)
    d = torch.cdist(pts, torch.from_numpy(centres))  # (N, K)
    nearest_d, nearest = d.min(dim=1)
    good = torch.nan_to_num(nearest_d, nan=math.inf) <= sigmas * sigma
    counts = torch.bincount(nearest[good], minlength=len(centres)).numpy()
    n = max(len(pts), 1)
    needed = max(1, math.ceil(0.01 * n))
    return {"n": len(pts), "modes": int((counts >= needed).sum()), "num_modes": len(centres),
            "high_quality": float(good.float().mean()) if len(pts) else 0.0,
            "histogram": [round(float(c) / n, 4) for c in counts]}


@torch.no_grad()
def generate(generator: torch.nn.Module, n: int, seed: int, conditional: bool,
             labels: torch.Tensor | None = None) -> torch.Tensor:
    """n samples on the CPU from seed's noise; conditional generators get uniform random labels
    (or `labels`). Images (n, 1, 28, 28) in [-1, 1], or points (n, 2)."""
    device = next(generator.parameters()).device
    z = noise_for_seed(seed, n, generator.latent_dim).to(device)
    if conditional and labels is None:
        labels = torch.randint(0, 10, (n,), generator=torch.Generator().manual_seed(seed))
    if labels is not None:
        labels = labels.to(device)
    was_training = generator.training
    generator.eval()
    try:
        z_chunks = z.split(1000)
        label_chunks = labels.split(1000) if labels is not None else [None] * len(z_chunks)
        return torch.cat([generator(zc, lc).float().cpu() for zc, lc in zip(z_chunks, label_chunks, strict=True)])
    finally:
        generator.train(was_training)


def evaluate_generator(generator: torch.nn.Module, config: Any, n: int = 1000, seed: int = 12345) -> dict[str, Any]:
    """Metrics for n fresh samples of a generator trained under `config` (digits or toy points).

    Digits: see evaluate_images. Toys: see toy_metrics. Other image datasets (Fashion-MNIST) have no
    classifier here: returns {"n": n} only.
    """
    x = generate(generator, n, seed, getattr(config, "conditional", False))
    if config.dataset == "mnist":
        return evaluate_images(x)
    if config.dataset in ("ring", "grid"):
        return toy_metrics(x.numpy(), config.dataset)
    return {"n": n}


def conditional_accuracy(generator: torch.nn.Module, n: int = 1000, seed: int = 0) -> float:
    """Share of samples of a conditional generator that the classifier reads as the digit asked for."""
    labels = torch.arange(n) % 10
    x = generate(generator, n, seed, True, labels=labels)
    model, _ = load_classifier()
    probs, _ = predict(model, x)
    return float((probs.argmax(1) == labels).float().mean())
