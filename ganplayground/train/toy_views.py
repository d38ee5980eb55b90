"""Two of GAN Lab's pictures of a 2-D toy, as plain arrays: how the generator bends a regular grid of its noise
into the plane (`warped_grid`), and where the generator's loss pushes each generated point (`push_arrows`).

Not drawing (images.toy_plot draws both) and not training: the networks are called in eval mode and only
gradients with respect to inputs are taken, so looking changes no weight, no gradient and no BatchNorm statistic.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from ..i18n import _, decimal
from .losses import LossSpec, get_loss

NOISE_SPAN = 2.0  # the grid spans [-2, 2] along each noise direction: the bulk (95%) of N(0, 1)
JACOBIAN_POINTS = 64  # noise vectors the directions of a larger latent are averaged over
JACOBIAN_SEED = 12345  # ...always the same ones, so the slice does not jitter between frames
ARROW_POINTS = 100  # generated points that get an arrow
# The arrows' FIXED drawing scale, never normalised per frame (so a vanishing gradient shows as vanishing
# arrows): a push of 1 is drawn ARROW_SCALE x the plot's half-width long, the same number of pixels on every toy.
# Measured ||-grad_x L_G|| per point, median (90th percentile), seed 0, one thread (benchmarks/toy_views.py
# --gradients): ring-js (non-saturating) 0.83 (0.88) after 3,000 steps;
# ring-wgan-gp 2.7 (4.7) after 300 steps, 1.8 (3.4) after 3,000; grid-js (saturating minimax, 5 D steps) 0.064
# at the start, 0.59 (4.0) after 3,000 steps, piled on a few blobs where D is unsure. After 300 D steps alone on
# the ring-js networks (a strong D): minimax 0.044, non-saturating JS 2.0, WGAN-GP 1.0, LSGAN 0.14.
# At 1/15 (0.2 plane units per unit of push on the ring's plot, half-width 3; 0.4 on the grid's, half-width 6) a
# Wasserstein arrow on the ring is 13-34 px of the 384 px plot (a critic just switched on against a collapsed
# ring: push 1.0, 13 px; benchmarks/arrow_pictures.py), a trained grid-js arrow 8 px (its 90th percentile 51 px,
# clipped at a third of the half-width), and the minimax push against a strong D 0.6 px: not drawn. At 1/30 the
# switched critic's arrows were 6 px, lost among the red points; at 0.25 units the ring's Wasserstein arrows were
# 30-45 px, a tangle over 100 points.
ARROW_SCALE = 1 / 15
ARROW_MAX = 1 / 3  # the longest arrow drawn, times the half-width (1 unit on the ring): a cliff of D stays on the plot


@dataclass(frozen=True)
class WarpedGrid:
    """G's image of a regular L x L grid of noise. grid[i, j] = G(t_j * u1 + t_i * u2), t = linspace(-2, 2, L):
    row i is one line of constant second coordinate, column j one of constant first coordinate."""

    grid: np.ndarray  # float32 (L, L, 2) points in the plane
    axes: str  # which noise directions u1, u2: "z₁ and z₂", or those that move the points most


@contextlib.contextmanager
def _evaluating(*modules: nn.Module) -> Iterator[None]:
    modes = [m.training for m in modules]
    for m in modules:
        m.eval()  # BatchNorm uses its running statistics and keeps them; spectral norm does not iterate
    try:
        yield
    finally:
        for m, mode in zip(modules, modes, strict=True):
            m.train(mode)


def grid_axes(latent_dim: int) -> str:
    """The words for the noise directions `warped_grid` uses at this latent size."""
    if latent_dim == 2:
        return "z₁ and z₂"
    return f"the 2 of {latent_dim} noise directions that move the points most"


def _device(module: nn.Module) -> torch.device:
    return next(module.parameters()).device


def noise_directions(generator: nn.Module, latent_dim: int) -> torch.Tensor:
    """Two orthonormal noise directions (2, d): the identity's first two rows for d = 2; else the top two right
    singular vectors of G's Jacobians (2 x d each) at JACOBIAN_POINTS fixed noise vectors, stacked into one
    (2B, d) matrix, i.e. the top eigenvectors of the mean of J^T J. (The mean of J itself would let opposite
    slopes in different regions of a ReLU network cancel.) Each sign is fixed so the largest entry is positive."""
    device = _device(generator)
    if latent_dim == 2:
        return torch.eye(2, device=device)
    z = torch.randn(JACOBIAN_POINTS, latent_dim, generator=torch.Generator().manual_seed(JACOBIAN_SEED))
    z = z.to(device).requires_grad_(True)
    with torch.enable_grad():
        x = generator(z).float()  # (B, 2)
        rows = [torch.autograd.grad(x[:, k].sum(), z, retain_graph=k == 0)[0] for k in range(2)]  # 2 x (B, d)
    _, _, vh = torch.linalg.svd(torch.cat(rows).double().cpu(), full_matrices=False)  # vh: (min(2B, d), d)
    top = vh[:2]
    signs = torch.sign(top.gather(1, top.abs().argmax(1, keepdim=True)))  # (2, 1)
    return (top * signs).float().to(device)


def warped_grid(generator: nn.Module, lines: int = 15) -> WarpedGrid:
    """G applied to a lines x lines grid over [-2, 2]^2 of noise, in the plane of two noise directions through
    the origin (`noise_directions`): a toy's (unconditional) generator, (B, d) -> (B, 2). ValueError for
    lines < 2."""
    if lines < 2:
        raise ValueError(f"a grid needs at least 2 lines; got {lines}")
    latent_dim = int(generator.latent_dim)
    with _evaluating(generator):
        directions = noise_directions(generator, latent_dim)  # (2, d)
        ticks = torch.linspace(-NOISE_SPAN, NOISE_SPAN, lines, device=directions.device)
        b, a = torch.meshgrid(ticks, ticks, indexing="ij")  # (L, L): a varies along a row, b down a column
        z = a.reshape(-1, 1) * directions[0] + b.reshape(-1, 1) * directions[1]  # (L * L, d)
        with torch.no_grad():
            points = generator(z).float().cpu().numpy()  # (L * L, 2)
    return WarpedGrid(points.reshape(lines, lines, 2).astype(np.float32), grid_axes(latent_dim))


def push_arrows(generator: nn.Module, discriminator: nn.Module, loss: str | LossSpec,
                z: torch.Tensor) -> np.ndarray:
    """For noise z (N, d): float32 (N, 2, 2), [:, 0] the generated point x = G(z) and [:, 1] the direction the
    generator's loss pushes it, -grad_x of that point's own term of L_G(D(x)) under `loss` (an id or a LossSpec).
    Every L_G is a mean over the batch, so the per-point term is N times the point's share of it."""
    spec = get_loss(loss) if isinstance(loss, str) else loss
    with _evaluating(generator, discriminator):
        with torch.no_grad():
            x = generator(z).float()  # (N, 2)
        x.requires_grad_(True)
        with torch.enable_grad():
            loss_g = spec.g_loss(discriminator(x).float()) * len(x)
            (grad,) = torch.autograd.grad(loss_g, x)  # (N, 2); inputs only: no weight's .grad is touched
    return torch.stack([x.detach(), -grad], dim=1).cpu().numpy().astype(np.float32)


