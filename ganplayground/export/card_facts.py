"""What a lab card shows, gathered from a Trainer (with its latest Snapshot) or a saved model folder: the settings
it started with and ended with, its records, its final picture, its meter reading and where it ran.

Not the drawing (labcard.py) and not a trainer: a saved model's picture is drawn again from its fixed noise
by a trainer that trains nothing.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

from ..config import TOY_DATASETS, Config, ConfigError
from ..i18n import _, number
from ..measure.metrics import evaluate_generator
from ..presets import PRESETS
from ..train.images import toy_plot
from .checkpoints import SavedModel, trainer_from_model


@dataclass(frozen=True)
class CardFacts:
    """Everything a card shows. `picture` is the final fixed-noise grid (uint8 (H, W)) or the toy plot
    (uint8 (H, W, 3)); `history` the run's records (trainer.history); `metrics` the meter's latest reading."""

    config: Config  # in force at the end (after any loss switch)
    start_config: Config  # what the run started with
    history: list[dict[str, Any]]
    picture: np.ndarray
    step: int
    samples_seen: int
    elapsed: float  # seconds of training
    device: str  # "" when not recorded
    date: str  # "" when not recorded
    status: str = ""
    metrics: dict[str, Any] | None = None
    metrics_step: int = -1
    preset: str | None = None  # the preset it started from, when known
    note: str = ""  # e.g. where the meter's last reading came from
    extra: dict[str, Any] = field(default_factory=dict)


def _last_metrics(history: list[dict[str, Any]]) -> tuple[dict[str, Any] | None, int]:
    for entry in reversed(history):
        if entry.get("metrics"):
            return entry["metrics"], int(entry.get("metrics_step", entry.get("step", -1)))
    return None, -1


def _picture(snap: Any, trainer: Any) -> np.ndarray:
    if snap.grid is not None:
        return snap.grid
    reals, _labels = trainer.data.sample(500, torch.Generator(trainer.device).manual_seed(0))  # (500, 2)
    return toy_plot(snap.surface, snap.extent, reals.cpu().numpy(), snap.points)


def facts_from_trainer(trainer: Any, snapshot: Any = None, *, start_config: Config | None = None,
                       preset: str | None = None, date: str | None = None) -> CardFacts:
    """A card's facts for a Trainer. `snapshot`: the run's latest published Snapshot (a live run's poller
    has one; taking a new one would interfere with the training thread); None takes one now."""
    snap = snapshot if snapshot is not None else trainer.snapshot()
    history = list(trainer.history)
    metrics, metrics_step = _last_metrics(history)
    if snap.metrics and snap.metrics_step >= metrics_step:
        metrics, metrics_step = snap.metrics, snap.metrics_step
    start, note = (start_config, "") if start_config is not None else _start_config(trainer.config, history)
    return CardFacts(config=trainer.config, start_config=start, note=note, history=history,
                     picture=_picture(snap, trainer), step=snap.step, samples_seen=snap.samples_seen,
                     elapsed=snap.elapsed, device=snap.device, date=date or time.strftime("%Y-%m-%d"),
                     status=snap.status, metrics=metrics, metrics_step=metrics_step, preset=preset)


def facts_from_model(saved: SavedModel, measure: bool = True) -> CardFacts:
    """A card's facts for a saved model. Its picture is drawn again from the run's fixed noise (the trainer
    derives it from the seed); when its history holds no meter reading and `measure` is set, the meter reads
    1,000 samples now (as the page's live meter does)."""
    info = saved.info
    start = None
    if isinstance(info.get("start_config"), dict):
        try:
            start = Config.from_dict({**info["start_config"], "device": saved.config.device})
        except ConfigError:
            start = None
    trainer = trainer_from_model(saved)  # for the fixed noise, the sampler and D's surface; nothing trains
    snap = trainer.snapshot()
    metrics, metrics_step = _last_metrics(saved.history)
    start, note = (start, "") if start is not None else _start_config(saved.config, saved.history)
    if metrics is None and measure and saved.config.dataset in ("mnist", *TOY_DATASETS):
        metrics = evaluate_generator(trainer.sampler, saved.config, 1000, seed=saved.config.seed + 3)
        metrics_step = saved.step
        note = " ".join([note, _("The model's history holds no meter readings: the meter read {count} samples when "
                                 "this card was made.").format(count=number(1000))]).strip()
    return CardFacts(config=saved.config, start_config=start,
                     history=list(saved.history), picture=_picture(snap, trainer), step=saved.step,
                     samples_seen=saved.samples_seen, elapsed=saved.elapsed,
                     device=str(info.get("trained_on") or ""), date=str(info.get("date") or ""),
                     status=str(info.get("status") or ""),
                     metrics=metrics, metrics_step=metrics_step,
                     preset=info.get("preset") if info.get("preset") in PRESETS else None, note=note)


def _start_config(config: Config, history: list[dict[str, Any]]) -> tuple[Config, str]:
    """(the config a run started with as far as its records tell, a note when that is a guess): the final
    one, or after a loss switch the final one with the first loss's recommended settings."""
    first = history[0].get("loss") if history else None
    if not first or first == config.loss:
        return config, ""
    return config.with_loss(first), _("The settings before the loss switch were not recorded: shown with {loss}'s "
                                      "recommended optimiser settings.").format(loss=first)
