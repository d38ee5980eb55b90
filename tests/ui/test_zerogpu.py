"""ZeroGPU chunks, checked on the CPU: arguments and yields cross a (simulated) process boundary by
pickle, weights come back after every chunk, and controls act between chunks."""

from __future__ import annotations

import pickle
import sys
import time
import types

import pytest
import torch

from ganplayground.config import Config
from ganplayground.train.trainer import Trainer
from ganplayground.ui.server import zerogpu
from ganplayground.ui.server.slots import Slots


def pickling_chunk(config, state, seconds, snapshot_seconds, metrics_seconds, device):
    """What spaces.GPU does to train_chunk, minus the GPU: everything in and out is pickled."""
    args = pickle.loads(pickle.dumps((config, state, seconds, snapshot_seconds, metrics_seconds)))
    for item in zerogpu.train_chunk(*args, device="cpu"):
        yield pickle.loads(pickle.dumps(item))


def _params(module: torch.nn.Module) -> torch.Tensor:
    return torch.cat([p.detach().flatten().clone() for p in module.parameters()])


def test_zerogpu_is_off_without_the_spaces_package_or_the_space(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SPACES_ZERO_GPU", raising=False)
    assert not zerogpu.enabled()


def test_a_chunked_run_trains_in_chunks_and_hands_the_weights_back(tiny: Config) -> None:
    mirror = Trainer(tiny.replace(max_seconds=1.0, ema=0.99))
    before = _params(mirror.generator)
    run = zerogpu.ChunkedRun(mirror, Slots(1), chunk=pickling_chunk, chunk_seconds=0.3, snapshot_seconds=0.1)
    run.start()
    run.join(30)
    assert run.state == "ended" and not run.error
    assert mirror.status == "finished" and mirror.elapsed >= 1.0
    assert mirror.step_count > 0 and len(mirror.history) > 3
    assert not torch.equal(before, _params(mirror.generator))  # weights came back from the chunks
    assert run.latest is not None and run.latest.grid is not None


def test_a_loss_switch_and_stop_take_effect_between_chunks(tiny: Config) -> None:
    mirror = Trainer(tiny.replace(max_seconds=30.0))
    run = zerogpu.ChunkedRun(mirror, Slots(1), chunk=pickling_chunk, chunk_seconds=0.3, snapshot_seconds=0.1)
    run.start()
    start = time.monotonic()
    while mirror.step_count == 0:
        assert time.monotonic() - start < 20, "the first chunk never returned"
        time.sleep(0.05)
    mirror.switch_loss("wgan")
    start = time.monotonic()
    while not any(h.get("loss") == "wgan" for h in mirror.history):
        assert time.monotonic() - start < 20, "the switch never reached a chunk"
        time.sleep(0.05)
    mirror.stop()
    run.join(10)
    assert run.state == "ended" and mirror.status == "stopped"


def test_the_playground_uses_chunks_on_zerogpu(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPACES_ZERO_GPU", "true")
    monkeypatch.setitem(sys.modules, "spaces", types.SimpleNamespace(GPU=lambda duration: (lambda fn: fn)))
    monkeypatch.setattr(zerogpu.importlib.util, "find_spec", lambda name: object())
    monkeypatch.setattr(zerogpu, "gpu_chunk_function", lambda: pickling_chunk)
    from ganplayground.ui.app import build_demo
    from ganplayground.ui.server.playground import Playground

    pg = Playground(max_trainings=1)
    try:
        assert pg.zerogpu and "ZeroGPU" in pg.device_text
        token = "zerogpu-test-token"
        build_demo(pg).page.train.on_start(token, "default", "mnist", "js", "mlp", 1e-3, 1e-3, 16, 8, 1, 0, 5)
        run = pg.manager.session(token).run
        assert isinstance(run, zerogpu.ChunkedRun)
        run.stop()
        run.join(30)
        assert run.state == "ended"
    finally:
        pg.close()
