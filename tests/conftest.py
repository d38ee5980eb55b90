"""Shared fixtures: small configs that train in milliseconds, one CPU thread for reproducibility."""

from __future__ import annotations

import os
import sys

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


# PyTorch can abort while the interpreter shuts down after backward passes ran in worker threads
# ("terminate called without an active exception", pytorch/pytorch#38228): seen here about one run in
# three after the divergence test, with every test passed. Once pytest has reported, leave without
# running C++ destructors, keeping pytest's exit status.
_session_status: dict[str, int] = {}


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    _session_status["code"] = int(exitstatus)


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    if "code" in _session_status:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(_session_status["code"])
