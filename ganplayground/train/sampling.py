"""What a run shows of its networks: the generator's samples for given noise, the fixed noise its snapshots are
drawn from, and the discriminator's scores over a 2-D toy's plane.

Not training: both networks are called in eval mode under no_grad, so looking changes nothing (no BatchNorm
statistics, no step of spectral norm's power iteration).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import torch
from torch import nn

from ..config import Config
from .images import make_grid, to_uint8
from .latent import grid_labels, noise_for_seed
from .toys import toy_for

GRID_SAMPLES = 100  # 10 x 10 grid of fixed-noise samples (one digit per row when conditional)
GRID_COLUMNS = 10
TOY_POINTS = 1000  # fixed-noise points shown for the 2-D toys
SURFACE_RESOLUTION = 64


@contextlib.contextmanager
def _evaluating(module: nn.Module) -> Iterator[nn.Module]:
    was_training = module.training
    module.eval()
    try:
        yield module
    finally:
        module.train(was_training)


def fixed_inputs(config: Config, device: torch.device) -> tuple[torch.Tensor, torch.Tensor | None]:
    """A run's fixed noise (N, latent_dim), from config.seed, and its labels (N,) 0..9 row by row when
    conditional (else None): N = GRID_SAMPLES digits or TOY_POINTS points. Every snapshot draws these."""
    n = GRID_SAMPLES if config.is_image else TOY_POINTS
    labels = grid_labels(n).to(device) if config.conditional else None
    return noise_for_seed(config.seed + 2, n, config.latent_dim).to(device), labels


@torch.no_grad()
def draw(generator: nn.Module, z: torch.Tensor, labels: torch.Tensor | None) -> torch.Tensor:
    """G(z, labels) in eval mode, on the CPU in float32: images (N, 1, 28, 28) in [-1, 1] or points (N, 2)."""
    with _evaluating(generator):
        return generator(z, labels).float().cpu()


def pictures(samples: torch.Tensor, is_image: bool) -> dict[str, Any]:
    """A snapshot's view of samples from `draw`: {"grid": uint8 (H, W)} tiled GRID_COLUMNS wide for images,
    {"points": float32 (N, 2)} for a toy."""
    if is_image:
        return {"grid": make_grid(to_uint8(samples), GRID_COLUMNS)}
    return {"points": samples.numpy()}


@torch.no_grad()
def decision_surface(discriminator: nn.Module, dataset: str, probability_scores: bool,
                     resolution: int = SURFACE_RESOLUTION, drawing: str = "") -> dict[str, Any]:
    """D over a square of a toy's plane: {"surface": float32 (R, R), "extent": L}.

    Values are P(real) = sigma(s) when `probability_scores` (the JS losses), raw critic scores otherwise;
    row i is y = -L + (i + 0.5) * 2L / R, column j likewise in x, with L the toy's extent (train.toys; the ring's
    and grid's: 1.5 times the farthest centre).
    """
    extent = toy_for(dataset, drawing).extent
    device = next(discriminator.parameters()).device
    ticks = (torch.arange(resolution, device=device) + 0.5) * (2 * extent / resolution) - extent  # (R,)
    gy, gx = torch.meshgrid(ticks, ticks, indexing="ij")  # (R, R) each
    with _evaluating(discriminator):
        scores = discriminator(torch.stack([gx.ravel(), gy.ravel()], dim=1)).float()  # (R * R,)
    if probability_scores:
        scores = torch.sigmoid(scores)
    return {"surface": scores.view(resolution, resolution).cpu().numpy(), "extent": extent}
