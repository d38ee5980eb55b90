"""Slow motion and the step written once: a D step changes D alone and reshapes the decision surface; a G step
changes G alone and moves the points; a whole step is critic_steps D steps then a G step, to the last bit."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from ganplayground.config import LOSS_NAMES, Config
from ganplayground.train.trainer import Trainer


def _state(module: torch.nn.Module) -> dict[str, torch.Tensor]:
    """Weights and buffers (BatchNorm's running statistics too), copied."""
    return {k: v.detach().clone() for k, v in module.state_dict().items()}


def _same(a: dict[str, torch.Tensor], b: dict[str, torch.Tensor]) -> bool:
    return a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


def _ring(loss: str = "js", **changes) -> Config:
    return Config(dataset="ring", latent_dim=2, width=32, batch_size=64, device="cpu", threads=1,
                  g_batchnorm=False).with_loss(loss).replace(**changes)


@pytest.mark.parametrize("loss", LOSS_NAMES)
def test_a_d_step_changes_only_d_and_moves_the_decision_surface(loss: str) -> None:
    trainer = Trainer(_ring(loss))
    trainer.step()  # give the optimisers a history, as in the middle of a run
    g, d = _state(trainer.generator), _state(trainer.discriminator)
    surface, points = trainer.decision_surface()["surface"], trainer.sample_fixed()
    step, seen = trainer.step_count, trainer.samples_seen
    stats = trainer.d_step()
    assert _same(g, _state(trainer.generator))
    assert not _same(d, _state(trainer.discriminator))
    assert torch.equal(points, trainer.sample_fixed())
    assert np.abs(trainer.decision_surface()["surface"] - surface).max() > 0
    assert trainer.step_count == step and trainer.samples_seen == seen + 64  # a D update is not a G iteration
    assert math.isfinite(stats.loss_d) and math.isfinite(stats.loss_g)
    assert (stats.wasserstein is not None) == loss.startswith("wgan")


@pytest.mark.parametrize("loss", LOSS_NAMES)
def test_a_g_step_changes_only_g_and_moves_the_points(loss: str) -> None:
    trainer = Trainer(_ring(loss))
    trainer.step()
    g, d = _state(trainer.generator), _state(trainer.discriminator)
    surface, points = trainer.decision_surface()["surface"], trainer.sample_fixed()
    step, seen = trainer.step_count, trainer.samples_seen
    stats = trainer.g_step()
    assert _same(d, _state(trainer.discriminator))
    assert not _same(g, _state(trainer.generator))
    assert np.array_equal(trainer.decision_surface()["surface"], surface)
    assert (trainer.sample_fixed() - points).norm(dim=1).max() > 0
    assert trainer.step_count == step + 1 and trainer.samples_seen == seen
    assert math.isfinite(stats.loss_g) and all(p.requires_grad for p in trainer.discriminator.parameters())


def test_a_d_step_leaves_the_generators_batchnorm_statistics_alone(tiny: Config) -> None:
    trainer = Trainer(tiny.replace(g_batchnorm=True))
    g = _state(trainer.generator)
    assert any("running_mean" in k for k in g)
    trainer.d_step()
    assert _same(g, _state(trainer.generator))


@pytest.mark.parametrize("loss", ["js", "wgan", "wgan-gp"])
def test_a_d_step_is_exactly_the_discriminator_phase_of_a_step(loss: str) -> None:
    # Same seed, same stream of batches: a D step and a whole step (one critic update) leave D identical, so the
    # D step has the whole critic update: the gradient penalty for WGAN-GP, the clipping for WGAN.
    config = _ring(loss, critic_steps=1)
    alone, whole = Trainer(config), Trainer(config)
    alone.d_step()
    whole.step()
    for a, b in zip(alone.discriminator.parameters(), whole.discriminator.parameters(), strict=True):
        assert torch.allclose(a, b, atol=1e-6)
    # ...and without the penalty the critic's step is another one.
    if loss == "wgan-gp":
        no_penalty = Trainer(config.replace(gp_weight=0.0))
        no_penalty.d_step()
        assert not all(torch.allclose(a, b, atol=1e-6) for a, b in
                       zip(no_penalty.discriminator.parameters(), alone.discriminator.parameters(), strict=True))


def _assert_same_run(a: Trainer, b: Trainer) -> None:
    """Both networks' weights and buffers (BatchNorm statistics, spectral norm's u and v), the weight average,
    both optimisers' moments and the counts agree."""
    pairs = [(a.generator, b.generator), (a.discriminator, b.discriminator)]
    if a.generator_ema is not None:
        pairs.append((a.generator_ema, b.generator_ema))
    for x, y in pairs:
        torch.testing.assert_close(x.state_dict(), y.state_dict(), rtol=1e-6, atol=1e-7)
    for x, y in ((a.opt_d, b.opt_d), (a.opt_g, b.opt_g)):
        torch.testing.assert_close(x.state_dict()["state"], y.state_dict()["state"], rtol=1e-6, atol=1e-7)
    assert (a.step_count, a.samples_seen) == (b.step_count, b.samples_seen)


def _whole_and_halves(config: Config) -> tuple[Trainer, Trainer]:
    """Two runs from one seed: a whole step() on the first; on the second, critic_steps D steps, each on the next
    batch of the run's stream, then a G step on the last one's batch and noise."""
    whole, halves = Trainer(config), Trainer(config)
    stats = whole.step()
    for _ in range(config.critic_steps):
        batch = halves.draw_batch()
        d_stats = halves.d_step(batch)
    g_stats = halves.g_step(batch)
    assert (d_stats.loss_d, g_stats.loss_g) == pytest.approx((stats.loss_d, stats.loss_g), rel=1e-6, abs=1e-7)
    return whole, halves


@pytest.mark.parametrize("spectral_norm", [False, True])
@pytest.mark.parametrize("loss", LOSS_NAMES)
def test_a_step_is_a_d_step_then_a_g_step_on_the_same_batch_and_noise(tiny: Config, loss: str,
                                                                      spectral_norm: bool) -> None:
    # G with BatchNorm, so that a D step must keep its running statistics for the G step to update them once,
    # as a whole step does; spectral norm, so that the G step's report on real digits must not step its power
    # iteration; a weight average, fed once by either.
    config = tiny.with_loss(loss).replace(critic_steps=1, g_batchnorm=True, spectral_norm=spectral_norm, ema=0.9)
    _assert_same_run(*_whole_and_halves(config))


@pytest.mark.parametrize("loss", ["js", "wgan-gp"])
def test_a_step_with_two_critic_steps_is_two_d_steps_then_a_g_step(tiny: Config, loss: str) -> None:
    # Without BatchNorm in G: a whole step's first critic step draws its fakes in training mode without a graph,
    # which moves G's running statistics, while a D step alone keeps them by design (slow motion's D step leaves G
    # exactly as it was).
    config = tiny.with_loss(loss).replace(critic_steps=2, g_batchnorm=False, spectral_norm=True)
    _assert_same_run(*_whole_and_halves(config))


def test_half_steps_are_recorded_in_the_history_and_work_on_digits(tiny: Config) -> None:
    trainer = Trainer(tiny)
    trainer.d_step()
    trainer.snapshot()
    trainer.g_step()
    snap = trainer.snapshot()
    assert [h["step"] for h in trainer.history] == [0, 1]
    assert snap.grid is not None and snap.stats is not None and math.isfinite(snap.stats.loss_g)
    assert all(math.isfinite(h["d_real"]) and math.isfinite(h["d_fake"]) for h in trainer.history)


def test_half_steps_on_a_diverged_trainer_raise_the_reason() -> None:
    trainer = Trainer(_ring())
    with torch.no_grad():
        trainer.discriminator.head.bias.fill_(float("nan"))
    with pytest.raises(RuntimeError, match="diverged"):
        trainer.d_step()
    with pytest.raises(RuntimeError, match="diverged"):
        trainer.g_step()


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU (run with -m gpu there)")
@pytest.mark.parametrize("loss", ["js", "wgan-gp"])
def test_half_steps_on_the_gpu_beside_compiled_bf16_steps(loss: str) -> None:
    trainer = Trainer(_ring(loss).replace(device="auto", compile="on"))
    assert trainer.device.type == "cuda" and trainer.precision == "bf16"
    for _ in range(3):
        trainer.step()
    g = _state(trainer.generator)
    assert math.isfinite(trainer.d_step().loss_d)
    assert _same(g, _state(trainer.generator))
    d = _state(trainer.discriminator)
    assert math.isfinite(trainer.g_step().loss_g)
    assert _same(d, _state(trainer.discriminator))
    assert math.isfinite(trainer.step().loss_d) and trainer.step_count == 5
