"""The CUDA path on a real GPU: `python -m pytest -m gpu` on a machine with one. Everywhere else (CI, the
2-core development VMs) these tests are deselected by default and skip when selected without CUDA.

What they check is what the CPU tests cannot: data and networks on the device, fused Adam, bf16 autocast,
CUDA graphs with their eager fallback, and that the collapse preset's story runs there too.
"""

from __future__ import annotations

import pytest
import torch

from ganplayground.config import Config
from ganplayground.measure.metrics import evaluate_generator
from ganplayground.presets import get_preset
from ganplayground.train.trainer import Trainer

pytestmark = [pytest.mark.gpu,
              pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU (run with -m gpu there)")]


def test_auto_device_trains_on_the_gpu_with_fused_adam_and_bf16() -> None:
    trainer = Trainer(Config(arch="dcgan", width=16, latent_dim=16, batch_size=64))
    assert trainer.device.type == "cuda" and trainer.data.images.device.type == "cuda"
    assert next(trainer.generator.parameters()).is_cuda
    assert trainer.opt_d.defaults.get("fused") and trainer.precision == "bf16"
    stats = [trainer.step() for _ in range(5)]
    assert all(torch.isfinite(torch.tensor([s.loss_d, s.loss_g])).all() for s in stats)
    assert "GPU" in trainer.device_text()


@pytest.mark.parametrize("loss", ["js", "wgan-gp"])
def test_compiled_cuda_graph_steps_run_or_fall_back_to_eager(loss: str) -> None:
    trainer = Trainer(Config(arch="mlp", width=64, latent_dim=8, batch_size=64, loss=loss, compile="on"))
    for _ in range(20):
        trainer.step()
    assert trainer.compiled or trainer.compile_note  # compiled, or eager with the reason said
    assert trainer.sample(16).shape == (16, 1, 28, 28)


def test_the_collapse_preset_collapses_and_the_switch_cures_it_on_the_gpu() -> None:
    config = get_preset("collapse").config.replace(max_seconds=0, max_steps=12_000)
    trainer = Trainer(config)
    for _ in trainer.run(every_seconds=5.0):
        pass
    collapsed = evaluate_generator(trainer.sampler, config, 5000, seed=1000)
    assert collapsed["verdict"] == "collapse" and collapsed["modes"] <= 2, collapsed
    trainer.switch_loss("wgan-gp")
    for _ in trainer.run(max_steps=trainer.step_count + 3_000, every_seconds=5.0):
        pass
    cured = evaluate_generator(trainer.sampler, trainer.config, 5000, seed=1000)
    assert cured["modes"] >= 9 and cured["verdict"] == "healthy", cured
