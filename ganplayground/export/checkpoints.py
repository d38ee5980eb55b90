"""Save and load a trained model as a folder: model.safetensors (weights), config.json, history.json.

Nothing is ever unpickled: weights are safetensors, everything else JSON. Loading validates the
config and every tensor's name and shape against the networks the config describes, and fails with
a `CheckpointError` whose message says what is wrong.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch
from safetensors import safe_open
from safetensors.torch import save_file

from ..config import Config, ConfigError
from ..i18n import _, number
from ..train.drawings import DrawingError, decode_drawing
from ..train.live_metrics import Measure
from ..train.models import Discriminator, Generator, build_models
from ..train.trainer import Trainer

FORMAT = "ganplayground-model"
VERSION = 1
WEIGHTS_FILE, CONFIG_FILE, HISTORY_FILE = "model.safetensors", "config.json", "history.json"
MAX_WEIGHTS_BYTES = 64 * 1024 * 1024  # far above any model here; refuses giant or hostile files early


class CheckpointError(ValueError):
    """A model folder is missing, foreign, corrupted or does not match its config."""


@dataclass
class SavedModel:
    """A loaded model: its config, networks (eval mode), and how it was trained."""

    config: Config
    generator: Generator  # the weights to sample from (the average when config.ema > 0)
    discriminator: Discriminator
    training_generator: Generator | None = None  # raw weights to continue training from (EMA runs)
    step: int = 0
    samples_seen: int = 0
    elapsed: float = 0.0
    history: list[dict[str, Any]] = field(default_factory=list)
    info: dict[str, Any] = field(default_factory=dict)  # how it was made: preset, device, ...
    path: Path | None = None


def _json_safe(value: Any) -> Any:
    """Replace NaN/inf floats by None so the file is strict JSON."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    return value


