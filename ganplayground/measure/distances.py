"""How far apart two sets of features are: the Fréchet distance between their Gaussian fits (FID's formula) and
improved precision/recall from k-nearest-neighbour balls. Plain maths on feature tensors (N, D): no classifier,
no digits (legibility.py and metrics.py use these on the classifier's features)."""

from __future__ import annotations

import numpy as np
import torch

PR_NEIGHBOURS = 3  # k of improved precision/recall (Kynkaanniemi et al. 2019)
PR_MAX_SAMPLES = 2000  # k-NN balls on at most this many samples per side


def gaussian_fit(features: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """(mean (D,), covariance (D, D)) of features (N, D), in float64."""
    f = features.double()
    return f.mean(0), torch.cov(f.T)


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
