"""Latent-space tools: fixed noise, seeds -> z, slider values -> z along directions, interpolation.

Plain tensors in and out; nothing here trains or draws.
"""

from __future__ import annotations

import threading

import torch

from .models import Generator


def noise_for_seed(seed: int, n: int, latent_dim: int) -> torch.Tensor:
    """z (n, latent_dim) ~ N(0, I), the same for the same seed on every device (drawn on the CPU)."""
    g = torch.Generator().manual_seed(int(seed))
    return torch.randn(n, latent_dim, generator=g)


def grid_labels(n: int, num_classes: int = 10) -> torch.Tensor:
    """Labels (n,) for a grid with one digit per row of `num_classes` columns: 0,0,...,1,1,... ."""
    return (torch.arange(n) // num_classes) % num_classes


def slerp(z0: torch.Tensor, z1: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
    """Spherical interpolation (Shoemake 1985; White 2016 for GAN latents) between two codes (D,)
    at fractions t (T,) in [0, 1] -> (T, D). Keeps the norm typical of N(0, I) samples, unlike lerp."""
    a, b = z0 / z0.norm(), z1 / z1.norm()
    omega = torch.arccos((a * b).sum().clamp(-1.0, 1.0))
    t = t.unsqueeze(1)  # (T, 1)
    if omega.abs() < 1e-6:
        return (1 - t) * z0 + t * z1
    so = torch.sin(omega)
    return torch.sin((1 - t) * omega) / so * z0 + torch.sin(t * omega) / so * z1


def interpolate(seed_a: int, seed_b: int, steps: int, latent_dim: int) -> torch.Tensor:
    """`steps` codes (steps, latent_dim) on the great circle from seed_a's code to seed_b's."""
    z0 = noise_for_seed(seed_a, 1, latent_dim)[0]
    z1 = noise_for_seed(seed_b, 1, latent_dim)[0]
    return slerp(z0, z1, torch.linspace(0.0, 1.0, steps))


_FORWARD_AD_LOCK = threading.Lock()


def principal_directions(generator: Generator, k: int, n: int = 128, seed: int = 0,
                         labels: torch.Tensor | None = None) -> torch.Tensor:
    """The k latent directions (k, latent_dim) that change the output most, on average.

    Eigenvectors of E_z[J(z)^T J(z)], J = dG/dz (the mean Jacobian Gram matrix), largest first:
    moving z along direction 1 changes the image more than along any other unit direction.
    Estimated from n random codes with one Jacobian-vector batch per latent dimension.
    """
    device = next(generator.parameters()).device
    d = generator.latent_dim
    k = max(1, min(k, d))
    z = noise_for_seed(seed, n, d).to(device)
    if generator.conditional and labels is None:
        labels = (torch.arange(n) % generator.num_classes).to(device)
    # Forward-mode AD levels are process-wide, not per thread: two sessions computing directions at
    # once would corrupt each other's levels, so they take turns (a few hundred ms per model, cached).
    with _FORWARD_AD_LOCK:
        return _principal_directions(generator, z, labels, k)


def _principal_directions(generator: Generator, z: torch.Tensor, labels: torch.Tensor | None, k: int) -> torch.Tensor:
    n, d = z.shape
    device = z.device
    was_training = generator.training
    generator.eval()
    try:
        gram = torch.zeros(d, d, device=device)
        eye = torch.eye(d, device=device)
        # J^T J = sum over output pixels; build J column by column with forward-mode JVPs.
        columns = []
        for i in range(d):
            _, jvp = torch.func.jvp(lambda zz: generator(zz, labels).flatten(1), (z,), (eye[i].expand(n, d),))
            columns.append(jvp)  # (n, out)
        jac = torch.stack(columns, dim=2)  # (n, out, d)
        gram = torch.einsum("nod,noe->de", jac, jac) / n  # (d, d)
    finally:
        generator.train(was_training)
    eigvals, eigvecs = torch.linalg.eigh(gram.double())
    order = torch.argsort(eigvals, descending=True)[:k]
    return eigvecs[:, order].T.float().cpu()  # (k, d), unit rows


def move_along(base: torch.Tensor, directions: torch.Tensor, amounts: list[float] | torch.Tensor) -> torch.Tensor:
    """base (D,) + sum_i amounts[i] * directions[i] -> (1, D). Slider values are in units of sigma."""
    amounts = torch.as_tensor(amounts, dtype=base.dtype)
    return (base + amounts @ directions[: len(amounts)]).unsqueeze(0)
