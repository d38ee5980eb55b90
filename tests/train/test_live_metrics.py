"""Live metrics come from the measuring function a trainer is given: a run that asks for them without one is
refused in words, never left silently unmeasured; with one, it reads the sampler when asked."""

from __future__ import annotations

import pytest
import torch

from ganplayground.config import Config, ConfigError
from ganplayground.train.trainer import Trainer


def test_live_metrics_asked_for_without_a_measuring_function_are_refused_in_words(tiny: Config) -> None:
    every = Trainer(tiny.replace(metrics_every=5))  # a trainer that only draws or steps needs none...
    every.step()
    with pytest.raises(ConfigError, match="metrics_every=5 asks for live metrics.*measure=live_reading"):
        every.run(max_steps=10)  # ...a run that would measure does
    trainer = Trainer(tiny)
    with pytest.raises(ConfigError, match=r"run\(metrics_seconds=2\) asks for live metrics"):
        trainer.run(metrics_seconds=2.0)  # at the call, before any training
    with pytest.raises(ConfigError, match="measuring function"):
        trainer.reconfigure(tiny.replace(metrics_every=5))
    assert trainer.step_count == 0 and trainer.config == tiny
    assert list(trainer.run(max_steps=3, every_steps=3))[-1].metrics is None  # not asked: trains unmeasured


def test_a_measuring_function_reads_the_sampler_when_the_run_asks(tiny: Config) -> None:
    readings: list[tuple[torch.nn.Module, Config]] = []

    def measure(sampler: torch.nn.Module, config: Config) -> dict:
        readings.append((sampler, config))
        return {"modes": len(readings)}

    trainer = Trainer(tiny.replace(metrics_every=5, ema=0.9), measure=measure)
    snaps = list(trainer.run(max_steps=20, every_steps=10))
    assert len(readings) == 4 and all(s is trainer.sampler and c == trainer.config for s, c in readings)
    assert snaps[-1].metrics == {"modes": 4} and snaps[-1].metrics_step == 20
    assert [e["metrics_step"] for e in trainer.history if "metrics" in e] == [10, 20]
    list(trainer.run(max_steps=40, every_steps=10, metrics_seconds=1e-9))  # timed readings too
    assert len(readings) > 8 and trainer.history[-1]["metrics_step"] == 40


def test_a_run_reads_its_weights_again_as_it_pauses(tiny: Config) -> None:
    trainer = Trainer(tiny, measure=lambda sampler, config: {"modes": 1})
    runs = trainer.run(every_steps=5, metrics_seconds=3600.0)  # timed readings too rare to come on their own
    for snap in runs:
        if snap.step >= 10 and not trainer.paused:
            trainer.pause()
        elif snap.status == "paused":
            break
    assert snap.status == "paused" and snap.metrics == {"modes": 1} and snap.metrics_step == snap.step >= 10
    trainer.stop()
    list(runs)
