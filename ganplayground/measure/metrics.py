"""Numbers for "how many digits can the generator make, and how well": a digit histogram from the
bundled classifier, modes covered, KL to uniform, classifier-FID, legibility, the meter's verdict (not digits
yet / collapse / healthy), precision/recall; modes / quality for the 2-D toys; and the live reading a trainer
is given (live_reading).

Not the classifier's training (classifier.py), the distance maths (distances.py) or how legibility is measured
(legibility.py), and not plotting: inputs are arrays, outputs are dicts of floats and lists.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import torch

from ..config import TOY_DATASETS
from ..i18n import _
from ..train.latent import noise_for_seed
from ..train.toys import toy_for
from .classifier import load_classifier, predict, predict_with_strokes
from .digit_map import GALLERY_SIZE, DigitGallery, gallery_of_images, map_reading
from .distances import frechet_distance, gaussian_fit, precision_recall
from .legibility import MODE_THRESHOLD, mean_class_fid, per_class_fid, real_digit_floor, real_floors

TOY_SIGMAS = 3.0  # a toy sample is "high quality" within 3 sigma of a centre
# A toy blob is "covered" when points land within this distance of its centre: 16 px on the page's plot
# of the ring, where such points visibly sit on the blob (3 sigma of the ring, 0.06, is one or two pixels
# and takes minutes to reach).
TOY_COVER_RADIUS = 0.25
# Legibility: per-class FID (legibility.class_fid) on 1,000 samples, measured with the bundled classifier
# (tests/measure/test_metrics.py pins the ends): real digits ~65, real digits of one class 9-19 (~15 on
# average, legibility.real_digit_floor; 6-16 on 5,000), the shipped default model ~125, rough but readable
# digits of the small MLP GANs after a minute ~600-650, digits blurred by a 5x5 box ~1,500, grey static
# ~2,600, uniform noise ~3,700.
LEGIBLE_CLASS_FID = 1000.0
COLLAPSE_MAX_MODES = 3  # legible and at most this many digits: the meter calls it collapse


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


def verdict(modes: int, legibility: float) -> str:
    """What the meter sees: "illegible" (not digits yet), "collapse" (legible, at most
    COLLAPSE_MAX_MODES digits) or "healthy" (legible, more digits)."""
    if not math.isfinite(legibility) or legibility > LEGIBLE_CLASS_FID:
        return "illegible"
    return "collapse" if modes <= COLLAPSE_MAX_MODES else "healthy"


def legibility_reference(m: dict[str, Any]) -> tuple[str, float] | None:
    """What a reading's legibility compares with, for the page and the cards: ("real 1s", score) for a collapse
    onto 1s (digit_floor), ("real digits", score) otherwise (class_fid_floor); None without either."""
    if "digit_floor" in m:
        shares = m.get("histogram") or [0.0]
        # Translators: the legibility real training digits of one class score, "real 1s"
        return _("real {digit}s").format(digit=max(range(len(shares)), key=lambda d: shares[d])), m["digit_floor"]
    if "class_fid_floor" in m:
        return _("real digits"), m["class_fid_floor"]
    return None


def evaluate_images(images: np.ndarray | torch.Tensor, with_floor: bool = True,
                    precision_recall_samples: int = 0) -> dict[str, Any]:
    """Every digit metric for a batch of images (uint8 (N, 28, 28) or floats (N, 1, 28, 28) in [-1, 1]).

    Returns {"n", "histogram" (10 floats), "modes", "kl_uniform", "largest_share", "mean_confidence",
    "fid", "class_fid" (legibility, see class_fid), "verdict" (see verdict), "class_counts" (10 ints),
    "class_legibility" (10 floats or None: legibility.per_class_fid), "map" (digit_map.map_reading), "fid_floor",
    "class_fid_floor" (what as many real digits score on those two), and for a collapse "digit_floor" (what
    as many real digits of the largest class score on legibility, see real_digit_floor)}; with
    precision_recall_samples > 0 also "precision" and "recall" on that many samples. The meter does
    not show precision: grey static scores 1.00 on it (its k-NN balls in feature space are wide).
    """
    model, stats = load_classifier()
    probs, feats, strokes = predict_with_strokes(model, images)
    hist = digit_histogram(probs)
    mu, sigma = gaussian_fit(feats)
    n = len(feats)
    modes = modes_covered(hist)
    predicted = probs.argmax(1)
    scores = per_class_fid(predicted, feats, strokes)
    legibility = mean_class_fid(scores, predicted)
    result = {
        "n": n,
        "histogram": [round(float(h), 4) for h in hist],
        "modes": modes,
        "kl_uniform": kl_to_uniform(hist),
        "largest_share": float(hist.max()),
        "mean_confidence": float(probs.max(1).values.mean()),
        "fid": frechet_distance(mu, sigma, stats["mu"], stats["sigma"]),
        "class_fid": legibility,
        "verdict": verdict(modes, legibility),
        "class_counts": torch.bincount(predicted, minlength=10).tolist(),
        "class_legibility": [round(x, 1) if math.isfinite(x) else None for x in scores],
        "map": map_reading(probs, feats, strokes),
    }
    if precision_recall_samples:
        m = min(n, precision_recall_samples, len(stats["features"]))
        result["precision"], result["recall"] = precision_recall(stats["features"][:m], feats[:m])
    if with_floor:
        floors = real_floors(n)
        result["fid_floor"], result["class_fid_floor"] = floors["fid"], floors["class_fid"]
        if result["verdict"] == "collapse":
            result["digit_floor"] = real_digit_floor(int(hist.argmax()), n)
    return result


def toy_metrics(points: np.ndarray | torch.Tensor, dataset: str, drawing: str = "", sigmas: float = TOY_SIGMAS,
                cover_radius: float = TOY_COVER_RADIUS) -> dict[str, Any]:
    """Modes covered and sample quality for a 2-D toy (train.toys; "drawn": the one `drawing` encodes): points
    (N, 2).

    A sample belongs to the part (a blob, or a piece of a shape) of its nearest centre. A part is covered when at
    least 1% of the samples (or 1 sample) lie within `cover_radius` of one of its centres; "histogram" is the share
    of samples near each part in that sense. A sample is high quality when within `sigmas` standard deviations
    of its nearest centre. Returns {"n", "modes", "num_modes", "high_quality", "histogram"} (modes count parts).
    """
    toy = toy_for(dataset, drawing)
    pts = torch.as_tensor(np.asarray(points), dtype=torch.float32)
    d = torch.cdist(pts, torch.from_numpy(toy.centres.copy()))  # (N, M)
    nearest_d, nearest = d.min(dim=1)
    nearest_d = torch.nan_to_num(nearest_d, nan=math.inf)
    near = nearest_d <= cover_radius
    part = torch.from_numpy(toy.parts.copy())[nearest]  # (N,) the part of each sample's nearest centre
    counts = torch.bincount(part[near], minlength=toy.num_parts).numpy()
    n = max(len(pts), 1)
    needed = max(1, math.ceil(0.01 * n))
    good = nearest_d <= sigmas * toy.sigma
    return {"n": len(pts), "modes": int((counts >= needed).sum()), "num_modes": toy.num_parts, "word": toy.word,
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
    if config.dataset in TOY_DATASETS:
        return toy_metrics(x.numpy(), config.dataset, config.drawing)
    return {"n": n}


def live_reading(sampler: torch.nn.Module, config: Any) -> dict[str, Any]:
    """The page's live reading of a run, the measuring function it gives its trainers
    (`Trainer(config, measure=live_reading)`): evaluate_generator on config.metrics_samples samples of noise
    from config.seed + 3, the same noise at every reading, so that two readings differ only by the weights."""
    return evaluate_generator(sampler, config, config.metrics_samples, seed=config.seed + 3)


def digit_gallery(generator: torch.nn.Module, config: Any, digit: int, limit: int = GALLERY_SIZE) -> DigitGallery:
    """Show me the `digit`s of a generator trained under `config` (MNIST): of the meter's own samples (live_reading's
    noise), the first `limit` the classifier files under `digit` (digit_map.gallery_of_images)."""
    x = generate(generator, config.metrics_samples, config.seed + 3, getattr(config, "conditional", False))
    return gallery_of_images(x, digit, limit)


def conditional_accuracy(generator: torch.nn.Module, n: int = 1000, seed: int = 0) -> float:
    """Share of samples of a conditional generator that the classifier reads as the digit asked for."""
    labels = torch.arange(n) % 10
    x = generate(generator, n, seed, True, labels=labels)
    model, _ = load_classifier()
    probs, _ = predict(model, x)
    return float((probs.argmax(1) == labels).float().mean())
