"""What every test shares: small configs that train in milliseconds, one CPU thread for reproducibility,
`wait_until` for conditions another thread brings about, and one temporary folder for the whole run that is
gone when it ends."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from typing import Any

import pytest
import torch

from ganplayground.config import Config

from .waiting import wait_for


@pytest.fixture(autouse=True)
def _one_thread() -> None:
    torch.set_num_threads(1)


@pytest.fixture
def tiny() -> Config:
    """A tiny MLP GAN on MNIST: a step takes ~1 ms."""
    return Config(arch="mlp", width=32, latent_dim=8, batch_size=16, threads=1, device="cpu")


@pytest.fixture
def wait_until() -> Callable[..., Any]:
    """wait_for: wait_until(condition, timeout=30, what="...") -> condition's first true result."""
    return wait_for


# Everything the code under test writes to "the temporary folder" lands in one folder of this run: the page's
# downloads, Gradio's cache (GRADIO_TEMP_DIR), gradio_client's downloads and the empty folders it leaves behind
# (it reads tempfile.gettempdir()), pytest's own tmp_path folders, Chromium's profiles (TMPDIR). Set when this
# file is imported, before any test module or nested conftest imports gradio or gradio_client (they read their
# folder once, at import); removed when the run ends.
RUN_TEMP = tempfile.mkdtemp(prefix="ganplayground-tests-")
os.environ["GRADIO_TEMP_DIR"] = os.path.join(RUN_TEMP, "gradio")
os.environ["TMPDIR"] = RUN_TEMP
tempfile.tempdir = RUN_TEMP
# The class database of every Playground the tests make (its data folder), never the user's own.
os.environ["GANPLAYGROUND_DATA_DIR"] = os.path.join(RUN_TEMP, "data")
# The nearest-digit index's cached features (measure/nearest.py), never in the user's cache folder.
os.environ["GANPLAYGROUND_CACHE_DIR"] = os.path.join(RUN_TEMP, "cache")


# PyTorch can abort while the interpreter shuts down after backward passes ran in worker threads
# ("terminate called without an active exception", pytorch/pytorch#38228): seen here about one run in
# three after the divergence test, with every test passed. Once pytest has reported (and removed its
# temporary folders, at session finish), leave without running C++ destructors, keeping pytest's exit
# status. Fixtures close every server they start and the run's temporary folder goes first, so nothing is left
# for atexit to clean.
_session_status: dict[str, int] = {}


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    _session_status["code"] = int(exitstatus)


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(RUN_TEMP, ignore_errors=True)
    if "code" in _session_status:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(_session_status["code"])
