"""The optimisers a config asks for (Adam or RMSprop, one per network) and the learning-rate schedule applied to
them before each update. Not the updates themselves (updates.py)."""

from __future__ import annotations

import torch
from torch import nn

from ..config import Config


def build_optimizers(config: Config, generator: nn.Module, discriminator: nn.Module,
                     device: torch.device) -> tuple[torch.optim.Optimizer, torch.optim.Optimizer]:
    """Fresh (opt_d, opt_g) at config's rates and betas: RMSprop for WGAN's paper settings, Adam otherwise.
    Fused kernels on CUDA, foreach (one kernel per parameter list) elsewhere."""
    fused = {"fused": True} if device.type == "cuda" else {"foreach": True}

    def make(params: nn.Module, lr: float) -> torch.optim.Optimizer:
        if config.optimizer == "rmsprop":
            return torch.optim.RMSprop(params.parameters(), lr=lr, **fused)
        return torch.optim.Adam(params.parameters(), lr=lr, betas=(config.beta1, config.beta2), **fused)

    return make(discriminator, config.lr_d), make(generator, config.lr_g)


def schedule_learning_rates(opt_d: torch.optim.Optimizer, opt_g: torch.optim.Optimizer, config: Config,
                            step: int) -> None:
    """Set both optimisers' rates for an update at `step`: lr_d and lr_g times Config.lr_scale(step)."""
    scale = config.lr_scale(step)
    for optimizer, lr in ((opt_d, config.lr_d), (opt_g, config.lr_g)):
        for group in optimizer.param_groups:
            group["lr"] = lr * scale
