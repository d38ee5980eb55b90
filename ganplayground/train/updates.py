"""One GAN training step, written once: the discriminator update and the generator update (the two labelled
phases of pytorch/examples' dcgan), over explicit parts. `Trainer.step()`, slow motion's `Trainer.d_step()` and
`Trainer.g_step()`, and ZeroGPU's chunks (which run `Trainer.run()`) all train through these functions.

Not a training loop and not a run's bookkeeping (trainer.py counts the steps, feeds the weight average and
records the statistics); not the losses' maths (losses.py). Nothing here waits for the device: the statistics
come back as a tensor on it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import torch
from torch import nn

from ..config import Config
from .devices import autocast
from .losses import LossSpec, clip_weights, gradient_penalty


@dataclass(frozen=True)
class Batch:
    """What one update consumes: a real batch and the noise for as many fakes (B samples each)."""

    x_real: torch.Tensor  # (B, 1, 28, 28) in [-1, 1], or (B, 2) points of a 2-D toy
    labels: torch.Tensor | None  # (B,) digits 0..9 for a conditional run, else None
    z: torch.Tensor  # (B, latent_dim) ~ N(0, I)


@dataclass(frozen=True)
class StepParts:
    """Everything an update works on, named. `generator` and `discriminator` are the eager modules that own the
    weights (the gradient penalty's double backward, the weight clipping and the gradient switch use them);
    `forward_g` and `forward_d` are what the other forward passes call: a compiled run's compiled modules
    (sharing those weights), else the eager modules again."""

    generator: nn.Module
    discriminator: nn.Module
    forward_g: nn.Module
    forward_d: nn.Module
    opt_d: torch.optim.Optimizer
    opt_g: torch.optim.Optimizer
    spec: LossSpec  # the loss in force
    config: Config  # critic_steps, gp_weight, clip_value
    precision: str  # "bf16": forward passes under bf16 autocast
    rng: torch.Generator  # the run's stream: the gradient penalty's mixing weights

    def autocast(self) -> contextlib.AbstractContextManager:
        return autocast(self.precision, self.rng.device)


@dataclass(frozen=True)
class Scores:
    """D's side of one D update: its loss and its raw scores on the real and the fake half, before the update."""

    loss_d: torch.Tensor  # scalar, without the gradient penalty
    score_real: torch.Tensor  # (B,) s_r = D(x_real)
    score_fake: torch.Tensor  # (B,) s_f = D(G(z))


def update_discriminator(parts: StepParts, batch: Batch, x_fake: torch.Tensor) -> Scores:
    """One D update on a real batch and fakes x_fake = G(batch.z) (B, ...) drawn by the caller; their graph,
    if they carry one, is left for the G update. WGAN-GP adds its gradient penalty; WGAN clips the weights."""
    # (1) Update D: minimise L_D(s_r, s_f), s_r = D(x_real), s_f = D(G(z)); for the JS losses
    #     L_D = -log sigma(s_r) - log(1 - sigma(s_f)): maximise log D(x) + log(1 - D(G(z))); least squares:
    #     L_D = 1/2 (s_r - 1)^2 + 1/2 s_f^2.
    #     WGAN-GP: + lambda * E[(||grad D(x_hat)|| - 1)^2]; WGAN: then clip every weight into [-c, c].
    spec, labels, B = parts.spec, batch.labels, len(batch.x_real)
    with parts.autocast():
        both = torch.cat([batch.x_real, x_fake.detach()])  # (2B, ...): one D call for both halves
        scores = parts.forward_d(both, torch.cat([labels, labels]) if labels is not None else None).float()  # (2B,)
        score_real, score_fake = scores[:B], scores[B:]  # (B,) each
        loss_d = spec.d_loss(score_real, score_fake)
    loss_d_total = loss_d
    if spec.gradient_penalty:  # on the eager D: compiled graphs cannot do its double backward
        loss_d_total = loss_d + parts.config.gp_weight * gradient_penalty(
            parts.discriminator, batch.x_real, x_fake.float(), labels, parts.rng)
    parts.opt_d.zero_grad(set_to_none=True)
    loss_d_total.backward()
    parts.opt_d.step()
    if spec.weight_clipping:
        clip_weights(parts.discriminator, parts.config.clip_value)
    return Scores(loss_d, score_real, score_fake)


def update_generator(parts: StepParts, x_fake: torch.Tensor,
                     labels: torch.Tensor | None) -> tuple[torch.Tensor, torch.Tensor]:
    """One G update through D on fakes x_fake = G(z) (B, ...) that carry G's graph: (loss_g, s_f (B,)).
    D's weights stay as they are (with spectral norm its power iteration moves, as in any training forward)."""
    # (2) Update G: minimise L_G(s_f) through a fixed D; for the non-saturating JS loss
    #     L_G = -log sigma(s_f): maximise log D(G(z)). Wasserstein and hinge: L_G = -s_f; least squares:
    #     L_G = 1/2 (s_f - 1)^2.
    parts.discriminator.requires_grad_(False)  # G's step needs D's input gradients only
    try:
        with parts.autocast():
            score_fake = parts.forward_d(x_fake, labels).float()  # (B,)
            loss_g = parts.spec.g_loss(score_fake)
        parts.opt_g.zero_grad(set_to_none=True)
        loss_g.backward()
        parts.opt_g.step()
    finally:
        parts.discriminator.requires_grad_(True)
    return loss_g, score_fake


def train_step(parts: StepParts, next_batch: Callable[[], Batch]) -> torch.Tensor:
    """One generator iteration: config.critic_steps D updates, each on a fresh batch from next_batch(), then one
    G update on the last one's noise. Returns the stats (5,) on the device (step_stats)."""
    critic_steps = parts.config.critic_steps
    for i in range(critic_steps):
        batch = next_batch()
        # Only the last critic step keeps G's graph: the G update reuses its fakes, so a step costs one G
        # forward per critic step and no more.
        with parts.autocast(), torch.set_grad_enabled(i == critic_steps - 1):
            x_fake = parts.forward_g(batch.z, batch.labels)  # (B, 1, 28, 28) or (B, 2)
        scores = update_discriminator(parts, batch, x_fake)
    loss_g, _ = update_generator(parts, x_fake, batch.labels)
    return step_stats(parts.spec, scores.loss_d, loss_g, scores.score_real, scores.score_fake)


def discriminator_step(parts: StepParts, batch: Batch) -> torch.Tensor:
    """One D update alone (slow motion's D step): G draws the fakes without a graph and keeps its BatchNorm
    running statistics, so it is left exactly as it was. Returns the stats (5,) on the device; loss_g is G's
    loss against D's scores before the update."""
    with parts.autocast(), torch.no_grad(), frozen_batchnorm(parts.generator):
        x_fake = parts.generator(batch.z, batch.labels)  # eager: the momentum switch must reach the layers
    scores = update_discriminator(parts, batch, x_fake)
    loss_g = parts.spec.g_loss(scores.score_fake.detach())
    return step_stats(parts.spec, scores.loss_d, loss_g, scores.score_real, scores.score_fake)


def generator_step(parts: StepParts, batch: Batch) -> torch.Tensor:
    """One G update alone (slow motion's G step): exactly a whole step's G phase on this batch's noise. Returns
    the stats (5,) on the device; loss_d and D's score on real data are a report, taken in eval mode so that D
    stays exactly as a whole step leaves it."""
    with parts.autocast():
        x_fake = parts.forward_g(batch.z, batch.labels)  # (B, ...), with G's graph
    loss_g, score_fake = update_generator(parts, x_fake, batch.labels)
    score_real = _report_scores(parts, batch)
    loss_d = parts.spec.d_loss(score_real, score_fake.detach())
    return step_stats(parts.spec, loss_d, loss_g, score_real, score_fake)


@torch.no_grad()
def _report_scores(parts: StepParts, batch: Batch) -> torch.Tensor:
    # D's scores on the real batch (B,), in eval mode: a training forward would step spectral norm's power
    # iteration (and any BatchNorm statistics) for a number that is only shown.
    D = parts.discriminator
    was_training = D.training
    D.eval()
    try:
        with parts.autocast():
            return D(batch.x_real, batch.labels).float()
    finally:
        D.train(was_training)


def step_stats(spec: LossSpec, loss_d: torch.Tensor, loss_g: torch.Tensor, score_real: torch.Tensor,
               score_fake: torch.Tensor) -> torch.Tensor:
    """The five numbers an update reports (snapshots.STAT_NAMES order), on the device: both losses, D's mean
    output on real and fake samples (probabilities for the JS losses, raw scores otherwise) and the Wasserstein
    estimate E[s_r] - E[s_f] (0 for the other losses)."""
    with torch.no_grad():
        if spec.probability_scores:
            d_real, d_fake = torch.sigmoid(score_real).mean(), torch.sigmoid(score_fake).mean()
        else:
            d_real, d_fake = score_real.mean(), score_fake.mean()
        wasserstein = ((score_real.mean() - score_fake.mean()) if spec.wasserstein
                       else torch.zeros((), device=score_real.device))
        return torch.stack([loss_d.detach(), loss_g.detach(), d_real, d_fake, wasserstein])


@contextlib.contextmanager
def frozen_batchnorm(module: nn.Module) -> Iterator[None]:
    """BatchNorm layers normalise with the batch's statistics as in training, but keep their running
    statistics: a D-only update must leave G exactly as it was (its running statistics draw the samples)."""
    norms = [m for m in module.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
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
