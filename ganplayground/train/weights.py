"""Copies of a run's weights kept beside the ones it trains: the generator's weight average (what samples
are drawn from) and the last good weights (what a diverged run goes back to). No training here.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

import torch

from .models import Generator


class WeightAverage:
    """Exponential moving average of a generator's weights (Yazici et al. 2019): it averages out the
    oscillation a high learning rate leaves in the raw weights.

    avg <- decay_t * avg + (1 - decay_t) * w, with the warm-up decay_t = min(decay, (1 + t) / (10 + t)).
    BatchNorm statistics (buffers) are copied, not averaged: they follow the trained generator.
    """

    def __init__(self, generator: Generator, decay: float) -> None:
        self.module = copy.deepcopy(generator).requires_grad_(False).eval()
        self.decay = decay
        self.updates = 0  # t: how many steps it has averaged since its warm-up began

    @torch.no_grad()
    def update(self, generator: Generator) -> None:
        """Move the average one step towards `generator`'s weights."""
        self.updates += 1
        decay = min(self.decay, (1 + self.updates) / (10 + self.updates))
        torch._foreach_lerp_(list(self.module.parameters()), list(generator.parameters()), 1.0 - decay)
        for b_average, b in zip(self.module.buffers(), generator.buffers(), strict=True):
            b_average.copy_(b)

    def restart(self) -> None:
        """Begin the warm-up again: within a few steps the average is close to the raw weights."""
        self.updates = 0

    def load(self, state: dict[str, torch.Tensor], updates: int) -> None:
        """Adopt a saved average that has already averaged `updates` steps: the warm-up goes on from there
        (restarted, it would be replaced by the raw weights within a few steps)."""
        self.module.load_state_dict(state)
        self.updates = updates


@dataclass(frozen=True)
class WeightCopy:
    """Deep copies of a run's state dicts at one step; generator_ema is None for a run without an average."""

    step: int
    generator: dict[str, torch.Tensor]
    discriminator: dict[str, torch.Tensor]
    generator_ema: dict[str, torch.Tensor] | None

    @classmethod
    def of(cls, step: int, generator: torch.nn.Module, discriminator: torch.nn.Module,
           average: WeightAverage | None) -> WeightCopy:
        return cls(step, copy.deepcopy(generator.state_dict()), copy.deepcopy(discriminator.state_dict()),
                   copy.deepcopy(average.module.state_dict()) if average is not None else None)

    def restore(self, generator: torch.nn.Module, discriminator: torch.nn.Module,
                average: WeightAverage | None) -> None:
        """Load the copies back into the networks (and the average, when both have one)."""
        generator.load_state_dict(self.generator)
        discriminator.load_state_dict(self.discriminator)
        if average is not None and self.generator_ema is not None:
            average.module.load_state_dict(self.generator_ema)

    def states(self) -> dict[str, Any]:
        """{"generator", "discriminator", "generator_ema"}: the copies as a checkpoint saves them."""
        return {"generator": self.generator, "discriminator": self.discriminator,
                "generator_ema": self.generator_ema}


@torch.no_grad()
def weights_finite(*modules: torch.nn.Module) -> bool:
    """True when every parameter of every module is finite (an update can make weights NaN after a
    finite loss: check them before calling them good)."""
    return bool(torch.stack([torch.isfinite(p).all() for m in modules for p in m.parameters()]).all())
