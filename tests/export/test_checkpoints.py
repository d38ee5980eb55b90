"""A model folder round-trips exactly; bad, foreign or mismatched files give clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file, save_file

from ganplayground.config import Config, ConfigError
from ganplayground.export.checkpoints import CheckpointError, load_model, save_trainer, trainer_from_model
from ganplayground.train.trainer import Trainer


@pytest.fixture
def saved(tiny: Config, tmp_path: Path) -> tuple[Trainer, Path]:
    trainer = Trainer(tiny.replace(conditional=True))
    list(trainer.run(max_steps=4, every_steps=2))
    return trainer, save_trainer(tmp_path / "model", trainer)


def test_a_saved_model_loads_with_the_same_config_weights_and_history(saved: tuple[Trainer, Path]) -> None:
    trainer, path = saved
    assert sorted(p.name for p in path.iterdir()) == ["config.json", "history.json", "model.safetensors"]
    model = load_model(path)
    assert model.config == trainer.config.replace(device="cpu")
    assert model.step == 4 and len(model.history) == 2
    z, labels = torch.randn(6, 8), torch.arange(6)
    trainer.generator.eval()
    assert torch.equal(model.generator(z, labels), trainer.generator(z, labels))


def test_a_loaded_model_can_continue_training(saved: tuple[Trainer, Path]) -> None:
    _, path = saved
    trainer = trainer_from_model(load_model(path))
    trainer.step()
    assert trainer.step_count == 5


def test_a_loaded_model_continues_under_another_loss_with_its_optimiser_settings(saved: tuple[Trainer, Path]) -> None:
    _, path = saved
    model = load_model(path)
    switched = model.config.with_loss("wgan-gp")
    trainer = trainer_from_model(model, switched)
    trainer.step()
    assert trainer.step_count == 5 and trainer.config.loss == "wgan-gp"
    assert trainer.opt_d.param_groups[0]["lr"] == switched.lr_d


def test_continuing_with_another_architecture_names_each_differing_field(saved: tuple[Trainer, Path]) -> None:
    _, path = saved
    model = load_model(path)
    with pytest.raises(ConfigError, match=r"width 64 \(saved: 32\), spectral_norm True \(saved: False\)"):
        trainer_from_model(model, model.config.replace(width=64, spectral_norm=True))


def _parameters(module: torch.nn.Module) -> torch.Tensor:
    return torch.cat([p.detach().flatten() for p in module.parameters()])


def test_continuing_keeps_the_saved_weight_average_instead_of_restarting_it(tiny: Config, tmp_path: Path) -> None:
    trainer = Trainer(tiny.replace(ema=0.999))
    list(trainer.run(max_steps=40, every_steps=20))
    model = load_model(save_trainer(tmp_path / "ema", trainer))
    saved_average = _parameters(model.generator)
    continued = trainer_from_model(model)
    assert torch.equal(_parameters(continued.generator_ema), saved_average)
    continued.step()
    # How far the average moved towards the raw weights: 1 - decay. Continuing the warm-up after 40
    # updates gives 0.18; a restarted average (decay 2/11 on its first update) would move 0.82.
    moved = _parameters(continued.generator_ema) - saved_average
    towards = _parameters(continued.generator) - saved_average
    assert (moved @ towards) / (towards @ towards) < 0.3


def test_weights_are_plain_safetensors_with_named_tensors(saved: tuple[Trainer, Path]) -> None:
    _, path = saved
    tensors = load_file(str(path / "model.safetensors"))
    assert any(k.startswith("generator.") for k in tensors)
    assert any(k.startswith("discriminator.") for k in tensors)


def test_a_corrupted_weights_file_gives_a_clear_error(saved: tuple[Trainer, Path]) -> None:
    _, path = saved
    raw = (path / "model.safetensors").read_bytes()
    (path / "model.safetensors").write_bytes(raw[:40] + b"garbage" + raw[200:])
    with pytest.raises(CheckpointError, match="model.safetensors is not a valid safetensors file"):
        load_model(path)


def test_a_pickle_is_refused_not_unpickled(saved: tuple[Trainer, Path]) -> None:
    _, path = saved
    torch.save({"x": torch.ones(1)}, path / "model.safetensors")  # a pickle under the expected name
    with pytest.raises(CheckpointError, match="not a valid safetensors file"):
        load_model(path)


def test_shapes_that_do_not_match_the_config_are_named(saved: tuple[Trainer, Path]) -> None:
    _, path = saved
    meta = json.loads((path / "config.json").read_text())
    meta["config"]["width"] = 48
    (path / "config.json").write_text(json.dumps(meta))
    expected = r"generator\.net\.0\.weight has shape \(32, 16\), the config needs \(48, 16\)"
    with pytest.raises(CheckpointError, match=expected):
        load_model(path)


def test_missing_tensors_are_named(saved: tuple[Trainer, Path]) -> None:
    _, path = saved
    tensors = load_file(str(path / "model.safetensors"))
    del tensors["discriminator.head.weight"]
    save_file(tensors, str(path / "model.safetensors"))
    with pytest.raises(CheckpointError, match="missing discriminator.head.weight"):
        load_model(path)


def test_nan_weights_are_refused(saved: tuple[Trainer, Path]) -> None:
    _, path = saved
    tensors = load_file(str(path / "model.safetensors"))
    tensors["generator.net.0.bias"][0] = float("nan")
    save_file(tensors, str(path / "model.safetensors"))
    with pytest.raises(CheckpointError, match="NaN"):
        load_model(path)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not valid JSON"),
        ('{"format": "something-else"}', "not a ganplayground model config"),
        ('{"format": "ganplayground-model", "version": 99}', "format version 99"),
        ('{"format": "ganplayground-model", "version": 1, "config": {"batch_size": -1}}', r"batch_size must be in"),
    ],
)
def test_bad_or_foreign_configs_are_refused(saved: tuple[Trainer, Path], content: str, message: str) -> None:
    _, path = saved
    (path / "config.json").write_text(content)
    with pytest.raises(CheckpointError, match=message):
        load_model(path)


def test_a_missing_folder_is_named(tmp_path: Path) -> None:
    with pytest.raises(CheckpointError, match="no model folder at"):
        load_model(tmp_path / "nowhere")


def test_a_diverged_trainer_saves_its_last_good_weights(tiny: Config, tmp_path: Path) -> None:
    trainer = Trainer(tiny)
    list(trainer.run(max_steps=3, every_steps=1))
    with torch.no_grad():
        trainer.discriminator.head.bias.fill_(float("nan"))
    list(trainer.run(max_steps=10, every_steps=1))
    assert trainer.status == "diverged"
    load_model(save_trainer(tmp_path / "m", trainer))  # loads: no NaN was written
