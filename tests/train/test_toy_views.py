"""The toy views on hand-built networks: the warped grid of a linear generator is its affine image, larger latents
are sliced along its top singular directions, push arrows are -grad_x of G's loss; drawing them marks the plot;
a trainer's snapshots carry them when asked; looking changes nothing."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from torch import nn

from ganplayground.config import Config
from ganplayground.train import toy_views
from ganplayground.train.images import toy_plot
from ganplayground.train.trainer import Trainer


class LinearG(nn.Module):
    """G(z) = A z + b, with a latent_dim as the toy generators have."""

    def __init__(self, a: torch.Tensor, b: torch.Tensor) -> None:
        super().__init__()
        self.latent_dim = a.shape[1]
        self.linear = nn.Linear(a.shape[1], 2)
        with torch.no_grad():
            self.linear.weight.copy_(a)
            self.linear.bias.copy_(b)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.linear(z)


class LinearD(nn.Module):
    """D(x) = w . x + c, raw scores (N,)."""

    def __init__(self, w: tuple[float, float], c: float) -> None:
        super().__init__()
        self.linear = nn.Linear(2, 1)
        with torch.no_grad():
            self.linear.weight.copy_(torch.tensor([w]))
            self.linear.bias.fill_(c)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.linear(x).squeeze(1)


A2 = torch.tensor([[1.0, 0.5], [-0.3, 2.0]])
B = torch.tensor([0.25, -1.0])


def test_the_warped_grid_of_a_linear_generator_is_the_affine_image_of_the_noise_grid() -> None:
    warped = toy_views.warped_grid(LinearG(A2, B), lines=5)
    ticks = np.linspace(-2, 2, 5)
    expected = np.array([[A2.numpy() @ np.array([t1, t2]) + B.numpy() for t1 in ticks] for t2 in ticks])
    assert warped.grid.shape == (5, 5, 2) and warped.grid.dtype == np.float32
    np.testing.assert_allclose(warped.grid, expected, atol=1e-5)
    assert warped.axes == "z₁ and z₂"
    # Lines stay straight: along each row the steps are equal (A times the tick spacing).
    steps = np.diff(warped.grid, axis=1)
    np.testing.assert_allclose(steps, np.broadcast_to(steps[:1, :1], steps.shape), atol=1e-5)


def test_a_larger_latent_is_sliced_along_the_generators_top_singular_directions() -> None:
    a = torch.tensor([[3.0, 0.0, 1.0, 0.2], [0.0, 0.5, -1.0, 2.0]])
    generator = LinearG(a, B)
    directions = toy_views.noise_directions(generator, 4)  # (2, 4)
    _, _, vh = torch.linalg.svd(a)
    assert directions.shape == (2, 4)
    for found, true in zip(directions, vh[:2], strict=True):
        assert abs(float(found @ true)) == pytest.approx(1.0, abs=1e-5)  # the same direction, up to sign
    warped = toy_views.warped_grid(generator, lines=3)
    corner = a @ (-2 * directions[0] - 2 * directions[1]) + B
    np.testing.assert_allclose(warped.grid[0, 0], corner.detach().numpy(), atol=1e-4)
    assert warped.axes == "the 2 of 4 noise directions that move the points most"


def test_looking_changes_no_weight_gradient_or_batchnorm_statistic() -> None:
    generator = nn.Sequential(nn.Linear(8, 16), nn.BatchNorm1d(16), nn.ReLU(), nn.Linear(16, 2))
    generator.latent_dim = 8
    discriminator = LinearD((1.0, -1.0), 0.0)
    generator.train()
    before = {k: v.clone() for k, v in generator.state_dict().items()}
    toy_views.warped_grid(generator)
    toy_views.push_arrows(generator, discriminator, "js", torch.randn(10, 8))
    assert generator.training  # the mode comes back
    for key, value in generator.state_dict().items():
        assert torch.equal(value, before[key]), key
    assert all(p.grad is None for p in [*generator.parameters(), *discriminator.parameters()])


def test_under_wasserstein_a_linear_critic_pushes_every_point_by_its_weights() -> None:
    z = torch.randn(7, 2)
    arrows = toy_views.push_arrows(LinearG(A2, B), LinearD((0.6, -0.8), 0.3), "wgan", z)
    assert arrows.shape == (7, 2, 2) and arrows.dtype == np.float32
    np.testing.assert_allclose(arrows[:, 0], (z @ A2.T + B).numpy(), atol=1e-5)  # the points G(z)
    np.testing.assert_allclose(arrows[:, 1], np.tile([0.6, -0.8], (7, 1)), atol=1e-6)  # -grad(-D) = w


def test_under_the_saturating_minimax_loss_a_confident_d_leaves_no_push() -> None:
    z = torch.randn(5, 2)
    confident = toy_views.push_arrows(LinearG(A2, B), LinearD((0.6, -0.8), -30.0), "js-minimax", z)
    assert np.abs(confident[:, 1]).max() < 1e-9  # sigma(s) w with s ~ -30
    rescued = toy_views.push_arrows(LinearG(A2, B), LinearD((0.6, -0.8), -30.0), "js", z)
    np.testing.assert_allclose(rescued[:, 1], np.tile([0.6, -0.8], (5, 1)), atol=1e-6)  # (1 - sigma(s)) w


def test_least_squares_pushes_each_point_by_its_distance_from_the_real_target() -> None:
    generator, discriminator = LinearG(A2, B), LinearD((1.0, 0.0), 0.0)  # D(x) = x_1
    arrows = toy_views.push_arrows(generator, discriminator, "lsgan", torch.randn(6, 2))
    expected = np.stack([1.0 - arrows[:, 0, 0], np.zeros(6)], axis=1)  # -d/dx 1/2 (x_1 - 1)^2 = 1 - x_1
    np.testing.assert_allclose(arrows[:, 1], expected, atol=1e-5)


def test_arrows_are_drawn_at_a_fixed_scale_per_plot_and_the_longest_clipped() -> None:
    arrows = np.array([[[0, 0], [1, 0]], [[1, 1], [0, 100]]], np.float32)
    tips = toy_views.arrow_tips(arrows, 3.0)  # the ring's plot: 0.2 units per unit of push, at most 1 unit
    np.testing.assert_allclose(tips, [[0.2, 0], [1, 2]], atol=1e-6)
    np.testing.assert_allclose(toy_views.arrow_tips(arrows, 6.0)[0], [0.4, 0], atol=1e-6)  # the grid's: as many px
    caption = toy_views.arrow_caption(3.0, arrows)
    assert "drawn at 0.2 × the gradient" in caption and "clipped to 1 unit" in caption and "median push" in caption


def test_the_toy_plot_draws_the_grid_lines_and_the_arrows_where_they_are() -> None:
    empty = np.zeros((0, 2), np.float32)
    plain = toy_plot(None, 2.0, empty, empty, size=101)
    ticks = np.linspace(-1, 1, 3)
    warp = np.stack(np.meshgrid(ticks, ticks), axis=-1).astype(np.float32)  # lines at -1, 0, 1 (pixels 25, 50, 75)
    gridded = toy_plot(None, 2.0, empty, empty, size=101, warp=warp)
    changed = (gridded != plain).any(axis=2)
    assert changed[50, 30:70].all() and changed[30:70, 50].all()  # the middle row and column of the grid
    assert not changed[:20].any() and not changed[:, 85:].any()  # nothing outside it
    arrows = np.array([[[-1.5, -1.5], [0.0, 100.0]]], np.float32)  # straight up, clipped to 2/3 unit (a third of 2)
    pushed = toy_plot(None, 2.0, empty, empty, size=101, arrows=arrows)
    moved = (pushed != plain).any(axis=2)
    column = round((0.5 / 4) * 100)  # x = -1.5; rows: y = -1.5 at 87.5, the tip y = -5/6 at 70.8
    assert moved[73:86, column].all() and not moved[:65].any()
    assert moved.sum() < 150  # one short arrow, not a smear
    stalled = toy_plot(None, 2.0, empty, empty, size=101, arrows=np.zeros((3, 2, 2), np.float32))
    assert np.array_equal(stalled, plain)  # no push, no arrow


def test_a_trainer_s_snapshots_carry_the_views_only_when_asked() -> None:
    trainer = Trainer(Config(dataset="ring", latent_dim=4, width=16, batch_size=32, threads=1, device="cpu"))
    snap = list(trainer.run(max_steps=2, every_steps=2))[-1]
    assert snap.warp is None and snap.arrows is None
    trainer.set_views(warp=True, arrows=True)
    snap = list(trainer.run(max_steps=4, every_steps=2))[-1]
    assert snap.warp.shape == (15, 15, 2) and snap.arrows.shape == (toy_views.ARROW_POINTS, 2, 2)
    assert np.isfinite(snap.warp).all() and np.isfinite(snap.arrows).all()
    np.testing.assert_allclose(snap.arrows[:, 0], snap.points[: toy_views.ARROW_POINTS], atol=1e-5)
    trainer.set_views(arrows=True)
    snap = trainer.snapshot()
    assert snap.warp is None and snap.arrows is not None
    assert trainer.warped_grid(lines=5).grid.shape == (5, 5, 2)


def test_the_views_are_for_toys_only() -> None:
    trainer = Trainer(Config(arch="mlp", width=32, latent_dim=8, batch_size=16, threads=1, device="cpu"))
    with pytest.raises(ValueError, match="2-D toys"):
        trainer.push_arrows()
    trainer.set_views(warp=True, arrows=True)
    snap = trainer.snapshot()
    assert snap.grid is not None and snap.warp is None and snap.arrows is None


def test_a_run_switched_to_least_squares_mid_run_trains() -> None:
    trainer = Trainer(Config(dataset="ring", latent_dim=2, width=16, batch_size=32, threads=1, device="cpu"))
    trainer.step()
    trainer.switch_loss("lsgan")
    weights = torch.cat([p.detach().flatten().clone() for p in trainer.generator.parameters()])
    stats = [trainer.step() for _ in range(3)]
    assert trainer.config.loss == "lsgan" and trainer.loss_spec.name == "lsgan"
    assert all(math.isfinite(s.loss_d) and math.isfinite(s.loss_g) for s in stats)
    assert stats[-1].wasserstein is None
    assert not torch.equal(weights, torch.cat([p.detach().flatten() for p in trainer.generator.parameters()]))
    with torch.no_grad():
        trainer.discriminator.head.bias.add_(5.0)  # scores around 5: a probability could never show them
    assert trainer.decision_surface()["surface"].max() > 2.0  # the plane shows LSGAN's raw scores, not sigma