def arrow_scale(extent: float) -> float:
    """Plane units an arrow is drawn per unit of push on a plot of [-extent, extent]^2 (0.1 on the ring's)."""
    return ARROW_SCALE * extent


def arrow_tips(arrows: np.ndarray, extent: float) -> np.ndarray:
    """Where each arrow of `push_arrows` (N, 2, 2) ends on a plot of [-extent, extent]^2: point + arrow_scale *
    push, shortened to ARROW_MAX * extent; (N, 2) float32."""
    arrows = np.asarray(arrows, np.float32)
    drawn = arrow_scale(extent) * arrows[:, 1]
    longest = ARROW_MAX * extent
    length = np.linalg.norm(drawn, axis=1, keepdims=True)
    drawn = np.where(length > longest, drawn * (longest / np.maximum(length, 1e-12)), drawn)
    return arrows[:, 0] + drawn


def arrow_caption(extent: float, arrows: np.ndarray | None = None) -> str:
    """The arrows' scale in words on a plot of [-extent, extent]^2, with the median push of these arrows
    (N, 2, 2) when given."""
    longest = ARROW_MAX * extent
    figures = {"points": ARROW_POINTS, "scale": f"{arrow_scale(extent):.2g}", "longest": f"{longest:.2g}"}
    if arrows is not None and len(arrows):
        figures["push"] = f"{float(np.median(np.linalg.norm(np.asarray(arrows, np.float32)[:, 1], axis=1))):.2g}"
        text = (_("arrows: where the generator's loss pushes each of {points} red points (−∇ₓ of its loss), drawn "
                  "at {scale} × the gradient; longest clipped to {longest} unit; median push {push}") if longest == 1
                else _("arrows: where the generator's loss pushes each of {points} red points (−∇ₓ of its loss), "
                       "drawn at {scale} × the gradient; longest clipped to {longest} units; median push {push}"))
    else:
        text = (_("arrows: where the generator's loss pushes each of {points} red points (−∇ₓ of its loss), drawn "
                  "at {scale} × the gradient; longest clipped to {longest} unit") if longest == 1
                else _("arrows: where the generator's loss pushes each of {points} red points (−∇ₓ of its loss), "
                       "drawn at {scale} × the gradient; longest clipped to {longest} units"))
    mark = decimal(0.5, 1)[1]  # the language's decimal mark
    return text.format(**{k: v if k == "points" else v.replace(".", mark) for k, v in figures.items()})
