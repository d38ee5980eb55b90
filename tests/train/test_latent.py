"""Latent tools behind the Explore tab: seeds, interpolation, slider directions."""

from __future__ import annotations

import threading

import torch

from ganplayground.train.latent import interpolate, move_along, noise_for_seed, principal_directions, slerp
from ganplayground.train.models import build_models


def _generator(latent_dim: int = 8) -> torch.nn.Module:
    torch.manual_seed(0)
    generator, _ = build_models("mnist", "mlp", latent_dim, 32)
    return generator.eval()


def test_a_seed_gives_the_same_codes_every_time() -> None:
    assert torch.equal(noise_for_seed(7, 3, 8), noise_for_seed(7, 3, 8))
    assert not torch.equal(noise_for_seed(7, 3, 8), noise_for_seed(8, 3, 8))


def test_slerp_starts_and_ends_on_the_two_codes_and_keeps_their_norm() -> None:
    z0, z1 = torch.tensor([3.0, 0.0]), torch.tensor([0.0, 3.0])
    path = slerp(z0, z1, torch.tensor([0.0, 0.5, 1.0]))
    torch.testing.assert_close(path[0], z0)
    torch.testing.assert_close(path[2], z1)
    torch.testing.assert_close(path[1].norm(), torch.tensor(3.0))  # lerp's midpoint would have norm 2.12
    strip = interpolate(1, 2, 5, 8)
    torch.testing.assert_close(strip[0], noise_for_seed(1, 1, 8)[0])
    torch.testing.assert_close(strip[-1], noise_for_seed(2, 1, 8)[0])


def test_principal_directions_are_orthonormal_and_the_first_moves_the_digit_most() -> None:
    generator = _generator()
    dirs = principal_directions(generator, 8, n=32)
    torch.testing.assert_close(dirs @ dirs.T, torch.eye(8), atol=1e-4, rtol=0)
    base = noise_for_seed(0, 1, 8)[0]
    with torch.no_grad():
        image = generator(base.unsqueeze(0))
        change = [(generator(move_along(base, dirs[i:i + 1], [0.01])) - image).norm().item() for i in (0, 7)]
    assert change[0] > change[1]


def test_principal_directions_from_many_sessions_at_once_agree() -> None:
    generator = _generator()
    expected = principal_directions(generator, 4, n=16)
    results, errors = [], []

    def work() -> None:
        try:
            results.append(principal_directions(generator, 4, n=16))
        except Exception as exc:  # noqa: BLE001 - the test reports any failure in a thread
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors and len(results) == 6
    for r in results:  # eigenvectors are defined up to sign
        torch.testing.assert_close(r.abs(), expected.abs(), atol=1e-4, rtol=0)