def save_model(folder: str | Path, config: Config, generator_state: dict[str, torch.Tensor],
               discriminator_state: dict[str, torch.Tensor], *, training_generator_state:
               dict[str, torch.Tensor] | None = None, step: int = 0, samples_seen: int = 0,
               elapsed: float = 0.0, history: list[dict[str, Any]] | None = None,
               info: dict[str, Any] | None = None) -> Path:
    """Write a model folder (created if needed) and return its path.

    `generator_state` holds the weights to sample from (the weight average when config.ema > 0);
    `training_generator_state`, when given, the raw weights that training continues from.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    parts = {"generator.": generator_state, "discriminator.": discriminator_state,
             "generator_train.": training_generator_state or {}}
    tensors = {prefix + k: v.detach().cpu().contiguous() for prefix, state in parts.items() for k, v in state.items()}
    save_file(tensors, str(folder / WEIGHTS_FILE), metadata={"format": FORMAT, "version": str(VERSION)})
    meta = {"format": FORMAT, "version": VERSION, "step": step, "samples_seen": samples_seen,
            "elapsed": round(elapsed, 3), "config": config.to_dict(), "info": _json_safe(info or {})}
    (folder / CONFIG_FILE).write_text(json.dumps(meta, indent=2))
    (folder / HISTORY_FILE).write_text(json.dumps(_json_safe(history or [])))
    return folder


def save_trainer(folder: str | Path, trainer: Any, info: dict[str, Any] | None = None) -> Path:
    """Save a Trainer's model (its last good weights if it diverged) with its config, history and
    `info` (free-form facts for the model card: preset, device, ...)."""
    weights = trainer.good_weights()
    sampling = weights["generator_ema"] or weights["generator"]
    training = weights["generator"] if weights["generator_ema"] else None
    return save_model(folder, trainer.config, sampling, weights["discriminator"], training_generator_state=training,
                      step=trainer.step_count,
                      samples_seen=trainer.samples_seen, elapsed=trainer.elapsed, history=trainer.history,
                      info=info)


def _read_meta(folder: Path) -> dict[str, Any]:
    if not folder.is_dir():
        raise CheckpointError(_("no model folder at {folder}").format(folder=folder))
    path = folder / CONFIG_FILE
    if not path.is_file():
        raise CheckpointError(_("{folder} is not a ganplayground model: {file} is missing").format(
            folder=folder, file=CONFIG_FILE))
    try:
        meta = json.loads(path.read_text())
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CheckpointError(_("{file} is not valid JSON ({error})").format(file=path, error=exc)) from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise CheckpointError(_("{file} is not a ganplayground model config (format field missing or foreign)").format(
            file=path))
    if meta.get("version") != VERSION:
        raise CheckpointError(_("{file} has format version {version}; this version reads {supported}").format(
            file=path, version=repr(meta.get("version")), supported=VERSION))
    return meta


def read_tensors(path: Path, max_bytes: int = MAX_WEIGHTS_BYTES) -> dict[str, torch.Tensor]:
    """All tensors of a safetensors file, refusing oversized or malformed files with CheckpointError."""
    if not path.is_file():
        raise CheckpointError(_("weights file {file} is missing").format(file=path))
    size = path.stat().st_size
    if size > max_bytes:
        raise CheckpointError(_("weights file {file} is {size} MB; the limit is {limit} MB").format(
            file=path.name, size=number(size / 2**20), limit=number(max_bytes / 2**20)))
    try:
        with safe_open(str(path), framework="pt") as f:
            return {k: f.get_tensor(k) for k in f.keys()}  # noqa: SIM118 - safe_open has no __iter__
    except Exception as exc:  # noqa: BLE001 - safetensors raises several types for corrupt files
        raise CheckpointError(_("{file} is not a valid safetensors file ({error})").format(
            file=path.name, error=type(exc).__name__)) from None


def _load_into(module: torch.nn.Module, prefix: str, tensors: dict[str, torch.Tensor], source: str) -> None:
    expected = module.state_dict()
    got = {k[len(prefix):]: v for k, v in tensors.items() if k.startswith(prefix)}
    missing = sorted(set(expected) - set(got))
    extra = sorted(set(got) - set(expected))
    if missing or extra:
        parts = []
        if missing:
            parts.append((_("missing {name} and {count} more") if len(missing) > 1 else _("missing {name}")).format(
                name=prefix + missing[0], count=number(len(missing) - 1)))
        if extra:
            parts.append((_("unexpected {name} and {count} more") if len(extra) > 1 else _("unexpected {name}")).format(
                name=prefix + extra[0], count=number(len(extra) - 1)))
        raise CheckpointError(_("{file} does not match its config: {problems}").format(
            file=source, problems="; ".join(parts)))
    for name, want in expected.items():  # in the model's own order: the first mismatch is reported
        value = got[name]
        if tuple(value.shape) != tuple(want.shape):
            raise CheckpointError(_("{file}: {name} has shape {shape}, the config needs {needed}").format(
                file=source, name=prefix + name, shape=tuple(value.shape), needed=tuple(want.shape)))
        if value.dtype != want.dtype:
            raise CheckpointError(_("{file}: {name} has dtype {dtype}, expected {expected}").format(
                file=source, name=prefix + name, dtype=value.dtype, expected=want.dtype))
        if value.is_floating_point() and not torch.isfinite(value).all():
            raise CheckpointError(_("{file}: {name} contains NaN or infinite values").format(
                file=source, name=prefix + name))
    module.load_state_dict(got)


def load_model(folder: str | Path, device: str = "cpu") -> SavedModel:
    """Load a model folder onto `device`, validating config, names, shapes and values."""
    folder = Path(folder)
    meta = _read_meta(folder)
    try:
        config = Config.from_dict({**meta.get("config", {}), "device": device})
    except ConfigError as exc:
        raise CheckpointError(f"{folder / CONFIG_FILE}: {exc}") from None
    if config.drawing:
        try:  # the form was checked by Config; the drawing itself now, before anything is built on it
            decode_drawing(config.drawing)
        except DrawingError as exc:
            raise CheckpointError(_("{file}: the model's drawing cannot be read. {error}").format(
                file=folder / CONFIG_FILE, error=exc)) from None
    tensors = read_tensors(folder / WEIGHTS_FILE)
    generator, discriminator = build_models(config.dataset, config.arch, config.latent_dim, config.width,
                                            config.conditional, config.g_batchnorm, config.spectral_norm)
    _load_into(generator, "generator.", tensors, WEIGHTS_FILE)
    _load_into(discriminator, "discriminator.", tensors, WEIGHTS_FILE)
    training_generator = None
    if any(k.startswith("generator_train.") for k in tensors):
        training_generator, _discriminator = build_models(config.dataset, config.arch, config.latent_dim, config.width,
                                                          config.conditional, config.g_batchnorm, config.spectral_norm)
        _load_into(training_generator, "generator_train.", tensors, WEIGHTS_FILE)
    unknown = sorted({k.split(".")[0] for k in tensors} - {"generator", "discriminator", "generator_train"})
    if unknown:
        raise CheckpointError(_("{file} holds unexpected tensors ({name}...)").format(
            file=WEIGHTS_FILE, name=unknown[0]))
    history: list[dict[str, Any]] = []
    history_path = folder / HISTORY_FILE
    if history_path.is_file():
        try:
            history = json.loads(history_path.read_text())
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise CheckpointError(_("{file} is not valid JSON").format(file=history_path)) from None
        if not isinstance(history, list):
            raise CheckpointError(_("{file} must hold a list").format(file=history_path))
    torch_device = torch.device("cuda" if device == "auto" and torch.cuda.is_available() else
                                ("cpu" if device == "auto" else device))
    generator.to(torch_device).eval()
    discriminator.to(torch_device).eval()
    if training_generator is not None:
        training_generator.to(torch_device)
    return SavedModel(config=config, generator=generator, discriminator=discriminator,
                      training_generator=training_generator,
                      step=int(meta.get("step", 0)), samples_seen=int(meta.get("samples_seen", 0)),
                      elapsed=float(meta.get("elapsed", 0.0)), history=history,
                      info=meta.get("info") if isinstance(meta.get("info"), dict) else {}, path=folder)


def trainer_from_model(saved: SavedModel, config: Config | None = None, measure: Measure | None = None) -> Trainer:
    """A Trainer that continues training a loaded model: its networks, step count, samples seen,
    elapsed time and history carry on; the optimisers start fresh from `config`'s settings.

    `config` (default: the saved one) may change any training setting (loss, learning rates,
    budget, device, ...) but not the networks: fields in config.ARCHITECTURE_FIELDS that differ
    from the saved model's raise ConfigError naming each one. A saved weight average stays the
    weight average, continuing its warm-up where it stopped. `measure` takes the live metrics (see Trainer).
    """
    config = config or saved.config
    changed = [_("{setting} {value} (saved: {saved})").format(setting=name, value=getattr(config, name),
                                                              saved=getattr(saved.config, name))
               for name in saved.config.network_changes(config)]
    if changed:
        raise ConfigError(_("cannot continue {model} with a different architecture: {changes}").format(
            model=saved.path or _("the saved model"), changes=", ".join(changed)))
    generator = saved.training_generator or saved.generator
    generator.train()
    saved.discriminator.train()
    trainer = Trainer(config, generator, saved.discriminator, step=saved.step,
                      samples_seen=saved.samples_seen, elapsed=saved.elapsed, history=saved.history, measure=measure)
    if trainer.generator_ema is not None and saved.training_generator is not None:
        trainer.load_weight_average(saved.generator.state_dict(), saved.step)
    return trainer
