"""Shared fixtures: small configs that train in milliseconds, one CPU thread for reproducibility."""

from __future__ import annotations

import pytest
import torch

from ganplayground.config import Config


@pytest.fixture(autouse=True)
def _one_thread() -> None:
    torch.set_num_threads(1)


@pytest.fixture
def tiny() -> Config:
    """A tiny MLP GAN on MNIST: a step takes ~1 ms."""
    return Config(arch="mlp", width=32, latent_dim=8, batch_size=16, threads=1, device="cpu")
