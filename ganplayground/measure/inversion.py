"""Find a digit in a generator: the latent code z whose G(z) is closest to a 28 x 28 target, by Adam on z from
several random starts at once. Not the drawing's clean-up (drawn_digit.py) nor any picture of the search.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import torch

from ..i18n import _
from ..train.latent import noise_for_seed
from ..train.models import Generator
from .classifier import load_classifier, predict

STEPS = 300  # Adam steps on z; the default model's error stops falling after ~250
RESTARTS = 8  # random starts, searched as one batch: a bad basin costs one row, not the answer
LEARNING_RATE = 0.1  # for z ~ N(0, I): a step of 0.1 sigma moves a digit's stroke visibly
PRIOR_WEIGHT = 1e-3  # pulls z towards the typical shell |z|^2 ~ latent_dim, so the match stays a likely code
HISTORY_EVERY = 20  # the best image is kept every this many steps, to show the search converging


class InversionError(ValueError):
    """A target that cannot be searched for; the message is a plain sentence."""


@dataclass(frozen=True)
class Inversion:
    """What the search found: the best code and its image, its error against a random code's, and how it got there."""

    z: torch.Tensor  # (latent_dim,)
    label: int | None  # the digit a conditional generator was asked for (the classifier's reading); None otherwise
    image: torch.Tensor  # (28, 28) in [-1, 1]: G(z)
    error: float  # mean squared pixel error of G(z) against the target (pixels in [-1, 1])
    random_error: float  # the same for random codes (the mean over the starting points)
    history: torch.Tensor  # (K, 28, 28): the best image so far at steps `history_steps`
    history_steps: tuple[int, ...]
    seconds: float


def check_target(target: np.ndarray | torch.Tensor) -> torch.Tensor:
    """A target digit as float (1, 1, 28, 28) in [-1, 1]; InversionError for a wrong shape, NaN or range."""
    x = torch.as_tensor(np.asarray(target, dtype=np.float32) if isinstance(target, np.ndarray) else target).float()
    if tuple(x.shape[-2:]) != (28, 28) or x.numel() != 784:
        raise InversionError(_("The target must be one 28 x 28 digit, got shape {shape}.").format(shape=tuple(x.shape)))
    if not torch.isfinite(x).all():
        raise InversionError(_("The target has NaN or infinite pixels."))
    if x.min() < -1.0 - 1e-4 or x.max() > 1.0 + 1e-4:
        raise InversionError(_("The target's pixels must lie in [-1, 1] (ink +1, background -1)."))
    return x.reshape(1, 1, 28, 28)


def reading_of(target: torch.Tensor) -> int:
    """The bundled classifier's digit for a target (1, 1, 28, 28) in [-1, 1]."""
    probs, _ = predict(load_classifier()[0], target)
    return int(probs[0].argmax())


def invert(generator: Generator, target: np.ndarray | torch.Tensor, steps: int = STEPS, restarts: int = RESTARTS,
           seed: int = 0, label: int | None = None) -> Inversion:
    """Search z for the digit `target` (28, 28) in [-1, 1].

    minimise_z  mean((G(z) - target)^2) + PRIOR_WEIGHT * (|z|^2 / d - 1)^2, with Adam from `restarts` codes
    z ~ N(0, I) at once (Creswell & Bharath 2016, "Inverting the generator of a GAN"). A conditional generator
    draws `label`, by default the bundled classifier's reading of the target. The generator is left unchanged."""
    x = check_target(target)
    start = time.perf_counter()
    device = next(generator.parameters()).device
    if generator.conditional and label is None:
        label = reading_of(x)
    labels = torch.full((restarts,), int(label), dtype=torch.long, device=device) if generator.conditional else None
    z = noise_for_seed(seed, restarts, generator.latent_dim).to(device).requires_grad_(True)  # (R, d)
    x = x.to(device)
    was_training = generator.training
    generator.eval()
    try:  # gradients flow to z only (torch.autograd.grad): the weights, shared with other readers, stay untouched
        return _search(generator, x, z, labels, steps, start, None if labels is None else int(label))
    finally:
        generator.train(was_training)


def _search(generator: Generator, x: torch.Tensor, z: torch.Tensor, labels: torch.Tensor | None, steps: int,
            start: float, label: int | None) -> Inversion:
    optimizer = torch.optim.Adam([z], lr=LEARNING_RATE)
    d = z.shape[1]
    best_error, best_z, best_image = float("inf"), z.detach()[0].clone(), None
    history, history_steps, random_error = [], [], None
    for step in range(steps + 1):
        images = generator(z, labels)  # (R, 1, 28, 28)
        errors = (images - x).pow(2).mean((1, 2, 3))  # (R,)
        seen = errors.detach()
        if random_error is None:
            random_error = float(seen.mean())
        i = int(seen.argmin())
        if float(seen[i]) < best_error:
            best_error, best_z, best_image = float(seen[i]), z.detach()[i].clone(), images.detach()[i, 0].clone()
        if step % HISTORY_EVERY == 0 or step == steps:
            history.append(best_image)
            history_steps.append(step)
        if step == steps:
            break
        prior = (z.pow(2).sum(1) / d - 1.0).pow(2)  # (R,)
        loss = (errors + PRIOR_WEIGHT * prior).sum()  # a sum: each start follows its own gradient
        (z.grad,) = torch.autograd.grad(loss, [z])
        optimizer.step()
    return Inversion(z=best_z.cpu(), label=label, image=best_image.cpu(), error=best_error,
                     random_error=float(random_error), history=torch.stack(history).cpu(),
                     history_steps=tuple(history_steps), seconds=time.perf_counter() - start)
