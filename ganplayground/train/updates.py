"""Slow motion for a run: one discriminator update alone and one generator update alone (GAN Lab's "D step"
and "G step").

Not a training loop: `Trainer.d_step()`, `Trainer.g_step()` and `Trainer.run()` call in here. The updates are
the two phases of `Trainer`'s own step, taken apart, on the eager networks (the compiled ones share their
weights); their statistics go into the run's history like a full step's.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import TYPE_CHECKING

import torch

from .losses import LossSpec, clip_weights, gradient_penalty

if TYPE_CHECKING:
    from .snapshots import StepStats
    from .trainer import Trainer

@contextlib.contextmanager
def _frozen_batchnorm(module: torch.nn.Module) -> Iterator[None]:
    """BatchNorm layers normalise with the batch's statistics as in training, but keep their running
    statistics: a D-only step must leave G exactly as it was (its running statistics draw the points)."""
    norms = [m for m in module.modules() if isinstance(m, torch.nn.modules.batchnorm._BatchNorm)]
    saved = [(m.momentum, m.num_batches_tracked.clone() if m.num_batches_tracked is not None else None)
             for m in norms]
    for m in norms:
        m.momentum = 0.0  # running = (1 - 0) * running + 0 * batch
    try:
        yield
    finally:
        for m, (momentum, tracked) in zip(norms, saved, strict=True):
            m.momentum = momentum
            if tracked is not None:
                m.num_batches_tracked.copy_(tracked)


def _batch(trainer: Trainer) -> tuple[torch.Tensor, torch.Tensor | None, torch.Tensor]:
    """A real batch (with its labels when conditional) and the noise for as many fakes, from the run's stream."""
    cfg = trainer._config
    x_real, labels = trainer.data.sample(cfg.batch_size, trainer._rng)
    x_real = x_real.contiguous(memory_format=trainer._memory_format)
    z = torch.randn(cfg.batch_size, cfg.latent_dim, device=trainer.device, generator=trainer._rng)
    return x_real, (labels if cfg.conditional else None), z


def step_stats(spec: LossSpec, loss_d: torch.Tensor, loss_g: torch.Tensor, score_real: torch.Tensor,
               score_fake: torch.Tensor) -> torch.Tensor:
    """The five numbers a step reports (trainer._STATS order), on the device: both losses, D's mean output on
    real and fake samples (probabilities for the JS losses, raw scores otherwise), the Wasserstein estimate."""
    with torch.no_grad():
        if spec.probability_scores:
            d_real, d_fake = torch.sigmoid(score_real).mean(), torch.sigmoid(score_fake).mean()
        else:
            d_real, d_fake = score_real.mean(), score_fake.mean()
        wasserstein = ((score_real.mean() - score_fake.mean()) if spec.wasserstein
                       else torch.zeros((), device=score_real.device))
        return torch.stack([loss_d.detach(), loss_g.detach(), d_real, d_fake, wasserstein])


def discriminator_update(trainer: Trainer) -> torch.Tensor:
    """One update of D alone on a fresh real batch and G's fakes: the D phase of a step, once (with the
    gradient penalty for WGAN-GP, the weight clipping for WGAN). G's weights and running statistics stay as
    they are, and the step count (generator iterations) does not move.

    Returns the stats (5,) on the device; loss_g is G's loss against D's scores before this update.
    """
    cfg, spec = trainer._config, trainer.loss_spec
    G, D = trainer.generator, trainer.discriminator
    x_real, labels, z = _batch(trainer)
    B = cfg.batch_size
    # --- update D ---
    with trainer._autocast():
        with torch.no_grad(), _frozen_batchnorm(G):
            x_fake = G(z, labels)
        scores = D(torch.cat([x_real, x_fake]), torch.cat([labels, labels]) if labels is not None else None).float()
        score_real, score_fake = scores[:B], scores[B:]  # (B,) each
        loss_d = spec.d_loss(score_real, score_fake)
    loss_d_total = loss_d
    if spec.gradient_penalty:
        loss_d_total = loss_d + cfg.gp_weight * gradient_penalty(D, x_real, x_fake.float(), labels, trainer._rng)
    trainer.opt_d.zero_grad(set_to_none=True)
    loss_d_total.backward()
    trainer.opt_d.step()
    if spec.weight_clipping:
        clip_weights(D, cfg.clip_value)
    trainer.samples_seen += B
    return step_stats(spec, loss_d, spec.g_loss(score_fake.detach()), score_real, score_fake)


def generator_update(trainer: Trainer) -> torch.Tensor:
    """One update of G alone against D as it is: the G phase of a step (D's weights and any running statistics
    stay as they are). Counts as a generator iteration and feeds the weight average, like a full step.

    Returns the stats (5,) on the device; loss_d is D's loss on a fresh real batch and these fakes (D is not
    updated).
    """
    spec = trainer.loss_spec
    G, D = trainer.generator, trainer.discriminator
    x_real, labels, z = _batch(trainer)
    # --- update G ---
    D.requires_grad_(False)  # G's step needs D's input gradients only
    try:
        with trainer._autocast(), _frozen_batchnorm(D):
            x_fake = G(z, labels)
            with torch.no_grad():
                score_real = D(x_real, labels).float()  # (B,) for the report only
            score_fake = D(x_fake, labels).float()  # (B,)
            loss_g = spec.g_loss(score_fake)
        trainer.opt_g.zero_grad(set_to_none=True)
        loss_g.backward()
        trainer.opt_g.step()
    finally:
        D.requires_grad_(True)
    if trainer.average is not None:
        trainer.average.update(trainer.generator)
    trainer.step_count += 1
    return step_stats(spec, spec.d_loss(score_real, score_fake.detach()), loss_g, score_real, score_fake)


def single_update(trainer: Trainer, which: str) -> StepStats:
    """One D-only ("d") or G-only ("g") update of a run, synchronously, recorded like a step: its stats go into
    the window the next snapshot writes to the history. Waits for a step of run() in progress; call it while
    the run is paused (or not running) to see one update at a time.

    Raises RuntimeError if the loss is not finite (the run's status becomes "diverged"), as Trainer.step does.
    """
    update = {"d": discriminator_update, "g": generator_update}.get(which)
    if update is None:
        raise ValueError(f"which must be 'd' or 'g'; got {which!r}")
    return trainer._timed_update(lambda: update(trainer))
